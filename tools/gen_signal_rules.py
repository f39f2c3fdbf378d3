#!/usr/bin/env python3
"""Writes rules/signals/SIG_*.yar and rules/context/SIG_*.yar: one signal rule per signal kind family.

Labels (subjects) go to rules/signals/; context and benign vocabulary to rules/context/, which the
pipeline scans only over images in which a label was found (they corroborate or explain labels,
and alone mean nothing), so their common words cost the scan of a benign image nothing.

The vocabulary lives here, in one reviewable table; the rule files it writes are plain YARA
(the stock `yara` command runs them and reports signals). Every label is written once: CJK in
UTF-8 (fwscan's transcoding views turn GBK, Big5 and UTF-16 text into UTF-8, and its unescaped
view turns \\uXXXX, &#NNNN; and %XX escapes into it), ASCII identifiers once, `nocase` (the UTF-16
view narrows wide ASCII). Strings whose id starts with `$id_` must match a whole identifier token
(verdict::identifier_token_ok: byRace and "race" count, trace and "data race" do not).

What the signals weigh, and in which scopes, is not here: rules/verdict.policy says it.
Usage: tools/gen_signal_rules.py [--out rules]
"""
import argparse
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATE = "2026-12-02"

BRIEF = "rules-brief.md (shared)"
REFS = {
    "minority": ["https://ipvm.com/reports/hikvision-fasting", "https://ipvm.com/reports/hikvision-minority", "https://ipvm.com/reports/hikvision-uyghur",
                 "https://ipvm.com/reports/dahua-uyghur-warning", "https://ipvm.com/reports/alibaba-uyghur", BRIEF],
    "race": ["https://ipvm.com/reports/racial-ethnic-standards", "https://ipvm.com/reports/hikvision-uyghur", BRIEF],
    "face": ["https://ipvm.com/reports/hikvision-minority", BRIEF],
    "benign": [BRIEF + " section 3 (benign contexts)", "GB 3304-1991 names and codes of China's nationalities"],
}

# Alternatives used inside hex strings: (simplified, traditional).
MINORITY = [("维族", "維族"), ("维吾尔", "維吾爾"), ("少数民族", "少數民族")]
ALARM_WORDS = [("预警", "預警"), ("告警", None), ("报警", "報警"), ("布控", "佈控")]
ATTR_SUFFIX = [("识别", "識別"), ("属性", "屬性"), ("标识", "標識"), ("类型", "類型"), ("检测", "檢測"), ("判断", "判斷"),
               ("分析", None)]

