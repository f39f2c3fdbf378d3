rule SIG_Minority_Label
{
    meta:
        description = "Signal: a Uyghur or ethnic-minority label (维族, 维吾尔, 少数民族, non-Han; Uyghur/Uighur/Uygur in identifiers), in any encoding; what it means is decided by the verdict stage"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "signals"
        signal = "minority_label"
        reference = "https://ipvm.com/reports/hikvision-fasting"
        reference = "https://ipvm.com/reports/hikvision-minority"
        reference = "https://ipvm.com/reports/hikvision-uyghur"
        reference = "https://ipvm.com/reports/dahua-uyghur-warning"
        reference = "https://ipvm.com/reports/alibaba-uyghur"
        reference = "rules-brief.md (shared)"
        evidence = "xref"

    strings:
        $w01 = { E7 BB B4 E6 97 8F }  // 维族
        $w02 = { E7 B6 AD E6 97 8F }  // 維族
        $w03 = { E7 BB B4 E5 90 BE E5 B0 94 }  // 维吾尔
        $w04 = { E7 B6 AD E5 90 BE E7 88 BE }  // 維吾爾
        $w05 = { E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F }  // 少数民族
        $w06 = { E5 B0 91 E6 95 B8 E6 B0 91 E6 97 8F }  // 少數民族
        $w07 = { E9 9D 9E E6 B1 89 E6 97 8F }  // 非汉族
        $w08 = { E9 9D 9E E6 BC A2 E6 97 8F }  // 非漢族
        $id_uyghur = /(uyghur|uighur|uygur|uigur|weizu|weiwuer)/ nocase
        $id_minority = /minorit(y|ies)/ nocase

    condition:
        any of them
}
