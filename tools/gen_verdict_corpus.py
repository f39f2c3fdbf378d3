#!/usr/bin/env python3
"""Builds the verdict evaluation corpus: corpus/verdict/{dev,eval}/ and their EXPECTED.json.

Written before the signal rules and the verdict stage that it judges (issue: "Findings that
generalise"). Each file is a realistic carrier (ELF string tables from C compiled for several
CPUs, JSON/JS/XML/INI UI files and language packs, plain and escaped, GBK SDK headers, Java
class files and a JAR, .pyc, UTF-16 Windows resources, Big5 packs, tar images) holding labels
placed in *groups*: one group is one function, one record or one section; groups are kilobytes
apart. What a scan must report comes from construction (which labels were placed, and with what
else in the same group, file or image), never from fwscan's output:

  high     a minority label, a classification attribute or a minority alarm corroborated by
           another of those in the same group or anywhere in the same file, or by at least two
           face-analytics terms in the same group
  medium   the same corroborated only by face-analytics terms elsewhere in the file, or by a
           label in another file of the same image; a race / skin-colour attribute with
           face-analytics terms
  low      a lone label (nothing else placed)
  none     negatives: the benign contexts (ID-card nationality tables, province lists,
           locale and font tables, licence and privacy text, HR and education forms, face
           analytics without any ethnic attribute): nothing above info

The two halves differ in everything but the classes: `dev` (what rule authors look at) and
`eval` (only measured on) use different carrier templates, different wordings of every label
class, other CPUs and another seed.

Needs Debian's cross compilers and a JDK (scripts/install-deps --generator). CI never runs this.
Usage: tools/gen_verdict_corpus.py [--out corpus/verdict]
"""
import argparse
import io
import json
import os
import py_compile
import random
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = 1700000000

# Wordings per class and half. The eval half's wordings never appear in the dev half.
WORDS = {
    "dev": {
        "value": ["维族", "少数民族", "Uyghur"],
        "attribute": ["是否少数民族", "isMinority", "民族属性", "EM_NATION_TYPE"],
        "alarm": ["维族人员实时预警", "minorityAlarm"],
        "race": ["emRace", "skinColor", "黄种人", "人种肤色"],
        "face": ["人脸", "抓拍", "年龄段", "是否戴眼镜", "faceAttr", "glasses", "戴口罩"],
    },
    "eval": {
        "value": ["维吾尔族", "Uighur", "Uygur", "维吾尔"],
        "attribute": ["少数民族识别", "ethnicMinority", "is_minority", "是否维族", "emNation", "NationType"],
        "alarm": ["少数民族告警", "uyghurAlert", "维族告警", "Uyghur alarm"],
        "race": ["nComplexion", "byEthnic", "ethnicity", "race", "ethicCode", "skin_colour", "肤色属性", "白人"],
        "face": ["胡子", "表情", "人脸属性", "戴帽子", "age_group", "beard", "smile", "人脸检测", "mask"],
    },
}

# Benign material (shared by both halves; the negatives' templates differ per half).
NATIONALITIES = ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
                 "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
                 "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
                 "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
                 "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
                 "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
                 "基诺族"]
PROVINCES = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市",
             "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省",
             "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
             "青海省", "宁夏回族自治区", "新疆维吾尔自治区"]
LOCALES = [("zh-CN", "简体中文", "Chinese (Simplified)"), ("zh-TW", "繁體中文", "Chinese (Traditional)"),
           ("en-US", "English", "English"), ("ja-JP", "日本語", "Japanese"), ("ko-KR", "한국어", "Korean"),
           ("ug-CN", "ئۇيغۇرچە", "Uyghur"), ("bo-CN", "བོད་ཡིག", "Tibetan"), ("mn-MN", "Монгол", "Mongolian"),
           ("kk-KZ", "Қазақ", "Kazakh"), ("ru-RU", "Русский", "Russian"), ("fr-FR", "Français", "French"),
           ("de-DE", "Deutsch", "German"), ("es-ES", "Español", "Spanish"), ("ar-SA", "العربية", "Arabic")]
FONTS = ["Noto Sans CJK SC", "Noto Sans Uyghur", "Noto Sans Tibetan", "Noto Sans Mongolian", "Noto Sans Arabic",
         "DejaVu Sans", "WenQuanYi Micro Hei", "Noto Naskh Arabic", "Noto Sans Thai", "Noto Sans Hebrew"]
