rule ETHN_CN_Uyghur_Token_FaceAnalytics_Context
{
    meta:
        description = "Detects the short label 维族 (Uyghur) with at least two different face-analytics or alarm words (人脸 属性 抓拍 预警 告警 布控 识别 人种 种族) within 200 bytes before or after it, in the same encoding; the token alone never fires"
        author = "fwscan"
        date = "2026-11-26"
        severity = "high"
        score = 75
        category = "ethnicity_classification"
        reference = "https://ipvm.com/reports/hikvision-uyghur"
        reference = "https://ipvm.com/reports/dahua-uyghur-warning"
        evidence = "xref"

    strings:
        $uyghur_utf8 = { E7 BB B4 E6 97 8F }  // 维族
        $uyghur_gbk = { CE AC D7 E5 }  // 维族
        $uyghur_big5 = { BA FB B1 DA }  // 維族
        $uyghur_utf16le = { F4 7E CF 65 }  // 维族
        $uyghur_utf16be = { 7E F4 65 CF }  // 维族
        // context: within 200 bytes before or after the token, searched through the token's atom
        $ctx_utf8_face = { ( E4 BA BA E8 84 B8 [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E4 BA BA E8 84 B8 ) }  // 人脸 near 维族
        $ctx_utf8_attr = { ( E5 B1 9E E6 80 A7 [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E5 B1 9E E6 80 A7 ) }  // 属性 near 维族
        $ctx_utf8_capture = { ( E6 8A 93 E6 8B 8D [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E6 8A 93 E6 8B 8D ) }  // 抓拍 near 维族
        $ctx_utf8_prewarn = { ( E9 A2 84 E8 AD A6 [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E9 A2 84 E8 AD A6 ) }  // 预警 near 维族
        $ctx_utf8_alarm = { ( E5 91 8A E8 AD A6 [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E5 91 8A E8 AD A6 ) }  // 告警 near 维族
        $ctx_utf8_deploy = { ( E5 B8 83 E6 8E A7 [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E5 B8 83 E6 8E A7 ) }  // 布控 near 维族
        $ctx_utf8_recognize = { ( E8 AF 86 E5 88 AB [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E8 AF 86 E5 88 AB ) }  // 识别 near 维族
        $ctx_utf8_raceword = { ( E4 BA BA E7 A7 8D [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E4 BA BA E7 A7 8D ) }  // 人种 near 维族
        $ctx_utf8_ethnicrace = { ( E7 A7 8D E6 97 8F [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E7 A7 8D E6 97 8F ) }  // 种族 near 维族
        $ctx_gbk_face = { ( C8 CB C1 B3 [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] C8 CB C1 B3 ) }  // 人脸 near 维族
        $ctx_gbk_attr = { ( CA F4 D0 D4 [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] CA F4 D0 D4 ) }  // 属性 near 维族
        $ctx_gbk_capture = { ( D7 A5 C5 C4 [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] D7 A5 C5 C4 ) }  // 抓拍 near 维族
        $ctx_gbk_prewarn = { ( D4 A4 BE AF [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] D4 A4 BE AF ) }  // 预警 near 维族
        $ctx_gbk_alarm = { ( B8 E6 BE AF [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] B8 E6 BE AF ) }  // 告警 near 维族
        $ctx_gbk_deploy = { ( B2 BC BF D8 [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] B2 BC BF D8 ) }  // 布控 near 维族
        $ctx_gbk_recognize = { ( CA B6 B1 F0 [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] CA B6 B1 F0 ) }  // 识别 near 维族
        $ctx_gbk_raceword = { ( C8 CB D6 D6 [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] C8 CB D6 D6 ) }  // 人种 near 维族
        $ctx_gbk_ethnicrace = { ( D6 D6 D7 E5 [0-200] CE AC D7 E5 | CE AC D7 E5 [0-200] D6 D6 D7 E5 ) }  // 种族 near 维族
        $ctx_big5_face = { ( A4 48 C1 79 [0-200] BA FB B1 DA | BA FB B1 DA [0-200] A4 48 C1 79 ) }  // 人臉 near 維族
        $ctx_big5_attr = { ( C4 DD A9 CA [0-200] BA FB B1 DA | BA FB B1 DA [0-200] C4 DD A9 CA ) }  // 屬性 near 維族
        $ctx_big5_capture = { ( A7 EC A9 E7 [0-200] BA FB B1 DA | BA FB B1 DA [0-200] A7 EC A9 E7 ) }  // 抓拍 near 維族
        $ctx_big5_prewarn = { ( B9 77 C4 B5 [0-200] BA FB B1 DA | BA FB B1 DA [0-200] B9 77 C4 B5 ) }  // 預警 near 維族
        $ctx_big5_alarm = { ( A7 69 C4 B5 [0-200] BA FB B1 DA | BA FB B1 DA [0-200] A7 69 C4 B5 ) }  // 告警 near 維族
        $ctx_big5_deploy = { ( A7 47 B1 B1 [0-200] BA FB B1 DA | BA FB B1 DA [0-200] A7 47 B1 B1 ) }  // 佈控 near 維族
        $ctx_big5_recognize = { ( C3 D1 A7 4F [0-200] BA FB B1 DA | BA FB B1 DA [0-200] C3 D1 A7 4F ) }  // 識別 near 維族
        $ctx_big5_raceword = { ( A4 48 BA D8 [0-200] BA FB B1 DA | BA FB B1 DA [0-200] A4 48 BA D8 ) }  // 人種 near 維族
        $ctx_big5_ethnicrace = { ( BA D8 B1 DA [0-200] BA FB B1 DA | BA FB B1 DA [0-200] BA D8 B1 DA ) }  // 種族 near 維族
        $ctx_utf16le_face = { ( BA 4E 38 81 [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] BA 4E 38 81 ) }  // 人脸 near 维族
        $ctx_utf16le_attr = { ( 5E 5C 27 60 [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] 5E 5C 27 60 ) }  // 属性 near 维族
        $ctx_utf16le_capture = { ( 93 62 CD 62 [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] 93 62 CD 62 ) }  // 抓拍 near 维族
        $ctx_utf16le_prewarn = { ( 84 98 66 8B [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] 84 98 66 8B ) }  // 预警 near 维族
        $ctx_utf16le_alarm = { ( 4A 54 66 8B [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] 4A 54 66 8B ) }  // 告警 near 维族
        $ctx_utf16le_deploy = { ( 03 5E A7 63 [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] 03 5E A7 63 ) }  // 布控 near 维族
        $ctx_utf16le_recognize = { ( C6 8B 2B 52 [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] C6 8B 2B 52 ) }  // 识别 near 维族
        $ctx_utf16le_raceword = { ( BA 4E CD 79 [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] BA 4E CD 79 ) }  // 人种 near 维族
        $ctx_utf16le_ethnicrace = { ( CD 79 CF 65 [0-200] F4 7E CF 65 | F4 7E CF 65 [0-200] CD 79 CF 65 ) }  // 种族 near 维族
        $ctx_utf16be_face = { ( 4E BA 81 38 [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 4E BA 81 38 ) }  // 人脸 near 维族
        $ctx_utf16be_attr = { ( 5C 5E 60 27 [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 5C 5E 60 27 ) }  // 属性 near 维族
        $ctx_utf16be_capture = { ( 62 93 62 CD [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 62 93 62 CD ) }  // 抓拍 near 维族
        $ctx_utf16be_prewarn = { ( 98 84 8B 66 [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 98 84 8B 66 ) }  // 预警 near 维族
        $ctx_utf16be_alarm = { ( 54 4A 8B 66 [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 54 4A 8B 66 ) }  // 告警 near 维族
        $ctx_utf16be_deploy = { ( 5E 03 63 A7 [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 5E 03 63 A7 ) }  // 布控 near 维族
        $ctx_utf16be_recognize = { ( 8B C6 52 2B [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 8B C6 52 2B ) }  // 识别 near 维族
        $ctx_utf16be_raceword = { ( 4E BA 79 CD [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 4E BA 79 CD ) }  // 人种 near 维族
        $ctx_utf16be_ethnicrace = { ( 79 CD 65 CF [0-200] 7E F4 65 CF | 7E F4 65 CF [0-200] 79 CD 65 CF ) }  // 种族 near 维族

    condition:
        (for any i in (1..#uyghur_utf8) : (for 2 of ($ctx_utf8_*) : ($ in (@uyghur_utf8[i] - 208 .. @uyghur_utf8[i])))) or
        (for any i in (1..#uyghur_gbk) : (for 2 of ($ctx_gbk_*) : ($ in (@uyghur_gbk[i] - 208 .. @uyghur_gbk[i])))) or
        (for any i in (1..#uyghur_big5) : (for 2 of ($ctx_big5_*) : ($ in (@uyghur_big5[i] - 208 .. @uyghur_big5[i])))) or
        (for any i in (1..#uyghur_utf16le) : (for 2 of ($ctx_utf16le_*) : ($ in (@uyghur_utf16le[i] - 208 .. @uyghur_utf16le[i])))) or
        (for any i in (1..#uyghur_utf16be) : (for 2 of ($ctx_utf16be_*) : ($ in (@uyghur_utf16be[i] - 208 .. @uyghur_utf16be[i]))))
}
