rule FACE_Hikvision_HCNetSDK_Race_Ethnic_Fields
{
    meta:
        description = "Detects Hikvision HCNetSDK human-feature fields byRace (1 Asian, 2 Black, 3 White) and byEthnic next to the struct's other face fields (bySex, byEyeGlass, byAgeGroup, byMask, bySmile); byRace alone is common in game code and never fires"
        author = "fwscan"
        date = "2026-11-26"
        severity = "medium"
        score = 50
        category = "face_attribute_analytics"
        reference = "github.com/Chise1/pyhk HCNetSDK.h:20976-20988"
        reference = "https://ipvm.com/reports/racial-ethnic-standards"
        evidence = "xref"

    strings:
        $race     = "byRace" ascii wide
        $ethnic   = "byEthnic" ascii wide
        $sex      = "bySex" ascii wide
        $glass    = "byEyeGlass" ascii wide
        $agegroup = "byAgeGroup" ascii wide
        $mask     = "byMask" ascii wide
        $smile    = "bySmile" ascii wide

    condition:
        ($race or $ethnic) and 2 of ($sex, $glass, $agegroup, $mask, $smile)
}
