#!/usr/bin/env python3
"""Regenerates fwscan's committed corpus (deterministic; python3 stdlib only).

External tools, for the generator only (CI never runs this): arm-linux-gnueabihf-gcc (Debian
gcc-arm-linux-gnueabihf) builds the demo ELF, mksquashfs (squashfs-tools) builds the SquashFS
images. `scripts/install-deps --generator` installs both. The ELF matrix of corpus/elf/ is
tools/gen_elf_corpus.py's.

Usage: tools/gen_corpus.py [--out corpus]
Writes:
  corpus/firmware/hikvision_demo/digicap.dav   SWKH package: uImage kernel, SquashFS root,
                                               SquashFS app image holding an ARM ELF with labels,
                                               gzip'd tar web UI with a language pack
  corpus/firmware/dahua_demo/dahua_demo.bin    DH zip of uImage-wrapped SquashFS images
  corpus/malformed/*                           hostile and damaged inputs
  corpus/rules/<rule>/{match,nomatch}/*        rule samples
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = 1700000000  # fixed timestamps for reproducible images

XOR_KEY = bytes([0xBA, 0xCD, 0xBC, 0xFE, 0xD6, 0xCA, 0xDD, 0xD3,
                 0xBA, 0xB9, 0xA3, 0xAB, 0xBF, 0xCB, 0xB5, 0xBE])


# Expected trees by construction: sample path (relative to the output) -> {locator: SHA-256}.
# Locators follow docs/locators.md; the content is what the builders placed, never fwscan's output.
TREES = {}


def expect(sample, locator, data):
    TREES.setdefault(sample, {})[locator] = hashlib.sha256(data).hexdigest()


def write_trees(out):
    by_dir = {}
    for sample, members in TREES.items():
        by_dir.setdefault(os.path.dirname(sample), {})[os.path.basename(sample)] = members
    for d, samples in by_dir.items():
        write(os.path.join(out, d, "TREE.json"), (json.dumps(samples, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode())


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- building blocks

def uimage(payload, name, os_=5, arch=2, type_=2, comp=0, load=0x80008000, ep=0x80008000):
    """U-Boot legacy header (u-boot include/image.h), all big-endian."""
    name_b = name.encode()[:32].ljust(32, b"\0")
    dcrc = zlib.crc32(payload) & 0xFFFFFFFF
    hdr = struct.pack(">IIIIIIIBBBB", 0x27051956, 0, EPOCH, len(payload), load, ep, dcrc,
                      os_, arch, type_, comp) + name_b
    hcrc = zlib.crc32(hdr) & 0xFFFFFFFF
    return hdr[:4] + struct.pack(">I", hcrc) + hdr[8:] + payload


def xor_header(plain):
    return bytes(b ^ XOR_KEY[(i + (i >> 4)) & 0x0F] for i, b in enumerate(plain))


def swkh(members, language=1, device_class=2, oem=1):
    """Hikvision SWKH package (camera-formats.md 1.3): members = [(name, bytes)]."""
    count = len(members)
    hlen = 0x40 + 44 * count
    table = b""
    off = hlen
    for name, data in members:
        table += name.encode().ljust(32, b"\0") + struct.pack("<III", off, len(data), sum(data) & 0xFFFFFFFF)
        off += len(data)
    total = off
    # 0x1c..0x3f: version area as in the R2 layout (opaque to readers).
    gen = struct.pack("<III", 0x05040800, total, 0x00231126) + b"IPC_DEMO_5.4.8".ljust(24, b"\0")
    body = struct.pack("<IIII", hlen, count, language, device_class) + struct.pack("<I", oem) + gen + table
    # checksum covers decoded bytes [0x0c, hlen)
    plain_wo_sum = b"SWKH" + b"\0\0\0\0" + body
    checksum = sum(plain_wo_sum[0x0C:]) & 0xFFFFFFFF
    plain = b"SWKH" + struct.pack("<I", checksum) + body
    assert len(plain) == hlen, (len(plain), hlen)
    return xor_header(plain) + b"".join(d for _, d in members)


def hk02(packages, platform="1140050031111110011"):
    """Hikvision 02KH wrapper (camera-formats.md 1.5): packages = [(platform_id, bytes)]."""
    n = len(packages)
    size = 0x40 + 44 * n
    table = b""
    off = size
    for pid, data in packages:
        # platform id NUL-terminated, then garbage (as in real dumps)
        table += (pid.encode() + b"\0" + b"\x5a" * 32)[:32] + struct.pack("<III", off, len(data), sum(data) & 0xFFFFFFFF)
        off += len(data)
    body = struct.pack("<IIII", size, 0, off, n) + b"\xff" * 20 + platform.encode().ljust(20, b"\0") + table
    plain = b"02KH" + b"\0\0\0\0" + body
    plain = b"02KH" + struct.pack("<I", sum(plain[0x0C:]) & 0xFFFFFFFF) + body
    assert len(plain) == size
    return xor_header(plain) + b"".join(d for _, d in packages)


def hk03_stub(count=3):
    """An 03KH package as fwscan sees one without its key: a 16-byte XOR prefix, then ciphertext
    (pseudo-random bytes here; no real encrypted image is redistributed)."""
    size = 0x10 + 0xF0 + 0x40 * count
    prefix = b"03KH" + struct.pack("<III", 0, size, count)
    rnd, x = bytearray(), 0x12345678
    for _ in range(size - 16 + 4096):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        rnd.append(x & 0xFF)
    return xor_header(prefix) + bytes(rnd)


def mksquashfs(src_dir, comp="xz"):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "fs.img")
        subprocess.run(["mksquashfs", src_dir, out, "-comp", comp, "-noappend", "-all-root",
                        "-mkfs-time", str(EPOCH), "-all-time", str(EPOCH), "-no-progress",
                        "-quiet", "-processors", "1", "-no-xattrs"], check=True,
                       stdout=subprocess.DEVNULL)
        with open(out, "rb") as f:
            return f.read()


def populate(root, files):
    """files: {relpath: bytes | ('symlink', target) | ('hardlink', relpath) | ('dir',)}"""
    links = []
    for rel, content in sorted(files.items()):
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(content, tuple) and content[0] == "symlink":
            os.symlink(content[1], path)
        elif isinstance(content, tuple) and content[0] == "hardlink":
            links.append((os.path.join(root, content[1]), path))
            continue  # made below, once its target exists
        elif isinstance(content, tuple) and content[0] == "dir":
            os.makedirs(path, exist_ok=True)
        else:
            with open(path, "wb") as f:
                f.write(content)
            os.chmod(path, 0o755 if rel.endswith((".sh", "rcS")) or "bin/" in rel else 0o644)
        os.utime(path, (EPOCH, EPOCH), follow_symlinks=False)
    for target, path in links:
        os.link(target, path)


def squashfs_of(files, comp="xz"):
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        populate(root, files)
        return mksquashfs(root, comp)


def tar_of(entries):
    """entries: list of TarInfo-ish dicts; deterministic."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for e in entries:
            ti = tarfile.TarInfo(e["name"])
            ti.mtime = EPOCH
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = "root"
            ti.mode = e.get("mode", 0o644)
            kind = e.get("type", "file")
            if kind == "file":
                data = e["data"]
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
            else:
                ti.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                           "chardev": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}[kind]
                ti.linkname = e.get("target", "")
                if kind == "chardev":
                    ti.devmajor, ti.devminor = e.get("dev", (1, 3))
                tf.addfile(ti)
    return buf.getvalue()


