rule ETHN_CN_Nationality_List_Benign
{
    meta:
        description = "Notes a list of China's officially recognised nationalities (ID-card readers, visitor terminals, census and HR forms: five or more GB 3304 group names). Informational: such lists are not ethnic classification by a camera, and the Uyghur rules are written not to fire on them"
        author = "fwscan"
        date = "2026-11-26"
        severity = "info"
        score = 10
        category = "ethnicity_classification"
        reference = "rules-brief.md section 3"
        reference = "GB 3304-1991 names and codes of China's nationalities"
        evidence = "strings"

    strings:
        $grp_mongol_utf8        = { E8 92 99 E5 8F A4 E6 97 8F }  // 蒙古族
        $grp_mongol_gbk         = { C3 C9 B9 C5 D7 E5 }  // 蒙古族
        $grp_mongol_big5        = { BB 58 A5 6A B1 DA }  // 蒙古族
        $grp_mongol_utf16le     = { 99 84 E4 53 CF 65 }  // 蒙古族
        $grp_mongol_utf16be     = { 84 99 53 E4 65 CF }  // 蒙古族
        $grp_zhuang_utf8        = { E5 A3 AE E6 97 8F }  // 壮族
        $grp_zhuang_gbk         = { D7 B3 D7 E5 }  // 壮族
        $grp_zhuang_big5        = { A7 A7 B1 DA }  // 壯族
        $grp_zhuang_utf16le     = { EE 58 CF 65 }  // 壮族
        $grp_zhuang_utf16be     = { 58 EE 65 CF }  // 壮族
        $grp_kazakh_utf8        = { E5 93 88 E8 90 A8 E5 85 8B E6 97 8F }  // 哈萨克族
        $grp_kazakh_gbk         = { B9 FE C8 F8 BF CB D7 E5 }  // 哈萨克族
        $grp_kazakh_big5        = { AB A2 C2 C4 A7 4A B1 DA }  // 哈薩克族
        $grp_kazakh_utf16le     = { C8 54 28 84 4B 51 CF 65 }  // 哈萨克族
        $grp_kazakh_utf16be     = { 54 C8 84 28 51 4B 65 CF }  // 哈萨克族
        $grp_miao_utf8        = { E8 8B 97 E6 97 8F }  // 苗族
        $grp_miao_gbk         = { C3 E7 D7 E5 }  // 苗族
        $grp_miao_big5        = { AD 5D B1 DA }  // 苗族
        $grp_miao_utf16le     = { D7 82 CF 65 }  // 苗族
        $grp_miao_utf16be     = { 82 D7 65 CF }  // 苗族
        $grp_tibetan_utf8        = { E8 97 8F E6 97 8F }  // 藏族
        $grp_tibetan_gbk         = { B2 D8 D7 E5 }  // 藏族
        $grp_tibetan_big5        = { C2 C3 B1 DA }  // 藏族
        $grp_tibetan_utf16le     = { CF 85 CF 65 }  // 藏族
        $grp_tibetan_utf16be     = { 85 CF 65 CF }  // 藏族
        $grp_hui_utf8        = { E5 9B 9E E6 97 8F }  // 回族
        $grp_hui_gbk         = { BB D8 D7 E5 }  // 回族
        $grp_hui_big5        = { A6 5E B1 DA }  // 回族
        $grp_hui_utf16le     = { DE 56 CF 65 }  // 回族
        $grp_hui_utf16be     = { 56 DE 65 CF }  // 回族
        $grp_uyghur_full_utf8        = { E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F }  // 维吾尔族
        $grp_uyghur_full_gbk         = { CE AC CE E1 B6 FB D7 E5 }  // 维吾尔族
        $grp_uyghur_full_big5        = { BA FB A7 5E BA B8 B1 DA }  // 維吾爾族
        $grp_uyghur_full_utf16le     = { F4 7E 3E 54 14 5C CF 65 }  // 维吾尔族
        $grp_uyghur_full_utf16be     = { 7E F4 54 3E 5C 14 65 CF }  // 维吾尔族
        $grp_han_utf8        = { E6 B1 89 E6 97 8F }  // 汉族
        $grp_han_gbk         = { BA BA D7 E5 }  // 汉族
        $grp_han_big5        = { BA 7E B1 DA }  // 漢族
        $grp_han_utf16le     = { 49 6C CF 65 }  // 汉族
        $grp_han_utf16be     = { 6C 49 65 CF }  // 汉族

    condition:
        5 of ($grp_*)
}
