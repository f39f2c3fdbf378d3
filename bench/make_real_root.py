#!/usr/bin/env python3
"""Copies real binaries and text of this machine into a firmware-like root tree for the parallel
benchmark: ELF programs and libraries, scripts, documentation and configuration, in a fixed
order (sorted paths) until the size is reached. Links and special files are skipped.

usage: make_real_root.py OUT_DIR MiB"""
import os
import shutil
import sys

SOURCES = ("/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/share/doc", "/etc")


def regular_files(top):
    """Regular files under top, sorted, without following links."""
    for root, dirs, files in os.walk(top, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if not os.path.islink(path) and os.path.isfile(path) and os.access(path, os.R_OK):
                yield path


def main():
    out, target = sys.argv[1], int(sys.argv[2]) << 20
    total = count = 0
    for top in SOURCES:
        for path in regular_files(top):
            if total >= target:
                break
            dest = os.path.join(out, os.path.relpath(path, "/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(path, dest)
            total += os.path.getsize(dest)
            count += 1
    print(f"{count} files, {total >> 20} MiB in {out}")


if __name__ == "__main__":
    main()
