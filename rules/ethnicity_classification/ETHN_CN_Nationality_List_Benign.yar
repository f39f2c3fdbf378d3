rule ETHN_CN_Nationality_List_Benign
{
    meta:
        description = "Notes a list of China's officially recognised nationalities (ID-card readers, visitor terminals, census and HR forms): 维吾尔族 with four or more other GB 3304 group names within 200 bytes, in the same encoding. Informational: such lists are not ethnic classification by a camera, and the Uyghur rules are written not to fire on them"
        author = "fwscan"
        date = "2026-11-26"
        severity = "info"
        score = 10
        category = "ethnicity_classification"
        reference = "rules-brief.md section 3"
        reference = "GB 3304-1991 names and codes of China's nationalities"
        evidence = "strings"

    strings:
        $uyghur_full_utf8 = { E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F }  // 维吾尔族
        $uyghur_full_gbk = { CE AC CE E1 B6 FB D7 E5 }  // 维吾尔族
        $uyghur_full_big5 = { BA FB A7 5E BA B8 B1 DA }  // 維吾爾族
        $uyghur_full_utf16le = { F4 7E 3E 54 14 5C CF 65 }  // 维吾尔族
        $uyghur_full_utf16be = { 7E F4 54 3E 5C 14 65 CF }  // 维吾尔族
        // other GB 3304 group names within 200 bytes before or after 维吾尔族
        $grp_utf8_han = { ( E6 B1 89 E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F | E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F [0-200] E6 B1 89 E6 97 8F ) }  // 汉族 near 维吾尔族
        $grp_utf8_mongol = { ( E8 92 99 E5 8F A4 E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F | E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F [0-200] E8 92 99 E5 8F A4 E6 97 8F ) }  // 蒙古族 near 维吾尔族
        $grp_utf8_zhuang = { ( E5 A3 AE E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F | E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F [0-200] E5 A3 AE E6 97 8F ) }  // 壮族 near 维吾尔族
        $grp_utf8_kazakh = { ( E5 93 88 E8 90 A8 E5 85 8B E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F | E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F [0-200] E5 93 88 E8 90 A8 E5 85 8B E6 97 8F ) }  // 哈萨克族 near 维吾尔族
        $grp_utf8_miao = { ( E8 8B 97 E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F | E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F [0-200] E8 8B 97 E6 97 8F ) }  // 苗族 near 维吾尔族
        $grp_utf8_tibetan = { ( E8 97 8F E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F | E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F [0-200] E8 97 8F E6 97 8F ) }  // 藏族 near 维吾尔族
        $grp_utf8_hui = { ( E5 9B 9E E6 97 8F [0-200] E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F | E7 BB B4 E5 90 BE E5 B0 94 E6 97 8F [0-200] E5 9B 9E E6 97 8F ) }  // 回族 near 维吾尔族
        $grp_gbk_han = { ( BA BA D7 E5 [0-200] CE AC CE E1 B6 FB D7 E5 | CE AC CE E1 B6 FB D7 E5 [0-200] BA BA D7 E5 ) }  // 汉族 near 维吾尔族
        $grp_gbk_mongol = { ( C3 C9 B9 C5 D7 E5 [0-200] CE AC CE E1 B6 FB D7 E5 | CE AC CE E1 B6 FB D7 E5 [0-200] C3 C9 B9 C5 D7 E5 ) }  // 蒙古族 near 维吾尔族
        $grp_gbk_zhuang = { ( D7 B3 D7 E5 [0-200] CE AC CE E1 B6 FB D7 E5 | CE AC CE E1 B6 FB D7 E5 [0-200] D7 B3 D7 E5 ) }  // 壮族 near 维吾尔族
        $grp_gbk_kazakh = { ( B9 FE C8 F8 BF CB D7 E5 [0-200] CE AC CE E1 B6 FB D7 E5 | CE AC CE E1 B6 FB D7 E5 [0-200] B9 FE C8 F8 BF CB D7 E5 ) }  // 哈萨克族 near 维吾尔族
        $grp_gbk_miao = { ( C3 E7 D7 E5 [0-200] CE AC CE E1 B6 FB D7 E5 | CE AC CE E1 B6 FB D7 E5 [0-200] C3 E7 D7 E5 ) }  // 苗族 near 维吾尔族
        $grp_gbk_tibetan = { ( B2 D8 D7 E5 [0-200] CE AC CE E1 B6 FB D7 E5 | CE AC CE E1 B6 FB D7 E5 [0-200] B2 D8 D7 E5 ) }  // 藏族 near 维吾尔族
        $grp_gbk_hui = { ( BB D8 D7 E5 [0-200] CE AC CE E1 B6 FB D7 E5 | CE AC CE E1 B6 FB D7 E5 [0-200] BB D8 D7 E5 ) }  // 回族 near 维吾尔族
        $grp_big5_han = { ( BA 7E B1 DA [0-200] BA FB A7 5E BA B8 B1 DA | BA FB A7 5E BA B8 B1 DA [0-200] BA 7E B1 DA ) }  // 漢族 near 維吾爾族
        $grp_big5_mongol = { ( BB 58 A5 6A B1 DA [0-200] BA FB A7 5E BA B8 B1 DA | BA FB A7 5E BA B8 B1 DA [0-200] BB 58 A5 6A B1 DA ) }  // 蒙古族 near 維吾爾族
        $grp_big5_zhuang = { ( A7 A7 B1 DA [0-200] BA FB A7 5E BA B8 B1 DA | BA FB A7 5E BA B8 B1 DA [0-200] A7 A7 B1 DA ) }  // 壯族 near 維吾爾族
        $grp_big5_kazakh = { ( AB A2 C2 C4 A7 4A B1 DA [0-200] BA FB A7 5E BA B8 B1 DA | BA FB A7 5E BA B8 B1 DA [0-200] AB A2 C2 C4 A7 4A B1 DA ) }  // 哈薩克族 near 維吾爾族
        $grp_big5_miao = { ( AD 5D B1 DA [0-200] BA FB A7 5E BA B8 B1 DA | BA FB A7 5E BA B8 B1 DA [0-200] AD 5D B1 DA ) }  // 苗族 near 維吾爾族
        $grp_big5_tibetan = { ( C2 C3 B1 DA [0-200] BA FB A7 5E BA B8 B1 DA | BA FB A7 5E BA B8 B1 DA [0-200] C2 C3 B1 DA ) }  // 藏族 near 維吾爾族
        $grp_big5_hui = { ( A6 5E B1 DA [0-200] BA FB A7 5E BA B8 B1 DA | BA FB A7 5E BA B8 B1 DA [0-200] A6 5E B1 DA ) }  // 回族 near 維吾爾族
        $grp_utf16le_han = { ( 49 6C CF 65 [0-200] F4 7E 3E 54 14 5C CF 65 | F4 7E 3E 54 14 5C CF 65 [0-200] 49 6C CF 65 ) }  // 汉族 near 维吾尔族
        $grp_utf16le_mongol = { ( 99 84 E4 53 CF 65 [0-200] F4 7E 3E 54 14 5C CF 65 | F4 7E 3E 54 14 5C CF 65 [0-200] 99 84 E4 53 CF 65 ) }  // 蒙古族 near 维吾尔族
        $grp_utf16le_zhuang = { ( EE 58 CF 65 [0-200] F4 7E 3E 54 14 5C CF 65 | F4 7E 3E 54 14 5C CF 65 [0-200] EE 58 CF 65 ) }  // 壮族 near 维吾尔族
        $grp_utf16le_kazakh = { ( C8 54 28 84 4B 51 CF 65 [0-200] F4 7E 3E 54 14 5C CF 65 | F4 7E 3E 54 14 5C CF 65 [0-200] C8 54 28 84 4B 51 CF 65 ) }  // 哈萨克族 near 维吾尔族
        $grp_utf16le_miao = { ( D7 82 CF 65 [0-200] F4 7E 3E 54 14 5C CF 65 | F4 7E 3E 54 14 5C CF 65 [0-200] D7 82 CF 65 ) }  // 苗族 near 维吾尔族
        $grp_utf16le_tibetan = { ( CF 85 CF 65 [0-200] F4 7E 3E 54 14 5C CF 65 | F4 7E 3E 54 14 5C CF 65 [0-200] CF 85 CF 65 ) }  // 藏族 near 维吾尔族
        $grp_utf16le_hui = { ( DE 56 CF 65 [0-200] F4 7E 3E 54 14 5C CF 65 | F4 7E 3E 54 14 5C CF 65 [0-200] DE 56 CF 65 ) }  // 回族 near 维吾尔族
        $grp_utf16be_han = { ( 6C 49 65 CF [0-200] 7E F4 54 3E 5C 14 65 CF | 7E F4 54 3E 5C 14 65 CF [0-200] 6C 49 65 CF ) }  // 汉族 near 维吾尔族
        $grp_utf16be_mongol = { ( 84 99 53 E4 65 CF [0-200] 7E F4 54 3E 5C 14 65 CF | 7E F4 54 3E 5C 14 65 CF [0-200] 84 99 53 E4 65 CF ) }  // 蒙古族 near 维吾尔族
        $grp_utf16be_zhuang = { ( 58 EE 65 CF [0-200] 7E F4 54 3E 5C 14 65 CF | 7E F4 54 3E 5C 14 65 CF [0-200] 58 EE 65 CF ) }  // 壮族 near 维吾尔族
        $grp_utf16be_kazakh = { ( 54 C8 84 28 51 4B 65 CF [0-200] 7E F4 54 3E 5C 14 65 CF | 7E F4 54 3E 5C 14 65 CF [0-200] 54 C8 84 28 51 4B 65 CF ) }  // 哈萨克族 near 维吾尔族
        $grp_utf16be_miao = { ( 82 D7 65 CF [0-200] 7E F4 54 3E 5C 14 65 CF | 7E F4 54 3E 5C 14 65 CF [0-200] 82 D7 65 CF ) }  // 苗族 near 维吾尔族
        $grp_utf16be_tibetan = { ( 85 CF 65 CF [0-200] 7E F4 54 3E 5C 14 65 CF | 7E F4 54 3E 5C 14 65 CF [0-200] 85 CF 65 CF ) }  // 藏族 near 维吾尔族
        $grp_utf16be_hui = { ( 56 DE 65 CF [0-200] 7E F4 54 3E 5C 14 65 CF | 7E F4 54 3E 5C 14 65 CF [0-200] 56 DE 65 CF ) }  // 回族 near 维吾尔族

    condition:
        (for any i in (1..#uyghur_full_utf8) : (for 4 of ($grp_utf8_*) : ($ in (@uyghur_full_utf8[i] - 212 .. @uyghur_full_utf8[i])))) or
        (for any i in (1..#uyghur_full_gbk) : (for 4 of ($grp_gbk_*) : ($ in (@uyghur_full_gbk[i] - 212 .. @uyghur_full_gbk[i])))) or
        (for any i in (1..#uyghur_full_big5) : (for 4 of ($grp_big5_*) : ($ in (@uyghur_full_big5[i] - 212 .. @uyghur_full_big5[i])))) or
        (for any i in (1..#uyghur_full_utf16le) : (for 4 of ($grp_utf16le_*) : ($ in (@uyghur_full_utf16le[i] - 212 .. @uyghur_full_utf16le[i])))) or
        (for any i in (1..#uyghur_full_utf16be) : (for 4 of ($grp_utf16be_*) : ($ in (@uyghur_full_utf16be[i] - 212 .. @uyghur_full_utf16be[i]))))
}
