rule BKDR_Dahua_Unauth_Config_Download_Paths
{
    meta:
        description = "Detects the unauthenticated config/password-hash download paths of Dahua's 2017 'backdoor' (/current_config/Sha1Account1, /Account1, /passwd). The paths may persist in fixed builds: confirm with the firmware version"
        author = "fwscan"
        date = "2026-11-26"
        severity = "medium"
        score = 60
        category = "backdoor"
        reference = "Bashis, Full-Disclosure 2017-03-05"
        reference = "CVE-2017-7925"
        reference = "Dahua advisory DHCC-SA-201711-003"
        evidence = "xref"

    strings:
        $sha1     = "/current_config/Sha1Account1" ascii wide
        $account1 = "/current_config/Account1" ascii wide
        $passwd   = "/current_config/passwd" ascii wide

    condition:
        2 of them
}
