rule FACE_Dahua_Race_Complexion_Enums
{
    meta:
        description = "Detects Dahua SDK race and skin-colour face-attribute enums and fields (EM_RACE_YELLOW, EM_COMPLEXION_*, EM_FACEFEATURE_RACE, CFG_EM_FACE_TRAIT_COMPLEXION, emComplexion): race classification of faces, not Uyghur-specific"
        author = "fwscan"
        date = "2026-11-26"
        severity = "medium"
        score = 50
        category = "face_attribute_analytics"
        reference = "github.com/hysios/dhnetsdk include/dhnetsdk.h:13522-13529, 15596-15602"
        reference = "https://ipvm.com/reports/dahua-abuse"
        evidence = "xref"

    strings:
        $race_yellow     = "EM_RACE_YELLOW" ascii wide
        $race_black      = "EM_RACE_BLACK" ascii wide
        $complexion      = "EM_COMPLEXION_YELLOW" ascii wide
        $complexion_type = "EM_COMPLEXION_TYPE" ascii wide
        $feature_race    = "EM_FACEFEATURE_RACE" ascii wide
        $trait           = "CFG_EM_FACE_TRAIT_COMPLEXION" ascii wide
        $field           = "emComplexion" ascii wide

    condition:
        any of them
}