PRIVACY = ("隐私政策：我们不会收集您的种族、民族、宗教信仰等敏感个人信息。Privacy Policy: we do not process "
           "personal data revealing racial or ethnic origin, political opinions or religious beliefs.")
LICENCE = ("This program is free software; you can redistribute it and/or modify it under the terms of the GNU "
           "General Public License. 本软件许可协议适用于所有用户，不因性别、种族或民族而区别对待。")
HR_FIELDS = ["姓名", "性别", "民族", "出生日期", "籍贯", "政治面貌", "身份证号", "学历", "毕业院校", "婚姻状况",
             "联系电话", "工作单位"]
EDU_FIELDS = ["考生号", "姓名", "性别", "是否少数民族", "少数民族加分", "准考证号", "毕业学校", "身份证号", "学籍号"]
FACE_ONLY = ["人脸抓拍", "年龄段", "性别", "是否戴眼镜", "口罩", "人脸比对", "ageGroup", "gender", "faceScore"]
FILLER = ["network: dhcp lease renewed on eth0", "rtsp: session %d opened", "ntp: clock adjusted by %dms",
          "onvif: GetProfiles from %s", "storage: hdd %d smart ok", "upgrade: package verified",
          "osd: overlay refreshed", "ptz: preset %d reached", "encoder: bitrate %d kbps", "http: 200 %s",
          "motion: region %d armed", "audio: g711a enabled", "isp: exposure %d us", "wifi: rssi %d dBm"]

# Carriers: "elf", "json", "js_escaped", "xml", "ini", "gbk_header", "java_class", "jar", "pyc",
# "res_utf16le", "big5_pack", "utf16be_text", "tar_image". Each half lists its templates.
ARCHES = {
    "dev": [("arm", "arm-linux-gnueabihf-gcc", ["-marm"]), ("aarch64", "aarch64-linux-gnu-gcc", []),
            ("mipsel", "mipsel-linux-gnu-gcc", []), ("x86_64", "x86_64-linux-gnu-gcc", [])],
    "eval": [("thumb", "arm-linux-gnueabihf-gcc", ["-mthumb"]), ("mips", "mips-linux-gnu-gcc", []),
             ("powerpc", "powerpc-linux-gnu-gcc", []), ("i386", "i686-linux-gnu-gcc", [])],
}

# Positive cases: (case id, groups, expected severity). A group is a list of (class, index).
# Indexes pick a wording of the half (modulo its list), so both halves share the shapes.
POSITIVES = [
    ("pair_group", [[("attribute", 0), ("value", 0)]], "high"),
    ("pair_far", [[("attribute", 1)], [("value", 1)]], "high"),
    ("face_group", [[("value", 2), ("face", 0), ("face", 1), ("face", 2)]], "high"),
    ("attr_face_group", [[("attribute", 2), ("face", 3), ("face", 4)]], "high"),
    ("face_file", [[("value", 0)], [("face", 5), ("face", 6)]], "medium"),
    ("alarm_face", [[("alarm", 0), ("face", 1), ("face", 3)]], "high"),
    ("lone_value", [[("value", 1)]], "low"),
    ("lone_attribute", [[("attribute", 3)]], "low"),
    ("lone_alarm", [[("alarm", 1)]], "low"),
    ("race_face", [[("race", 0), ("face", 0), ("face", 2)]], "medium"),
    ("race_fields", [[("race", 1), ("race", 2), ("face", 4), ("face", 5)]], "medium"),
    ("lone_race", [[("race", 3)]], "low"),
]
NEGATIVES = ["id_card_list", "province_list", "locale_table", "font_table", "privacy_text", "hr_form",
             "edu_form", "face_only"]

# Which carriers each half renders the positive cases in (one carrier per case, rotating).
CARRIERS = {
    "dev": ["elf", "json", "ini", "gbk_header", "java_class", "pyc", "res_utf16le", "js_escaped", "xml",
            "big5_pack", "elf", "utf16be_text"],
    "eval": ["xml", "elf", "js_escaped", "java_class", "jar", "res_utf16le", "pyc", "gbk_header", "elf",
             "json", "big5_pack", "ini", "utf16be_text", "elf"],
}


