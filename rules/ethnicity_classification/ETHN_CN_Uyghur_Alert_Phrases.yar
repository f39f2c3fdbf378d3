rule ETHN_CN_Uyghur_Alert_Phrases
{
    meta:
        description = "Detects Chinese phrases that alert on or classify people as Uyghur: 维族人员实时预警 (real-time Uyghur-person warning), 是否是维族 (is it Uyghur?), 如维族、汉族 (race attribute, e.g. Uyghur, Han); simplified and traditional forms"
        author = "fwscan"
        date = "2026-11-26"
        severity = "critical"
        score = 90
        category = "ethnicity_classification"
        reference = "https://ipvm.com/reports/dahua-uyghur-warning"
        reference = "https://ipvm.com/reports/alibaba-uyghur"
        reference = "https://ipvm.com/reports/hikvision-uyghur"
        evidence = "xref"

    strings:
        $warning_utf8          = { E7 BB B4 E6 97 8F E4 BA BA E5 91 98 E5 AE 9E E6 97 B6 E9 A2 84 E8 AD A6 }  // 维族人员实时预警
        $warning_gbk           = { CE AC D7 E5 C8 CB D4 B1 CA B5 CA B1 D4 A4 BE AF }  // 维族人员实时预警
        $warning_big5          = { BA FB B1 DA A4 48 AD FB B9 EA AE C9 B9 77 C4 B5 }  // 維族人員實時預警
        $warning_utf16le       = { F4 7E CF 65 BA 4E 58 54 9E 5B F6 65 84 98 66 8B }  // 维族人员实时预警
        $warning_utf16be       = { 7E F4 65 CF 4E BA 54 58 5B 9E 65 F6 98 84 8B 66 }  // 维族人员实时预警
        $is_uyghur_utf8        = { E6 98 AF E5 90 A6 E6 98 AF E7 BB B4 E6 97 8F }  // 是否是维族
        $is_uyghur_gbk         = { CA C7 B7 F1 CA C7 CE AC D7 E5 }  // 是否是维族
        $is_uyghur_big5        = { AC 4F A7 5F AC 4F BA FB B1 DA }  // 是否是維族
        $is_uyghur_utf16le     = { 2F 66 26 54 2F 66 F4 7E CF 65 }  // 是否是维族
        $is_uyghur_utf16be     = { 66 2F 54 26 66 2F 7E F4 65 CF }  // 是否是维族
        $eg_uyghur_han_utf8    = { E5 A6 82 E7 BB B4 E6 97 8F E3 80 81 E6 B1 89 E6 97 8F }  // 如维族、汉族
        $eg_uyghur_han_gbk     = { C8 E7 CE AC D7 E5 A1 A2 BA BA D7 E5 }  // 如维族、汉族
        $eg_uyghur_han_big5    = { A6 70 BA FB B1 DA A1 42 BA 7E B1 DA }  // 如維族、漢族
        $eg_uyghur_han_utf16le = { 82 59 F4 7E CF 65 01 30 49 6C CF 65 }  // 如维族、汉族
        $eg_uyghur_han_utf16be = { 59 82 7E F4 65 CF 30 01 6C 49 65 CF }  // 如维族、汉族

    condition:
        any of them
}
