rule SIG_Minority_Alarm
{
    meta:
        description = "Signal: an alarm, warning or watch-list item about Uyghurs or minorities (维族人员实时预警, 少数民族告警, 斋月期间异常就餐预警; uyghurAlert, minorityAlarm, 'Uyghur alarm')"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "signals"
        signal = "minority_alarm"
        reference = "https://ipvm.com/reports/hikvision-fasting"
        reference = "https://ipvm.com/reports/hikvision-minority"
        reference = "https://ipvm.com/reports/hikvision-uyghur"
        reference = "https://ipvm.com/reports/dahua-uyghur-warning"
        reference = "https://ipvm.com/reports/alibaba-uyghur"
        reference = "rules-brief.md (shared)"
        evidence = "xref"

    strings:
        $alarm_ramadan_0 = { E6 96 8B E6 9C 88 [0-24] ( E9 A2 84 E8 AD A6 | E9 A0 90 E8 AD A6 | E5 91 8A E8 AD A6 | E6 8A A5 E8 AD A6 | E5 A0 B1 E8 AD A6 | E5 B8 83 E6 8E A7 | E4 BD 88 E6 8E A7 | E5 BC 82 E5 B8 B8 | E7 95 B0 E5 B8 B8 ) }  // 斋月 … 预警|預警|告警|报警|報警|布控|佈控|异常|異常
        $alarm_ramadan_1 = { E9 BD 8B E6 9C 88 [0-24] ( E9 A2 84 E8 AD A6 | E9 A0 90 E8 AD A6 | E5 91 8A E8 AD A6 | E6 8A A5 E8 AD A6 | E5 A0 B1 E8 AD A6 | E5 B8 83 E6 8E A7 | E4 BD 88 E6 8E A7 | E5 BC 82 E5 B8 B8 | E7 95 B0 E5 B8 B8 ) }  // 齋月 … 预警|預警|告警|报警|報警|布控|佈控|异常|異常
        $alarm_7ef465cf = { E7 BB B4 E6 97 8F [0-15] ( E9 A2 84 E8 AD A6 | E9 A0 90 E8 AD A6 | E5 91 8A E8 AD A6 | E6 8A A5 E8 AD A6 | E5 A0 B1 E8 AD A6 | E5 B8 83 E6 8E A7 | E4 BD 88 E6 8E A7 ) }  // 维族 … 预警|預警|告警|报警|報警|布控|佈控
        $alarm_7dad65cf = { E7 B6 AD E6 97 8F [0-15] ( E9 A2 84 E8 AD A6 | E9 A0 90 E8 AD A6 | E5 91 8A E8 AD A6 | E6 8A A5 E8 AD A6 | E5 A0 B1 E8 AD A6 | E5 B8 83 E6 8E A7 | E4 BD 88 E6 8E A7 ) }  // 維族 … 预警|預警|告警|报警|報警|布控|佈控
        $alarm_7ef4543e = { E7 BB B4 E5 90 BE E5 B0 94 [0-15] ( E9 A2 84 E8 AD A6 | E9 A0 90 E8 AD A6 | E5 91 8A E8 AD A6 | E6 8A A5 E8 AD A6 | E5 A0 B1 E8 AD A6 | E5 B8 83 E6 8E A7 | E4 BD 88 E6 8E A7 ) }  // 维吾尔 … 预警|預警|告警|报警|報警|布控|佈控
        $alarm_7dad543e = { E7 B6 AD E5 90 BE E7 88 BE [0-15] ( E9 A2 84 E8 AD A6 | E9 A0 90 E8 AD A6 | E5 91 8A E8 AD A6 | E6 8A A5 E8 AD A6 | E5 A0 B1 E8 AD A6 | E5 B8 83 E6 8E A7 | E4 BD 88 E6 8E A7 ) }  // 維吾爾 … 预警|預警|告警|报警|報警|布控|佈控
        $alarm_5c116570 = { E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F [0-15] ( E9 A2 84 E8 AD A6 | E9 A0 90 E8 AD A6 | E5 91 8A E8 AD A6 | E6 8A A5 E8 AD A6 | E5 A0 B1 E8 AD A6 | E5 B8 83 E6 8E A7 | E4 BD 88 E6 8E A7 ) }  // 少数民族 … 预警|預警|告警|报警|報警|布控|佈控
        $alarm_5c116578 = { E5 B0 91 E6 95 B8 E6 B0 91 E6 97 8F [0-15] ( E9 A2 84 E8 AD A6 | E9 A0 90 E8 AD A6 | E5 91 8A E8 AD A6 | E6 8A A5 E8 AD A6 | E5 A0 B1 E8 AD A6 | E5 B8 83 E6 8E A7 | E4 BD 88 E6 8E A7 ) }  // 少數民族 … 预警|預警|告警|报警|報警|布控|佈控
        $id_alarm = /(minority|minorities|uyghur|uighur|uygur|uigur|ethnic)[ _-]?(alarm|alert|warning|warn)/ nocase

    condition:
        any of them
}