def to_big5_form(text):
    """Traditional forms for the Big5 carrier (only the characters the wordings use)."""
    table = str.maketrans({"维": "維", "尔": "爾", "数": "數", "识": "識", "别": "別", "属": "屬", "种": "種",
                           "肤": "膚", "脸": "臉", "检": "檢", "测": "測", "戴": "戴", "帽": "帽", "预": "預",
                           "警": "警", "实": "實", "时": "時", "员": "員", "龄": "齡", "段": "段", "镜": "鏡",
                           "罩": "罩", "拍": "拍", "黄": "黃", "汉": "漢", "蒙": "蒙", "壮": "壯", "萨": "薩",
                           "苗": "苗", "藏": "藏", "回": "回", "语": "語", "简": "簡", "体": "體", "区": "區",
                           "陆": "陸", "湾": "灣", "门": "門", "广": "廣", "东": "東", "宁": "寧", "夏": "夏",
                           "内": "內", "连": "連", "话": "話", "证": "證", "号": "號", "历": "歷", "况": "況",
                           "单": "單", "学": "學", "业": "業", "贯": "貫", "治": "治", "貌": "貌", "胡": "鬍",
                           "表": "表", "情": "情", "告": "告", "抓": "抓", "锡": "錫", "伦": "倫", "阿": "阿"})
    return text.translate(table)


def filler(rng, count):
    return [rng.choice(FILLER).replace("%d", str(rng.randint(1, 9999))).replace("%s", "cam%d" % rng.randint(1, 99))
            for _ in range(count)]


def c_literal(text, encoding):
    """A C string literal holding `text` in `encoding` (\\x escapes, so the source stays ASCII)."""
    if encoding == "utf-16":
        return "u\"" + "".join(ch if 0x20 <= ord(ch) < 0x7F and ch not in "\"\\?" else
                               "\\U%08x" % ord(ch) if ord(ch) > 0xFFFF else "\\u%04x" % ord(ch) for ch in text) + "\""
    data = text.encode(encoding)
    out, prev_hex = [], False
    for b in data:
        ch = chr(b)
        if 0x20 <= b < 0x7F and ch not in "\"\\" and not (prev_hex and ch in "0123456789abcdefABCDEF"):
            out.append(ch)
            prev_hex = False
        else:
            out.append("\\x%02x" % b)
            prev_hex = True
    return "\"" + "".join(out) + "\""


def render_elf(half, groups, rng, index, stem, out_dir):
    """Each group is one noinline function using its labels; kilobytes of log strings between them."""
    arch, cc, flags = ARCHES[half][index % len(ARCHES[half])]
    if shutil.which(cc) is None:
        sys.exit(f"gen_verdict_corpus: {cc} not found (scripts/install-deps --generator)")
    encodings = ["utf-8", "gbk", "utf-16"] if half == "eval" else ["utf-8", "gbk"]
    lines = ["#include <stdio.h>", "#include <string.h>", "#include <uchar.h>",
             "typedef struct { const char *name; int type; } field_t;",
             "void ia_register(const char *name, int type);", "void ia_register16(const char16_t *name, int type);"]
    calls = []
    for gi, group in enumerate(groups):
        lines.append("static const char *log_block_%d[] = {%s};" % (
            gi, ", ".join(c_literal(s, "utf-8") for s in filler(rng, 120))))
        enc = encodings[(index + gi) % len(encodings)]
        body = []
        for j, text in enumerate(group):
            e = "utf-8" if text.isascii() else enc
            if half == "dev":
                body.append("  ia_register(%s, %d);" % (c_literal(text, e), j))
            elif e == "utf-16":
                body.append("  ia_register16(%s, %d);" % (c_literal(text, e), j))
            else:
                body.append("  { static const field_t f = {%s, %d}; ia_register(f.name, f.type); }"
                            % (c_literal(text, e), j))
        fname = "ia_group_%d_%s" % (gi, rng.choice(["attr", "fields", "labels", "tags"]))
        lines.append("__attribute__((noinline)) void %s(void) {\n%s\n  ia_register(log_block_%d[%d], -1);\n}"
                     % (fname, "\n".join(body), gi, gi))
        calls.append(fname)
    lines.append("__attribute__((noinline)) void ia_register(const char *name, int type) "
                 "{ printf(\"%s %d\\n\", name, type); }")
    lines.append("__attribute__((noinline)) void ia_register16(const char16_t *name, int type) "
                 "{ printf(\"%p %d\\n\", (const void *)name, type); }")
    lines.append("int main(void) {\n%s\n  return 0;\n}" % "\n".join("  %s();" % c for c in calls))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "m.c")
        with open(src, "w", encoding="ascii") as f:
            f.write("\n".join(lines) + "\n")
        exe = os.path.join(out_dir, f"{stem}.{arch}.elf")
        opt = ["-O2"] if index % 2 == 0 else ["-Os"]
        subprocess.run([cc, *flags, *opt, "-fno-asynchronous-unwind-tables", "-o", exe, src], check=True)
        subprocess.run([cc.replace("-gcc", "-strip"), exe], check=True)
    return os.path.basename(exe)


