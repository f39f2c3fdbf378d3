/* SDK header, GBK */
#ifndef SDK_H
#define SDK_H
typedef enum tag_GROUP0 {
    SDK_FIELD_GROUP0_0 = 0, // ÊÇ·ñÎ¬×å
    SDK_age_group = 1, // field
    SDK_beard = 2, // field
} GROUP0_T;
typedef enum tag_MISC0 {
    SDK_FIELD_MISC0_0 = 0, // storage: hdd 1121 smart ok
    SDK_FIELD_MISC0_1 = 1, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_2 = 2, // motion: region 5398 armed
    SDK_FIELD_MISC0_3 = 3, // isp: exposure 6717 us
    SDK_FIELD_MISC0_4 = 4, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_5 = 5, // ntp: clock adjusted by 7489ms
    SDK_FIELD_MISC0_6 = 6, // audio: g711a enabled
    SDK_FIELD_MISC0_7 = 7, // ptz: preset 7598 reached
    SDK_FIELD_MISC0_8 = 8, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_9 = 9, // motion: region 9515 armed
    SDK_FIELD_MISC0_10 = 10, // onvif: GetProfiles from cam76
    SDK_FIELD_MISC0_11 = 11, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_12 = 12, // osd: overlay refreshed
    SDK_FIELD_MISC0_13 = 13, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_14 = 14, // onvif: GetProfiles from cam5
    SDK_FIELD_MISC0_15 = 15, // isp: exposure 6676 us
    SDK_FIELD_MISC0_16 = 16, // wifi: rssi 8162 dBm
    SDK_FIELD_MISC0_17 = 17, // storage: hdd 6167 smart ok
    SDK_FIELD_MISC0_18 = 18, // wifi: rssi 2443 dBm
    SDK_FIELD_MISC0_19 = 19, // motion: region 8153 armed
    SDK_FIELD_MISC0_20 = 20, // encoder: bitrate 8840 kbps
    SDK_FIELD_MISC0_21 = 21, // motion: region 3690 armed
    SDK_FIELD_MISC0_22 = 22, // isp: exposure 1947 us
    SDK_FIELD_MISC0_23 = 23, // wifi: rssi 9908 dBm
    SDK_FIELD_MISC0_24 = 24, // rtsp: session 924 opened
    SDK_FIELD_MISC0_25 = 25, // onvif: GetProfiles from cam34
    SDK_FIELD_MISC0_26 = 26, // isp: exposure 7953 us
    SDK_FIELD_MISC0_27 = 27, // ntp: clock adjusted by 8790ms
    SDK_FIELD_MISC0_28 = 28, // upgrade: package verified
    SDK_FIELD_MISC0_29 = 29, // wifi: rssi 8598 dBm
    SDK_FIELD_MISC0_30 = 30, // osd: overlay refreshed
    SDK_FIELD_MISC0_31 = 31, // upgrade: package verified
    SDK_FIELD_MISC0_32 = 32, // audio: g711a enabled
    SDK_FIELD_MISC0_33 = 33, // ptz: preset 2562 reached
    SDK_FIELD_MISC0_34 = 34, // encoder: bitrate 126 kbps
    SDK_FIELD_MISC0_35 = 35, // ntp: clock adjusted by 8347ms
    SDK_FIELD_MISC0_36 = 36, // isp: exposure 6797 us
    SDK_FIELD_MISC0_37 = 37, // encoder: bitrate 885 kbps
    SDK_FIELD_MISC0_38 = 38, // storage: hdd 5344 smart ok
    SDK_FIELD_MISC0_39 = 39, // http: 200 cam47
    SDK_FIELD_MISC0_40 = 40, // rtsp: session 9143 opened
    SDK_FIELD_MISC0_41 = 41, // wifi: rssi 1132 dBm
    SDK_FIELD_MISC0_42 = 42, // upgrade: package verified
    SDK_FIELD_MISC0_43 = 43, // encoder: bitrate 9538 kbps
    SDK_FIELD_MISC0_44 = 44, // audio: g711a enabled
    SDK_FIELD_MISC0_45 = 45, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_46 = 46, // ptz: preset 970 reached
    SDK_FIELD_MISC0_47 = 47, // upgrade: package verified
    SDK_FIELD_MISC0_48 = 48, // ntp: clock adjusted by 976ms
    SDK_FIELD_MISC0_49 = 49, // rtsp: session 4912 opened
    SDK_FIELD_MISC0_50 = 50, // rtsp: session 8754 opened
    SDK_FIELD_MISC0_51 = 51, // storage: hdd 923 smart ok
    SDK_FIELD_MISC0_52 = 52, // audio: g711a enabled
    SDK_FIELD_MISC0_53 = 53, // http: 200 cam56
    SDK_FIELD_MISC0_54 = 54, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_55 = 55, // onvif: GetProfiles from cam2
    SDK_FIELD_MISC0_56 = 56, // audio: g711a enabled
    SDK_FIELD_MISC0_57 = 57, // onvif: GetProfiles from cam1
    SDK_FIELD_MISC0_58 = 58, // http: 200 cam98
    SDK_FIELD_MISC0_59 = 59, // encoder: bitrate 1265 kbps
} MISC0_T;
#endif