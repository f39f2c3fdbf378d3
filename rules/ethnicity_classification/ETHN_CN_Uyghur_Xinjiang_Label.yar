rule ETHN_CN_Uyghur_Xinjiang_Label
{
    meta:
        description = "Detects the label 维族(新疆) ('Uyghur (Xinjiang)'), the value Dahua's face-analytics enum EM_NATION_TYPE_UYGUR carries; ASCII or full-width brackets"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 85
        category = "ethnicity_classification"
        reference = "http://chinascope.org/archives/25004"
        reference = "github.com/bwyfed/fetchPictureAndTemp include/dhnetsdk.h:14688 (GBK bytes CE AC D7 E5 28 D0 C2 BD AE 29)"
        evidence = "xref"
        examples = "corpus/rules/ETHN_CN_Uyghur_Xinjiang_Label/match"

    strings:
        // 维族 + "(" or "（" + 新疆
        $label_utf8    = { E7 BB B4 E6 97 8F ( 28 | EF BC 88 ) E6 96 B0 E7 96 86 }
        $label_gbk     = { CE AC D7 E5 ( 28 | A3 A8 ) D0 C2 BD AE }
        $label_utf16le = { F4 7E CF 65 ( 28 00 | 08 FF ) B0 65 86 75 }

    condition:
        any of them
}