# The English names of the ISO 639-1 languages (five letters or more, so that their atoms are not
# weak; the label's own name, and the names already listed above, left out): a label among
# them is an entry of a language table (gettext, glibc, ICU, Qt, GNAT), whichever part of the
# alphabet it sits in.
ISO_639_NAMES = ["Abkhazian", "Avestan", "Afrikaans", "Amharic", "Aragonese", "Assamese", "Avaric", "Aymara",
                 "Azerbaijani", "Bashkir", "Belarusian", "Bulgarian", "Bislama", "Bambara", "Bengali", "Breton",
                 "Bosnian", "Catalan", "Chechen", "Chamorro", "Corsican", "Czech", "Chuvash", "Welsh",
                 "Danish", "Divehi", "Dzongkha", "Greek", "Esperanto", "Estonian", "Basque", "Persian",
                 "Fulah", "Finnish", "Fijian", "Faroese", "Western Frisian", "Irish", "Gaelic", "Galician",
                 "Guarani", "Gujarati", "Hausa", "Hindi", "Hiri Motu", "Croatian", "Haitian", "Hungarian",
                 "Armenian", "Herero", "Interlingua", "Indonesian", "Interlingue", "Inupiaq", "Icelandic", "Italian",
                 "Inuktitut", "Javanese", "Georgian", "Kikuyu", "Kuanyama", "Kazakh", "Kalaallisut", "Khmer",
                 "Kannada", "Kanuri", "Kashmiri", "Kurdish", "Cornish", "Kirghiz", "Luxembourgish", "Ganda",
                 "Limburgish", "Lingala", "Lithuanian", "Luba-Katanga", "Latvian", "Malagasy", "Marshallese", "Maori",
                 "Macedonian", "Malayalam", "Mongolian", "Marathi", "Maltese", "Burmese", "Nauru", "Ndebele",
                 "Nepali", "Ndonga", "Dutch", "Norwegian", "Navajo", "Chichewa", "Occitan", "Ojibwa",
                 "Oromo", "Oriya", "Ossetian", "Punjabi", "Polish", "Pashto", "Portuguese", "Quechua",
                 "Romansh", "Rundi", "Romanian", "Kinyarwanda", "Sanskrit", "Sardinian", "Sindhi", "Sango",
                 "Sinhala", "Slovak", "Slovenian", "Samoan", "Shona", "Somali", "Albanian", "Serbian",
                 "Swati", "Sotho", "Sundanese", "Swedish", "Swahili", "Tamil", "Telugu", "Tajik",
                 "Tigrinya", "Turkmen", "Tagalog", "Tswana", "Turkish", "Tsonga", "Tatar", "Tahitian",
                 "Ukrainian", "Uzbek", "Venda", "Vietnamese", "Walloon", "Wolof", "Xhosa", "Yiddish",
                 "Yoruba", "Chinese", "Zulu"]

