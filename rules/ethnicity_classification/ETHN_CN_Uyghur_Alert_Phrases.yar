rule ETHN_CN_Uyghur_Alert_Phrases
{
    meta:
        description = "Detects Chinese phrases that alert on or classify people as Uyghur: 维族人员实时预警 (real-time Uyghur-person warning), 是否是维族 (is it Uyghur?), 如维族、汉族 (race attribute, e.g. Uyghur, Han)"
        author = "fwscan"
        date = "2026-11-26"
        severity = "critical"
        score = 90
        category = "ethnicity_classification"
        reference = "https://ipvm.com/reports/dahua-uyghur-warning"
        reference = "https://ipvm.com/reports/alibaba-uyghur"
        reference = "https://ipvm.com/reports/hikvision-uyghur"
        evidence = "xref"
        examples = "corpus/rules/ETHN_CN_Uyghur_Alert_Phrases/match"

    strings:
        // 维族人员实时预警
        $warning_utf8    = { E7 BB B4 E6 97 8F E4 BA BA E5 91 98 E5 AE 9E E6 97 B6 E9 A2 84 E8 AD A6 }
        $warning_gbk     = { CE AC D7 E5 C8 CB D4 B1 CA B5 CA B1 D4 A4 BE AF }
        $warning_utf16le = { F4 7E CF 65 BA 4E 58 54 9E 5B F6 65 84 98 66 8B }
        // 是否是维族
        $is_uyghur_utf8    = { E6 98 AF E5 90 A6 E6 98 AF E7 BB B4 E6 97 8F }
        $is_uyghur_gbk     = { CA C7 B7 F1 CA C7 CE AC D7 E5 }
        $is_uyghur_utf16le = { 2F 66 26 54 2F 66 F4 7E CF 65 }
        // 如维族、汉族
        $eg_uyghur_han_utf8    = { E5 A6 82 E7 BB B4 E6 97 8F E3 80 81 E6 B1 89 E6 97 8F }
        $eg_uyghur_han_gbk     = { C8 E7 CE AC D7 E5 A1 A2 BA BA D7 E5 }
        $eg_uyghur_han_utf16le = { 82 59 F4 7E CF 65 01 30 49 6C CF 65 }

    condition:
        any of them
}
