rule ETHN_CN_Uyghur_Xinjiang_Label
{
    meta:
        description = "Detects the label 维族(新疆) ('Uyghur (Xinjiang)'), the value of Dahua's face-analytics enum EM_NATION_TYPE_UYGUR; ASCII or full-width brackets, every encoding"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 85
        category = "ethnicity_classification"
        reference = "http://chinascope.org/archives/25004"
        reference = "github.com/bwyfed/fetchPictureAndTemp include/dhnetsdk.h:14688 (GBK CE AC D7 E5 28 D0 C2 BD AE 29)"
        reference = "github.com/hysios/dhnetsdk include/dhnetsdk.h:15049"
        evidence = "xref"

    strings:
        // 维族 + "(" or "（" + 新疆
        $label_utf8    = { E7 BB B4 E6 97 8F ( 28 | EF BC 88 ) E6 96 B0 E7 96 86 }
        $label_gbk     = { CE AC D7 E5 ( 28 | A3 A8 ) D0 C2 BD AE }
        $label_big5    = { BA FB B1 DA ( 28 | A1 5D ) B7 73 C3 A6 }  // 維族(新疆)
        $label_utf16le = { F4 7E CF 65 ( 28 00 | 08 FF ) B0 65 86 75 }
        $label_utf16be = { 7E F4 65 CF ( 00 28 | FF 08 ) 65 B0 75 86 }

    condition:
        any of them
}
