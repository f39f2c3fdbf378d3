#!/usr/bin/env python3
"""Builds corpus/pe/<target>/: tools/src/face_attr.c compiled with mingw-w64 for x86 and x86-64
Windows, at -O0 and -O2, with COFF symbols and stripped; and for each target a DLL that exports
the functions, carries a version resource (tools/src/face_attr.rc) and names a PDB. Writes
corpus/pe/expected_xrefs.json in the ELF corpus's shape (tools/gen_elf_corpus.py).

The expected references are known by construction: every planted label is used by exactly one
function of face_attr.c (gen_elf_corpus.PLANTED); the function start addresses of each binary
come from the target's `nm` on the build with symbols (the stripped twin, linked with
--strip-all, has the same code at the same addresses: the test checks its .text is identical).
Builds are reproducible: no timestamp, and the PDB's GUID is a hash of the image.

Needs Debian's mingw-w64 cross compilers (scripts/install-deps --generator). CI never runs this.
"""
import os
import shutil
import subprocess
import sys

from gen_elf_corpus import PLANTED, SRC, planted_entries, write_expected

HERE = os.path.dirname(os.path.abspath(__file__))
RC = os.path.join(HERE, "src", "face_attr.rc")
OUT = os.path.join(os.path.dirname(HERE), "corpus", "pe")

TARGETS = {"x86_64": "x86_64-w64-mingw32", "i386": "i686-w64-mingw32"}
COMMON = ["-g0", "-Wl,--no-insert-timestamp"]


def nm_functions(nm, path):
    """Text symbols (T/t) of a PE, by name, as virtual addresses (image base included)."""
    out = subprocess.run([nm, "--defined-only", path], check=True, capture_output=True, text=True).stdout
    funcs = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "Tt":
            funcs[parts[2].lstrip("_") if nm.startswith("i686") else parts[2]] = int(parts[0], 16)
    return funcs


def build(prefix, args, out, strip_all=False):
    """Links with the linker's own stripping: strip(1) would stamp the time into the header."""
    strip = "-Wl,--strip-all" if strip_all else "-Wl,--strip-debug"  # --strip-debug keeps the COFF symbols
    subprocess.run([f"{prefix}-gcc", *COMMON, strip, *args, "-o", out], check=True, cwd=HERE)


def main():
    for prefix in TARGETS.values():
        if shutil.which(f"{prefix}-gcc") is None:
            sys.exit(f"gen_pe_corpus: {prefix}-gcc not found (scripts/install-deps --generator)")
    shutil.rmtree(OUT, ignore_errors=True)
    expected = {"source": "tools/src/face_attr.c", "planted": planted_entries(), "binaries": {}, "dlls": {}}
    for target, prefix in TARGETS.items():
        os.makedirs(os.path.join(OUT, target))
        for opt in ("O0", "O2"):
            name = f"face_attr-{opt}.exe"
            out = os.path.join(OUT, target, name)
            build(prefix, [f"-{opt}", SRC], out)
            stripped = out.replace(".exe", "-stripped.exe")
            build(prefix, [f"-{opt}", SRC], stripped, strip_all=True)
            funcs = nm_functions(f"{prefix}-nm", out)
            entry = {p[3]: hex(funcs[p[3]]) for p in PLANTED}
            for variant, is_stripped in ((name, False), (os.path.basename(stripped), True)):
                expected["binaries"][f"{target}/{variant}"] = {
                    "target": target, "opt": opt, "stripped": is_stripped, "functions": dict(sorted(entry.items()))}
        resource = os.path.join(OUT, target, "face_attr_rc.o")
        subprocess.run([f"{prefix}-windres", "-c", "65001", RC, "-O", "coff", "-o", resource], check=True)
        dll = os.path.join(OUT, target, "face_attr.dll")
        build(prefix, ["-O2", "-shared", "-Wl,--pdb=face_attr.pdb", SRC, resource], dll)
        os.remove(resource)
        pdb = os.path.join(HERE, "face_attr.pdb")
        if os.path.exists(pdb):
            os.remove(pdb)
        funcs = nm_functions(f"{prefix}-nm", dll)
        expected["dlls"][f"{target}/face_attr.dll"] = {
            "target": target, "functions": {p[3]: hex(funcs[p[3]]) for p in PLANTED}}
    total = write_expected(OUT, expected)
    print(f"{len(expected['binaries']) + len(expected['dlls'])} binaries, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
