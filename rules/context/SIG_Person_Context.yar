rule SIG_Person_Context
{
    meta:
        description = "Signal: person attributes that face analytics and forms share (性别, 年龄; gender); weak context"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "context"
        signal = "person_context"
        reference = "https://ipvm.com/reports/hikvision-minority"
        reference = "rules-brief.md (shared)"
        evidence = "xref"

    strings:
        $w01 = { E6 80 A7 E5 88 AB }  // 性别
        $w02 = { E6 80 A7 E5 88 A5 }  // 性別
        $w03 = { E5 B9 B4 E9 BE 84 }  // 年龄
        $w04 = { E5 B9 B4 E9 BD A1 }  // 年齡
        $id_gender = "gender" nocase

    condition:
        any of them
}
