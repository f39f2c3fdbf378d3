#!/usr/bin/env python3
"""Writes the hostile inputs of issue 14: one case or more for every class of attack.

Nothing here is committed: the files are large when unpacked (that is the point) and small or
quick to write. tests/cli/hostile_corpus.sh (CI, with --ci) runs fwscan on each and asserts its
bounds; bench/hostile.sh (by hand) prints each one's peak RSS and wall time. Python 3 standard
library only.

Usage: tools/gen_hostile.py OUT_DIR [--scale S | --ci]
  --scale  multiplies the sizes (default 1: the sizes the issue names; 0.25 for a quick look)
  --ci     the sizes CI runs: each bound is still passed by the input, in seconds

Writes, in OUT_DIR, each case with what its report must hold (MANIFEST below, also written as
OUT_DIR/expect.tsv: name, the diagnostic codes the report must carry, whether a label finding
must survive, the entries that must each hold one):
  zip_signature_flood.bin  8 MiB of zip local-header signatures and no end record (carving time)
  gzip_members.gz          64 gzip members of 64 MiB of zeros each (resident decoded bytes)
  gzip_distinct_members.gz 64 gzip members of 64 MiB, each different, a label in the last (resident
                           decoded bytes that sharing identical content cannot save)
  gzip_one_stream.gz       one gzip member of 4 GiB, the label first (a single decoded node: it was
                           held whole, up to the 1 GiB node cap, and its growth copied)
  gzip_utf16_text.gz       512 MiB of UTF-16LE text, a UTF-16 label at 100 MiB (its decoding views,
                           1.5 times the text each, were built whole)
  gzip_match_storm.gz      480 MiB of rule-pack terms one after the other, the label first and last
                           (libyara recorded up to a million matches a string, with their bytes)
  zip_distinct_members.zip 64 deflated members of 64 MiB, each different, a label in the last (the
                           zip reader decoded every member before any was scanned)
  sevenzip_distinct_members.7z  the same as one solid 7z (LZMA2) folder
  zip_overlap_bomb.zip     one deflated 64 MiB member named by 64 central-directory entries
                           (Fifield's overlapping-entry construction; resident decoded bytes)
  zip_entry_ratio.zip      2 MiB of stored noise (the label first) and 1 GiB of zeros LZMA-compressed
                           to a few KiB: the per-entry cap followed the archive's size, not the entry's
  zip_200k_entries.zip     200,000 empty entries (report size, the per-node child limit)
  elf_nops/                8 x86-64 ELF executables of 16 MiB of NOPs and a label (instruction budget)
  elf_header_lies.elf      sections claiming 90 MiB each far past the end of a 12 KiB ELF, and a
                           string table without its NUL (LIEF turned the claims into zeros in memory)
  escape_names.tar         entry names and matched text full of ESC, OSC, C1 and bidi controls
  yaffs2_size_lies.bin     64 YAFFS2 files that each declare 4 GiB and hold one 512-byte chunk
                           (each became a buffer of zeros of up to 1000x the image)
  jffs2_size_lies.bin      64 JFFS2 files that each declare 3.75 GiB and hold 2 data nodes, the second
                           at 3.75 GiB, and one that declares 4 GiB and holds 5 bytes (zeros in memory)
  damaged.gz               a gzip stream damaged after the label (the decoded part is kept)
  lying_size.lzma          an LZMA-alone stream whose header claims 1 MiB more than it holds
  squashfs_one_bad_entry.sqfs  a SquashFS image where one file's inode declares 4 GiB (its block
                           list runs past the inode table) and one directory names itself: each
                           costs that entry only (a reader used to drop the whole image)
  squashfs_directory_graph.sqfs  31 directories, each naming the next one twice: 2^31 paths to
                           the label from 2 KiB (libsquashfs's full-hierarchy call went past 10 GiB)
  ext_many_names.img       an ext4 file of 64 MiB named 64 times while its links count says 1
                           (each name read the file again)
  ubi_far_lebs.ubi         UBI volumes that each map LEB 0 and LEB 2^31 - 16 (erased LEBs between,
                           read as 0xFF up to the expansion ratio: 125 MiB a volume)
  fifo                     a named pipe given as input (it hung: refused before it is opened)
"""
import argparse
import gzip
import io
import lzma
import os
import random
import struct
import sys
import tarfile
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


