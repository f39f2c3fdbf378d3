/* SDK header, GBK */
#ifndef SDK_H
#define SDK_H
typedef enum tag_GROUP0 {
    SDK_ethnicity = 0, // field
    SDK_race = 1, // field
    SDK_beard = 2, // field
    SDK_smile = 3, // field
} GROUP0_T;
typedef enum tag_MISC0 {
    SDK_FIELD_MISC0_0 = 0, // upgrade: package verified
    SDK_FIELD_MISC0_1 = 1, // osd: overlay refreshed
    SDK_FIELD_MISC0_2 = 2, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_3 = 3, // http: 200 cam7
    SDK_FIELD_MISC0_4 = 4, // http: 200 cam84
    SDK_FIELD_MISC0_5 = 5, // motion: region 4510 armed
    SDK_FIELD_MISC0_6 = 6, // osd: overlay refreshed
    SDK_FIELD_MISC0_7 = 7, // ptz: preset 744 reached
    SDK_FIELD_MISC0_8 = 8, // osd: overlay refreshed
    SDK_FIELD_MISC0_9 = 9, // osd: overlay refreshed
    SDK_FIELD_MISC0_10 = 10, // wifi: rssi 1636 dBm
    SDK_FIELD_MISC0_11 = 11, // storage: hdd 2871 smart ok
    SDK_FIELD_MISC0_12 = 12, // rtsp: session 1998 opened
    SDK_FIELD_MISC0_13 = 13, // http: 200 cam24
    SDK_FIELD_MISC0_14 = 14, // osd: overlay refreshed
    SDK_FIELD_MISC0_15 = 15, // encoder: bitrate 8204 kbps
    SDK_FIELD_MISC0_16 = 16, // isp: exposure 5991 us
    SDK_FIELD_MISC0_17 = 17, // encoder: bitrate 3134 kbps
    SDK_FIELD_MISC0_18 = 18, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_19 = 19, // encoder: bitrate 576 kbps
    SDK_FIELD_MISC0_20 = 20, // storage: hdd 5328 smart ok
    SDK_FIELD_MISC0_21 = 21, // motion: region 6822 armed
    SDK_FIELD_MISC0_22 = 22, // wifi: rssi 2331 dBm
    SDK_FIELD_MISC0_23 = 23, // osd: overlay refreshed
    SDK_FIELD_MISC0_24 = 24, // isp: exposure 9092 us
    SDK_FIELD_MISC0_25 = 25, // encoder: bitrate 9792 kbps
    SDK_FIELD_MISC0_26 = 26, // storage: hdd 2607 smart ok
    SDK_FIELD_MISC0_27 = 27, // upgrade: package verified
    SDK_FIELD_MISC0_28 = 28, // rtsp: session 627 opened
    SDK_FIELD_MISC0_29 = 29, // ntp: clock adjusted by 6043ms
    SDK_FIELD_MISC0_30 = 30, // http: 200 cam14
    SDK_FIELD_MISC0_31 = 31, // storage: hdd 135 smart ok
    SDK_FIELD_MISC0_32 = 32, // onvif: GetProfiles from cam36
    SDK_FIELD_MISC0_33 = 33, // rtsp: session 1359 opened
    SDK_FIELD_MISC0_34 = 34, // network: dhcp lease renewed on eth0
    SDK_FIELD_MISC0_35 = 35, // ptz: preset 8371 reached
    SDK_FIELD_MISC0_36 = 36, // http: 200 cam41
    SDK_FIELD_MISC0_37 = 37, // storage: hdd 4012 smart ok
    SDK_FIELD_MISC0_38 = 38, // storage: hdd 5369 smart ok
    SDK_FIELD_MISC0_39 = 39, // ntp: clock adjusted by 6869ms
    SDK_FIELD_MISC0_40 = 40, // storage: hdd 2500 smart ok
    SDK_FIELD_MISC0_41 = 41, // upgrade: package verified
    SDK_FIELD_MISC0_42 = 42, // storage: hdd 6026 smart ok
    SDK_FIELD_MISC0_43 = 43, // storage: hdd 8243 smart ok
    SDK_FIELD_MISC0_44 = 44, // http: 200 cam50
    SDK_FIELD_MISC0_45 = 45, // ptz: preset 921 reached
    SDK_FIELD_MISC0_46 = 46, // osd: overlay refreshed
    SDK_FIELD_MISC0_47 = 47, // onvif: GetProfiles from cam74
    SDK_FIELD_MISC0_48 = 48, // storage: hdd 6659 smart ok
    SDK_FIELD_MISC0_49 = 49, // isp: exposure 7868 us
    SDK_FIELD_MISC0_50 = 50, // ptz: preset 2882 reached
    SDK_FIELD_MISC0_51 = 51, // onvif: GetProfiles from cam27
    SDK_FIELD_MISC0_52 = 52, // upgrade: package verified
    SDK_FIELD_MISC0_53 = 53, // ptz: preset 9741 reached
    SDK_FIELD_MISC0_54 = 54, // wifi: rssi 7662 dBm
    SDK_FIELD_MISC0_55 = 55, // http: 200 cam65
    SDK_FIELD_MISC0_56 = 56, // ntp: clock adjusted by 3592ms
    SDK_FIELD_MISC0_57 = 57, // motion: region 8701 armed
    SDK_FIELD_MISC0_58 = 58, // storage: hdd 2725 smart ok
    SDK_FIELD_MISC0_59 = 59, // osd: overlay refreshed
} MISC0_T;
#endif