rule ETHN_EN_Uyghur_Attribute_Identifier
{
    meta:
        description = "Detects romanised identifiers that tie a face/person attribute or alarm to Uyghurs (nation_uyghur, ethnicUighur, raceUygur, isUyghur, uyghurAlarm, weizu_alert, shaoshuminzu flags), unless it sits in an ID-card or 56-nationality enum (an ID-card name or three other group names within 200 bytes)"
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
        // ID-card and generic 56-nationality enums are benign: an ID-card type name or other group
        // names within 200 bytes of the Uyghur word (searched through the Uyghur word's atom)
        $near_idcard   = /(citizen_?)?id_?card.{0,200}(uyghur|uighur|uygur|weizu|weiwuer)|(uyghur|uighur|uygur|weizu|weiwuer).{0,200}(citizen_?)?id_?card/s nocase ascii wide
        $near_mongol   = /mongol.{0,200}(uyghur|uighur|uygur|weizu|weiwuer)|(uyghur|uighur|uygur|weizu|weiwuer).{0,200}mongol/s nocase ascii wide
        $near_zhuang   = /zhuang.{0,200}(uyghur|uighur|uygur|weizu|weiwuer)|(uyghur|uighur|uygur|weizu|weiwuer).{0,200}zhuang/s nocase ascii wide
        $near_tibetan  = /tibetan.{0,200}(uyghur|uighur|uygur|weizu|weiwuer)|(uyghur|uighur|uygur|weizu|weiwuer).{0,200}tibetan/s nocase ascii wide
        $near_kazak    = /kaza(k|kh).{0,200}(uyghur|uighur|uygur|weizu|weiwuer)|(uyghur|uighur|uygur|weizu|weiwuer).{0,200}kaza(k|kh)/s nocase ascii wide
        $near_hui      = /[^a-z]hui[^a-z].{0,200}(uyghur|uighur|uygur|weizu|weiwuer)|(uyghur|uighur|uygur|weizu|weiwuer).{0,200}[^a-z]hui[^a-z]/s nocase ascii wide

    condition:
        any of ($attr_uyghur, $is_uyghur, $uyghur_alarm, $pinyin_flag) and
        not $near_idcard and not (3 of ($near_mongol, $near_zhuang, $near_tibetan, $near_kazak, $near_hui))
}