RULES = [
    {
        "name": "SIG_Minority_Label", "signal": "minority_label", "refs": "minority",
        "description": "Signal: a Uyghur or ethnic-minority label (维族, 维吾尔, 少数民族, non-Han; Uyghur/Uighur/"
                       "Uygur in identifiers), in any encoding; what it means is decided by the verdict stage",
        "words": [("维族", "維族"), ("维吾尔", "維吾爾"), ("少数民族", "少數民族"), ("非汉族", "非漢族")],
        "ascii": [("id_uyghur", "/(uyghur|uighur|uygur|uigur|weizu|weiwuer)/ nocase"),
                  ("id_minority", "/minorit(y|ies)/ nocase")],
    },
    {
        "name": "SIG_Classification_Attribute", "signal": "classification_attribute", "refs": "minority",
        "description": "Signal: an attribute that classifies people as Uyghur or ethnic minority (是否少数民族, "
                       "是否是维族, 少数民族识别, 民族属性; isMinority, ethnicMinority, minority_flag, emNation, "
                       "NationType)",
        "hex": [("whether", 0, 6), ("label_attr", 0, 3)],
        "ascii": [("id_is_minority", "/(is|has|by|em)_?(ethnic_?)?(minority|minorities|uyghur|uighur|uygur|uigur|weizu)/ nocase"),
                  ("id_minority_attr", "/(minority|uyghur|uighur|uygur)_?(flag|type|attr|attribute|code|detect|detection|"
                                       "recog|recognition|class|classify|status|label|info)/ nocase"),
                  ("id_ethnic_minority", "/ethnic_?minorit(y|ies)/ nocase"),
                  ("id_nation_field", "/(em|by)_?nation/ nocase"),
                  ("id_nation_type", "/nation_?type/ nocase")],
    },
    {
        "name": "SIG_Minority_Alarm", "signal": "minority_alarm", "refs": "minority",
        "description": "Signal: an alarm, warning or watch-list item about Uyghurs or minorities (维族人员实时预警, "
                       "少数民族告警, 斋月期间异常就餐预警; uyghurAlert, minorityAlarm, 'Uyghur alarm')",
        "hex": [("alarm", 0, 15)],
        "ascii": [("id_alarm", "/(minority|minorities|uyghur|uighur|uygur|uigur|ethnic)[ _-]?(alarm|alert|warning|warn)/ nocase")],
    },
    {
        "name": "SIG_Race_Attribute", "signal": "race_attribute", "refs": "race",
        "description": "Signal: a race, skin-colour or ethnic-code attribute or value (种族, 人种, 肤色, 黄种人; race, "
                       "ethnicity, complexion, skinColor, EthicCode)",
        "words": [("种族", "種族"), ("人种肤色", "人種膚色"), ("人种", "人種"), ("肤色", "膚色"), ("黄种人", "黃種人"),
                  ("白种人", "白種人"), ("黑种人", "黑種人"), ("白人", None), ("黑人", None)],
        "ascii": [("id_race", "\"race\" nocase"), ("id_ethnicity", "\"ethnicity\" nocase"),
                  ("id_ethnic", "\"ethnic\" nocase"), ("id_complexion", "\"complexion\" nocase"),
                  ("id_skin_colour", "/skin_?colou?r/ nocase"), ("id_skin_tone", "/skin_?tone/ nocase"),
                  ("id_ethic_code", "/ethic_?code/ nocase")],
    },
    {
        "name": "SIG_Face_Context", "folder": "context", "signal": "face_context", "refs": "face",
        "description": "Signal: face-analytics vocabulary (人脸, 抓拍, 年龄段, 眼镜, 口罩, 胡子, 表情; faceAttr, glasses, "
                       "beard, smile, ageGroup); context only, never a finding",
        "words": [("人脸", "人臉"), ("抓拍", None), ("年龄段", "年齡段"), ("眼镜", "眼鏡"), ("口罩", None), ("胡子", "鬍子"),
                  ("胡须", "鬍鬚"), ("表情", None), ("帽子", None), ("微笑", None), ("颜值", "顏值"), ("魅力值", None),
                  ("人像", None), ("面部", None)],
        "ascii": [("id_face_attr", "/face_?(attr|attribute|feature|trait|detect|detection|capture|snap)/ nocase"),
                  ("id_glasses", "\"glasses\" nocase"), ("id_beard", "\"beard\" nocase"),
                  ("id_moustache", "/mou?stache/ nocase"), ("id_smile", "\"smile\" nocase"),
                  ("id_age_group", "/age_?(group|range|bracket)/ nocase"), ("id_emotion", "\"emotion\" nocase"),
                  ("id_face_mask", "/(face|wear)_?mask/ nocase")],
    },
    {
        "name": "SIG_Person_Context", "folder": "context", "signal": "person_context", "refs": "face",
        "description": "Signal: person attributes that face analytics and forms share (性别, 年龄; gender); weak context",
        "words": [("性别", "性別"), ("年龄", "年齡")],
        "ascii": [("id_gender", "\"gender\" nocase")],
    },
    {
        "name": "SIG_Benign_List_Name", "folder": "context", "signal": "benign_list", "refs": "benign",
        "description": "Signal (benign): names that make up lists: China's other nationalities (ID-card and census "
                       "tables) and language names (locale and font tables); a label among them is a list entry",
        "words": [("汉族", "漢族"), ("蒙古族", None), ("回族", None), ("藏族", None), ("苗族", None), ("彝族", None),
                  ("壮族", "壯族"), ("布依族", "布依族"), ("朝鲜族", "朝鮮族"), ("满族", "滿族"), ("侗族", None),
                  ("瑶族", "瑤族"), ("白族", None), ("土家族", None), ("哈尼族", None), ("哈萨克族", "哈薩克族"),
                  ("傣族", None), ("黎族", None), ("傈僳族", None), ("纳西族", "納西族"), ("柯尔克孜族", "柯爾克孜族"),
                  ("锡伯族", "錫伯族"), ("塔吉克族", None), ("乌孜别克族", "烏孜別克族"), ("俄罗斯族", "俄羅斯族"),
                  ("简体中文", "簡體中文"), ("繁體中文", None), ("日本語", None), ("한국어", None), ("Русский", None),
                  ("Français", None), ("Español", None), ("العربية", None)],
        "ascii": [("mongol", "\"Mongol\" nocase"), ("zhuang", "\"Zhuang\" nocase"), ("tibetan", "\"Tibetan\" nocase"),
                  ("kazak", "\"Kazak\" nocase"), ("manchu", "\"Manchu\" nocase"), ("english", "\"English\""),
                  ("japanese", "\"Japanese\""), ("korean", "\"Korean\""), ("russian", "\"Russian\""),
                  ("french", "\"French\""), ("german", "\"German\""), ("spanish", "\"Spanish\""),
                  ("arabic", "\"Arabic\""), ("hebrew", "\"Hebrew\""),
                  ("deutsch", "\"Deutsch\""), ("idcard", "\"CITIZENIDCARD\" nocase")]
                 + [("iso639_" + "".join(c if c.isalnum() else "_" for c in n.lower()), "\"%s\" fullword" % n) for n in ISO_639_NAMES],
    },
    {
        "name": "SIG_Benign_Place_Name", "folder": "context", "signal": "benign_address", "refs": "benign",
        "description": "Signal (benign): place and policy names that hold a label (新疆维吾尔自治区, 'Uyghur Autonomous "
                       "Region', 少数民族地区); the label inside them is an address, not a classification",
        "hex": [("autonomous", 0, 3), ("minority_policy", 0, 3)],
        "ascii": [("autonomous_en", "/(uyghur|uighur|uygur) autonomous/ nocase")],
    },
    {
        "name": "SIG_Benign_Language_Name", "folder": "context", "signal": "benign_language", "refs": "benign",
        "description": "Signal (benign): language and script names that hold a label (维吾尔语, 維吾爾文, 'Old Uyghur', "
                       "'Uyghur language'); the label inside them names a language or a writing system, not a person",
        "hex": [("language", 0, 0)],
        "ascii": [("script_en", "/old[ _](uyghur|uighur|uygur)/ nocase"),
                  ("language_en", "/(uyghur|uighur|uygur)[ _-](language|script|alphabet|keyboard|input|arabic|latin|cyrillic)/ nocase")],
    },
    {
        "name": "SIG_Benign_Form_Text", "folder": "context", "signal": "benign_text", "refs": "benign",
        "description": "Signal (benign): licence, privacy-policy, HR and education-form vocabulary (隐私政策, 籍贯, "
                       "政治面貌, 学历, 考生; 'Privacy Policy', 'General Public License')",
        "words": [("隐私政策", "隱私政策"), ("隐私声明", "隱私聲明"), ("个人信息", "個人信息"), ("许可协议", "許可協議"),
                  ("用户协议", "用戶協議"), ("籍贯", "籍貫"), ("政治面貌", "政治面貌"), ("身份证号", "身份證號"),
                  ("学历", "學歷"), ("毕业院校", "畢業院校"), ("婚姻状况", "婚姻狀況"), ("考生", None),
                  ("准考证", "准考證"), ("学籍", "學籍"), ("工作单位", "工作單位"), ("入职", "入職"), ("加分", None)],
        "ascii": [("privacy", "\"privacy policy\" nocase"), ("personal_data", "/personal (data|information)/ nocase"),
                  ("gpl", "\"General Public License\""), ("licensed", "\"Licensed under\""),
                  ("ethnic_origin", "\"ethnic origin\" nocase")],
    },
]


