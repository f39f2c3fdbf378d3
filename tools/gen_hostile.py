#!/usr/bin/env python3
"""Writes the hostile inputs of issue 14 that cost memory or time within the format rules.

Nothing here is committed: the files are large when unpacked (that is the point) and small or
quick to write. bench/hostile.sh runs fwscan on each, with its peak RSS and wall time, next to
the limit that should bound it. Python 3 standard library only.

Usage: tools/gen_hostile.py OUT_DIR [--scale S]
  --scale  multiplies the sizes (default 1: the sizes the issue names; 0.25 for a quick look)

Writes, in OUT_DIR:
  zip_signature_flood.bin  8 MiB of zip local-header signatures and no end record (carving time)
  gzip_members.gz          64 gzip members of 64 MiB of zeros each (resident decoded bytes)
  zip_overlap_bomb.zip     one deflated 64 MiB member named by 64 central-directory entries
                           (Fifield's overlapping-entry construction; resident decoded bytes)
  zip_200k_entries.zip     200,000 empty entries (report size)
  elf_nops/                8 x86-64 ELF executables of 16 MiB of NOPs and a label (instruction budget)
"""
import argparse
import os
import struct
import sys
import zipfile
import zlib

MIB = 1 << 20


def zip_signature_flood(path, size):
    with open(path, "wb") as f:
        f.write(b"PK\x03\x04" * (size // 4))


def gzip_members(path, members, member_size):
    # One member compressed once, written `members` times: a legal multi-member gzip file.
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(MIB)
    body = b"".join(comp.compress(chunk) for _ in range(member_size // MIB)) + comp.flush()
    with open(path, "wb") as f:
        for _ in range(members):
            f.write(body)


def zip_overlap_bomb(path, names, member_size):
    """Every central-directory entry points at the one local header (APPNOTE 4.3.12)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MIB)
    data = b"".join(comp.compress(chunk) for _ in range(member_size // MIB)) + comp.flush()
    crc = 0
    for _ in range(member_size // MIB):
        crc = zlib.crc32(chunk, crc)
    local_name = b"m0"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), member_size,
                        len(local_name), 0) + local_name
    central = b""
    for i in range(names):
        name = b"m%d" % i
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data),
                               member_size, len(name), 0, 0, 0, 0, 0, 0) + name
    cd_offset = len(local) + len(data)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, names, names, len(central), cd_offset, 0)
    with open(path, "wb") as f:
        f.write(local + data + central + end)


def zip_many_entries(path, count):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(count):
            z.writestr("d%03d/e%06d" % (i // 1000, i), b"")


def elf_nops(path, code_size):
    """A static x86-64 executable whose one PT_LOAD r-x segment is all NOPs, then a label (so
    that the scan asks for the code that uses it and sweeps every instruction)."""
    ehdr_size, phdr_size = 64, 56
    base, offset = 0x400000, 0x1000
    ehdr = struct.pack("<4sBBBBB7xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, 2, 62, 1,
                       base + offset, ehdr_size, 0, 0, ehdr_size, phdr_size, 1, 64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, offset, base + offset, base + offset, code_size, code_size, 0x1000)
    with open(path, "wb") as f:
        f.write(ehdr + phdr)
        f.write(bytes(offset - ehdr_size - phdr_size))
        label = "是否少数民族".encode() + b"\0"
        f.write(b"\x90" * (code_size - 1 - len(label)) + b"\xc3" + label)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    if args.scale <= 0:
        sys.exit("--scale must be positive")
    os.makedirs(args.out, exist_ok=True)

    def scaled(n, minimum=1):
        return max(minimum, int(n * args.scale))

    zip_signature_flood(os.path.join(args.out, "zip_signature_flood.bin"), scaled(8 * MIB, 4))
    gzip_members(os.path.join(args.out, "gzip_members.gz"), scaled(64), 64 * MIB)
    zip_overlap_bomb(os.path.join(args.out, "zip_overlap_bomb.zip"), scaled(64), 64 * MIB)
    zip_many_entries(os.path.join(args.out, "zip_200k_entries.zip"), scaled(200_000))
    elf_dir = os.path.join(args.out, "elf_nops")
    os.makedirs(elf_dir, exist_ok=True)
    for i in range(8):
        elf_nops(os.path.join(elf_dir, "nops%d.elf" % i), scaled(16 * MIB, 4096))


if __name__ == "__main__":
    main()
