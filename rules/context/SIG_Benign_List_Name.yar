rule SIG_Benign_List_Name
{
    meta:
        description = "Signal (benign): names that make up lists: China's other nationalities (ID-card and census tables) and language names (locale and font tables); a label among them is a list entry"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "context"
        signal = "benign_list"
        reference = "rules-brief.md (shared) section 3 (benign contexts)"
        reference = "GB 3304-1991 names and codes of China's nationalities"
        evidence = "xref"

    strings:
        $w01 = { E6 B1 89 E6 97 8F }  // 汉族
        $w02 = { E6 BC A2 E6 97 8F }  // 漢族
        $w03 = { E8 92 99 E5 8F A4 E6 97 8F }  // 蒙古族
        $w04 = { E5 9B 9E E6 97 8F }  // 回族
        $w05 = { E8 97 8F E6 97 8F }  // 藏族
        $w06 = { E8 8B 97 E6 97 8F }  // 苗族
        $w07 = { E5 BD 9D E6 97 8F }  // 彝族
        $w08 = { E5 A3 AE E6 97 8F }  // 壮族
        $w09 = { E5 A3 AF E6 97 8F }  // 壯族
        $w10 = { E5 B8 83 E4 BE 9D E6 97 8F }  // 布依族
        $w11 = { E5 B8 83 E4 BE 9D E6 97 8F }  // 布依族
        $w12 = { E6 9C 9D E9 B2 9C E6 97 8F }  // 朝鲜族
        $w13 = { E6 9C 9D E9 AE AE E6 97 8F }  // 朝鮮族
        $w14 = { E6 BB A1 E6 97 8F }  // 满族
        $w15 = { E6 BB BF E6 97 8F }  // 滿族
        $w16 = { E4 BE 97 E6 97 8F }  // 侗族
        $w17 = { E7 91 B6 E6 97 8F }  // 瑶族
        $w18 = { E7 91 A4 E6 97 8F }  // 瑤族
        $w19 = { E7 99 BD E6 97 8F }  // 白族
        $w20 = { E5 9C 9F E5 AE B6 E6 97 8F }  // 土家族
        $w21 = { E5 93 88 E5 B0 BC E6 97 8F }  // 哈尼族
        $w22 = { E5 93 88 E8 90 A8 E5 85 8B E6 97 8F }  // 哈萨克族
        $w23 = { E5 93 88 E8 96 A9 E5 85 8B E6 97 8F }  // 哈薩克族
        $w24 = { E5 82 A3 E6 97 8F }  // 傣族
        $w25 = { E9 BB 8E E6 97 8F }  // 黎族
        $w26 = { E5 82 88 E5 83 B3 E6 97 8F }  // 傈僳族
        $w27 = { E7 BA B3 E8 A5 BF E6 97 8F }  // 纳西族
        $w28 = { E7 B4 8D E8 A5 BF E6 97 8F }  // 納西族
        $w29 = { E6 9F AF E5 B0 94 E5 85 8B E5 AD 9C E6 97 8F }  // 柯尔克孜族
        $w30 = { E6 9F AF E7 88 BE E5 85 8B E5 AD 9C E6 97 8F }  // 柯爾克孜族
        $w31 = { E9 94 A1 E4 BC AF E6 97 8F }  // 锡伯族
        $w32 = { E9 8C AB E4 BC AF E6 97 8F }  // 錫伯族
        $w33 = { E5 A1 94 E5 90 89 E5 85 8B E6 97 8F }  // 塔吉克族
        $w34 = { E4 B9 8C E5 AD 9C E5 88 AB E5 85 8B E6 97 8F }  // 乌孜别克族
        $w35 = { E7 83 8F E5 AD 9C E5 88 A5 E5 85 8B E6 97 8F }  // 烏孜別克族
        $w36 = { E4 BF 84 E7 BD 97 E6 96 AF E6 97 8F }  // 俄罗斯族
        $w37 = { E4 BF 84 E7 BE 85 E6 96 AF E6 97 8F }  // 俄羅斯族
        $w38 = { E7 AE 80 E4 BD 93 E4 B8 AD E6 96 87 }  // 简体中文
        $w39 = { E7 B0 A1 E9 AB 94 E4 B8 AD E6 96 87 }  // 簡體中文
        $w40 = { E7 B9 81 E9 AB 94 E4 B8 AD E6 96 87 }  // 繁體中文
        $w41 = { E6 97 A5 E6 9C AC E8 AA 9E }  // 日本語
        $w42 = { ED 95 9C EA B5 AD EC 96 B4 }  // 한국어
        $w43 = { D0 A0 D1 83 D1 81 D1 81 D0 BA D0 B8 D0 B9 }  // Русский
        $w44 = { 46 72 61 6E C3 A7 61 69 73 }  // Français
        $w45 = { 45 73 70 61 C3 B1 6F 6C }  // Español
        $w46 = { D8 A7 D9 84 D8 B9 D8 B1 D8 A8 D9 8A D8 A9 }  // العربية
        $mongol = "Mongol" nocase
        $zhuang = "Zhuang" nocase
        $tibetan = "Tibetan" nocase
        $kazak = "Kazak" nocase
        $manchu = "Manchu" nocase
        $english = "English"
        $japanese = "Japanese"
        $korean = "Korean"
        $russian = "Russian"
        $french = "French"
        $german = "German"
        $spanish = "Spanish"
        $arabic = "Arabic"
        $hebrew = "Hebrew"
        $deutsch = "Deutsch"
        $idcard = "CITIZENIDCARD" nocase

    condition:
        any of them
}