def json_escape_all(text):
    return "".join(ch if ch.isascii() else "\\u%04x" % ord(ch) for ch in text)


def render_text(carrier, half, groups, rng, stem, out_dir):
    """Text carriers: one record per group, filler records between them."""
    records = []
    for gi, group in enumerate(groups):
        records.append(("group%d" % gi, group))
        records.append(("misc%d" % gi, filler(rng, 60)))
    name, data = None, None
    if carrier == "json":
        if half == "dev":
            obj = {k: {("k%d" % i): v for i, v in enumerate(vals)} for k, vals in records}
        else:
            obj = {"version": 3, "sections": [{"id": k, "items": [{"label": v, "key": "item_%d" % i}
                                                                   for i, v in enumerate(vals)]} for k, vals in records]}
        name, data = stem + ".json", json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8")
    elif carrier == "js_escaped":
        parts = []
        for k, vals in records:
            parts.append("%s:{%s}" % (k, ",".join("%s:\"%s\"" % ("v%d" % i, json_escape_all(v)) for i, v in enumerate(vals))))
        body = ",\n".join(parts)
        text = ("define(\"lang/zh\",[],function(){return{%s}});" if half == "dev" else
                "window.__I18N__=window.__I18N__||{};Object.assign(window.__I18N__,{\n%s\n});") % body
        name, data = stem + ".js", text.encode("ascii")
    elif carrier == "xml":
        rows = []
        for k, vals in records:
            items = "".join("<item id=\"%d\">%s</item>" % (i, v if half == "dev" else "".join("&#%d;" % ord(c) if not c.isascii() else c for c in v))
                            for i, v in enumerate(vals))
            rows.append("  <group name=\"%s\">\n    %s\n  </group>" % (k, items))
        name = stem + ".xml"
        data = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<strings>\n%s\n</strings>\n" % "\n".join(rows)).encode("utf-8")
    elif carrier == "ini":
        rows = []
        for k, vals in records:
            rows.append("[%s]" % k)
            rows.extend("%s=%s" % ("key%d" % i, v) for i, v in enumerate(vals))
            rows.append("")
        enc = "utf-8" if half == "dev" else "gbk"
        name, data = stem + ".ini", "\n".join(rows).encode(enc)
    elif carrier == "gbk_header":
        rows = ["/* SDK header, GBK */", "#ifndef SDK_H", "#define SDK_H"]
        for k, vals in records:
            rows.append("typedef enum tag_%s {" % k.upper())
            for i, v in enumerate(vals):
                ident = v if v.isascii() and v.replace("_", "").isalnum() else "FIELD_%s_%d" % (k.upper(), i)
                comment = v if ident != v else "field"
                rows.append("    %s_%s = %d, // %s" % ("E" if half == "dev" else "SDK", ident, i, comment))
            rows.append("} %s_T;" % k.upper())
        rows.append("#endif")
        name, data = stem + ".h", "\n".join(rows).encode("gbk")
    elif carrier == "big5_pack":
        rows = ["%s_%d=%s" % (k, i, to_big5_form(v)) for k, vals in records for i, v in enumerate(vals)]
        name, data = stem + ".lang", "\r\n".join(rows).encode("big5")
    elif carrier == "utf16be_text":
        rows = ["%s.%d\t%s" % (k, i, v) for k, vals in records for i, v in enumerate(vals)]
        name, data = stem + ".txt", "\ufeff".encode("utf-16-be") + "\n".join(rows).encode("utf-16-be")
    elif carrier == "res_utf16le":
        name, data = stem + ".res", win32_res(records)
    else:
        raise ValueError(carrier)
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data)
    return name


