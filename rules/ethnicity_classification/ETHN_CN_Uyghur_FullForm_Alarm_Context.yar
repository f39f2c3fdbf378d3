rule ETHN_CN_Uyghur_FullForm_Alarm_Context
{
    meta:
        description = "Detects the full form 维吾尔 (Uyghur) with at least two different face-capture or alarm words (人脸 抓拍 预警 告警 布控 种族 人种) within 128 bytes before or after it, in the same encoding, unless that occurrence is an item of a nationality list (three or more other GB 3304 group names within 200 bytes: ID-card readers, census forms)"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 75
        category = "ethnicity_classification"
        reference = "https://ipvm.com/reports/huawei-megvii-uygur"
        reference = "https://ipvm.com/reports/ethnicity-analytics"
        reference = "rules-brief.md section 3 (ID-card nationality tables are benign)"
        evidence = "xref"

    strings:
        $uyghur_full_utf8 = { E7 BB B4 E5 90 BE E5 B0 94 }  // 维吾尔
        $uyghur_full_gbk = { CE AC CE E1 B6 FB }  // 维吾尔
        $uyghur_full_big5 = { BA FB A7 5E BA B8 }  // 維吾爾
        $uyghur_full_utf16le = { F4 7E 3E 54 14 5C }  // 维吾尔
        $uyghur_full_utf16be = { 7E F4 54 3E 5C 14 }  // 维吾尔
        // context: within 128 bytes before or after the label
        $ctx_utf8_face = { ( E4 BA BA E8 84 B8 [0-128] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-128] E4 BA BA E8 84 B8 ) }  // 人脸 near 维吾尔
        $ctx_utf8_capture = { ( E6 8A 93 E6 8B 8D [0-128] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-128] E6 8A 93 E6 8B 8D ) }  // 抓拍 near 维吾尔
        $ctx_utf8_prewarn = { ( E9 A2 84 E8 AD A6 [0-128] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-128] E9 A2 84 E8 AD A6 ) }  // 预警 near 维吾尔
        $ctx_utf8_alarm = { ( E5 91 8A E8 AD A6 [0-128] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-128] E5 91 8A E8 AD A6 ) }  // 告警 near 维吾尔
        $ctx_utf8_deploy = { ( E5 B8 83 E6 8E A7 [0-128] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-128] E5 B8 83 E6 8E A7 ) }  // 布控 near 维吾尔
        $ctx_utf8_raceword = { ( E4 BA BA E7 A7 8D [0-128] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-128] E4 BA BA E7 A7 8D ) }  // 人种 near 维吾尔
        $ctx_utf8_ethnicrace = { ( E7 A7 8D E6 97 8F [0-128] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-128] E7 A7 8D E6 97 8F ) }  // 种族 near 维吾尔
        $ctx_gbk_face = { ( C8 CB C1 B3 [0-128] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-128] C8 CB C1 B3 ) }  // 人脸 near 维吾尔
        $ctx_gbk_capture = { ( D7 A5 C5 C4 [0-128] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-128] D7 A5 C5 C4 ) }  // 抓拍 near 维吾尔
        $ctx_gbk_prewarn = { ( D4 A4 BE AF [0-128] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-128] D4 A4 BE AF ) }  // 预警 near 维吾尔
        $ctx_gbk_alarm = { ( B8 E6 BE AF [0-128] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-128] B8 E6 BE AF ) }  // 告警 near 维吾尔
        $ctx_gbk_deploy = { ( B2 BC BF D8 [0-128] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-128] B2 BC BF D8 ) }  // 布控 near 维吾尔
        $ctx_gbk_raceword = { ( C8 CB D6 D6 [0-128] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-128] C8 CB D6 D6 ) }  // 人种 near 维吾尔
        $ctx_gbk_ethnicrace = { ( D6 D6 D7 E5 [0-128] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-128] D6 D6 D7 E5 ) }  // 种族 near 维吾尔
        $ctx_big5_face = { ( A4 48 C1 79 [0-128] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-128] A4 48 C1 79 ) }  // 人臉 near 維吾爾
        $ctx_big5_capture = { ( A7 EC A9 E7 [0-128] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-128] A7 EC A9 E7 ) }  // 抓拍 near 維吾爾
        $ctx_big5_prewarn = { ( B9 77 C4 B5 [0-128] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-128] B9 77 C4 B5 ) }  // 預警 near 維吾爾
        $ctx_big5_alarm = { ( A7 69 C4 B5 [0-128] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-128] A7 69 C4 B5 ) }  // 告警 near 維吾爾
        $ctx_big5_deploy = { ( A7 47 B1 B1 [0-128] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-128] A7 47 B1 B1 ) }  // 佈控 near 維吾爾
        $ctx_big5_raceword = { ( A4 48 BA D8 [0-128] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-128] A4 48 BA D8 ) }  // 人種 near 維吾爾
        $ctx_big5_ethnicrace = { ( BA D8 B1 DA [0-128] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-128] BA D8 B1 DA ) }  // 種族 near 維吾爾
        $ctx_utf16le_face = { ( BA 4E 38 81 [0-128] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-128] BA 4E 38 81 ) }  // 人脸 near 维吾尔
        $ctx_utf16le_capture = { ( 93 62 CD 62 [0-128] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-128] 93 62 CD 62 ) }  // 抓拍 near 维吾尔
        $ctx_utf16le_prewarn = { ( 84 98 66 8B [0-128] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-128] 84 98 66 8B ) }  // 预警 near 维吾尔
        $ctx_utf16le_alarm = { ( 4A 54 66 8B [0-128] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-128] 4A 54 66 8B ) }  // 告警 near 维吾尔
        $ctx_utf16le_deploy = { ( 03 5E A7 63 [0-128] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-128] 03 5E A7 63 ) }  // 布控 near 维吾尔
        $ctx_utf16le_raceword = { ( BA 4E CD 79 [0-128] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-128] BA 4E CD 79 ) }  // 人种 near 维吾尔
        $ctx_utf16le_ethnicrace = { ( CD 79 CF 65 [0-128] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-128] CD 79 CF 65 ) }  // 种族 near 维吾尔
        $ctx_utf16be_face = { ( 4E BA 81 38 [0-128] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-128] 4E BA 81 38 ) }  // 人脸 near 维吾尔
        $ctx_utf16be_capture = { ( 62 93 62 CD [0-128] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-128] 62 93 62 CD ) }  // 抓拍 near 维吾尔
        $ctx_utf16be_prewarn = { ( 98 84 8B 66 [0-128] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-128] 98 84 8B 66 ) }  // 预警 near 维吾尔
        $ctx_utf16be_alarm = { ( 54 4A 8B 66 [0-128] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-128] 54 4A 8B 66 ) }  // 告警 near 维吾尔
        $ctx_utf16be_deploy = { ( 5E 03 63 A7 [0-128] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-128] 5E 03 63 A7 ) }  // 布控 near 维吾尔
        $ctx_utf16be_raceword = { ( 4E BA 79 CD [0-128] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-128] 4E BA 79 CD ) }  // 人种 near 维吾尔
        $ctx_utf16be_ethnicrace = { ( 79 CD 65 CF [0-128] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-128] 79 CD 65 CF ) }  // 种族 near 维吾尔
        // other GB 3304 group names within 200 bytes: the label is an item of a nationality list (ID-card readers, census forms)
        $grp_utf8_mongol = { ( E8 92 99 E5 8F A4 E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-200] E8 92 99 E5 8F A4 E6 97 8F ) }  // 蒙古族 near 维吾尔
        $grp_utf8_zhuang = { ( E5 A3 AE E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-200] E5 A3 AE E6 97 8F ) }  // 壮族 near 维吾尔
        $grp_utf8_kazakh = { ( E5 93 88 E8 90 A8 E5 85 8B E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-200] E5 93 88 E8 90 A8 E5 85 8B E6 97 8F ) }  // 哈萨克族 near 维吾尔
        $grp_utf8_miao = { ( E8 8B 97 E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-200] E8 8B 97 E6 97 8F ) }  // 苗族 near 维吾尔
        $grp_utf8_tibetan = { ( E8 97 8F E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-200] E8 97 8F E6 97 8F ) }  // 藏族 near 维吾尔
        $grp_utf8_hui = { ( E5 9B 9E E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 | E7 BB B4 E5 90 BE E5 B0 94 [0-200] E5 9B 9E E6 97 8F ) }  // 回族 near 维吾尔
        $grp_gbk_mongol = { ( C3 C9 B9 C5 D7 E5 [0-200] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-200] C3 C9 B9 C5 D7 E5 ) }  // 蒙古族 near 维吾尔
        $grp_gbk_zhuang = { ( D7 B3 D7 E5 [0-200] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-200] D7 B3 D7 E5 ) }  // 壮族 near 维吾尔
        $grp_gbk_kazakh = { ( B9 FE C8 F8 BF CB D7 E5 [0-200] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-200] B9 FE C8 F8 BF CB D7 E5 ) }  // 哈萨克族 near 维吾尔
        $grp_gbk_miao = { ( C3 E7 D7 E5 [0-200] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-200] C3 E7 D7 E5 ) }  // 苗族 near 维吾尔
        $grp_gbk_tibetan = { ( B2 D8 D7 E5 [0-200] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-200] B2 D8 D7 E5 ) }  // 藏族 near 维吾尔
        $grp_gbk_hui = { ( BB D8 D7 E5 [0-200] CE AC CE E1 B6 FB | CE AC CE E1 B6 FB [0-200] BB D8 D7 E5 ) }  // 回族 near 维吾尔
        $grp_big5_mongol = { ( BB 58 A5 6A B1 DA [0-200] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-200] BB 58 A5 6A B1 DA ) }  // 蒙古族 near 維吾爾
        $grp_big5_zhuang = { ( A7 A7 B1 DA [0-200] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-200] A7 A7 B1 DA ) }  // 壯族 near 維吾爾
        $grp_big5_kazakh = { ( AB A2 C2 C4 A7 4A B1 DA [0-200] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-200] AB A2 C2 C4 A7 4A B1 DA ) }  // 哈薩克族 near 維吾爾
        $grp_big5_miao = { ( AD 5D B1 DA [0-200] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-200] AD 5D B1 DA ) }  // 苗族 near 維吾爾
        $grp_big5_tibetan = { ( C2 C3 B1 DA [0-200] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-200] C2 C3 B1 DA ) }  // 藏族 near 維吾爾
        $grp_big5_hui = { ( A6 5E B1 DA [0-200] BA FB A7 5E BA B8 | BA FB A7 5E BA B8 [0-200] A6 5E B1 DA ) }  // 回族 near 維吾爾
        $grp_utf16le_mongol = { ( 99 84 E4 53 CF 65 [0-200] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-200] 99 84 E4 53 CF 65 ) }  // 蒙古族 near 维吾尔
        $grp_utf16le_zhuang = { ( EE 58 CF 65 [0-200] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-200] EE 58 CF 65 ) }  // 壮族 near 维吾尔
        $grp_utf16le_kazakh = { ( C8 54 28 84 4B 51 CF 65 [0-200] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-200] C8 54 28 84 4B 51 CF 65 ) }  // 哈萨克族 near 维吾尔
        $grp_utf16le_miao = { ( D7 82 CF 65 [0-200] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-200] D7 82 CF 65 ) }  // 苗族 near 维吾尔
        $grp_utf16le_tibetan = { ( CF 85 CF 65 [0-200] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-200] CF 85 CF 65 ) }  // 藏族 near 维吾尔
        $grp_utf16le_hui = { ( DE 56 CF 65 [0-200] F4 7E 3E 54 14 5C | F4 7E 3E 54 14 5C [0-200] DE 56 CF 65 ) }  // 回族 near 维吾尔
        $grp_utf16be_mongol = { ( 84 99 53 E4 65 CF [0-200] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-200] 84 99 53 E4 65 CF ) }  // 蒙古族 near 维吾尔
        $grp_utf16be_zhuang = { ( 58 EE 65 CF [0-200] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-200] 58 EE 65 CF ) }  // 壮族 near 维吾尔
        $grp_utf16be_kazakh = { ( 54 C8 84 28 51 4B 65 CF [0-200] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-200] 54 C8 84 28 51 4B 65 CF ) }  // 哈萨克族 near 维吾尔
        $grp_utf16be_miao = { ( 82 D7 65 CF [0-200] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-200] 82 D7 65 CF ) }  // 苗族 near 维吾尔
        $grp_utf16be_tibetan = { ( 85 CF 65 CF [0-200] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-200] 85 CF 65 CF ) }  // 藏族 near 维吾尔
        $grp_utf16be_hui = { ( 56 DE 65 CF [0-200] 7E F4 54 3E 5C 14 | 7E F4 54 3E 5C 14 [0-200] 56 DE 65 CF ) }  // 回族 near 维吾尔

    condition:
        (for any i in (1..#uyghur_full_utf8) : ((for 2 of ($ctx_utf8_*) : ($ in (@uyghur_full_utf8[i] - 136 .. @uyghur_full_utf8[i]))) and
           not (for 3 of ($grp_utf8_*) : ($ in (@uyghur_full_utf8[i] - 212 .. @uyghur_full_utf8[i]))))) or
        (for any i in (1..#uyghur_full_gbk) : ((for 2 of ($ctx_gbk_*) : ($ in (@uyghur_full_gbk[i] - 136 .. @uyghur_full_gbk[i]))) and
           not (for 3 of ($grp_gbk_*) : ($ in (@uyghur_full_gbk[i] - 212 .. @uyghur_full_gbk[i]))))) or
        (for any i in (1..#uyghur_full_big5) : ((for 2 of ($ctx_big5_*) : ($ in (@uyghur_full_big5[i] - 136 .. @uyghur_full_big5[i]))) and
           not (for 3 of ($grp_big5_*) : ($ in (@uyghur_full_big5[i] - 212 .. @uyghur_full_big5[i]))))) or
        (for any i in (1..#uyghur_full_utf16le) : ((for 2 of ($ctx_utf16le_*) : ($ in (@uyghur_full_utf16le[i] - 136 .. @uyghur_full_utf16le[i]))) and
           not (for 3 of ($grp_utf16le_*) : ($ in (@uyghur_full_utf16le[i] - 212 .. @uyghur_full_utf16le[i]))))) or
        (for any i in (1..#uyghur_full_utf16be) : ((for 2 of ($ctx_utf16be_*) : ($ in (@uyghur_full_utf16be[i] - 136 .. @uyghur_full_utf16be[i]))) and
           not (for 3 of ($grp_utf16be_*) : ($ in (@uyghur_full_utf16be[i] - 212 .. @uyghur_full_utf16be[i])))))
}
