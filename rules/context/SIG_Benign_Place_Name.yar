rule SIG_Benign_Place_Name
{
    meta:
        description = "Signal (benign): place and policy names that hold a label (新疆维吾尔自治区, 'Uyghur Autonomous Region', 少数民族地区); the label inside them is an address, not a classification"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "context"
        signal = "benign_address"
        reference = "rules-brief.md (shared) section 3 (benign contexts)"
        reference = "GB 3304-1991 names and codes of China's nationalities"
        evidence = "xref"

    strings:
        $autonomous_0 = { E7 BB B4 E5 90 BE E5 B0 94 [0-3] E8 87 AA E6 B2 BB }  // 维吾尔 … 自治
        $autonomous_1 = { E7 B6 AD E5 90 BE E7 88 BE [0-3] E8 87 AA E6 B2 BB }  // 維吾爾 … 自治
        $minority_policy_0 = { E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F [0-3] ( E5 9C B0 E5 8C BA | E5 9C B0 E5 8D 80 | E8 81 9A E5 B1 85 | E8 87 AA E6 B2 BB | E5 B9 B2 E9 83 A8 | E5 B9 B9 E9 83 A8 | E6 94 BF E7 AD 96 | E5 8A A0 E5 88 86 | E8 80 83 E7 94 9F | E6 96 87 E5 AD 97 | E8 AF AD E8 A8 80 | E8 AA 9E E8 A8 80 ) }  // 少数民族 … 地区|地區|聚居|自治|干部|幹部|政策|加分|考生|文字|语言|語言
        $minority_policy_1 = { E5 B0 91 E6 95 B8 E6 B0 91 E6 97 8F [0-3] ( E5 9C B0 E5 8C BA | E5 9C B0 E5 8D 80 | E8 81 9A E5 B1 85 | E8 87 AA E6 B2 BB | E5 B9 B2 E9 83 A8 | E5 B9 B9 E9 83 A8 | E6 94 BF E7 AD 96 | E5 8A A0 E5 88 86 | E8 80 83 E7 94 9F | E6 96 87 E5 AD 97 | E8 AF AD E8 A8 80 | E8 AA 9E E8 A8 80 ) }  // 少數民族 … 地区|地區|聚居|自治|干部|幹部|政策|加分|考生|文字|语言|語言
        $autonomous_en = /(uyghur|uighur|uygur) autonomous/ nocase

    condition:
        any of them
}
