#!/usr/bin/env python3
"""Compares fwscan's reading of every EROFS image in corpus/fs/erofs with erofs-utils' own reader,
`fsck.erofs --extract`, entry for entry: the same paths; for each file the same SHA-256 (a hard
link through the file it names); the same symlink targets; the same device numbers, owners and
permission bits. Either side having an entry the other lacks fails.

usage: erofs_fsck_check.py FWSCAN CORPUS_DIR OUT_DIR"""
import hashlib
import json
import lzma
import os
import stat
import subprocess
import sys


def reference(img, out):
    """What fsck.erofs extracts, as {path: (kind, detail, (uid, gid, mode))}."""
    subprocess.run(["fsck.erofs", f"--extract={out}", img], check=True, stdout=subprocess.DEVNULL)
    tree = {}
    for top, dirs, files in os.walk(out):
        for name in dirs + files:
            path = os.path.join(top, name)
            rel = os.path.relpath(path, out)
            st = os.lstat(path)
            owner = (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode))
            if stat.S_ISLNK(st.st_mode):
                tree[rel] = ("symlink", os.readlink(path), owner)
            elif stat.S_ISDIR(st.st_mode):
                tree[rel] = ("directory", None, owner)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                kind = "char_device" if stat.S_ISCHR(st.st_mode) else "block_device"
                tree[rel] = (kind, (os.major(st.st_rdev), os.minor(st.st_rdev)), owner)
            else:
                with open(path, "rb") as f:
                    tree[rel] = ("file", hashlib.sha256(f.read()).hexdigest(), owner)
    return tree


def fwscan_tree(fwscan, img, out):
    subprocess.run([fwscan, "scan", img, "-o", out, "--format", "json"], check=False, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    prefix = os.path.basename(img) + "/erofs@0x0:"
    nodes = {n["locator"][len(prefix):]: n for n in report["nodes"] if n["locator"].startswith(prefix) and "entry" in n}
    problems = [d["message"] for n in report["nodes"] for d in n["diagnostics"] if d["handler"] == "erofs"]
    tree = {}
    for rel, n in nodes.items():
        e = n["entry"]
        owner = (e.get("uid"), e.get("gid"), e.get("mode"))
        kind = e["kind"]
        if kind == "hardlink":
            tree[rel] = ("file", nodes[e["link_target"]]["sha256"], owner)
        elif kind == "file":
            tree[rel] = ("file", n["sha256"] or hashlib.sha256(b"").hexdigest(), owner)
        elif kind == "symlink":
            tree[rel] = ("symlink", e["link_target"], owner)
        elif kind.endswith("_device"):
            tree[rel] = (kind, (e["dev_major"], e["dev_minor"]), owner)
        else:
            tree[rel] = (kind, None, owner)
    return tree, problems


def main():
    fwscan, corpus, out = sys.argv[1:4]
    folder = os.path.join(corpus, "fs", "erofs")
    images = sorted(f for f in os.listdir(folder) if f.endswith(".img.xz"))
    assert len(images) >= 7, images
    failed = False
    for packed in images:
        name = packed[:-3]
        work = os.path.join(out, name + ".d")
        os.makedirs(work)
        img = os.path.join(work, name)
        with lzma.open(os.path.join(folder, packed)) as src, open(img, "wb") as dst:
            dst.write(src.read())
        ref = reference(img, os.path.join(work, "fsck"))
        got, problems = fwscan_tree(fwscan, img, os.path.join(work, "fwscan"))
        diffs = [f"{p}: fsck.erofs {ref.get(p)} / fwscan {got.get(p)}" for p in sorted(set(ref) | set(got)) if ref.get(p) != got.get(p)]
        files = sum(1 for v in ref.values() if v[0] == "file")
        if diffs or problems:
            failed = True
            print(f"FAIL {name}: {len(diffs)} entries differ, {len(problems)} erofs diagnostics")
            for line in (diffs + problems)[:20]:
                print("  " + line)
        else:
            print(f"ok {name}: {len(ref)} entries ({files} files) as fsck.erofs --extract reads them")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
