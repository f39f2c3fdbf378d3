rule TELEM_Hikvision_EZVIZ_Cloud_Endpoints
{
    meta:
        description = "Inventories Hikvision/EZVIZ cloud, P2P, DDNS and push endpoints compiled into the firmware (phone-home capability; informational)"
        author = "fwscan"
        date = "2026-11-26"
        severity = "info"
        score = 30
        category = "telemetry_endpoints"
        reference = "rules-brief.md section 4 (phone-home endpoints)"
        evidence = "strings"

    strings:
        $h0  = "hik-connect.com" ascii wide
        $h1  = "ezvizlife.com" ascii wide
        $h2  = "hik-online.com" ascii wide
        $h3  = "guardingvision.com" ascii wide
        $h4  = "hikvisioneurope.com" ascii wide
        $h5  = ".ys7.com" ascii wide

    condition:
        any of them
}