def gzip_of(data, name=None):
    buf = io.BytesIO()
    with gzip.GzipFile(filename=name or "", mode="wb", fileobj=buf, mtime=EPOCH, compresslevel=9) as g:
        g.write(data)
    return buf.getvalue()


def build_elf():
    src = os.path.join(HERE, "src", "face_attr.c")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "face_attr")
        subprocess.run(["arm-linux-gnueabihf-gcc", "-O2", "-mthumb", "-g0", "-fPIE", "-pie", "-Wl,--build-id=none",
                        "-Wl,--hash-style=gnu", "-o", out, src], check=True, cwd=HERE)
        with open(out, "rb") as f:
            return f.read()


# ---------------------------------------------------------------- text samples

ENCODERS = {
    "utf8": lambda s: s.encode("utf-8"),
    "gbk": lambda s: s.encode("gbk", errors="replace"),
    "utf16le": lambda s: s.encode("utf-16-le"),
    "utf16be": lambda s: s.encode("utf-16-be"),
    # escaped forms, decoded by fwscan's "unescaped" view
    "jsesc": lambda s: "".join(f"\\u{ord(c):04x}" if ord(c) > 127 else c for c in s).encode(),
    "jsescupper": lambda s: "".join(f"\\u{ord(c):04X}" if ord(c) > 127 else c for c in s).encode(),
    "htmldec": lambda s: "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in s).encode(),
    "htmlhex": lambda s: "".join(f"&#x{ord(c):x};" if ord(c) > 127 else c for c in s).encode(),
    "percent": lambda s: urllib.parse.quote(s, safe=" :=,;/\n\"'{}()[]").encode(),
}
CJK_ENCODINGS = ["utf8", "gbk", "utf16le", "utf16be", "jsesc", "jsescupper", "htmldec", "htmlhex", "percent"]


def enc(text, encoding):
    return ENCODERS[encoding](text)


def variants(stem, simplified, traditional, encodings=CJK_ENCODINGS):
    """{file: bytes} for one text in every encoding; Big5 uses the traditional text."""
    out = {f"{stem}_{e}.txt": enc(simplified, e) for e in encodings}
    out[f"{stem}_big5.txt"] = traditional.encode("big5")
    return out


