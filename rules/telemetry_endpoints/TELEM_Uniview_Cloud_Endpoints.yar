rule TELEM_Uniview_Cloud_Endpoints
{
    meta:
        description = "Inventories Uniview cloud, P2P, DDNS and push endpoints compiled into the firmware (phone-home capability; informational)"
        author = "fwscan"
        date = "2026-11-26"
        severity = "info"
        score = 30
        category = "telemetry_endpoints"
        reference = "rules-brief.md section 4 (phone-home endpoints)"
        evidence = "strings"

    strings:
        $h0  = "ezcloud.uniview.com" ascii wide
        $h1  = "star4live.com" ascii wide

    condition:
        any of them
}
