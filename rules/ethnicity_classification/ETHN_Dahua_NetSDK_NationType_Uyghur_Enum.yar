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
        reference = "github.com/xuchengithub/General_NetSDK_ChnEng_Python_Win64_IS_V3.052.0000001.0.R.200514 NetSDK/SDK_Enum.py:584-590"
        evidence = "xref"

    strings:
        $enum_uygur        = "EM_NATION_TYPE_UYGUR" ascii wide
        $enum_unidentified = "EM_NATION_TYPE_UNIDENTIFIED" ascii wide
        $enum_type         = "tagEM_NATION_TYPE" ascii wide
        // Python SDK: class EM_NATION_TYPE(IntEnum) with members UYGUR / UNIDENTIFIED (no fullword: .pyc marshal bytes follow)
        $py_class          = "EM_NATION_TYPE" ascii wide
        $py_uygur          = "UYGUR" ascii wide
        $py_unidentified   = "UNIDENTIFIED" ascii wide
        $dev_unidentified_utf8 = { E8 AE BE E5 A4 87 E6 9C AA E8 AF 86 E5 88 AB }  // 设备未识别
        $dev_unidentified_gbk  = { C9 E8 B1 B8 CE B4 CA B6 B1 F0 }

    condition:
        $enum_uygur or $enum_unidentified or $enum_type or
        ($py_class and $py_uygur and ($py_unidentified or any of ($dev_unidentified_*)))
}
