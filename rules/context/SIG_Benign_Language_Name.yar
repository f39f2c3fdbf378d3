rule SIG_Benign_Language_Name
{
    meta:
        description = "Signal (benign): language and script names that hold a label (维吾尔语, 維吾爾文, 'Old Uyghur', 'Uyghur language'); the label inside them names a language or a writing system, not a person"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "context"
        signal = "benign_language"
        reference = "rules-brief.md (shared) section 3 (benign contexts)"
        reference = "GB 3304-1991 names and codes of China's nationalities"
        evidence = "xref"

    strings:
        $language_0 = { E7 BB B4 E5 90 BE E5 B0 94 ( E8 AF AD | E8 AA 9E | E6 96 87 ) }  // 维吾尔语|語|文
        $language_1 = { E7 B6 AD E5 90 BE E7 88 BE ( E8 AF AD | E8 AA 9E | E6 96 87 ) }  // 維吾爾语|語|文
        $script_en = /old[ _](uyghur|uighur|uygur)/ nocase
        $language_en = /(uyghur|uighur|uygur)[ _-](language|script|alphabet|keyboard|input|arabic|latin|cyrillic)/ nocase

    condition:
        any of them
}