NATIONALITIES = ("汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 "
                 "傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 "
                 "羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 "
                 "德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族").split()
NATIONALITIES_EN = ("Han Mongolian Hui Tibetan Uygur Miao Yi Zhuang Buyi Korean Manchu Dong Yao Bai Tujia Hani Kazak "
                    "Dai Li Lisu Va She Gaoshan Lahu Shui Dongxiang Naxi Jingpo Kirgiz Tu Daur Mulam Qiang Blang "
                    "Salar Maonan Gelao Xibe Achang Pumi Tajik Nu Uzbek Russian Ewenki Deang Bonan Yugur Jing Tatar "
                    "Derung Oroqen Hezhen Monba Lhoba Jino").split()

LANG_PACK = """{
  "faceCapture": "人脸抓拍",
  "faceAttr.gender": "性别",
  "faceAttr.glasses": "眼镜",
  "faceAttr.minority": "是否少数民族",
  "faceAttr.minority.values": "未知，非少数民族，维族",
  "alarm.uyghur": "维族人员实时预警",
  "faceAttr.isUyghur": "是否是维族"
}
"""

LANG_JS = ("var L={" + ",".join(f'"{k}":"' + "".join(f"\\u{ord(c):04x}" for c in v) + '"' for k, v in (
    ("cap", "人脸抓拍"), ("alarmUyghur", "维族人员实时预警"), ("gender", "性别"))) + "};").encode()

ID_CARD_TABLE = "民族代码表（GB 3304，身份证读卡器 IDCard.nation）\n" + "\n".join(
    f"{i + 1:02d} {n}" for i, n in enumerate(NATIONALITIES)) + "\n"

ID_CARD_SDK_HEADER = ("// 身份证信息 (ID card reader SDK)\ntypedef enum tagEM_CITIZENIDCARD_ETHNICITY_TYPE\n{\n" + "".join(
    f"    EM_CITIZENIDCARD_ETHNICITY_{e}, // {n}\n" for e, n in zip(NATIONALITIES_EN, NATIONALITIES)) +
    "}EM_CITIZENIDCARD_ETHNICITY_TYPE;\n\ntypedef struct tagNET_DVR_ID_CARD_INFO\n{\n    BYTE byName[128];\n"
    "    BYTE bySex; // 性别\n    BYTE byNation; // 民族\n    BYTE byAddr[280];\n}NET_DVR_ID_CARD_INFO;\n")

HR_FORM = "员工登记表\n姓名：\n性别：\n是否少数民族：是 / 否\n民族：\n籍贯：新疆维吾尔自治区乌鲁木齐市\n"

# Language and script display names as locale data holds them (one per line; Uyghur among them).
LANGUAGE_NAMES_ZH = "乌尔都语\n乌兹别克语\n维吾尔语\n維吾爾語\n维吾尔文\n維吾爾文\n威尔士语\n"

PROVINCE_TABLE = ("行政区划 / locale table\n11 北京市\n31 上海市\n44 广东省\n54 西藏自治区\n64 宁夏回族自治区\n"
                  "65 新疆维吾尔自治区\n45 广西壮族自治区\n15 内蒙古自治区\nzh_CN 简体中文\nzh_TW 繁體中文\nug_CN ئۇيغۇرچە\n")

GAT1400_NO_ETHNIC = ('{"FaceListObject":{"FaceObject":[{"FaceID":"650100000011900000010220171219100515999830000001",'
                     '"GenderCode":"1","AgeUpLimit":40,"AgeLowerLimit":30,"HairStyle":"2","GlassStyle":"0",'
                     '"IsDriver":0,"LeftTopX":100,"LeftTopY":120}]}}\n')


