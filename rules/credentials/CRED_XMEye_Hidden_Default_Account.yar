rule CRED_XMEye_Hidden_Default_Account
{
    meta:
        description = "Detects XMEye's hidden account password 'tluafed' ('default' reversed) in XiongMai firmware (SEC Consult 2018); the token only counts next to XiongMai markers"
        author = "fwscan"
        date = "2026-11-26"
        severity = "medium"
        score = 60
        category = "credentials"
        reference = "SEC Consult advisory, October 2018 (CVE-2018-17919)"
        reference = "NJCCIC summary 2018-10-11"
        evidence = "strings"

    strings:
        $pw       = "tluafed" ascii wide
        $xm1      = "xmeye" nocase ascii wide
        $xm2      = "secu100" ascii wide
        $xm3      = "xmhdipc" ascii wide
        $xm4      = "XiongMai" nocase ascii wide
        $xm5      = "NetWork.Nat" ascii wide

    condition:
        $pw and any of ($xm*)
}
