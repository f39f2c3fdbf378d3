rule ETHN_CN_Uyghur_FullForm_Alarm_Context
{
    meta:
        description = "Detects the full form 维吾尔 (Uyghur) next to at least two face-capture or alarm words (人脸 抓拍 预警 告警 布控 种族 人种) within 128 bytes, unless the file holds a nationality list (three or more other GB 3304 group names: ID-card readers, census forms)"
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
        $uyghur_full_utf8        = { E7 BB B4 E5 90 BE E5 B0 94 }  // 维吾尔
        $uyghur_full_gbk         = { CE AC CE E1 B6 FB }  // 维吾尔
        $uyghur_full_big5        = { BA FB A7 5E BA B8 }  // 維吾爾
        $uyghur_full_utf16le     = { F4 7E 3E 54 14 5C }  // 维吾尔
        $uyghur_full_utf16be     = { 7E F4 54 3E 5C 14 }  // 维吾尔
        $ctx_utf8_face         = { E4 BA BA E8 84 B8 }  // 人脸
        $ctx_utf8_capture         = { E6 8A 93 E6 8B 8D }  // 抓拍
        $ctx_utf8_prewarn         = { E9 A2 84 E8 AD A6 }  // 预警
        $ctx_utf8_alarm         = { E5 91 8A E8 AD A6 }  // 告警
        $ctx_utf8_deploy         = { E5 B8 83 E6 8E A7 }  // 布控
        $ctx_utf8_ethnicrace         = { E7 A7 8D E6 97 8F }  // 种族
        $ctx_utf8_raceword         = { E4 BA BA E7 A7 8D }  // 人种
        $ctx_gbk_face         = { C8 CB C1 B3 }  // 人脸
        $ctx_gbk_capture         = { D7 A5 C5 C4 }  // 抓拍
        $ctx_gbk_prewarn         = { D4 A4 BE AF }  // 预警
        $ctx_gbk_alarm         = { B8 E6 BE AF }  // 告警
        $ctx_gbk_deploy         = { B2 BC BF D8 }  // 布控
        $ctx_gbk_ethnicrace         = { D6 D6 D7 E5 }  // 种族
        $ctx_gbk_raceword         = { C8 CB D6 D6 }  // 人种
        $ctx_big5_face         = { A4 48 C1 79 }  // 人臉
        $ctx_big5_capture         = { A7 EC A9 E7 }  // 抓拍
        $ctx_big5_prewarn         = { B9 77 C4 B5 }  // 預警
        $ctx_big5_alarm         = { A7 69 C4 B5 }  // 告警
        $ctx_big5_deploy         = { A7 47 B1 B1 }  // 佈控
        $ctx_big5_ethnicrace         = { BA D8 B1 DA }  // 種族
        $ctx_big5_raceword         = { A4 48 BA D8 }  // 人種
        $ctx_utf16le_face         = { BA 4E 38 81 }  // 人脸
        $ctx_utf16le_capture         = { 93 62 CD 62 }  // 抓拍
        $ctx_utf16le_prewarn         = { 84 98 66 8B }  // 预警
        $ctx_utf16le_alarm         = { 4A 54 66 8B }  // 告警
        $ctx_utf16le_deploy         = { 03 5E A7 63 }  // 布控
        $ctx_utf16le_ethnicrace         = { CD 79 CF 65 }  // 种族
        $ctx_utf16le_raceword         = { BA 4E CD 79 }  // 人种
        $ctx_utf16be_face         = { 4E BA 81 38 }  // 人脸
        $ctx_utf16be_capture         = { 62 93 62 CD }  // 抓拍
        $ctx_utf16be_prewarn         = { 98 84 8B 66 }  // 预警
        $ctx_utf16be_alarm         = { 54 4A 8B 66 }  // 告警
        $ctx_utf16be_deploy         = { 5E 03 63 A7 }  // 布控
        $ctx_utf16be_ethnicrace         = { 79 CD 65 CF }  // 种族
        $ctx_utf16be_raceword         = { 4E BA 79 CD }  // 人种
        // other GB 3304 group names: an ID-card or census nationality list, not classification
        $grp_mongol_utf8      = { E8 92 99 E5 8F A4 E6 97 8F }  // 蒙古族
        $grp_mongol_gbk       = { C3 C9 B9 C5 D7 E5 }  // 蒙古族
        $grp_mongol_big5      = { BB 58 A5 6A B1 DA }  // 蒙古族
        $grp_mongol_utf16le   = { 99 84 E4 53 CF 65 }  // 蒙古族
        $grp_mongol_utf16be   = { 84 99 53 E4 65 CF }  // 蒙古族
        $grp_zhuang_utf8      = { E5 A3 AE E6 97 8F }  // 壮族
        $grp_zhuang_gbk       = { D7 B3 D7 E5 }  // 壮族
        $grp_zhuang_big5      = { A7 A7 B1 DA }  // 壯族
        $grp_zhuang_utf16le   = { EE 58 CF 65 }  // 壮族
        $grp_zhuang_utf16be   = { 58 EE 65 CF }  // 壮族
        $grp_kazakh_utf8      = { E5 93 88 E8 90 A8 E5 85 8B E6 97 8F }  // 哈萨克族
        $grp_kazakh_gbk       = { B9 FE C8 F8 BF CB D7 E5 }  // 哈萨克族
        $grp_kazakh_big5      = { AB A2 C2 C4 A7 4A B1 DA }  // 哈薩克族
        $grp_kazakh_utf16le   = { C8 54 28 84 4B 51 CF 65 }  // 哈萨克族
        $grp_kazakh_utf16be   = { 54 C8 84 28 51 4B 65 CF }  // 哈萨克族
        $grp_miao_utf8      = { E8 8B 97 E6 97 8F }  // 苗族
        $grp_miao_gbk       = { C3 E7 D7 E5 }  // 苗族
        $grp_miao_big5      = { AD 5D B1 DA }  // 苗族
        $grp_miao_utf16le   = { D7 82 CF 65 }  // 苗族
        $grp_miao_utf16be   = { 82 D7 65 CF }  // 苗族
        $grp_tibetan_utf8      = { E8 97 8F E6 97 8F }  // 藏族
        $grp_tibetan_gbk       = { B2 D8 D7 E5 }  // 藏族
        $grp_tibetan_big5      = { C2 C3 B1 DA }  // 藏族
        $grp_tibetan_utf16le   = { CF 85 CF 65 }  // 藏族
        $grp_tibetan_utf16be   = { 85 CF 65 CF }  // 藏族
        $grp_hui_utf8      = { E5 9B 9E E6 97 8F }  // 回族
        $grp_hui_gbk       = { BB D8 D7 E5 }  // 回族
        $grp_hui_big5      = { A6 5E B1 DA }  // 回族
        $grp_hui_utf16le   = { DE 56 CF 65 }  // 回族
        $grp_hui_utf16be   = { 56 DE 65 CF }  // 回族

    condition:
        not (3 of ($grp_*)) and (
          (for any i in (1..#uyghur_full_utf8) : (for 2 of ($ctx_utf8_*) : ($ in (@uyghur_full_utf8[i] - 128 .. @uyghur_full_utf8[i] + 128)))) or
          (for any i in (1..#uyghur_full_gbk) : (for 2 of ($ctx_gbk_*) : ($ in (@uyghur_full_gbk[i] - 128 .. @uyghur_full_gbk[i] + 128)))) or
          (for any i in (1..#uyghur_full_big5) : (for 2 of ($ctx_big5_*) : ($ in (@uyghur_full_big5[i] - 128 .. @uyghur_full_big5[i] + 128)))) or
          (for any i in (1..#uyghur_full_utf16le) : (for 2 of ($ctx_utf16le_*) : ($ in (@uyghur_full_utf16le[i] - 128 .. @uyghur_full_utf16le[i] + 128)))) or
          (for any i in (1..#uyghur_full_utf16be) : (for 2 of ($ctx_utf16be_*) : ($ in (@uyghur_full_utf16be[i] - 128 .. @uyghur_full_utf16be[i] + 128))))
        )
}