def rule_samples(out):
    base = os.path.join(out, "rules")
    shutil.rmtree(base, ignore_errors=True)
    samples = {
        # Signal rules (rules/signals): a match sample raises the signal; a nomatch sample raises
        # neither the signal nor anything above info. Whole-file verdicts are judged on
        # corpus/verdict/ (tools/gen_verdict_corpus.py).
        "SIG_Minority_Label": {
            "match": variants("contract_enum", "是否少数民族：未知，非少数民族，维族\n", "是否少數民族：未知，非少數民族，維族\n")
            | variants("xinjiang", "    EM_NATION_TYPE_UYGUR,  // 维族(新疆)\n", "    EM_NATION_TYPE_UYGUR,  // 維族(新疆)\n",
                       ["utf8", "gbk", "utf16le"])
            | {"fullform_utf8.txt": enc("布控告警：维吾尔族人员\n", "utf8"),
               "nation_uyghur.json": b'{"faceAttr":{"gender":"male","nation_uyghur":true}}\n',
               "wide_identifier.bin": "ethnicUighur\0".encode("utf-16-le")},
            "nomatch": {"minority_prose.txt": b"Only a minority of users run the older firmware.\n",
                        "split_words_utf8.txt": enc("维护 维修 族谱 少数 民族\n", "utf8")},
        },
        "SIG_Classification_Attribute": {
            "match": variants("is_uyghur", "人脸属性：是否是维族\n", "人臉屬性：是否是維族\n")
            | variants("recognition", "少数民族识别\n", "少數民族識別\n", ["utf8", "gbk", "utf16le"])
            | {"is_uyghur.js": b"function onEvent(e){if(e.isUyghur){raise(e)}}\n",
               "pinyin_flag.cfg": b"[Face]\nminority_flag=1\n",
               "dhnetsdk_excerpt.h": b"typedef enum tagEM_NATION_TYPE\n{\n    EM_NATION_TYPE_UNKNOWN,\n"
                                     b"    EM_NATION_TYPE_UYGUR,\n}EM_NATION_TYPE;\n",
               "SDK_Enum_wide.bin": "class EM_NATION_TYPE(IntEnum):\n    UYGUR = 1\n".encode("utf-16-le"),
               "SDK_Enum.pyc": b"\xe3\x00\x00\x00\xda\x0eEM_NATION_TYPE\xda\x05UYGURr\x01\x00\x00\x00\xda\x0cUNIDENTIFIEDr"},
            "nomatch": {"destination.c": b"int destinationType; struct international_type t; int nationwide;\n",
                        "nation_prose_utf8.txt": enc("中华民族 民族团结 少数 服从 多数\n", "utf8")},
        },
        "SIG_Minority_Alarm": {
            "match": variants("warning", "告警类型：维族人员实时预警\n", "告警類型：維族人員實時預警\n")
            | variants("campus_alert", "少数民族学生辅助分析：斋月期间异常就餐预警\n", "少數民族學生輔助分析：齋月期間異常就餐預警\n",
                       ["utf8", "gbk", "utf16le"])
            | {"alarm.js": b"var uyghurAlarm=1;\n", "alert_en.txt": b"[\"Uighur alert\",\"enabled\"]\n",
               "minority_alarm_utf8.txt": enc("少数民族告警\n", "utf8")},
            "nomatch": {"alarm_generic_utf8.txt": enc("告警类型：人员实时预警\n", "utf8"),
                        "calendar_utf8.txt": enc("节日日历：春节、中秋、斋月、圣诞\n", "utf8"),
                        "minority_report.txt": b"A minority report raised no alarm.\n"},
        },
        "SIG_Race_Attribute": {
            "match": variants("race_labels", "人种：黄种人 / 白人 / 黑人\n", "人種：黃種人 / 白人 / 黑人\n")
            | {"skin_attr_utf8.txt": enc("支持人种肤色属性分析\n", "utf8"),
               "dhnetsdk_race.h": b"typedef enum tagEM_RACE_TYPE\n{\n    EM_RACE_UNKNOWN,\n    EM_RACE_YELLOW,\n}EM_RACE_TYPE;\n",
               "face_attr_ex_wide.bin": "EM_COMPLEXION_TYPE emComplexion;".encode("utf-16-le"),
               "HCNetSDK_excerpt.h": b"typedef struct tagNET_VCA_HUMAN_FEATURE\n{\n    BYTE byAgeGroup;\n    BYTE bySex;\n"
                                     b"    BYTE byEthnic;\n    BYTE byRace;\n}NET_VCA_HUMAN_FEATURE;\n",
               "gat1400_person.json": b'{"PersonObject":{"GenderCode":"1","EthicCode":"01","SkinColor":"1"}}\n',
               "gat1400_wide.bin": '<EthicCode>01</EthicCode><SkinColor>1</SkinColor>'.encode("utf-16-le")},
            "nomatch": {"trace.c": b"/* a data race in trace(); brace for it; embrace grace; RACETRACK */\n",
                        "gat1400_face_no_ethnic.json": GAT1400_NO_ETHNIC.encode(),
                        "sanitised_sdk.h": b"typedef struct tagNET_VCA_HUMAN_FEATURE\n{\n    BYTE byAgeGroup;\n    BYTE bySex;\n"
                                           b"    BYTE byEyeGlass;\n    BYTE byRes0;\n    BYTE byMask;\n}NET_VCA_HUMAN_FEATURE;\n"},
        },
        "SIG_Face_Context": {
            "match": variants("face_event", "人脸抓拍事件 {属性: 年龄段, 眼镜, 口罩}\n", "人臉抓拍事件 {屬性: 年齡段, 眼鏡, 口罩}\n")
            | {"face_attr.json": b'{"faceAttr":{"glasses":1,"beard":0,"ageGroup":3}}\n'},
            "nomatch": {"network.cfg": b"netmask=255.255.255.0\nsurface=1\npreface=none\n",
                        "ntp.conf": b"server pool.ntp.org iburst\n"},
        },
        "SIG_Person_Context": {
            "match": {f"person_{e}.txt": enc("性别：男 年龄：35\n", e) for e in ("utf8", "gbk", "utf16le")}
            | {"gender.json": b'{"gender":"female"}\n'},
            "nomatch": {"ntp.conf": b"server pool.ntp.org iburst\n"},
        },
        "SIG_Benign_List_Name": {
            "match": {f"id_card_table_{e}.txt": enc(ID_CARD_TABLE, e) for e in ("utf8", "gbk", "utf16le")}
            | {"citizen_idcard.h": ID_CARD_SDK_HEADER.encode("utf-8"),
               "nationality_enum.java": ("public enum Ethnicity { " + ", ".join(n.upper() for n in NATIONALITIES_EN) +
                                         " }\n// UYGUR is one of 56\n").encode()},
            "nomatch": {"ntp.conf": b"server pool.ntp.org iburst\n"},
        },
        "SIG_Benign_Place_Name": {
            "match": {f"province_table_{e}.txt": enc(PROVINCE_TABLE, e) for e in ("utf8", "gbk", "utf16le")}
            | {"autonomous_en.txt": b"Region: Xinjiang Uyghur Autonomous Region\n"},
            "nomatch": {"ntp.conf": b"server pool.ntp.org iburst\n"},
        },
        "SIG_Benign_Language_Name": {
            "match": {f"language_names_{e}.txt": enc(LANGUAGE_NAMES_ZH, e) for e in ("utf8", "gbk", "utf16le")}
            | {"scripts.txt": b"Old_Turkic Orkh Old_Uyghur Ougr Old_Sogdian Sogo\n",
               "keyboards.txt": b"layout=uighur-latin\nlayout=uyghur_arabic\n"},
            # other languages' names, and a script list without the label
            "nomatch": {f"language_names_{e}.txt": enc("乌尔都语\n威尔士语\n回鹘文\n", e) for e in ("utf8", "gbk", "utf16le")}
            | {"scripts.txt": b"Old_Turkic Orkh Old_Sogdian Sogo\n"},
        },
        "SIG_Benign_Form_Text": {
            "match": {f"hr_form_{e}.txt": enc(HR_FORM, e) for e in ("utf8", "gbk", "utf16le", "jsesc")}
            | {"privacy.txt": b"Privacy Policy: we do not process personal data revealing racial or ethnic origin.\n"},
            "nomatch": {"ntp.conf": b"server pool.ntp.org iburst\n"},
        },
        "BKDR_HiSilicon_XM_dvrbox_9530_Telnet": {
            "match": {"dvrbox_strings.txt": b"OpenTelnet:OpenOnce\0randNum:%s\0verify:OK\0Telnet:OpenOnce\0macGuarder\0"},
            "nomatch": {"telnet_docs.txt": b"To enable telnet, use the web UI: Maintenance > OpenTelnet is not a command here.\n"},
        },
        "BKDR_Dahua_Unauth_Config_Download_Paths": {
            "match": {"httpd_paths.txt": b"/current_config/Sha1Account1\0/current_config/Account1\0/current_config/passwd\0"},
            "nomatch": {"one_path.txt": b"/current_config/passwd is documented in the manual\n"},
        },
        "CRED_Camera_Vendor_Hardcoded_Root_Hash": {
            "match": {"passwd_hik": b"root:ToCOv8qxP13qs:0:0:root:/root/:/bin/psh\n",
                      "passwd_xm": b"root:absxcfbgXtb3o:0:0:root:/:/bin/sh\n"},
            "nomatch": {"passwd_shadowed": b"root:x:0:0:root:/root:/bin/sh\n"},
        },
        "CRED_XMEye_Hidden_Default_Account": {
            "match": {"xm_accounts.cfg": b"[Users]\nadmin=\ndefault=tluafed\n[NetWork.Nat]\nAddr=secu100.net\n"},
            "nomatch": {"reversed_strings.txt": b"tluafed is 'default' reversed; a common string obfuscation\n"},
        },
        "TELEM_Hikvision_EZVIZ_Cloud_Endpoints": {
            "match": {"ezviz.xml": b"<EZVIZ><enabled>true</enabled><hostName>litedev.hik-connect.com</hostName></EZVIZ>\n"},
            "nomatch": {"ntp.conf": b"server pool.ntp.org iburst\n"},
        },
        "TELEM_Dahua_Imou_Cloud_Endpoints": {
            "match": {"p2p.cfg": "www.easy4ipcloud.com:8800\0".encode("utf-16-le")},
            "nomatch": {"ntp.conf": b"server pool.ntp.org iburst\n"},
        },
        "TELEM_XiongMai_XMEye_Cloud_Endpoints": {
            "match": {"network.cfg": b"NetWork.Nat Addr=secu100.net\nNetWork.PMS push.umeye.cn\n"},
            "nomatch": {"ntp.conf": b"server pool.ntp.org iburst\n"},
        },
        "TELEM_Uniview_Cloud_Endpoints": {
            "match": {"cloud.cfg": b"CloudServer=en.ezcloud.uniview.com\n"},
            "nomatch": {"ntp.conf": b"server pool.ntp.org iburst\n"},
        },
    }
    for rule, kinds in samples.items():
        for kind, files in kinds.items():
            for name, data in files.items():
                write(os.path.join(base, rule, kind, name), data)


