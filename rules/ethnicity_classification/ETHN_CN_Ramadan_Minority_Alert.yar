rule ETHN_CN_Ramadan_Minority_Alert
{
    meta:
        description = "Detects a fasting-month (斋月, Ramadan) warning about ethnic-minority people: 斋月 and an alert word (预警/告警) each within 200 bytes of 少数民族, in the same encoding, as in Hikvision's Minjiang University 'assisted analysis of ethnic minority students'"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 70
        category = "ethnicity_classification"
        reference = "https://ipvm.com/reports/hikvision-fasting"
        evidence = "xref"

    strings:
        $minority_utf8 = { E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F }  // 少数民族
        $minority_gbk = { C9 D9 CA FD C3 F1 D7 E5 }  // 少数民族
        $minority_big5 = { A4 D6 BC C6 A5 C1 B1 DA }  // 少數民族
        $minority_utf16le = { 11 5C 70 65 11 6C CF 65 }  // 少数民族
        $minority_utf16be = { 5C 11 65 70 6C 11 65 CF }  // 少数民族
        // 斋月 and an alert word, each within 200 bytes before or after 少数民族
        $ramadan_utf8_fast = { ( E6 96 8B E6 9C 88 [0-200] E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F | E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F [0-200] E6 96 8B E6 9C 88 ) }  // 斋月 near 少数民族
        $ramadan_gbk_fast = { ( D5 AB D4 C2 [0-200] C9 D9 CA FD C3 F1 D7 E5 | C9 D9 CA FD C3 F1 D7 E5 [0-200] D5 AB D4 C2 ) }  // 斋月 near 少数民族
        $ramadan_big5_fast = { ( C2 4E A4 EB [0-200] A4 D6 BC C6 A5 C1 B1 DA | A4 D6 BC C6 A5 C1 B1 DA [0-200] C2 4E A4 EB ) }  // 齋月 near 少數民族
        $ramadan_utf16le_fast = { ( 8B 65 08 67 [0-200] 11 5C 70 65 11 6C CF 65 | 11 5C 70 65 11 6C CF 65 [0-200] 8B 65 08 67 ) }  // 斋月 near 少数民族
        $ramadan_utf16be_fast = { ( 65 8B 67 08 [0-200] 5C 11 65 70 6C 11 65 CF | 5C 11 65 70 6C 11 65 CF [0-200] 65 8B 67 08 ) }  // 斋月 near 少数民族
        $alert_utf8_prewarn = { ( E9 A2 84 E8 AD A6 [0-200] E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F | E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F [0-200] E9 A2 84 E8 AD A6 ) }  // 预警 near 少数民族
        $alert_utf8_alarm = { ( E5 91 8A E8 AD A6 [0-200] E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F | E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F [0-200] E5 91 8A E8 AD A6 ) }  // 告警 near 少数民族
        $alert_gbk_prewarn = { ( D4 A4 BE AF [0-200] C9 D9 CA FD C3 F1 D7 E5 | C9 D9 CA FD C3 F1 D7 E5 [0-200] D4 A4 BE AF ) }  // 预警 near 少数民族
        $alert_gbk_alarm = { ( B8 E6 BE AF [0-200] C9 D9 CA FD C3 F1 D7 E5 | C9 D9 CA FD C3 F1 D7 E5 [0-200] B8 E6 BE AF ) }  // 告警 near 少数民族
        $alert_big5_prewarn = { ( B9 77 C4 B5 [0-200] A4 D6 BC C6 A5 C1 B1 DA | A4 D6 BC C6 A5 C1 B1 DA [0-200] B9 77 C4 B5 ) }  // 預警 near 少數民族
        $alert_big5_alarm = { ( A7 69 C4 B5 [0-200] A4 D6 BC C6 A5 C1 B1 DA | A4 D6 BC C6 A5 C1 B1 DA [0-200] A7 69 C4 B5 ) }  // 告警 near 少數民族
        $alert_utf16le_prewarn = { ( 84 98 66 8B [0-200] 11 5C 70 65 11 6C CF 65 | 11 5C 70 65 11 6C CF 65 [0-200] 84 98 66 8B ) }  // 预警 near 少数民族
        $alert_utf16le_alarm = { ( 4A 54 66 8B [0-200] 11 5C 70 65 11 6C CF 65 | 11 5C 70 65 11 6C CF 65 [0-200] 4A 54 66 8B ) }  // 告警 near 少数民族
        $alert_utf16be_prewarn = { ( 98 84 8B 66 [0-200] 5C 11 65 70 6C 11 65 CF | 5C 11 65 70 6C 11 65 CF [0-200] 98 84 8B 66 ) }  // 预警 near 少数民族
        $alert_utf16be_alarm = { ( 54 4A 8B 66 [0-200] 5C 11 65 70 6C 11 65 CF | 5C 11 65 70 6C 11 65 CF [0-200] 54 4A 8B 66 ) }  // 告警 near 少数民族

    condition:
        (for any i in (1..#minority_utf8) : ($ramadan_utf8_fast in (@minority_utf8[i] - 206 .. @minority_utf8[i]) and
           for any of ($alert_utf8_*) : ($ in (@minority_utf8[i] - 206 .. @minority_utf8[i])))) or
        (for any i in (1..#minority_gbk) : ($ramadan_gbk_fast in (@minority_gbk[i] - 206 .. @minority_gbk[i]) and
           for any of ($alert_gbk_*) : ($ in (@minority_gbk[i] - 206 .. @minority_gbk[i])))) or
        (for any i in (1..#minority_big5) : ($ramadan_big5_fast in (@minority_big5[i] - 206 .. @minority_big5[i]) and
           for any of ($alert_big5_*) : ($ in (@minority_big5[i] - 206 .. @minority_big5[i])))) or
        (for any i in (1..#minority_utf16le) : ($ramadan_utf16le_fast in (@minority_utf16le[i] - 206 .. @minority_utf16le[i]) and
           for any of ($alert_utf16le_*) : ($ in (@minority_utf16le[i] - 206 .. @minority_utf16le[i])))) or
        (for any i in (1..#minority_utf16be) : ($ramadan_utf16be_fast in (@minority_utf16be[i] - 206 .. @minority_utf16be[i]) and
           for any of ($alert_utf16be_*) : ($ in (@minority_utf16be[i] - 206 .. @minority_utf16be[i]))))
}
