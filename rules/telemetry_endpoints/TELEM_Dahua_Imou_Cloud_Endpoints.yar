rule TELEM_Dahua_Imou_Cloud_Endpoints
{
    meta:
        description = "Inventories Dahua/Imou cloud, P2P, DDNS and push endpoints compiled into the firmware (phone-home capability; informational)"
        author = "fwscan"
        date = "2026-11-26"
        severity = "info"
        score = 30
        category = "telemetry_endpoints"
        reference = "rules-brief.md section 4 (phone-home endpoints)"
        evidence = "strings"

    strings:
        $h0  = "easy4ipcloud.com" ascii wide
        $h1  = "easy4ip.com" ascii wide
        $h2  = "imoulife.com" ascii wide
        $h3  = "quickddns.com" ascii wide

    condition:
        any of them
}
