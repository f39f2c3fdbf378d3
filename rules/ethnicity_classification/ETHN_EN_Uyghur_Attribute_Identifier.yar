rule ETHN_EN_Uyghur_Attribute_Identifier
{
    meta:
        description = "Detects romanised identifiers that tie a face/person attribute or alarm to Uyghurs (nation_uyghur, ethnicUighur, raceUygur, isUyghur, uyghurAlarm, weizu_alert, shaoshuminzu flags), unless the file is an ID-card or 56-nationality enum"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 70
        category = "ethnicity_classification"
        reference = "https://www.bbc.com/news/technology-55634388"
        reference = "https://ipvm.com/reports/alibaba-uyghur"
        reference = "rules-brief.md section 2.4"
        evidence = "xref"

    strings:
        $attr_uyghur  = /(nation|ethnic|race|minorit)[a-z_]{0,16}[^a-z0-9]{0,4}(uyghur|uighur|uygur|weizu|weiwuer)/ nocase ascii wide
        $is_uyghur    = /(is|has|b)_?(uyghur|uighur|uygur|weizu)[^a-z]/ nocase ascii wide
        $uyghur_alarm = /(uyghur|uighur|uygur|weizu)_?(alarm|alert|warn|detect|recogn|attr|flag)/ nocase ascii wide
        $pinyin_flag  = /(shifou|is_?)shaoshuminzu/ nocase ascii wide
        // ID-card and generic 56-nationality enums are benign
        $idcard       = "CITIZENIDCARD" nocase ascii wide
        $idcard2      = "IdCard" nocase ascii wide
        $grp_mongol   = "Mongol" nocase ascii wide
        $grp_zhuang   = "Zhuang" nocase ascii wide
        $grp_tibetan  = "Tibetan" nocase ascii wide
        $grp_kazak    = "Kazak" nocase ascii wide
        $grp_hui      = "_Hui" nocase ascii wide

    condition:
        any of ($attr_uyghur, $is_uyghur, $uyghur_alarm, $pinyin_flag) and
        not ($idcard or $idcard2) and not (3 of ($grp_*))
}