def win32_res(records):
    """A Win32 .res file: one RT_STRING block per record, strings length-prefixed UTF-16LE."""
    out = bytearray(struct.pack("<IIHHHHIHHII", 0, 32, 0xFFFF, 0, 0xFFFF, 0, 0, 0, 0, 0, 0))  # empty first entry
    for block, (_, vals) in enumerate(records, start=1):
        strings = list(vals[:16]) + [""] * (16 - min(16, len(vals)))
        payload = b"".join(struct.pack("<H", len(s.encode("utf-16-le")) // 2) + s.encode("utf-16-le") for s in strings)
        header = struct.pack("<II", len(payload), 32) + struct.pack("<HHHH", 0xFFFF, 6, 0xFFFF, block)
        header += struct.pack("<IHHII", 0, 0x1030, 0x0804, 0, 0)
        out += header + payload
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def java_ident(text, i):
    return text if text.isascii() and text.replace("_", "").isalnum() else "LABEL_%d" % i


def render_java(carrier, half, groups, rng, stem, out_dir):
    """Fields named by the identifiers (they survive compilation); labels as string constants."""
    cls = "Sdk" + stem.title().replace("_", "")  # a neutral name: the class name is a string too
    rows = ["package com.vendor.sdk;", "public class %s {" % cls]
    n = 0
    for gi, group in enumerate(groups):
        rows.append("  public static String[] misc%d = {%s};" % (gi, ", ".join(json.dumps(s) for s in filler(rng, 30))))
        for v in group:
            n += 1
            ident = java_ident(v, n)
            if ident == v:
                rows.append("  public int %s;" % ident)
            else:
                rows.append("  public static final String %s = %s;" % (ident, json.dumps(v, ensure_ascii=False)))
        rows.append("  public void group%d() { System.out.println(misc%d[0]); }" % (gi, gi))
    rows.append("}")
    with tempfile.TemporaryDirectory() as tmp:
        src_dir = os.path.join(tmp, "com", "vendor", "sdk")
        os.makedirs(src_dir)
        with open(os.path.join(src_dir, cls + ".java"), "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        subprocess.run(["javac", "-encoding", "UTF-8", "--release", "8", "-d", tmp, os.path.join(src_dir, cls + ".java")],
                       check=True, capture_output=True)
        with open(os.path.join(tmp, "com", "vendor", "sdk", cls + ".class"), "rb") as f:
            klass = f.read()
    if carrier == "java_class":
        name = stem + ".class"
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(klass)
        return name
    name = stem + ".jar"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in (("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\n\r\n"),
                           ("com/vendor/sdk/%s.class" % cls, klass)):
            info = zipfile.ZipInfo(path, date_time=(2023, 11, 14, 22, 13, 20))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(buf.getvalue())
    return name


def render_pyc(half, groups, rng, stem, out_dir):
    rows = ["class SdkModel:"]  # a neutral name: it is a string of the .pyc too
    for gi, group in enumerate(groups):
        rows.append("    misc%d = %r" % (gi, filler(rng, 30)))
        keys = {}
        for i, v in enumerate(group):
            keys[java_ident(v, i) if v.isascii() else "label_%d_%d" % (gi, i)] = v
        rows.append("    group%d = %r" % (gi, keys))
        rows.append("    def handle%d(self, obj):\n        return [obj.get(k) for k in self.group%d]" % (gi, gi))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, stem + ".py")
        with open(src, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        name = stem + ".pyc"
        py_compile.compile(src, cfile=os.path.join(out_dir, name), doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    return name


def render(carrier, half, groups, rng, index, stem, out_dir):
    if carrier == "elf":
        return render_elf(half, groups, rng, index, stem, out_dir)
    if carrier in ("java_class", "jar"):
        return render_java(carrier, half, groups, rng, stem, out_dir)
    if carrier == "pyc":
        return render_pyc(half, groups, rng, stem, out_dir)
    return render_text(carrier, half, groups, rng, stem, out_dir)


def negative_groups(case, half, rng):
    """The benign contexts, with face-analytics words next to them where a device would have them."""
    if case == "id_card_list":
        names = NATIONALITIES if half == "dev" else list(reversed(NATIONALITIES))
        return [names, ["人脸比对", "身份证读卡", "证件照片"]]
    if case == "province_list":
        return [PROVINCES if half == "dev" else PROVINCES[::-1], ["抓拍地点", "人脸抓拍", "设备位置"]]
    if case == "locale_table":
        rows = [(c + "=" + native) if half == "dev" else "%s|%s|%s" % (c, native, english) for c, native, english in LOCALES]
        return [rows, ["人脸抓拍", "语言设置"]]
    if case == "font_table":
        return [FONTS, ["OSD font", "人脸框"]]
    if case == "privacy_text":
        return [[PRIVACY if half == "dev" else LICENCE], ["人脸识别功能说明"]]
    if case == "hr_form":
        return [HR_FIELDS + (["ethnicity", "gender", "education"] if half == "eval" else [])]
    if case == "edu_form":
        return [EDU_FIELDS]
    if case == "face_only":
        return [FACE_ONLY, ["是否戴眼镜", "表情", "口罩"]]
    raise ValueError(case)


def build_half(half, out_dir, seed):
    rng = random.Random(seed)
    words = WORDS[half]
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    expected = {"half": half, "seed": seed, "files": {}}
    carriers = CARRIERS[half]
    index = 0
    for case, shape, severity in POSITIVES:
        for rep in range(2):  # every case in two carriers
            carrier = carriers[index % len(carriers)]
            groups = [[words[cls][(i + rep) % len(words[cls])] for cls, i in group] for group in shape]
            if carrier == "big5_pack":
                groups = [[to_big5_form(v) for v in g] for g in groups]
            stem = "%s_%d" % (case, rep)
            name = render(carrier, half, groups, rng, index, stem, out_dir)
            labels = [v for g, sg in zip(groups, shape) for v, (cls, _) in zip(g, sg) if cls != "face"]
            expected["files"][name] = {"class": case, "carrier": carrier, "expected": severity, "labels": labels}
            index += 1
    for case in NEGATIVES:
        carrier = carriers[(index * 3) % len(carriers)]
        if carrier in ("java_class", "jar", "pyc"):
            carrier = "json"
        groups = negative_groups(case, half, rng)
        if carrier == "big5_pack":
            groups = [[to_big5_form(v) for v in g] for g in groups]
        try:
            name = render(carrier, half, groups, rng, index, "neg_" + case, out_dir)
        except UnicodeEncodeError:  # GBK and Big5 cannot hold every language's name
            carrier = "xml"
            name = render(carrier, half, groups, rng, index, "neg_" + case, out_dir)
        expected["files"][name] = {"class": case, "carrier": carrier, "expected": "none", "labels": []}
        index += 1
    # Image scope: a tar "firmware" whose label and attribute sit in different files.
    image = io.BytesIO()
    with tarfile.open(fileobj=image, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        members = {
            "app/lang/zh.json": json.dumps({"tags": {"t": words["value"][0]}, "misc": filler(rng, 40)}, ensure_ascii=False),
            "app/cfg/attr.ini": "[face]\n%s=1\n%s\n" % (words["attribute"][-1], "\n".join(filler(rng, 40))),
        }
        for path, text in sorted(members.items()):
            data = text.encode("utf-8")
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(data), EPOCH, 0o644
            tar.addfile(info, io.BytesIO(data))
    with open(os.path.join(out_dir, "image_pair.tar"), "wb") as f:
        f.write(image.getvalue())
    expected["files"]["image_pair.tar"] = {"class": "image_pair", "carrier": "tar_image", "expected": "medium",
                                           "labels": [words["value"][0], words["attribute"][-1]]}
    with open(os.path.join(out_dir, "EXPECTED.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    return expected


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "corpus", "verdict"))
    args = ap.parse_args()
    for half, seed in (("dev", 20261202), ("eval", 91120626)):
        exp = build_half(half, os.path.join(args.out, half), seed)
        print("%s: %d files" % (half, len(exp["files"])))


if __name__ == "__main__":
    main()
