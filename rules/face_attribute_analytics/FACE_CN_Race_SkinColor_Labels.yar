rule FACE_CN_Race_SkinColor_Labels
{
    meta:
        description = "Detects Chinese race and skin-colour face-attribute labels: 黄种人 (yellow race), 种族属性 (race attribute), 人种肤色属性 (race skin-colour attribute), or 人种 followed by 黑人 within 48 bytes; every encoding"
        author = "fwscan"
        date = "2026-11-26"
        severity = "medium"
        score = 50
        category = "face_attribute_analytics"
        reference = "https://ipvm.com/reports/hikvision-uyghur"
        reference = "Chise1/pyhk HCNetSDK.h:20987 (人种, 0-不支持，1-亚洲人，2-黑人，3-白人)"
        evidence = "xref"

    strings:
        $yellow_race_utf8        = { E9 BB 84 E7 A7 8D E4 BA BA }  // 黄种人
        $yellow_race_gbk         = { BB C6 D6 D6 C8 CB }  // 黄种人
        $yellow_race_big5        = { B6 C0 BA D8 A4 48 }  // 黃種人
        $yellow_race_utf16le     = { C4 9E CD 79 BA 4E }  // 黄种人
        $yellow_race_utf16be     = { 9E C4 79 CD 4E BA }  // 黄种人
        $race_attr_utf8          = { E7 A7 8D E6 97 8F E5 B1 9E E6 80 A7 }  // 种族属性
        $race_attr_gbk           = { D6 D6 D7 E5 CA F4 D0 D4 }  // 种族属性
        $race_attr_big5          = { BA D8 B1 DA C4 DD A9 CA }  // 種族屬性
        $race_attr_utf16le       = { CD 79 CF 65 5E 5C 27 60 }  // 种族属性
        $race_attr_utf16be       = { 79 CD 65 CF 5C 5E 60 27 }  // 种族属性
        $race_skin_attr_utf8    = { E4 BA BA E7 A7 8D E8 82 A4 E8 89 B2 E5 B1 9E E6 80 A7 }  // 人种肤色属性
        $race_skin_attr_gbk     = { C8 CB D6 D6 B7 F4 C9 AB CA F4 D0 D4 }  // 人种肤色属性
        $race_skin_attr_big5    = { A4 48 BA D8 BD A7 A6 E2 C4 DD A9 CA }  // 人種膚色屬性
        $race_skin_attr_utf16le = { BA 4E CD 79 A4 80 72 82 5E 5C 27 60 }  // 人种肤色属性
        $race_skin_attr_utf16be = { 4E BA 79 CD 80 A4 82 72 5C 5E 60 27 }  // 人种肤色属性
        $race_word_utf8          = { E4 BA BA E7 A7 8D }  // 人种
        $race_word_gbk           = { C8 CB D6 D6 }  // 人种
        $race_word_big5          = { A4 48 BA D8 }  // 人種
        $race_word_utf16le       = { BA 4E CD 79 }  // 人种
        $race_word_utf16be       = { 4E BA 79 CD }  // 人种
        $black_utf8              = { E9 BB 91 E4 BA BA }  // 黑人
        $black_gbk               = { BA DA C8 CB }  // 黑人
        $black_big5              = { B6 C2 A4 48 }  // 黑人
        $black_utf16le           = { D1 9E BA 4E }  // 黑人
        $black_utf16be           = { 9E D1 4E BA }  // 黑人

    condition:
        any of ($yellow_race_*) or any of ($race_attr_*) or any of ($race_skin_attr_*) or
        (for any i in (1..#race_word_utf8) : ($black_utf8 in (@race_word_utf8[i] .. @race_word_utf8[i] + 48))) or
        (for any i in (1..#race_word_gbk) : ($black_gbk in (@race_word_gbk[i] .. @race_word_gbk[i] + 48))) or
        (for any i in (1..#race_word_big5) : ($black_big5 in (@race_word_big5[i] .. @race_word_big5[i] + 48))) or
        (for any i in (1..#race_word_utf16le) : ($black_utf16le in (@race_word_utf16le[i] .. @race_word_utf16le[i] + 48))) or
        (for any i in (1..#race_word_utf16be) : ($black_utf16be in (@race_word_utf16be[i] .. @race_word_utf16be[i] + 48)))
}
