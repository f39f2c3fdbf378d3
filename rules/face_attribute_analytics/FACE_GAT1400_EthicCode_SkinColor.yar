rule FACE_GAT1400_EthicCode_SkinColor
{
    meta:
        description = "Detects the GA/T 1400 person/face object fields EthicCode (the standard's misspelling of 'ethnic code') together with SkinColor: a PRC police 'view library' integration that carries ethnicity and skin colour per face"
        author = "fwscan"
        date = "2026-11-26"
        severity = "medium"
        score = 50
        category = "face_attribute_analytics"
        reference = "https://ipvm.com/reports/racial-ethnic-standards"
        reference = "GA/T 1400.3-2017"
        evidence = "xref"

    strings:
        $ethic = "EthicCode" ascii wide
        $skin  = "SkinColor" ascii wide

    condition:
        $ethic and $skin
}
