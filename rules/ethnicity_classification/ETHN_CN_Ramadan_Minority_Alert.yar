rule ETHN_CN_Ramadan_Minority_Alert
{
    meta:
        description = "Detects a fasting-month (斋月, Ramadan) warning tied to ethnic-minority people (少数民族) and an alert word (预警/告警) within 256 bytes in the same encoding, as in Hikvision's Minjiang University 'assisted analysis of ethnic minority students'"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 70
        category = "ethnicity_classification"
        reference = "https://ipvm.com/reports/hikvision-fasting"
        evidence = "xref"

    strings:
        $ramadan_utf8      = { E6 96 8B E6 9C 88 }  // 斋月
        $ramadan_gbk       = { D5 AB D4 C2 }  // 斋月
        $ramadan_big5      = { C2 4E A4 EB }  // 齋月
        $ramadan_utf16le   = { 8B 65 08 67 }  // 斋月
        $ramadan_utf16be   = { 65 8B 67 08 }  // 斋月
        $minority_utf8    = { E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F }  // 少数民族
        $minority_gbk     = { C9 D9 CA FD C3 F1 D7 E5 }  // 少数民族
        $minority_big5    = { A4 D6 BC C6 A5 C1 B1 DA }  // 少數民族
        $minority_utf16le = { 11 5C 70 65 11 6C CF 65 }  // 少数民族
        $minority_utf16be = { 5C 11 65 70 6C 11 65 CF }  // 少数民族
        $prewarn_utf8     = { E9 A2 84 E8 AD A6 }  // 预警
        $prewarn_gbk      = { D4 A4 BE AF }  // 预警
        $prewarn_big5     = { B9 77 C4 B5 }  // 預警
        $prewarn_utf16le  = { 84 98 66 8B }  // 预警
        $prewarn_utf16be  = { 98 84 8B 66 }  // 预警
        $alarm2_utf8      = { E5 91 8A E8 AD A6 }  // 告警
        $alarm2_gbk       = { B8 E6 BE AF }  // 告警
        $alarm2_big5      = { A7 69 C4 B5 }  // 告警
        $alarm2_utf16le   = { 4A 54 66 8B }  // 告警
        $alarm2_utf16be   = { 54 4A 8B 66 }  // 告警

    condition:
        (for any i in (1..#ramadan_utf8) : ($minority_utf8 in (@ramadan_utf8[i] - 256 .. @ramadan_utf8[i] + 256) and ($prewarn_utf8 in (@ramadan_utf8[i] - 256 .. @ramadan_utf8[i] + 256) or $alarm2_utf8 in (@ramadan_utf8[i] - 256 .. @ramadan_utf8[i] + 256)))) or
        (for any i in (1..#ramadan_gbk) : ($minority_gbk in (@ramadan_gbk[i] - 256 .. @ramadan_gbk[i] + 256) and ($prewarn_gbk in (@ramadan_gbk[i] - 256 .. @ramadan_gbk[i] + 256) or $alarm2_gbk in (@ramadan_gbk[i] - 256 .. @ramadan_gbk[i] + 256)))) or
        (for any i in (1..#ramadan_big5) : ($minority_big5 in (@ramadan_big5[i] - 256 .. @ramadan_big5[i] + 256) and ($prewarn_big5 in (@ramadan_big5[i] - 256 .. @ramadan_big5[i] + 256) or $alarm2_big5 in (@ramadan_big5[i] - 256 .. @ramadan_big5[i] + 256)))) or
        (for any i in (1..#ramadan_utf16le) : ($minority_utf16le in (@ramadan_utf16le[i] - 256 .. @ramadan_utf16le[i] + 256) and ($prewarn_utf16le in (@ramadan_utf16le[i] - 256 .. @ramadan_utf16le[i] + 256) or $alarm2_utf16le in (@ramadan_utf16le[i] - 256 .. @ramadan_utf16le[i] + 256)))) or
        (for any i in (1..#ramadan_utf16be) : ($minority_utf16be in (@ramadan_utf16be[i] - 256 .. @ramadan_utf16be[i] + 256) and ($prewarn_utf16be in (@ramadan_utf16be[i] - 256 .. @ramadan_utf16be[i] + 256) or $alarm2_utf16be in (@ramadan_utf16be[i] - 256 .. @ramadan_utf16be[i] + 256))))
}
