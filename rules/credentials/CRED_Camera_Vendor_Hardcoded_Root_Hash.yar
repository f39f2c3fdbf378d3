rule CRED_Camera_Vendor_Hardcoded_Root_Hash
{
    meta:
        description = "Detects hard-coded root password hashes of camera firmware: Hikvision root:ToCOv8qxP13qs (DES crypt of 'hiklinux'), XiongMai root:absxcfbgXtb3o (DES crypt of 'xc3511', used by Mirai)"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 80
        category = "credentials"
        reference = "https://blog.donbowman.ca/2018/01/18/hacking-the-hikvision-part-1/"
        reference = "renaudallard/hikvision_R2_firmware INTERNALS.md"
        reference = "Flashpoint / Krebs on Mirai, October 2016"
        evidence = "strings"

    strings:
        $hik = "root:ToCOv8qxP13qs:" ascii
        $xm  = "root:absxcfbgXtb3o:" ascii

    condition:
        any of them
}
