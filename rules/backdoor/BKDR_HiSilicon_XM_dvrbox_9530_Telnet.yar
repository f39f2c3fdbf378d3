rule BKDR_HiSilicon_XM_dvrbox_9530_Telnet
{
    meta:
        description = "Detects the HiSilicon/XiongMai dvrbox port-9530 backdoor: 'OpenTelnet:OpenOnce' challenge handling with its randNum/verify/macGuarder/2wj9fsa2 markers, which opens telnetd on request"
        author = "fwscan"
        date = "2026-11-26"
        severity = "critical"
        score = 90
        category = "backdoor"
        reference = "https://habr.com/en/post/486856/"
        reference = "github.com/Snawoot/hisilicon-dvr-telnet"
        evidence = "xref"

    strings:
        $open       = "OpenTelnet:OpenOnce" ascii
        $randnum    = "randNum:" ascii
        $verify     = "verify:OK" ascii
        $telnet     = "Telnet:OpenOnce" ascii
        $guarder    = "macGuarder" ascii
        $oem_passwd = "TelnetOEMPasswd" ascii
        $key        = "2wj9fsa2" ascii

    condition:
        $open and any of ($randnum, $verify, $telnet, $guarder, $oem_passwd, $key)
}
