#!/usr/bin/env python3
"""Generates the firmware series that `fwscan diff` is tested on (deterministic).

Four versions of one small camera firmware, each an SWKH package (camera-formats.md 1.3) with an
`app.img` SquashFS member holding an SDK header with face-attribute fields, an x86-64 ELF built
from tools/src/face_attr.c (labels used by named functions) and a benign file:
  v1_labels.dav       the labels
  v2_one_removed.dav  one label removed: the ELF built without face_attr_minority_label and its
                      string (-DFACE_NO_MINORITY_LABEL)
  v3_renamed.dav      the header's fields renamed to reserved names, as real SDKs did:
                      byEthnic -> byRes0, emNation -> szReserved
  v4_repacked.dav     v1's files again, the SquashFS compressed with xz instead of gzip

SERIES.json says what each version changed, with byte offsets found here in the files built
here, so that the test's expectations come from construction, never from fwscan's output.

Needs x86_64-linux-gnu-gcc and mksquashfs (scripts/install-deps --generator).
Usage: tools/gen_diff_series.py [--out corpus/diff_series]"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_corpus import squashfs_of, swkh  # noqa: E402  (the corpus's own builders)

CC = "x86_64-linux-gnu-gcc"
ELF_PATH = "usr/bin/faced"
HEADER_PATH = "usr/include/HCNetSDK.h"
MEMBER = "app.img"
REMOVED_LITERAL = "是否少数民族：未知，非少数民族，维族"
REMOVED_FUNCTION = "face_attr_minority_label"
RENAMES = [("byEthnic", "byRes0"), ("emNation", "szReserved")]

HEADER = """/* HCNetSDK excerpt (generated for fwscan's diff series) */
typedef struct tagNET_VCA_HUMAN_FEATURE
{
    BYTE byAgeGroup;
    BYTE bySex;
    BYTE byEthnic;
    BYTE byEyeGlass;
    BYTE byMask;
}NET_VCA_HUMAN_FEATURE;

typedef struct tagNET_DVR_FACE_ATTR
{
    int emGlasses;
    int emNation;
    int emMouth;
}NET_DVR_FACE_ATTR;
"""


def build_elf(defines):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "faced")
        subprocess.run([CC, "-O2", "-g0", "-fPIE", "-pie", "-Wl,--build-id=none", "-Wl,--hash-style=gnu", *defines,
                        "-o", out, os.path.join("src", "face_attr.c")], check=True, cwd=HERE)
        with open(out, "rb") as f:
            return f.read()


def firmware(files, comp="gzip"):
    return swkh([(MEMBER, squashfs_of(files, comp))])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "corpus", "diff_series"))
    args = ap.parse_args()
    for tool in (CC, "mksquashfs"):
        if shutil.which(tool) is None:
            sys.exit(f"gen_diff_series: {tool} not found (scripts/install-deps --generator)")
    elf = build_elf([])
    elf_without = build_elf(["-DFACE_NO_MINORITY_LABEL"])
    literal = REMOVED_LITERAL.encode("utf-8")
    assert elf.count(literal) == 1 and elf_without.count(literal) == 0
    header = HEADER.encode("ascii")
    renamed = HEADER
    for old, new in RENAMES:
        assert HEADER.count(old) == 1
        renamed = renamed.replace(old, new)
    base = {ELF_PATH: elf, HEADER_PATH: header, "etc/version": b"IPC_DEMO 5.4.8 build 231126\n"}
    versions = {
        "v1_labels.dav": base,
        "v2_one_removed.dav": base | {ELF_PATH: elf_without},
        "v3_renamed.dav": base | {HEADER_PATH: renamed.encode("ascii")},
    }
    os.makedirs(args.out, exist_ok=True)
    for name, files in versions.items():
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(firmware(files))
    with open(os.path.join(args.out, "v4_repacked.dav"), "wb") as f:
        f.write(firmware(base, comp="xz"))
    series = {
        "source": "tools/gen_diff_series.py",
        "base": "v1_labels.dav",
        "member": MEMBER,
        "versions": {
            "v2_one_removed.dav": {
                "change": "removed", "file": ELF_PATH, "function": REMOVED_FUNCTION, "text": REMOVED_LITERAL,
                "offset": elf.index(literal), "length": len(literal)},
            "v3_renamed.dav": {
                "change": "renamed", "file": HEADER_PATH,
                "renames": [{"old": old, "new": new, "offset": header.index(old.encode("ascii"))} for old, new in RENAMES]},
            "v4_repacked.dav": {"change": "repacked", "how": "the SquashFS compressed with xz instead of gzip"},
        },
    }
    with open(os.path.join(args.out, "SERIES.json"), "w", encoding="utf-8") as f:
        json.dump(series, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print("diff series written to", args.out)


if __name__ == "__main__":
    main()
