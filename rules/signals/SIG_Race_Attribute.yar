rule SIG_Race_Attribute
{
    meta:
        description = "Signal: a race, skin-colour or ethnic-code attribute or value (种族, 人种, 肤色, 黄种人; race, ethnicity, complexion, skinColor, EthicCode)"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "signals"
        signal = "race_attribute"
        reference = "https://ipvm.com/reports/racial-ethnic-standards"
        reference = "https://ipvm.com/reports/hikvision-uyghur"
        reference = "rules-brief.md (shared)"
        evidence = "xref"

    strings:
        $w01 = { E7 A7 8D E6 97 8F }  // 种族
        $w02 = { E7 A8 AE E6 97 8F }  // 種族
        $w03 = { E4 BA BA E7 A7 8D E8 82 A4 E8 89 B2 }  // 人种肤色
        $w04 = { E4 BA BA E7 A8 AE E8 86 9A E8 89 B2 }  // 人種膚色
        $w05 = { E4 BA BA E7 A7 8D }  // 人种
        $w06 = { E4 BA BA E7 A8 AE }  // 人種
        $w07 = { E8 82 A4 E8 89 B2 }  // 肤色
        $w08 = { E8 86 9A E8 89 B2 }  // 膚色
        $w09 = { E9 BB 84 E7 A7 8D E4 BA BA }  // 黄种人
        $w10 = { E9 BB 83 E7 A8 AE E4 BA BA }  // 黃種人
        $w11 = { E7 99 BD E7 A7 8D E4 BA BA }  // 白种人
        $w12 = { E7 99 BD E7 A8 AE E4 BA BA }  // 白種人
        $w13 = { E9 BB 91 E7 A7 8D E4 BA BA }  // 黑种人
        $w14 = { E9 BB 91 E7 A8 AE E4 BA BA }  // 黑種人
        $w15 = { E7 99 BD E4 BA BA }  // 白人
        $w16 = { E9 BB 91 E4 BA BA }  // 黑人
        $id_race = "race" nocase
        $id_ethnicity = "ethnicity" nocase
        $id_ethnic = "ethnic" nocase
        $id_complexion = "complexion" nocase
        $id_skin_colour = /skin_?colou?r/ nocase
        $id_skin_tone = /skin_?tone/ nocase
        $id_ethic_code = /ethic_?code/ nocase

    condition:
        any of them
}
