rule TELEM_XiongMai_XMEye_Cloud_Endpoints
{
    meta:
        description = "Inventories XiongMai/XMEye cloud, P2P, DDNS and push endpoints compiled into the firmware (phone-home capability; informational)"
        author = "fwscan"
        date = "2026-11-26"
        severity = "info"
        score = 30
        category = "telemetry_endpoints"
        reference = "rules-brief.md section 4 (phone-home endpoints)"
        evidence = "strings"

    strings:
        $h0  = "secu100.net" ascii wide
        $h1  = "xmeye.net" ascii wide
        $h2  = "push.umeye.cn" ascii wide
        $h3  = "bcloud365.net" ascii wide

    condition:
        any of them
}
