/* SDK header, GBK */
#ifndef SDK_H
#define SDK_H
typedef enum tag_GROUP0 {
    E_FIELD_GROUP0_0 = 0, // 是否少数民族
} GROUP0_T;
typedef enum tag_MISC0 {
    E_FIELD_MISC0_0 = 0, // isp: exposure 1458 us
    E_FIELD_MISC0_1 = 1, // onvif: GetProfiles from cam25
    E_FIELD_MISC0_2 = 2, // upgrade: package verified
    E_FIELD_MISC0_3 = 3, // wifi: rssi 9538 dBm
    E_FIELD_MISC0_4 = 4, // http: 200 cam73
    E_FIELD_MISC0_5 = 5, // storage: hdd 198 smart ok
    E_FIELD_MISC0_6 = 6, // network: dhcp lease renewed on eth0
    E_FIELD_MISC0_7 = 7, // motion: region 5099 armed
    E_FIELD_MISC0_8 = 8, // audio: g711a enabled
    E_FIELD_MISC0_9 = 9, // onvif: GetProfiles from cam89
    E_FIELD_MISC0_10 = 10, // rtsp: session 4325 opened
    E_FIELD_MISC0_11 = 11, // motion: region 5912 armed
    E_FIELD_MISC0_12 = 12, // onvif: GetProfiles from cam98
    E_FIELD_MISC0_13 = 13, // onvif: GetProfiles from cam17
    E_FIELD_MISC0_14 = 14, // isp: exposure 868 us
    E_FIELD_MISC0_15 = 15, // audio: g711a enabled
    E_FIELD_MISC0_16 = 16, // rtsp: session 1987 opened
    E_FIELD_MISC0_17 = 17, // http: 200 cam18
    E_FIELD_MISC0_18 = 18, // network: dhcp lease renewed on eth0
    E_FIELD_MISC0_19 = 19, // encoder: bitrate 5143 kbps
    E_FIELD_MISC0_20 = 20, // network: dhcp lease renewed on eth0
    E_FIELD_MISC0_21 = 21, // osd: overlay refreshed
    E_FIELD_MISC0_22 = 22, // rtsp: session 2115 opened
    E_FIELD_MISC0_23 = 23, // wifi: rssi 4282 dBm
    E_FIELD_MISC0_24 = 24, // isp: exposure 5581 us
    E_FIELD_MISC0_25 = 25, // audio: g711a enabled
    E_FIELD_MISC0_26 = 26, // ntp: clock adjusted by 2719ms
    E_FIELD_MISC0_27 = 27, // wifi: rssi 177 dBm
    E_FIELD_MISC0_28 = 28, // wifi: rssi 3885 dBm
    E_FIELD_MISC0_29 = 29, // onvif: GetProfiles from cam80
    E_FIELD_MISC0_30 = 30, // audio: g711a enabled
    E_FIELD_MISC0_31 = 31, // storage: hdd 1176 smart ok
    E_FIELD_MISC0_32 = 32, // wifi: rssi 5417 dBm
    E_FIELD_MISC0_33 = 33, // storage: hdd 4281 smart ok
    E_FIELD_MISC0_34 = 34, // rtsp: session 5412 opened
    E_FIELD_MISC0_35 = 35, // http: 200 cam91
    E_FIELD_MISC0_36 = 36, // rtsp: session 2687 opened
    E_FIELD_MISC0_37 = 37, // http: 200 cam51
    E_FIELD_MISC0_38 = 38, // upgrade: package verified
    E_FIELD_MISC0_39 = 39, // upgrade: package verified
    E_FIELD_MISC0_40 = 40, // encoder: bitrate 8672 kbps
    E_FIELD_MISC0_41 = 41, // encoder: bitrate 149 kbps
    E_FIELD_MISC0_42 = 42, // onvif: GetProfiles from cam16
    E_FIELD_MISC0_43 = 43, // motion: region 1782 armed
    E_FIELD_MISC0_44 = 44, // osd: overlay refreshed
    E_FIELD_MISC0_45 = 45, // upgrade: package verified
    E_FIELD_MISC0_46 = 46, // onvif: GetProfiles from cam5
    E_FIELD_MISC0_47 = 47, // encoder: bitrate 9174 kbps
    E_FIELD_MISC0_48 = 48, // upgrade: package verified
    E_FIELD_MISC0_49 = 49, // network: dhcp lease renewed on eth0
    E_FIELD_MISC0_50 = 50, // storage: hdd 6565 smart ok
    E_FIELD_MISC0_51 = 51, // rtsp: session 2727 opened
    E_FIELD_MISC0_52 = 52, // http: 200 cam69
    E_FIELD_MISC0_53 = 53, // audio: g711a enabled
    E_FIELD_MISC0_54 = 54, // wifi: rssi 5675 dBm
    E_FIELD_MISC0_55 = 55, // motion: region 3382 armed
    E_FIELD_MISC0_56 = 56, // audio: g711a enabled
    E_FIELD_MISC0_57 = 57, // ntp: clock adjusted by 5430ms
    E_FIELD_MISC0_58 = 58, // onvif: GetProfiles from cam14
    E_FIELD_MISC0_59 = 59, // rtsp: session 4608 opened
} MISC0_T;
#endif