#!/usr/bin/env python3
"""Builds corpus/elf/<target>/: tools/src/face_attr.c compiled for every CPU found in cameras
and NVRs, at -O0 and -O2, PIC and non-PIC, with symbols and stripped; and writes
corpus/elf/expected_xrefs.json.

The expected references are known by construction: every planted label is used by exactly one
function of face_attr.c (noinline, noclone), listed below; the function start addresses of each
binary come from `nm` on the unstripped build (the stripped twin has identical addresses).

Needs Debian's cross compilers (scripts/install-deps --generator). CI never runs this.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src", "face_attr.c")
OUT = os.path.join(os.path.dirname(HERE), "corpus", "elf")

TARGETS = {  # dir: (compiler, extra flags, non-PIC flags)
    "arm": ("arm-linux-gnueabihf-gcc", ["-marm"], ["-fno-pie", "-no-pie"]),
    "thumb": ("arm-linux-gnueabihf-gcc", ["-mthumb"], ["-fno-pie", "-no-pie"]),
    "aarch64": ("aarch64-linux-gnu-gcc", [], ["-fno-pie", "-no-pie"]),
    "mipsel": ("mipsel-linux-gnu-gcc", [], ["-fno-pie", "-no-pie", "-fno-pic", "-mno-abicalls"]),
    "mips": ("mips-linux-gnu-gcc", [], ["-fno-pie", "-no-pie", "-fno-pic", "-mno-abicalls"]),
    "powerpc": ("powerpc-linux-gnu-gcc", [], ["-fno-pie", "-no-pie"]),
    "i386": ("i686-linux-gnu-gcc", [], ["-fno-pie", "-no-pie"]),
    "x86_64": ("x86_64-linux-gnu-gcc", [], ["-fno-pie", "-no-pie"]),
}

# (id, encoding, text, function that uses it, how)
PLANTED = [
    ("minority_utf8", "utf-8", "是否少数民族：未知，非少数民族，维族", "face_attr_minority_label", "direct"),
    ("uyghur_xinjiang_gbk", "gbk", "维族(新疆)", "face_attr_nation_label_gbk", "pointer_table"),
    ("unidentified_gbk", "gbk", "设备未识别", "face_attr_nation_label_gbk", "pointer_table"),
    ("uyghur_warning_utf16le", "utf-16-le", "维族人员实时预警", "face_alarm_name", "struct_field"),
    ("face_capture_utf16le", "utf-16-le", "人脸抓拍", "face_alarm_name", "struct_field"),
    ("nation_enum_ascii", "ascii", "EM_NATION_TYPE_UYGUR", "face_attr_log", "printf_argument"),
]


def planted_entries():
    """The planted labels as expected_xrefs.json lists them, with their bytes in hex."""
    return [{"id": i, "encoding": e, "text": t, "hex": t.encode("ascii" if e == "ascii" else e).hex(), "function": f, "use": how}
            for i, e, t, f, how in PLANTED]


def write_expected(out_dir, expected):
    """expected_xrefs.json, and the corpus's size in bytes."""
    with open(os.path.join(out_dir, "expected_xrefs.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    return sum(os.path.getsize(os.path.join(d, x)) for d, _, fs in os.walk(out_dir) for x in fs)


def nm_functions(path):
    out = subprocess.run(["nm", "--defined-only", path], check=True, capture_output=True, text=True).stdout
    funcs = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "Tt":
            funcs[parts[2]] = int(parts[0], 16)
    return funcs


def main():
    for target, (cc, extra, nopic) in TARGETS.items():
        if shutil.which(cc) is None:
            sys.exit(f"gen_elf_corpus: {cc} not found (scripts/install-deps --generator)")
    shutil.rmtree(OUT, ignore_errors=True)
    expected = {"source": "tools/src/face_attr.c", "planted": planted_entries(), "binaries": {}}
    for target, (cc, extra, nopic) in TARGETS.items():
        for opt in ("O0", "O2"):
            for pic in ("pic", "nopic"):
                flags = [f"-{opt}", "-g0", "-Wl,--build-id=none", "-Wl,--hash-style=gnu"] + extra
                flags += ["-fPIE", "-pie"] if pic == "pic" else nopic
                name = f"face_attr-{opt}-{pic}"
                out = os.path.join(OUT, target, name)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                subprocess.run([cc, *flags, "-o", out, SRC], check=True, cwd=HERE)
                funcs = nm_functions(out)
                stripped = out + "-stripped"
                subprocess.run([cc.replace("-gcc", "-strip"), "-o", stripped, out], check=True)
                thumb_bit = ~1 if target in ("arm", "thumb") else ~0  # nm shows Thumb functions with bit 0 set
                entry = {p[3]: funcs[p[3]] & thumb_bit for p in PLANTED}
                for variant in (name, name + "-stripped"):
                    expected["binaries"][f"{target}/{variant}"] = {
                        "target": target, "opt": opt, "pic": pic == "pic", "stripped": variant.endswith("stripped"),
                        "functions": {k: hex(v) for k, v in sorted(entry.items())}}
    # Shared objects (direct containment: the exported function that uses each label).
    for target in ("x86_64", "thumb"):
        cc, extra, _ = TARGETS[target]
        so = os.path.join(OUT, target, "libface_attr.so")
        subprocess.run([cc, "-O2", "-g0", "-shared", "-fPIC", "-Wl,--build-id=none", *extra, "-o", so, SRC], check=True, cwd=HERE)
        subprocess.run([cc.replace("-gcc", "-strip"), "--strip-unneeded", so], check=True)
        expected["shared_objects"] = expected.get("shared_objects", []) + [f"{target}/libface_attr.so"]
    total = write_expected(OUT, expected)
    print(f"{len(expected['binaries'])} binaries, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
