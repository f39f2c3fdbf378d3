rule ETHN_CN_Minority_Uyghur_Attribute
{
    meta:
        description = "Detects a 'whether ethnic minority' attribute (是否少数民族 / 非少数民族) whose values include 维族 (Uyghur) within 128 bytes, in the same encoding: the enum glossed in Hikvision's 2022 Chengmai contract ('unknown / non-minority / Uyghur')"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 80
        category = "ethnicity_classification"
        reference = "https://www.theregister.com/2023/07/31/beijing_hikvision_nvidia_uyghur/"
        reference = "https://ipvm.com/reports/hikvision-minority"
        evidence = "xref"

    strings:
        $minority_q_utf8      = { E6 98 AF E5 90 A6 E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F }  // 是否少数民族
        $minority_q_gbk       = { CA C7 B7 F1 C9 D9 CA FD C3 F1 D7 E5 }  // 是否少数民族
        $minority_q_big5      = { AC 4F A7 5F A4 D6 BC C6 A5 C1 B1 DA }  // 是否少數民族
        $minority_q_utf16le   = { 2F 66 26 54 11 5C 70 65 11 6C CF 65 }  // 是否少数民族
        $minority_q_utf16be   = { 66 2F 54 26 5C 11 65 70 6C 11 65 CF }  // 是否少数民族
        $minority_non_utf8    = { E9 9D 9E E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F }  // 非少数民族
        $minority_non_gbk     = { B7 C7 C9 D9 CA FD C3 F1 D7 E5 }  // 非少数民族
        $minority_non_big5    = { AB 44 A4 D6 BC C6 A5 C1 B1 DA }  // 非少數民族
        $minority_non_utf16le = { 5E 97 11 5C 70 65 11 6C CF 65 }  // 非少数民族
        $minority_non_utf16be = { 97 5E 5C 11 65 70 6C 11 65 CF }  // 非少数民族
        // 维族, short form: never enough alone
        $uyghur_utf8          = { E7 BB B4 E6 97 8F }  // 维族
        $uyghur_gbk           = { CE AC D7 E5 }  // 维族
        $uyghur_big5          = { BA FB B1 DA }  // 維族
        $uyghur_utf16le       = { F4 7E CF 65 }  // 维族
        $uyghur_utf16be       = { 7E F4 65 CF }  // 维族

    condition:
        (for any i in (1..#minority_q_utf8) : ($uyghur_utf8 in (@minority_q_utf8[i] - 64 .. @minority_q_utf8[i] + 128))) or
        (for any i in (1..#minority_non_utf8) : ($uyghur_utf8 in (@minority_non_utf8[i] - 64 .. @minority_non_utf8[i] + 128))) or
        (for any i in (1..#minority_q_gbk) : ($uyghur_gbk in (@minority_q_gbk[i] - 64 .. @minority_q_gbk[i] + 128))) or
        (for any i in (1..#minority_non_gbk) : ($uyghur_gbk in (@minority_non_gbk[i] - 64 .. @minority_non_gbk[i] + 128))) or
        (for any i in (1..#minority_q_big5) : ($uyghur_big5 in (@minority_q_big5[i] - 64 .. @minority_q_big5[i] + 128))) or
        (for any i in (1..#minority_non_big5) : ($uyghur_big5 in (@minority_non_big5[i] - 64 .. @minority_non_big5[i] + 128))) or
        (for any i in (1..#minority_q_utf16le) : ($uyghur_utf16le in (@minority_q_utf16le[i] - 64 .. @minority_q_utf16le[i] + 128))) or
        (for any i in (1..#minority_non_utf16le) : ($uyghur_utf16le in (@minority_non_utf16le[i] - 64 .. @minority_non_utf16le[i] + 128))) or
        (for any i in (1..#minority_q_utf16be) : ($uyghur_utf16be in (@minority_q_utf16be[i] - 64 .. @minority_q_utf16be[i] + 128))) or
        (for any i in (1..#minority_non_utf16be) : ($uyghur_utf16be in (@minority_non_utf16be[i] - 64 .. @minority_non_utf16be[i] + 128)))
}
