rule ETHN_Dahua_NetSDK_NationType_Uyghur_Enum
{
    meta:
        description = "Detects Dahua NetSDK's face-analytics nation enum (EM_NATION_TYPE_UYGUR 'Uyghur (Xinjiang)', EM_NATION_TYPE_UNIDENTIFIED 'device did not identify'), unique to camera-side ethnicity classification; not the ID-card EM_CITIZENIDCARD_ETHNICITY list"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 85
        category = "ethnicity_classification"
        reference = "github.com/hysios/dhnetsdk include/dhnetsdk.h:15046-15052"
        reference = "http://chinascope.org/archives/25004"
        evidence = "xref"
        examples = "corpus/rules/ETHN_Dahua_NetSDK_NationType_Uyghur_Enum/match"

    strings:
        $enum_uygur        = "EM_NATION_TYPE_UYGUR" ascii wide
        $enum_unidentified = "EM_NATION_TYPE_UNIDENTIFIED" ascii wide
        $enum_type         = "tagEM_NATION_TYPE" ascii wide

    condition:
        any of them
}