def hexs(text):
    return " ".join("%02X" % b for b in text.encode("utf-8"))


def alternation(pairs):
    forms = []
    for simp, trad in pairs:
        for f in (simp, trad):
            if f and f not in forms:
                forms.append(f)
    return "( " + " | ".join(hexs(f) for f in forms) + " )", "|".join(forms)


def hex_strings(name, lo, hi):
    """The compositional strings: a fixed part, a short jump, then one of several words."""
    if name == "whether":
        alt, words = alternation(MINORITY)
        return [("whether", "{ %s [%d-%d] %s }" % (hexs("是否"), lo, hi, alt), "是否 … " + words)]
    if name == "label_attr":
        alt, words = alternation(ATTR_SUFFIX)
        out = []
        for simp, trad in MINORITY + [("民族", None)]:
            for form in (simp, trad):
                if form:
                    key = "attr_" + "".join("%04x" % ord(c) for c in form[:2])
                    out.append((key, "{ %s [%d-%d] %s }" % (hexs(form), lo, hi, alt), form + " … " + words))
        return out
    if name == "alarm":
        alt, words = alternation(ALARM_WORDS)
        # a religious-practice alarm: 斋月 (Ramadan) within a few words of a warning or anomaly
        ramadan_alt, ramadan_words = alternation(ALARM_WORDS + [("异常", "異常")])
        out = [("alarm_ramadan_%d" % i, "{ %s [0-24] %s }" % (hexs(f), ramadan_alt), f + " … " + ramadan_words)
               for i, f in enumerate(("斋月", "齋月"))]
        for simp, trad in MINORITY:
            for form in (simp, trad):
                if form:
                    key = "alarm_" + "".join("%04x" % ord(c) for c in form[:2])
                    out.append((key, "{ %s [%d-%d] %s }" % (hexs(form), lo, hi, alt), form + " … " + words))
        return out
    if name == "autonomous":
        return [("autonomous_%d" % i, "{ %s [%d-%d] %s }" % (hexs(f), lo, hi, hexs("自治")), f + " … 自治")
                for i, f in enumerate(("维吾尔", "維吾爾"))]
    if name == "language":
        # Chinese names a language with 语/語 or 语言/語言 and a script with 文 or 文字 after the people's name.
        alt, words = alternation([("语", "語"), ("文", None)])
        return [("language_%d" % i, "{ %s %s }" % (hexs(f), alt), f + words)
                for i, f in enumerate(("维吾尔", "維吾爾"))]
    if name == "minority_policy":
        alt, words = alternation([("地区", "地區"), ("聚居", None), ("自治", None), ("干部", "幹部"), ("政策", None),
                                  ("加分", None), ("考生", None), ("文字", None), ("语言", "語言")])
        return [("minority_policy_%d" % i, "{ %s [%d-%d] %s }" % (hexs(f), lo, hi, alt), f + " … " + words)
                for i, f in enumerate(("少数民族", "少數民族"))]
    raise ValueError(name)


