#!/usr/bin/env python3
"""Every PE of corpus/pe as python3-pefile reads it, against fwscan's PE summary: machine and
bits, image base, entry point, EXE or DLL, subsystem, timestamp, imported DLLs and functions,
exports (each also listed as a function at its address), CodeView PDB path and GUID + age,
version strings, COFF symbols or none.

usage: pe_pefile_check.py FWSCAN CORPUS_DIR OUT_DIR"""
import json
import os
import subprocess
import sys

import pefile

MACHINES = {0x14C: ("x86", 32), 0x8664: ("x86-64", 64)}
SUBSYSTEMS = {1: "native", 2: "windows_gui", 3: "windows_cui", 10: "efi_application"}


def expected_of(path):
    """The summary fields as pefile reads them."""
    pe = pefile.PE(path)
    arch, bits = MACHINES[pe.FILE_HEADER.Machine]
    base = pe.OPTIONAL_HEADER.ImageBase
    want = {
        "arch": arch, "bits": bits, "image_base": base,
        "entry": base + pe.OPTIONAL_HEADER.AddressOfEntryPoint,
        "type": "dll" if pe.FILE_HEADER.Characteristics & 0x2000 else "exe",
        "subsystem": SUBSYSTEMS[pe.OPTIONAL_HEADER.Subsystem],
        "timestamp": pe.FILE_HEADER.TimeDateStamp,
        "stripped": pe.FILE_HEADER.NumberOfSymbols == 0,
        "needed": [e.dll.decode() for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])],
        "imports": len({i.name for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []) for i in e.imports if i.name}),
        "exports": sorted({s.name.decode() for s in getattr(getattr(pe, "DIRECTORY_ENTRY_EXPORT", None), "symbols", [])
                           if s.name and not s.forwarder}),
        "pdb_path": "", "pdb_id": "", "version_info": [],
        "signed": pe.OPTIONAL_HEADER.DATA_DIRECTORY[4].Size != 0,
        "dotnet": pe.OPTIONAL_HEADER.DATA_DIRECTORY[14].Size != 0,
    }
    export_vas = {s.name.decode(): base + s.address for s in getattr(getattr(pe, "DIRECTORY_ENTRY_EXPORT", None), "symbols", [])
                  if s.name and not s.forwarder}
    for d in getattr(pe, "DIRECTORY_ENTRY_DEBUG", []):
        cv = d.entry
        if cv is not None and getattr(cv, "CvSignature", b"") == b"RSDS":
            guid = (f"{cv.Signature_Data1:08X}-{cv.Signature_Data2:04X}-{cv.Signature_Data3:04X}-"
                    f"{cv.Signature_Data4:02X}{cv.Signature_Data5:02X}-{cv.Signature_Data6.hex().upper()}")
            want["pdb_path"] = cv.PdbFileName.rstrip(b"\0").decode()
            want["pdb_id"] = f"{guid}-{cv.Age}"
    for info in getattr(pe, "FileInfo", []):
        for block in info:
            for table in getattr(block, "StringTable", []):
                want["version_info"] += sorted([k.decode(), v.decode()] for k, v in table.entries.items())
    return want, export_vas


def main():
    fwscan, corpus, out = sys.argv[1:4]
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(corpus, "pe")) for f in fs
                   if f.endswith((".exe", ".dll")))
    failures = 0
    for path in files:
        report = os.path.join(out, os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path) + ".json")
        with open(report, "w", encoding="utf-8") as f:
            rc = subprocess.run([fwscan, "scan", path, "--format", "json"], stdout=f, stderr=subprocess.DEVNULL, check=False).returncode
        if rc not in (0, 1):
            print(f"{path}: fwscan exit {rc}")
            failures += 1
            continue
        with open(report, encoding="utf-8") as f:
            nodes = json.load(f)["nodes"]
        got = nodes[0].get("pe")
        if got is None:
            print(f"{path}: the input node has no PE summary")
            failures += 1
            continue
        want, export_vas = expected_of(path)
        for key, value in want.items():
            if got.get(key) != value:
                print(f"{path}: {key}: fwscan {got.get(key)!r}, pefile {value!r}")
                failures += 1
        listed = {fn["name"]: fn["va"] for fn in got["functions"]}
        for name, va in export_vas.items():
            if listed.get(name) != va:
                print(f"{path}: export {name} at {va:#x}: fwscan lists {listed.get(name)!r}")
                failures += 1
    print(f"{len(files)} PE files, {failures} differences")
    sys.exit(1 if failures or len(files) < 10 else 0)


if __name__ == "__main__":
    main()
