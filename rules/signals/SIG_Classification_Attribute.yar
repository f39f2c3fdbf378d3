rule SIG_Classification_Attribute
{
    meta:
        description = "Signal: an attribute that classifies people as Uyghur or ethnic minority (是否少数民族, 是否是维族, 少数民族识别, 民族属性; isMinority, ethnicMinority, minority_flag, emNation, NationType)"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "signals"
        signal = "classification_attribute"
        reference = "https://ipvm.com/reports/hikvision-fasting"
        reference = "https://ipvm.com/reports/hikvision-minority"
        reference = "https://ipvm.com/reports/hikvision-uyghur"
        reference = "https://ipvm.com/reports/dahua-uyghur-warning"
        reference = "https://ipvm.com/reports/alibaba-uyghur"
        reference = "rules-brief.md (shared)"
        evidence = "xref"

    strings:
        $whether = { E6 98 AF E5 90 A6 [0-6] ( E7 BB B4 E6 97 8F | E7 B6 AD E6 97 8F | E7 BB B4 E5 90 BE E5 B0 94 | E7 B6 AD E5 90 BE E7 88 BE | E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F | E5 B0 91 E6 95 B8 E6 B0 91 E6 97 8F ) }  // 是否 … 维族|維族|维吾尔|維吾爾|少数民族|少數民族
        $attr_7ef465cf = { E7 BB B4 E6 97 8F [0-3] ( E8 AF 86 E5 88 AB | E8 AD 98 E5 88 A5 | E5 B1 9E E6 80 A7 | E5 B1 AC E6 80 A7 | E6 A0 87 E8 AF 86 | E6 A8 99 E8 AD 98 | E7 B1 BB E5 9E 8B | E9 A1 9E E5 9E 8B | E6 A3 80 E6 B5 8B | E6 AA A2 E6 B8 AC | E5 88 A4 E6 96 AD | E5 88 A4 E6 96 B7 | E5 88 86 E6 9E 90 ) }  // 维族 … 识别|識別|属性|屬性|标识|標識|类型|類型|检测|檢測|判断|判斷|分析
        $attr_7dad65cf = { E7 B6 AD E6 97 8F [0-3] ( E8 AF 86 E5 88 AB | E8 AD 98 E5 88 A5 | E5 B1 9E E6 80 A7 | E5 B1 AC E6 80 A7 | E6 A0 87 E8 AF 86 | E6 A8 99 E8 AD 98 | E7 B1 BB E5 9E 8B | E9 A1 9E E5 9E 8B | E6 A3 80 E6 B5 8B | E6 AA A2 E6 B8 AC | E5 88 A4 E6 96 AD | E5 88 A4 E6 96 B7 | E5 88 86 E6 9E 90 ) }  // 維族 … 识别|識別|属性|屬性|标识|標識|类型|類型|检测|檢測|判断|判斷|分析
        $attr_7ef4543e = { E7 BB B4 E5 90 BE E5 B0 94 [0-3] ( E8 AF 86 E5 88 AB | E8 AD 98 E5 88 A5 | E5 B1 9E E6 80 A7 | E5 B1 AC E6 80 A7 | E6 A0 87 E8 AF 86 | E6 A8 99 E8 AD 98 | E7 B1 BB E5 9E 8B | E9 A1 9E E5 9E 8B | E6 A3 80 E6 B5 8B | E6 AA A2 E6 B8 AC | E5 88 A4 E6 96 AD | E5 88 A4 E6 96 B7 | E5 88 86 E6 9E 90 ) }  // 维吾尔 … 识别|識別|属性|屬性|标识|標識|类型|類型|检测|檢測|判断|判斷|分析
        $attr_7dad543e = { E7 B6 AD E5 90 BE E7 88 BE [0-3] ( E8 AF 86 E5 88 AB | E8 AD 98 E5 88 A5 | E5 B1 9E E6 80 A7 | E5 B1 AC E6 80 A7 | E6 A0 87 E8 AF 86 | E6 A8 99 E8 AD 98 | E7 B1 BB E5 9E 8B | E9 A1 9E E5 9E 8B | E6 A3 80 E6 B5 8B | E6 AA A2 E6 B8 AC | E5 88 A4 E6 96 AD | E5 88 A4 E6 96 B7 | E5 88 86 E6 9E 90 ) }  // 維吾爾 … 识别|識別|属性|屬性|标识|標識|类型|類型|检测|檢測|判断|判斷|分析
        $attr_5c116570 = { E5 B0 91 E6 95 B0 E6 B0 91 E6 97 8F [0-3] ( E8 AF 86 E5 88 AB | E8 AD 98 E5 88 A5 | E5 B1 9E E6 80 A7 | E5 B1 AC E6 80 A7 | E6 A0 87 E8 AF 86 | E6 A8 99 E8 AD 98 | E7 B1 BB E5 9E 8B | E9 A1 9E E5 9E 8B | E6 A3 80 E6 B5 8B | E6 AA A2 E6 B8 AC | E5 88 A4 E6 96 AD | E5 88 A4 E6 96 B7 | E5 88 86 E6 9E 90 ) }  // 少数民族 … 识别|識別|属性|屬性|标识|標識|类型|類型|检测|檢測|判断|判斷|分析
        $attr_5c116578 = { E5 B0 91 E6 95 B8 E6 B0 91 E6 97 8F [0-3] ( E8 AF 86 E5 88 AB | E8 AD 98 E5 88 A5 | E5 B1 9E E6 80 A7 | E5 B1 AC E6 80 A7 | E6 A0 87 E8 AF 86 | E6 A8 99 E8 AD 98 | E7 B1 BB E5 9E 8B | E9 A1 9E E5 9E 8B | E6 A3 80 E6 B5 8B | E6 AA A2 E6 B8 AC | E5 88 A4 E6 96 AD | E5 88 A4 E6 96 B7 | E5 88 86 E6 9E 90 ) }  // 少數民族 … 识别|識別|属性|屬性|标识|標識|类型|類型|检测|檢測|判断|判斷|分析
        $attr_6c1165cf = { E6 B0 91 E6 97 8F [0-3] ( E8 AF 86 E5 88 AB | E8 AD 98 E5 88 A5 | E5 B1 9E E6 80 A7 | E5 B1 AC E6 80 A7 | E6 A0 87 E8 AF 86 | E6 A8 99 E8 AD 98 | E7 B1 BB E5 9E 8B | E9 A1 9E E5 9E 8B | E6 A3 80 E6 B5 8B | E6 AA A2 E6 B8 AC | E5 88 A4 E6 96 AD | E5 88 A4 E6 96 B7 | E5 88 86 E6 9E 90 ) }  // 民族 … 识别|識別|属性|屬性|标识|標識|类型|類型|检测|檢測|判断|判斷|分析
        $id_is_minority = /(is|has|by|em)_?(ethnic_?)?(minority|minorities|uyghur|uighur|uygur|uigur|weizu)/ nocase
        $id_minority_attr = /(minority|uyghur|uighur|uygur)_?(flag|type|attr|attribute|code|detect|detection|recog|recognition|class|classify|status|label|info)/ nocase
        $id_ethnic_minority = /ethnic_?minorit(y|ies)/ nocase
        $id_nation_field = /(em|by)_?nation/ nocase
        $id_nation_type = /nation_?type/ nocase

    condition:
        any of them
}