# ---------------------------------------------------------------- firmware images

def hikvision_demo(out, elf):
    kernel_raw = b"Linux version 3.0.8 (fwscan corpus kernel stub) #1 PREEMPT\n" + bytes(4096)
    kernel_payload = gzip_of(kernel_raw)
    kernel = uimage(kernel_payload, "Linux-3.0.8", type_=2, comp=1)
    root = squashfs_of({
        "etc/passwd": b"root:ToCOv8qxP13qs:0:0:root:/root/:/bin/psh\n",
        "etc/init.d/rcS": b"#!/bin/sh\nmount -t proc proc /proc\n/home/app/start.sh &\n",
        "bin/sh": ("symlink", "busybox"),
        "bin/busybox": b"\x7fELF-stub (not a real busybox)\n",
        "home": ("dir",),
    })
    web = gzip_of(tar_of([
        {"name": "webs", "type": "dir", "mode": 0o755},
        {"name": "webs/lang", "type": "dir", "mode": 0o755},
        {"name": "webs/lang/zh_CN.json", "data": LANG_PACK.encode("utf-8")},
        {"name": "webs/index.html", "data": b"<!doctype html><title>IPC</title>\n"},
        {"name": "webs/js/lang.min.js", "data": LANG_JS},
    ]), "webs.tar")
    app = squashfs_of({
        "davinci": elf,
        "start.sh": b"#!/bin/sh\n/home/app/davinci &\n",
        "lib/libc.so.6": ("symlink", "/lib/libc-2.31.so"),
    })
    upg_class = b"\x01\x00\x00\x00" + b"DS-2CD2xxx-DEMO".ljust(32, b"\0") * 4
    members = [("_cfgUpgClass", upg_class), ("uImage", kernel), ("root.img", root),
               ("app.img", app), ("webs.tar.gz", web)]
    write(os.path.join(out, "firmware", "hikvision_demo", "digicap.dav"), swkh(members))
    t, base = "firmware/hikvision_demo/digicap.dav", "digicap.dav/swkh@0x0:"
    for name, data in members:
        expect(t, base + name, data)
    expect(t, base + "uImage/uimage@0x0:Linux-3.0.8", kernel_raw)  # the handler decodes the gzip payload
    expect(t, base + "root.img/squashfs@0x0:etc/passwd", b"root:ToCOv8qxP13qs:0:0:root:/root/:/bin/psh\n")
    expect(t, base + "app.img/squashfs@0x0:davinci", elf)
    expect(t, base + "webs.tar.gz/gzip@0x0:webs.tar/tar@0x0:webs/lang/zh_CN.json", LANG_PACK.encode("utf-8"))
    expect(t, base + "webs.tar.gz/gzip@0x0:webs.tar/tar@0x0:webs/js/lang.min.js", LANG_JS)
    # A G-series style image: 02KH wrapper around two SWKH packages and an encrypted 03KH one.
    small = swkh([("_cfgUpgClass", members[0][1]), ("uImage", members[1][1])], language=2)
    app_only = swkh([("app.img", members[3][1])])
    enc = hk03_stub()
    write(os.path.join(out, "firmware", "hikvision_02kh", "digicap.dav"),
          hk02([("1140050031111110011", small), ("1140050031111110012", app_only), ("2150080012345678901", enc)]))
    t, base = "firmware/hikvision_02kh/digicap.dav", "digicap.dav/hik_02kh@0x0:"
    expect(t, base + "1140050031111110011", small)
    expect(t, base + "1140050031111110012", app_only)
    expect(t, base + "2150080012345678901", enc)
    expect(t, base + "1140050031111110011/swkh@0x0:uImage", members[1][1])
    expect(t, base + "1140050031111110012/swkh@0x0:app.img/squashfs@0x0:davinci", elf)
    return members