def render(rule):
    lines = ["rule %s" % rule["name"], "{", "    meta:"]
    meta = [("description", rule["description"]), ("author", "fwscan"), ("date", DATE), ("severity", "info"),
            ("score", 0), ("category", rule.get("folder", "signals")), ("signal", rule["signal"])]
    meta += [("reference", r) for r in REFS[rule["refs"]]]
    meta += [("evidence", "xref")]
    for k, v in meta:
        lines.append("        %s = %s" % (k, v if isinstance(v, int) else '"%s"' % v.replace('"', "'")))
    lines += ["", "    strings:"]
    n = 0
    for simp, trad in rule.get("words", []):
        for form in (simp, trad):
            if form:
                n += 1
                lines.append("        $w%02d = { %s }  // %s" % (n, hexs(form), form))
    for name, lo, hi in rule.get("hex", []):
        for key, body, comment in hex_strings(name, lo, hi):
            lines.append("        $%s = %s  // %s" % (key, body, comment))
    for key, body in rule.get("ascii", []):
        lines.append("        $%s = %s" % (key, body))
    lines += ["", "    condition:", "        any of them", "}", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "rules"))
    args = ap.parse_args()
    for rule in RULES:
        folder = os.path.join(args.out, rule.get("folder", "signals"))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, rule["name"] + ".yar"), "w", encoding="utf-8") as f:
            f.write(render(rule))
    print("wrote %d signal rules under %s" % (len(RULES), args.out))


if __name__ == "__main__":
    main()
