/* SDK header, GBK */
#ifndef SDK_H
#define SDK_H
typedef enum tag_GROUP0 {
    E_FIELD_GROUP0_0 = 0, // 姓名
    E_FIELD_GROUP0_1 = 1, // 性别
    E_FIELD_GROUP0_2 = 2, // 民族
    E_FIELD_GROUP0_3 = 3, // 出生日期
    E_FIELD_GROUP0_4 = 4, // 籍贯
    E_FIELD_GROUP0_5 = 5, // 政治面貌
    E_FIELD_GROUP0_6 = 6, // 身份证号
    E_FIELD_GROUP0_7 = 7, // 学历
    E_FIELD_GROUP0_8 = 8, // 毕业院校
    E_FIELD_GROUP0_9 = 9, // 婚姻状况
    E_FIELD_GROUP0_10 = 10, // 联系电话
    E_FIELD_GROUP0_11 = 11, // 工作单位
} GROUP0_T;
typedef enum tag_MISC0 {
    E_FIELD_MISC0_0 = 0, // encoder: bitrate 4514 kbps
    E_FIELD_MISC0_1 = 1, // upgrade: package verified
    E_FIELD_MISC0_2 = 2, // osd: overlay refreshed
    E_FIELD_MISC0_3 = 3, // isp: exposure 7473 us
    E_FIELD_MISC0_4 = 4, // ptz: preset 3350 reached
    E_FIELD_MISC0_5 = 5, // osd: overlay refreshed
    E_FIELD_MISC0_6 = 6, // osd: overlay refreshed
    E_FIELD_MISC0_7 = 7, // ntp: clock adjusted by 1495ms
    E_FIELD_MISC0_8 = 8, // http: 200 cam15
    E_FIELD_MISC0_9 = 9, // osd: overlay refreshed
    E_FIELD_MISC0_10 = 10, // wifi: rssi 8421 dBm
    E_FIELD_MISC0_11 = 11, // upgrade: package verified
    E_FIELD_MISC0_12 = 12, // wifi: rssi 8897 dBm
    E_FIELD_MISC0_13 = 13, // onvif: GetProfiles from cam75
    E_FIELD_MISC0_14 = 14, // motion: region 9982 armed
    E_FIELD_MISC0_15 = 15, // audio: g711a enabled
    E_FIELD_MISC0_16 = 16, // ptz: preset 8214 reached
    E_FIELD_MISC0_17 = 17, // wifi: rssi 7864 dBm
    E_FIELD_MISC0_18 = 18, // storage: hdd 1265 smart ok
    E_FIELD_MISC0_19 = 19, // audio: g711a enabled
    E_FIELD_MISC0_20 = 20, // upgrade: package verified
    E_FIELD_MISC0_21 = 21, // isp: exposure 9627 us
    E_FIELD_MISC0_22 = 22, // audio: g711a enabled
    E_FIELD_MISC0_23 = 23, // isp: exposure 1252 us
    E_FIELD_MISC0_24 = 24, // ptz: preset 7601 reached
    E_FIELD_MISC0_25 = 25, // storage: hdd 5758 smart ok
    E_FIELD_MISC0_26 = 26, // audio: g711a enabled
    E_FIELD_MISC0_27 = 27, // ptz: preset 3926 reached
    E_FIELD_MISC0_28 = 28, // storage: hdd 3154 smart ok
    E_FIELD_MISC0_29 = 29, // rtsp: session 2538 opened
    E_FIELD_MISC0_30 = 30, // storage: hdd 4057 smart ok
    E_FIELD_MISC0_31 = 31, // network: dhcp lease renewed on eth0
    E_FIELD_MISC0_32 = 32, // ptz: preset 1234 reached
    E_FIELD_MISC0_33 = 33, // isp: exposure 1958 us
    E_FIELD_MISC0_34 = 34, // http: 200 cam51
    E_FIELD_MISC0_35 = 35, // rtsp: session 4910 opened
    E_FIELD_MISC0_36 = 36, // network: dhcp lease renewed on eth0
    E_FIELD_MISC0_37 = 37, // motion: region 2822 armed
    E_FIELD_MISC0_38 = 38, // ntp: clock adjusted by 5155ms
    E_FIELD_MISC0_39 = 39, // isp: exposure 5109 us
    E_FIELD_MISC0_40 = 40, // isp: exposure 1360 us
    E_FIELD_MISC0_41 = 41, // ptz: preset 2370 reached
    E_FIELD_MISC0_42 = 42, // audio: g711a enabled
    E_FIELD_MISC0_43 = 43, // encoder: bitrate 4578 kbps
    E_FIELD_MISC0_44 = 44, // audio: g711a enabled
    E_FIELD_MISC0_45 = 45, // onvif: GetProfiles from cam94
    E_FIELD_MISC0_46 = 46, // motion: region 2191 armed
    E_FIELD_MISC0_47 = 47, // onvif: GetProfiles from cam2
    E_FIELD_MISC0_48 = 48, // ntp: clock adjusted by 8450ms
    E_FIELD_MISC0_49 = 49, // http: 200 cam87
    E_FIELD_MISC0_50 = 50, // http: 200 cam52
    E_FIELD_MISC0_51 = 51, // osd: overlay refreshed
    E_FIELD_MISC0_52 = 52, // motion: region 3650 armed
    E_FIELD_MISC0_53 = 53, // encoder: bitrate 552 kbps
    E_FIELD_MISC0_54 = 54, // upgrade: package verified
    E_FIELD_MISC0_55 = 55, // encoder: bitrate 2969 kbps
    E_FIELD_MISC0_56 = 56, // network: dhcp lease renewed on eth0
    E_FIELD_MISC0_57 = 57, // isp: exposure 1634 us
    E_FIELD_MISC0_58 = 58, // osd: overlay refreshed
    E_FIELD_MISC0_59 = 59, // wifi: rssi 3319 dBm
} MISC0_T;
#endif