def dahua_demo(out):
    romfs = squashfs_of({"etc/passwd": b"root:absxcfbgXtb3o:0:0:root:/:/bin/sh\n",
                         "etc/init.d/rcS": b"#!/bin/sh\n"}, comp="gzip")
    cfg = ("[FaceAttribute]\nNation=EM_NATION_TYPE_UYGUR\nNationLabel=维族(新疆)\n"
           "Unidentified=设备未识别\n").encode("gbk")
    user = squashfs_of({"usr/data/face_attr.cfg": cfg,
                        "usr/data/readme.txt": b"face attribute configuration (GBK)\n"}, comp="xz")
    members = [
        ("Install", b"-- upgrade script\nInstall.Burn('romfs-x.squashfs.img')\nInstall.Burn('user-x.squashfs.img')\n"),
        ("romfs-x.squashfs.img", uimage(romfs, "romfs", type_=7, comp=0, load=0x280000, ep=0xA80000)),
        # Misleading suffix on purpose: the member holds SquashFS (identify by magic, not name).
        ("user-x.cramfs.img", uimage(user, "user", type_=7, comp=0, load=0xA80000, ep=0x1280000)),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    data = bytearray(buf.getvalue())
    assert data[:4] == b"PK\x03\x04"
    data[0:2] = b"DH"
    write(os.path.join(out, "firmware", "dahua_demo", "dahua_demo.bin"), bytes(data))
    t, base = "firmware/dahua_demo/dahua_demo.bin", "dahua_demo.bin/dahua_zip@0x0:"
    for name, blob in members:
        expect(t, base + name, blob)
    expect(t, base + "romfs-x.squashfs.img/uimage@0x0:romfs", romfs)
    expect(t, base + "user-x.cramfs.img/uimage@0x0:user/squashfs@0x0:usr/data/face_attr.cfg", cfg)


def xiongmai_demo(out):
    """XiongMai-style .bin: a plain zip with InstallDesc and uImage-wrapped partitions whose load
    and entry addresses are the flash start and end (camera-formats.md 3.1). The application
    holds the strings of the dvrbox port-9530 backdoor and the XMEye cloud hosts."""
    env = b"bootargs=mem=64M console=ttyAMA0,115200\0bootcmd=sf probe 0;sf read 0x82000000 0x50000 0x200000;bootm\0\0"
    dvrhelper = (b"\x7fELF\x01\x01\x01" + bytes(9) + b"macGuarder: start\0OpenTelnet:OpenOnce\0randNum:%s\0"
                 b"verify:OK\0Telnet:OpenOnce\0Open:OK\0/mnt/custom/TelnetOEMPasswd\0"
                 b"NetWork.Nat Addr=secu100.net\0push.umeye.cn\0")
    user = squashfs_of({"usr/bin/dvrHelper": dvrhelper, "usr/etc/Readme.txt": b"XM demo user partition\n"}, comp="xz")
    install = json.dumps({
        "UpgradeCommand": [{"Command": "Burn", "FileName": "u-boot.env.img"}, {"Command": "Burn", "FileName": "user-x.cramfs.img"}],
        "SupportFlashType": [{"FlashID": "0xC22017"}],
        "Hardware": "HI3516EV200_85H30AI_S38", "HardWareVersion": "V1", "DevID": "000559B0XXXXX000000000000",
        "CompatibleVersion": 2, "Vendor": "General"}, indent=1).encode()
    members = [
        ("InstallDesc", install),
        ("u-boot.env.img", uimage(env, "env", os_=17, type_=5, comp=0, load=0x30000, ep=0x40000)),
        ("user-x.cramfs.img", uimage(user, "user", os_=5, type_=7, comp=0, load=0x250000, ep=0x750000)),
        ("Readme.txt", b"XiongMai-style demo image for fwscan's corpus\n"),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    write(os.path.join(out, "firmware", "xiongmai_demo", "General_HI3516EV200.bin"), buf.getvalue())
    t, base = "firmware/xiongmai_demo/General_HI3516EV200.bin", "General_HI3516EV200.bin/xiongmai_zip@0x0:"
    for name, blob in members:
        expect(t, base + name, blob)
    expect(t, base + "u-boot.env.img/uimage@0x0:env", env)
    expect(t, base + "user-x.cramfs.img/uimage@0x0:user/squashfs@0x0:usr/bin/dvrHelper", dvrhelper)


def tiandy_demo(out, hik_members):
    """Tiandy .box (camera-formats.md 3.5): 40-byte header, then records of target path[128],
    size, size, data padded to 8."""
    product = b"[start]\nProductModel=TC-NC9401S3E-2MP-E-I3\nHardID=0x41c30752\n[end]\n"
    kernel = hik_members[1][1]  # the demo uImage kernel
    records = b""
    for path, data in (("/nvs/ProductModule", product), ("/dev/mtdblock1", kernel)):
        rec = path.encode().ljust(128, b"\0") + struct.pack("<II", len(data), len(data)) + data
        rec += b"\0" * (-len(rec) % 8)
        records += rec
    total = 40 + len(records)
    header = (b"Tiandy".ljust(8, b"\0") + struct.pack("<I", total)[:3] + b"\0" + b"\x00\x00\x03\x00" +
              b"\xff\xff\x1a\x00\x00\x00\x01\x00" + b"\x52\x07\xc3\x41" + b"\0" * 4 + struct.pack("<I", len(records)) + b"\0" * 4)
    assert len(header) == 40
    write(os.path.join(out, "firmware", "tiandy_demo", "TC-NC9401S3E.box"), header + records)
    t, base = "firmware/tiandy_demo/TC-NC9401S3E.box", "TC-NC9401S3E.box/tiandy_box@0x0:"
    expect(t, base + "nvs/ProductModule", product)
    expect(t, base + "dev/mtdblock1", kernel)


def longse_demo(out, hik_members):
    """Longse/Herospeed .FLS (camera-formats.md 3.6): 44-byte header and a raw flash dump laid out
    on 64 KiB erase blocks with 0xff padding: boot loader stub, uImage kernel, SquashFS root."""
    block = 0x10000
    flash = bytearray(b"\xff" * (4 * block))
    boot = b"U-Boot 2010.06 (fwscan corpus stub)\0" + bytes(range(256)) * 4
    flash[0:len(boot)] = boot
    kernel = hik_members[1][1]
    flash[block:block + len(kernel)] = kernel
    root = hik_members[2][1]  # the demo SquashFS root
    flash[2 * block:2 * block + len(root)] = root
    size = len(flash)
    header = (b"N1-DEMO".ljust(8, b"\0") + b"IMX291".ljust(8, b"\0") + struct.pack("<I", size)[:3] + b"\0" +
              b"\x01\0\0\0" + b"BURNER_BIN" + b"\0" * 10)
    assert len(header) == 44
    write(os.path.join(out, "firmware", "longse_demo", "N1-DEMO.FLS"), header + bytes(flash))
    t, base = "firmware/longse_demo/N1-DEMO.FLS", "N1-DEMO.FLS/longse_fls@0x0:flash.bin"
    expect(t, base, bytes(flash))
    expect(t, base + f"/uimage@{hex(block)}", kernel)  # the carved chunk: exactly the uImage
    expect(t, base + f"/squashfs@{hex(2 * block)}:etc/passwd", b"root:ToCOv8qxP13qs:0:0:root:/root/:/bin/psh\n")


def malformed(out, hik_members):
    base = os.path.join(out, "malformed")
    # Path traversal and link tricks: nothing may be written outside the output folder.
    write(os.path.join(base, "dirtraversal.tar"), tar_of([
        {"name": "ok/readme.txt", "data": b"harmless\n"},
        {"name": "../../escape_dotdot.txt", "data": b"should never be written\n"},
        {"name": "/tmp/fwscan_absolute.txt", "data": b"should never be written\n"},
        {"name": "ok/../../escape_middle.txt", "data": b"should never be written\n"},
        {"name": "evil_link", "type": "symlink", "target": "../../../../../../tmp"},
        {"name": "evil_link/through_link.txt", "data": b"must not land in /tmp\n"},
        {"name": "passwd_link", "type": "symlink", "target": "/etc/passwd"},
        {"name": "hard_passwd", "type": "hardlink", "target": "/etc/passwd"},
        {"name": "dev_null", "type": "chardev", "dev": (1, 3)},
    ]))
    good = swkh(hik_members[:2])
    # SWKH with a corrupted header checksum and a corrupted member byte.
    plain = bytearray(xor_header(good[:0x40 + 44 * 2]))
    plain[4] ^= 0xFF
    bad_sum = bytes(xor_header(bytes(plain))) + good[0x40 + 44 * 2:]
    bad_sum = bytearray(bad_sum)
    bad_sum[-1] ^= 0x55
    write(os.path.join(base, "swkh_bad_checksums.dav"), bytes(bad_sum))
    write(os.path.join(base, "swkh_truncated.dav"), good[: len(good) // 2])
    # SWKH whose second entry points back into the header.
    plain = bytearray(xor_header(good[:0x40 + 44 * 2]))
    struct.pack_into("<I", plain, 0x40 + 44 + 32, 0x10)
    write(os.path.join(base, "swkh_self_reference.dav"), bytes(xor_header(bytes(plain))) + good[0x40 + 44 * 2:])
    kernel = hik_members[1][1]
    write(os.path.join(base, "uimage_truncated.bin"), kernel[:200])
    k = bytearray(kernel)
    k[100] ^= 0xFF
    write(os.path.join(base, "uimage_bad_dcrc.bin"), bytes(k))
    # A gzip bomb-shaped stream: 64 MiB of zeros (checked against the expansion budget).
    write(os.path.join(base, "gzip_zeros_64m.gz"), gzip_of(bytes(64 << 20)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "corpus"))
    args = ap.parse_args()
    for tool in ("arm-linux-gnueabihf-gcc", "mksquashfs"):
        if shutil.which(tool) is None:
            sys.exit(f"gen_corpus: {tool} not found (scripts/install-deps --generator)")
    elf = build_elf()  # the same build as corpus/elf/thumb/face_attr-O2-pic (Debian armhf defaults)
    members = hikvision_demo(args.out, elf)
    dahua_demo(args.out)
    xiongmai_demo(args.out)
    tiandy_demo(args.out, members)
    longse_demo(args.out, members)
    malformed(args.out, members)
    write_trees(args.out)
    rule_samples(args.out)
    print("corpus regenerated in", args.out)


if __name__ == "__main__":
    main()