def gzip_one_stream(path, size):
    """One gzip member of `size` bytes, the label first and zeros after: a single decoded node
    larger than the resident-memory budget allows one decode."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    parts = [comp.compress(LABEL + b"\n")]
    zeros = bytes(MIB)
    parts += [comp.compress(zeros) for _ in range(size // MIB)]
    parts.append(comp.flush())
    with open(path, "wb") as f:
        f.write(b"".join(parts))


def gzip_utf16_text(path, size, label_at):
    """One gzip member of `size` bytes of UTF-16LE camera text, the label in UTF-16LE at
    `label_at`: a large text node whose decoding views (UTF-16 as UTF-8, and the other byte order
    read as CJK, 1.5 times the text) were built whole."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    line = "channel=1 osd=on motion=off record=schedule stream=main\n".encode("utf-16-le")
    block = line * (MIB // len(line))
    block += bytes(MIB - len(block))
    label = ("\n" + LABEL.decode() + "\n").encode("utf-16-le")
    parts = []
    for i in range(size // MIB):
        if i == label_at // MIB:
            at = label_at % MIB // 2 * 2
            parts.append(comp.compress(block[:at] + label + block[at + len(label):]))
        else:
            parts.append(comp.compress(block))
    parts.append(comp.flush())
    with open(path, "wb") as f:
        f.write(b"".join(parts))


# Terms of the rule pack, in rotation: labels (UTF-8), identifiers, face and person context and
# the nationalities of the benign list, so that no one string's cap bounds the matches.
STORM_TERMS = ["维族", "維族", "维吾尔", "少数民族", "非汉族", "uyghur", "uighur", "minority",
               "minorities", "ethnicity", "complexion", "skin_tone", "age_group", "face_mask",
               "face_detect", "人脸", "汉族", "蒙古族", "回族", "藏族", "苗族", "彝族", "壮族"]


def gzip_match_storm(path, size):
    """One gzip member of `size` bytes of rule-pack terms, one after the other: every few bytes a
    match of some rule string, millions in all (libyara recorded up to a million a string, each
    with a copy of its bytes, before fwscan saw any). The label is first, and last."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    line = (" ".join(STORM_TERMS) + "\n").encode()
    block = line * (MIB // len(line))
    block += b" " * (MIB - len(block))
    parts = [comp.compress(LABEL + b"\n")]
    parts += [comp.compress(block) for _ in range(size // MIB)]
    parts.append(comp.compress(b"\n" + LABEL + b"\n"))
    parts.append(comp.flush())
    with open(path, "wb") as f:
        f.write(b"".join(parts))


def gzip_distinct_members(path, members, member_size):
    """Every member differs (a marker every 64 KiB), so only letting go of scanned ones bounds memory."""
    with open(path, "wb") as f:
        for m in range(members):
            comp = zlib.compressobj(6, zlib.DEFLATED, 31)
            block = bytearray(64 * 1024)
            struct.pack_into("<Q", block, 0, m + 1)
            parts = [comp.compress(bytes(block)) for _ in range(member_size // len(block) - 1)]
            if m + 1 == members:
                block[1000:1000 + len(LABEL)] = LABEL
            parts.append(comp.compress(bytes(block)))
            parts.append(comp.flush())
            f.write(b"".join(parts))


def zip_distinct_members(path, members, member_size):
    """A zip of `members` deflated members of `member_size` bytes, each different (a marker every
    64 KiB), the label in the last: only reading the members as the walk reaches them, and letting
    go of scanned ones, bounds memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for m in range(members):
            block = bytearray(64 * 1024)
            struct.pack_into("<Q", block, 0, m + 1)
            with z.open("m%02d.bin" % m, "w", force_zip64=True) as f:
                for _ in range(member_size // len(block) - 1):
                    f.write(block)
                if m + 1 == members:
                    block[1000:1000 + len(LABEL)] = LABEL
                f.write(block)


def sevenzip_distinct_members(path, members, member_size):
    """A solid 7z archive (one LZMA2 folder) of `members` files of `member_size` bytes, each
    different (a marker every 64 KiB), the label in the last. Written from the 7z format's layout
    (7-Zip's 7zFormat.txt): packed stream, then an uncompressed header."""
    def number(n):
        """7z's variable-length number: the first byte's leading ones count the bytes after it."""
        for extra in range(9):
            if extra == 8 or n < (1 << (7 * (extra + 1))):
                break
        if extra == 8:
            return b"\xff" + struct.pack("<Q", n)
        high = n >> (8 * extra)
        first = (0xFF << (8 - extra)) & 0xFF | high
        return bytes([first]) + n.to_bytes(8, "little")[:extra]

    comp = lzma.LZMACompressor(lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2, "preset": 1, "dict_size": 1 << 20}])
    packed, crcs = [], []
    for m in range(members):
        block = bytearray(64 * 1024)
        struct.pack_into("<Q", block, 0, m + 1)
        crc = 0
        for i in range(member_size // len(block)):
            if m + 1 == members and i == member_size // len(block) - 1:
                block[1000:1000 + len(LABEL)] = LABEL
            crc = zlib.crc32(block, crc)
            packed.append(comp.compress(bytes(block)))
        crcs.append(crc)
    packed.append(comp.flush())
    stream = b"".join(packed)
    names = b"".join(("m%02d.bin" % m).encode("utf-16-le") + b"\0\0" for m in range(members))
    header = (b"\x01\x04"                                                     # Header, MainStreamsInfo
              + b"\x06" + number(0) + number(1) + b"\x09" + number(len(stream)) + b"\x00"  # PackInfo
              + b"\x07\x0b" + number(1) + b"\x00"                              # UnPackInfo: 1 folder
              + number(1) + b"\x21\x21\x01" + bytes([20])                      # 1 coder: LZMA2, dict 1 MiB
              + b"\x0c" + number(members * member_size) + b"\x00"
              + b"\x08\x0d" + number(members)                                   # SubStreamsInfo
              + b"\x09" + b"".join(number(member_size) for _ in range(members - 1))
              + b"\x0a\x01" + b"".join(struct.pack("<I", c) for c in crcs) + b"\x00\x00"
              + b"\x05" + number(members)                                        # FilesInfo
              + b"\x11" + number(len(names) + 1) + b"\x00" + names + b"\x00\x00")
    start = struct.pack("<QQI", len(stream), len(header), zlib.crc32(header))
    with open(path, "wb") as f:
        f.write(b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start)
        f.write(stream)
        f.write(header)


def zip_entry_ratio(path, noise_size, zeros_size):
    """A zip whose first entry is `noise_size` stored random bytes (the label first) and whose
    second is `zeros_size` zeros, LZMA-compressed (method 14) to a few KiB: the archive's size
    allowed the second entry a thousand times the whole archive; its own compressed bytes allow
    64 MiB."""
    rnd = random.Random(14)
    with zipfile.ZipFile(path, "w") as z:
        noise = LABEL + b"\n" + rnd.randbytes(noise_size)
        z.writestr(zipfile.ZipInfo("noise.bin"), noise, compress_type=zipfile.ZIP_STORED)
        info = zipfile.ZipInfo("zeros.bin")
        info.compress_type = zipfile.ZIP_LZMA
        with z.open(info, "w", force_zip64=True) as f:
            zeros = bytes(MIB)
            for _ in range(zeros_size // MIB):
                f.write(zeros)


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


LABEL = "是否少数民族".encode()


def elf_header_lies(path, lies=8):
    """A static x86-64 executable with a .rodata label, whose section table adds `lies`
    PROGBITS sections that each claim 90 MiB of file bytes far past the file's end, and a
    .shstrtab whose last byte is not NUL."""
    ehdr_size, phdr_size, shdr_size = 64, 56, 64
    base, code_off = 0x400000, 0x1000
    code = b"\xc3" + bytes(15)
    rodata = LABEL + b"\0"
    names = b"\0.text\0.rodata\0.lie\0.shstrtab"  # no NUL after the last name
    rodata_off = code_off + len(code)
    names_off = rodata_off + len(rodata)
    shoff = (names_off + len(names) + 7) // 8 * 8
    sections = [struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                struct.pack("<IIQQQQIIQQ", 1, 1, 6, base + code_off, code_off, len(code), 0, 0, 16, 0),
                struct.pack("<IIQQQQIIQQ", 7, 1, 2, base + rodata_off, rodata_off, len(rodata), 0, 0, 1, 0)]
    for i in range(lies):
        sections.append(struct.pack("<IIQQQQIIQQ", 15, 1, 0, 0, 0x30000000 + i * 0x1000000, 90 * MIB, 0, 0, 1, 0))
    sections.append(struct.pack("<IIQQQQIIQQ", 20, 3, 0, 0, names_off, len(names), 0, 0, 1, 0))
    end = shoff + shdr_size * len(sections)
    ehdr = struct.pack("<4sBBBBB7xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, 2, 62, 1,
                       base + code_off, ehdr_size, shoff, 0, ehdr_size, phdr_size, 1, shdr_size,
                       len(sections), len(sections) - 1)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, names_off, names_off, 0x1000)
    body = bytearray(end)
    body[0:ehdr_size + phdr_size] = ehdr + phdr
    body[code_off:code_off + len(code)] = code
    body[rodata_off:rodata_off + len(rodata)] = rodata
    body[names_off:names_off + len(names)] = names
    body[shoff:end] = b"".join(sections)
    with open(path, "wb") as f:
        f.write(body)


def escape_names(path):
    """Names and contents that would drive a terminal: clear the screen, set the window title
    (OSC), a hyperlink, C1 CSI, right-to-left override, and a label between them."""
    names = ["\x1b[2J\x1b[Hcleared.txt", "\x1b]0;owned\x07title.txt", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\.txt",
             "c1\u009b31mred.txt", "bidi\u202etxt.exe", "nul\x7fdel.txt"]
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        for i, name in enumerate(names):
            data = b"\x1b[2J\x1b]0;owned\x07" + LABEL + b"\x1b[0m\x00\x9b" + ("\u202e%d" % i).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


def yaffs2_size_lies(path, files):
    """A YAFFS2 image (512-byte pages, 16-byte spare, little-endian tags after the page) whose
    files each declare 4 GiB and hold one chunk, the label in the first."""
    def page(body, seq, obj, chunk, nbytes):
        return body.ljust(512, b"\xff") + struct.pack("<IIII", seq, obj, chunk, nbytes)

    out = bytearray()
    for i in range(files):
        obj = 257 + i
        header = struct.pack("<IIH256sHIIIIIIII", 1, 1, 0xFFFF, b"f%03d" % i, 0xFFFF, 0o100644,
                             0, 0, 0, 0, 0, 0xFFFFFFF0, 0xFFFFFFFF)
        out += page(header, 0x1000, obj, 0, 0xFFFF)
        text = (LABEL if i == 0 else b"data") + b"\n"
        out += page(text.ljust(512, b"."), 0x1000, obj, 1, 512)
    out += b"\xff" * (2 * 528)
    with open(path, "wb") as f:
        f.write(out)


def jffs2_size_lies(path, files):
    """A little-endian JFFS2 image of `files` files that each declare 3.75 GiB and hold two data
    nodes, one at the start (the label in the first file) and one byte at 3.75 GiB, and one file
    that declares 4 GiB and holds 5 bytes (each lie became a buffer of zeros)."""
    def crc(data):
        return zlib.crc32(data, 0xFFFFFFFF) ^ 0xFFFFFFFF  # CRC-32 register from 0, no final XOR

    out = bytearray()

    def node(kind, covered, crcs, payload):
        """The header (its CRC over 8 bytes), the fields the node CRC covers, `crcs` (a function
        of those bytes giving the CRC words), then the name or data, padded to 4 bytes."""
        length = 12 + len(covered) + 8 + len(payload)
        head = struct.pack("<HHI", 0x1985, kind, length)
        raw = head + struct.pack("<I", crc(head)) + covered
        out.extend(raw + crcs(raw) + payload + b"\xff" * (-length % 4))

    def dirent(ino, version, name):
        # pino, version, ino, mctime, nsize, type; then node_crc, name_crc.
        node(0xE001, struct.pack("<IIIIBBxx", 1, version, ino, 0, len(name), 8),
             lambda raw: struct.pack("<II", crc(raw), crc(name)), name)

    def inode(ino, version, isize, offset, data):
        # ino, version, mode, uid, gid, isize, atime, mtime, ctime, offset, csize, dsize, compr,
        # usercompr, flags; then data_crc, node_crc (over the 60 bytes before data_crc).
        node(0xE002, struct.pack("<IIIHHIIIIIIIBBH", ino, version, 0o100644, 0, 0, isize, 0, 0, 0,
                                 offset, len(data), len(data), 0, 0, 0),
             lambda raw: struct.pack("<II", crc(data), crc(raw)), data)

    for i in range(files):
        ino = 2 + i
        dirent(ino, 1, b"f%03d" % i)
        inode(ino, 1, 0xF0000001, 0, (LABEL + b"\n") if i == 0 else b"head\n")
        inode(ino, 2, 0xF0000001, 0xF0000000, b"t")
    dirent(2 + files, 1, b"big")
    inode(2 + files, 1, 0xFFFFFFF0, 0, b"hello")
    out.extend(b"\xff" * (-len(out) % 65536))
    with open(path, "wb") as f:
        f.write(out)


class Squashfs:
    """A SquashFS 4.0 little-endian image, written from the on-disk layout with every table
    stored uncompressed (the readers take the uncompressed flags as they are): data blocks,
    then the inode table, the directory table and the id table. Inodes are added before the
    directories that name them; a directory entry may name any inode number, its own included."""
    BLOCK = 1 << 17
    NONE = 0xFFFFFFFFFFFFFFFF

    def __init__(self):
        self.data = bytearray(96)    # the superblock is written last, over these 96 bytes
        self.inodes = bytearray()    # the inode table's content, one metadata block of <= 8 KiB
        self.dirs = bytearray()      # the directory table's content, likewise
        self.refs = {}               # inode number -> (offset in the inode table, basic type)

    def _inode(self, number, kind, mode, body):
        self.refs[number] = (len(self.inodes), kind)
        self.inodes += struct.pack("<HHHHII", kind, mode, 0, 0, 0, number) + body

    def file(self, number, content, declared_size=None):
        """A regular file in uncompressed full blocks and no fragment; declared_size lies about
        its length (its block list is then read past the inode table)."""
        start = len(self.data)
        self.data += content
        sizes = [len(content[i:i + self.BLOCK]) | (1 << 24) for i in range(0, len(content), self.BLOCK)]
        size = len(content) if declared_size is None else declared_size
        body = struct.pack("<IIII", start, 0xFFFFFFFF, 0, size) + b"".join(struct.pack("<I", n) for n in sizes)
        self._inode(number, 2, 0o644, body)

    def directory(self, number, parent, entries):
        """entries: (name, inode number), written in name order as one directory header."""
        listing = bytearray()
        entries = sorted(entries)
        if entries:
            listing += struct.pack("<III", len(entries) - 1, 0, number)
            for name, ino in entries:
                # A directory naming itself names the inode about to be added.
                offset, kind = (len(self.inodes), 1) if ino == number else self.refs[ino]
                listing += struct.pack("<HhHH", offset, ino - number, kind, len(name) - 1) + name.encode()
        start = len(self.dirs)
        self.dirs += listing
        # A directory's size counts 3 bytes more than its listing (the "." and ".." squashfs omits).
        self._inode(number, 1, 0o755, struct.pack("<IIHHI", 0, 2 + len(entries), len(listing) + 3, start, parent))

    def write(self, path, root):
        def metadata(content):
            assert len(content) <= 8192, "one metadata block of tables is all this writer makes"
            return struct.pack("<H", len(content) | 0x8000) + bytes(content)

        out = self.data
        inode_start = len(out)
        out += metadata(self.inodes)
        dir_start = len(out)
        out += metadata(self.dirs)
        ids_block = len(out)
        out += metadata(struct.pack("<I", 0))
        id_table = len(out)
        out += struct.pack("<Q", ids_block)
        used = len(out)
        out += bytes(-len(out) % 4096)
        flags = 0x1 | 0x2 | 0x8 | 0x10 | 0x200 | 0x800  # uncompressed inodes, data, fragments and ids; no fragments, no xattrs
        struct.pack_into("<IIIIIHHHHHHQQQQQQQQ", out, 0, 0x73717368, len(self.refs), 0, self.BLOCK, 0, 1, 17,
                         flags, 1, 4, 0, self.refs[root][0], used, id_table, self.NONE, inode_start, dir_start,
                         self.NONE, self.NONE)
        with open(path, "wb") as f:
            f.write(out)


def squashfs_one_bad_entry(path):
    """A SquashFS image with two bad entries among good ones: a file whose inode declares 4 GiB
    (a block list of 32,768 entries read past the end of the inode table) and a directory that
    names itself. Each costs that entry only: the labels of the files before and after are found."""
    fs = Squashfs()
    fs.file(1, b"alarm text\n" + LABEL + b"\n")
    fs.file(2, b"x" * 300, declared_size=0xFFFFFFF0)
    fs.file(3, b"more text\n" + LABEL + b"\n")
    fs.file(4, bytes(range(256)) * 1024)
    # Directory 5 names itself as "self" (a loop) and holds file 4.
    fs.directory(5, 6, [("self", 5), ("z_data.bin", 4)])
    fs.directory(6, 7, [("a_first.txt", 1), ("b_lies.bin", 2), ("c_last.txt", 3), ("d_loop", 5)])
    fs.write(path, 6)


def squashfs_directory_graph(path, levels):
    """A SquashFS image whose directories form a graph, not a tree: each of `levels` directories
    names the one below it twice ("a" and "b"), so 2^levels paths lead to the label file at the
    bottom, from about 2 KiB of tables. Each directory is walked once; its second name is said."""
    fs = Squashfs()
    fs.file(1, b"deep\n" + LABEL + b"\n")
    fs.directory(2, 3, [("note.txt", 1)])
    for number in range(3, levels + 3):
        fs.directory(number, number + 1, [("a", number - 1), ("b", number - 1)])
    fs.write(path, levels + 2)


def ext_many_names(path, names, file_size):
    """An ext4 image (4 KiB blocks, one group, extents) whose one regular file of `file_size`
    bytes, the label at its start, is named by `names` directory entries while its inode's links
    count says 1: read once per name, the names would cost names x file_size."""
    block, data_start = 4096, 6
    data_blocks = file_size // block
    assert data_blocks <= 32768, "one extent holds 32,768 blocks at most"
    blocks = data_start + data_blocks
    inodes_count = 32  # one block of inodes

    def extent_root(first, count, start):
        # ext4_extent_header {magic, entries, max, depth, generation}, then one ext4_extent.
        return struct.pack("<HHHHI", 0xF30A, 1, 4, 0, 0) + struct.pack("<IHHI", first, count, 0, start)

    def inode(mode, size, links, extent):
        raw = bytearray(128)
        struct.pack_into("<HHIIIIIHHII", raw, 0, mode, 0, size & 0xFFFFFFFF, 0, 0, 0, 0, 0, links,
                         (size + 511) // 512, 0x80000)
        raw[40:40 + len(extent)] = extent
        struct.pack_into("<I", raw, 108, size >> 32)
        return bytes(raw)

    img = bytearray(data_start * block)
    sb = bytearray(1024)
    struct.pack_into("<IIIIIIIIIII", sb, 0, inodes_count, blocks, 0, 0, inodes_count - 12, 0, 2, 2,
                     32768, 32768, inodes_count)
    struct.pack_into("<HHH", sb, 56, 0xEF53, 1, 1)                        # magic, state clean, errors
    struct.pack_into("<I", sb, 76, 1)                                      # rev_level 1 (dynamic)
    struct.pack_into("<IHHIII", sb, 84, 11, 128, 0, 0, 0x2 | 0x40, 0)     # first_ino, inode_size, features
    sb[120:120 + 11] = b"many_names\0"
    img[1024:2048] = sb
    struct.pack_into("<IIIHHH", img, block, 2, 3, 4, 0, inodes_count - 12, 1)  # the group descriptor
    listing = bytearray()
    entries = [(2, b"."), (2, b"..")] + [(12, b"name_%03d.bin" % i) for i in range(names)]
    for i, (ino, name) in enumerate(entries):
        rec = (8 + len(name) + 3) // 4 * 4
        if i + 1 == len(entries):
            rec = block - len(listing)
        listing += struct.pack("<IHBB", ino, rec, len(name), 2 if ino == 2 else 1) + name
        listing += bytes(rec - 8 - len(name))
    assert len(listing) == block, "the root listing fits one block"
    img[5 * block:6 * block] = listing
    table = 4 * block
    img[table + 128:table + 256] = inode(0o40755, block, 2, extent_root(0, 1, 5))              # inode 2
    img[table + 11 * 128:table + 12 * 128] = inode(0o100644, file_size, 1, extent_root(0, data_blocks, data_start))  # 12
    with open(path, "wb") as f:
        f.write(img)
        first = bytearray(block)
        first[0:len(LABEL) + 1] = LABEL + b"\n"
        f.write(first)
        filler = bytes(range(256)) * (block // 256)
        for _ in range(data_blocks - 1):
            f.write(filler)


def ubi_far_lebs(path, volumes, peb):
    """A UBI image (NOR layout: VID header at 64, data at 128) whose `volumes` dynamic volumes each
    map LEB 0, the label in the first, and LEB 2^31 - 16: read as mapped, each volume is 2^31
    erased LEBs; cut at the expansion ratio, each is still 2000 LEBs of 0xFF."""
    vid_at, data_at = 64, 128

    def crc(data):
        return zlib.crc32(data) ^ 0xFFFFFFFF  # CRC-32 from 0xffffffff, no final XOR

    def header(fmt, *fields):
        body = struct.pack(fmt, *fields)
        return body + struct.pack(">I", crc(body))

    out = bytearray()

    def block(vol_id, lnum, sqnum, data):
        ec = header(">4sB3xQIII32x", b"UBI#", 1, 1, vid_at, data_at, 0x5EED)
        vid = header(">4sBBBBII4xIIII4xQ12x", b"UBI!", 1, 1, 0, 0, vol_id, lnum, 0, 0, 0, 0, sqnum)
        out.extend(ec + vid + data.ljust(peb - data_at, b"\xff"))

    records = bytearray()
    for v in range(128):
        rec = bytes(172)
        if v < volumes:
            name = b"vol%d" % v
            body = struct.pack(">IIIBBH128sB23x", 2, 1, 0, 1, 0, len(name), name, 0)
            rec = body + struct.pack(">I", crc(body))
        records += rec
    sqnum = 1
    for copy in range(2):
        block(0x7FFFEFFF, copy, sqnum, bytes(records))
        sqnum += 1
    for v in range(volumes):
        text = (b"volume %d\n" % v) + (LABEL + b"\n" if v == 0 else b"")
        block(v, 0, sqnum, text)
        block(v, 0x7FFFFFF0, sqnum + 1, b"far\n")
        sqnum += 2
    with open(path, "wb") as f:
        f.write(out)


def damaged_gzip(path):
    payload = b"config\n" + LABEL + b"\n" + bytes(range(256)) * 2048
    data = bytearray(gzip.compress(payload, mtime=0))
    data[len(data) * 3 // 4] ^= 0xFF
    with open(path, "wb") as f:
        f.write(data)


def lying_lzma(path):
    payload = b"a" * 1000 + LABEL + b"b" * 5000
    data = bytearray(lzma.compress(payload, format=lzma.FORMAT_ALONE))
    struct.pack_into("<Q", data, 5, len(payload) + MIB)
    with open(path, "wb") as f:
        f.write(data)


# name, diagnostic codes the report must carry, whether a label finding must survive, and the
# entries (locator ends) that must each hold a finding
MANIFEST = [
    ("zip_signature_flood.bin", [], False, []),
    ("gzip_members.gz", [], False, []),
    ("gzip_distinct_members.gz", [], True, []),
    ("gzip_one_stream.gz", ["limit_resident"], True, []),
    ("gzip_utf16_text.gz", ["views_split"], True, []),
    ("gzip_match_storm.gz", ["yara_too_many_matches"], True, []),
    ("zip_distinct_members.zip", [], True, []),
    ("sevenzip_distinct_members.7z", [], True, []),
    ("zip_overlap_bomb.zip", ["overlap"], False, []),
    ("zip_entry_ratio.zip", ["limit_expansion"], True, []),
    ("zip_200k_entries.zip", ["limit_children"], False, []),
    ("elf_nops", ["limit_instructions"], True, []),
    ("elf_header_lies.elf", ["truncated", "malformed"], True, []),
    ("escape_names.tar", [], True, []),
    ("yaffs2_size_lies.bin", ["truncated"], True, []),
    ("jffs2_size_lies.bin", ["truncated", "limit_size"], True, [":f000"]),
    ("damaged.gz", ["malformed"], True, []),
    ("lying_size.lzma", ["malformed"], True, []),
    ("fifo", ["io_error"], False, []),
    ("squashfs_one_bad_entry.sqfs", ["malformed"], True, [":a_first.txt", ":c_last.txt"]),
    ("squashfs_directory_graph.sqfs", ["malformed"], True, ["/note.txt"]),
    ("ext_many_names.img", ["malformed"], True, []),
    ("ubi_far_lebs.ubi", ["limit_file", "malformed"], True, [":vol0"]),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--ci", action="store_true")
    args = ap.parse_args()
    if args.scale <= 0:
        sys.exit("--scale must be positive")
    os.makedirs(args.out, exist_ok=True)

    def scaled(n, minimum=1):
        return max(minimum, int(n * args.scale))

    def out(name):
        return os.path.join(args.out, name)

    # --ci: 16 members and names of 64 MiB (1 GiB decoded, past the 1 GiB resident bound if
    # held; 18 distinct members, 1.125 GiB), 8 ELFs of 13 MiB (104 M possible instructions, past the run's 100 M budget).
    members = 16 if args.ci else scaled(64)
    elf_size = 13 * MIB if args.ci else scaled(16 * MIB, 4096)
    zip_signature_flood(out("zip_signature_flood.bin"), 8 * MIB if args.ci else scaled(8 * MIB, 4))
    gzip_members(out("gzip_members.gz"), members, 64 * MIB)
    gzip_distinct_members(out("gzip_distinct_members.gz"), 18 if args.ci else scaled(64), 64 * MIB)
    gzip_one_stream(out("gzip_one_stream.gz"), 1200 * MIB if args.ci else scaled(4096 * MIB, MIB))
    gzip_utf16_text(out("gzip_utf16_text.gz"), 320 * MIB if args.ci else scaled(512 * MIB, 4 * MIB), 100 * MIB + 12345)
    gzip_match_storm(out("gzip_match_storm.gz"), 120 * MIB if args.ci else scaled(480 * MIB, MIB))
    zip_distinct_members(out("zip_distinct_members.zip"), 18 if args.ci else scaled(64), 64 * MIB)
    sevenzip_distinct_members(out("sevenzip_distinct_members.7z"), 18 if args.ci else scaled(64), 64 * MIB)
    zip_overlap_bomb(out("zip_overlap_bomb.zip"), members, 64 * MIB)
    zip_entry_ratio(out("zip_entry_ratio.zip"), 2 * MIB, 256 * MIB if args.ci else scaled(1024 * MIB, MIB))
    zip_many_entries(out("zip_200k_entries.zip"), 200_000 if args.ci else scaled(200_000))
    os.makedirs(out("elf_nops"), exist_ok=True)
    for i in range(8):
        elf_nops(os.path.join(out("elf_nops"), "nops%d.elf" % i), elf_size)
    elf_header_lies(out("elf_header_lies.elf"))
    escape_names(out("escape_names.tar"))
    yaffs2_size_lies(out("yaffs2_size_lies.bin"), 64)
    jffs2_size_lies(out("jffs2_size_lies.bin"), 64)
    damaged_gzip(out("damaged.gz"))
    lying_lzma(out("lying_size.lzma"))
    squashfs_one_bad_entry(out("squashfs_one_bad_entry.sqfs"))
    squashfs_directory_graph(out("squashfs_directory_graph.sqfs"), 31)
    # --ci: 64 names of a 64 MiB file (4 GiB if each name is read) and 9 volumes of 2000 LEBs of
    # 64 KiB (1.1 GiB if all are held at once).
    ext_many_names(out("ext_many_names.img"), 64, 64 * MIB if args.ci else scaled(96 * MIB, MIB))
    ubi_far_lebs(out("ubi_far_lebs.ubi"), 9 if args.ci else scaled(16), 64 * 1024)
    if os.path.lexists(out("fifo")):
        os.unlink(out("fifo"))
    os.mkfifo(out("fifo"))
    with open(out("expect.tsv"), "w", encoding="utf-8") as f:
        for name, codes, label, entries in MANIFEST:
            f.write("%s\t%s\t%s\t%s\n" % (name, ",".join(codes) or "-", "label" if label else "-", ",".join(entries) or "-"))


if __name__ == "__main__":
    main()
