#!/usr/bin/env python3
"""Writes tests/data/external_samples.json: what every file-system, archive and compression sample
in ../shared/corpus-external must yield. The expectations never come from fwscan's output:

  * "standard set": fact_extractor's and FACT's own unpacker tests require these samples to give
    testfile1, testfile2 and "generic folder/test file 3_.txt" (TestUnpackerBase.
    check_unpacking_of_standard_unpack_set); their SHA-256 come from patool/test.tar read with
    Python's tarfile.
  * members of tar, zip, gzip, bzip2, xz/lzma samples: read with Python's tarfile, zipfile, gzip,
    bz2 and lzma modules here;
  * binwalk's ARJ sample: the `arj` program; patool's ARC sample: the `arc` program;
  * SquashFS samples libsquashfs-free tools can read: `unsquashfs -lls` (squashfs-tools) for
    names/sizes, `unsquashfs -d` for content where it can decompress;
  * single-file compressions of patool's test file (lz, lz4, lzo, zst, rz, lrz; `rzip -d` and
    `lrzip -d` give the same 128 bytes): the same 128 bytes as its
    test.bz2, read with Python's bz2;
  * NTFS inside an MBR disk: 7-Zip (p7zip-full: `7z x` of the disk, then of each partition), an
    implementation independent of libntfs-3g and of fwscan;
  * gaps: the reason, and the diagnostic code fwscan must emit for it.

Usage: tools/gen_external_table.py [--shared ../shared/corpus-external]   (python3 stdlib, unsquashfs, arj, arc, 7z)
"""
import argparse
import bz2
import gzip
import hashlib
import json
import lzma
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FX = "fact_extractor/fact_extractor/plugins/unpacking/"


def sha(b):
    return hashlib.sha256(b).hexdigest()


def seven_zip_files(image, nested=(".ntfs", ".img", ".hfs", ".hfsx", ".udf", ".iso")):
    """Regular files 7-Zip extracts from a disk image, descending into the partition images it
    writes (names ending in `nested`); the metadata files it shows under [SYSTEM]/ or [SYS]/ are
    left out. {name: sha256}."""
    out = {}
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "image")
        with open(src, "wb") as f:
            f.write(image)
        x = os.path.join(d, "x")
        subprocess.run(["7z", "x", "-y", "-o" + x, src], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # 7z exits 2 on a short last partition
        for dirpath, _, files in os.walk(x):
            for n in files:
                p = os.path.join(dirpath, n)
                rel = os.path.relpath(p, x)
                if os.path.islink(p) or rel.startswith("[SYS"):
                    continue
                data = open(p, "rb").read()
                if os.path.dirname(rel) == "" and n.endswith(nested):
                    out.update(seven_zip_files(data, ()))
                else:
                    out[rel] = sha(data)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared", "corpus-external"))
    args = ap.parse_args()
    root = args.shared

    def path(rel):
        return os.path.join(root, rel)

    t = tarfile.open(path(FX + "patool/test/data/test.tar"))
    std = {}
    for m in t.getmembers():
        if m.isfile():
            std[m.name.split("get_files_test/", 1)[1]] = sha(t.extractfile(m).read())
    test_data = bz2.decompress(open(path(FX + "patool/test/data/test.bz2"), "rb").read())

    samples = []

    def add(rel, kind, source, members=None, gap=None, diagnostic=None, min_files=None, passwords=None):
        e = {"path": rel, "kind": kind, "source": source}
        if passwords is not None:
            e["passwords"] = passwords
        if members is not None:
            e["members"] = members
        if min_files is not None:
            e["min_files"] = min_files
        if gap is not None:
            e["gap"] = gap
            e["diagnostic"] = diagnostic
        samples.append(e)

    STD = "standard unpack set (fact_extractor/FACT unpacker tests); hashes from patool/test.tar via Python tarfile"
    for rel, kind in [
        ("android_simg/test/data/simg.img", "filesystem"), ("generic_fs/test/data/romfs.img", "filesystem"),
        ("generic_fs/test/data/minix.img.xz", "filesystem"),
        ("jffs2/test/data/jffs2_be.img", "filesystem"), ("jffs2/test/data/jffs2_le.img", "filesystem"),
        ("patool/test/data/test.cab", "archive"), ("patool/test/data/test.cpio", "archive"), ("patool/test/data/test.deb", "archive"),
        ("patool/test/data/test.jar", "archive"), ("patool/test/data/test.lha", "archive"), ("patool/test/data/test.tar", "archive"),
        ("patool/test/data/test.tar.Z", "archive"), ("patool/test/data/test.tar.bz2", "archive"), ("patool/test/data/test.tar.lz", "archive"),
        ("sevenz/test/data/cramfs.img", "filesystem"), ("sevenz/test/data/ext2.img.xz", "filesystem"),
        ("sevenz/test/data/ext3.img.xz", "filesystem"), ("sevenz/test/data/ext4.img.xz", "filesystem"),
        ("sevenz/test/data/fat.img.xz", "filesystem"), ("sevenz/test/data/ntfs.img.xz", "filesystem"),
        ("sevenz/test/data/hfs.img.xz", "filesystem"),
        ("generic_fs/test/data/udf.img.xz", "filesystem"), ("generic_fs/test/data/xfs.img.xz", "filesystem"),
        ("generic_fs/test/data/btrfs.img.xz", "filesystem"), ("generic_fs/test/data/f2fs.img.xz", "filesystem"), ("sevenz/test/data/test.7z", "archive"), ("sevenz/test/data/test.arj", "archive"),
        ("sevenz/test/data/test.iso", "filesystem"), ("sevenz/test/data/test.rar", "archive"), ("sevenz/test/data/test.xar", "archive"),
        ("ubi/test/data/test.ubifs", "filesystem"), ("ubi/test/data/ubi.img", "filesystem"),
        ("yaffs/test/data/yaffs2_be.img", "filesystem"), ("yaffs/test/data/yaffs2_le.img", "filesystem"),
    ] + [("squashFS/test/data/" + n, "filesystem") for n in
         ["avm_be.sqfs4", "avm_le.sqfs4", "gzip.sqfs", "lz4.sqfs", "lzma.sqfs", "lzma1_be.sqfs3", "lzma1_le.sqfs3", "lzma_be.sqfs2",
          "lzma_le.sqfs2", "lzo.sqfs", "xz.sqfs", "zlib_be.sqfs3", "zlib_le.sqfs3", "zstd.sqfs"]]:
        add(FX + rel, kind, STD, members=std)
    for rel in ["fact_extractor/fact_extractor/test/data/container/test.7z", "fact_extractor/fact_extractor/test/data/container/test.cab",
                "fact_extractor/fact_extractor/test/data/container/test.zip", "fact_extractor/fact_extractor/test/data/container/with_key.7z"]:
        add(rel, "archive", STD, members=std)

    # Single-file compressions of patool's test file.
    for rel in ["patool/test/data/test.bz2", "patool/test/data/test.lz", "patool/test/data/test.lz4", "patool/test/data/test.lzo",
                "patool/test/data/test.zst", "patool/test/data/test.rz", "patool/test/data/test.lrz", "sevenz/test/data/test.gz", "sevenz/test/data/test.xz"]:
        add(FX + rel, "compression", "the 128-byte patool test file (test.bz2 read with Python bz2)", members={"*": sha(test_data)})
    add(FX + "patool/test/data/test.a", "archive", "ar of the patool test file (test.bz2 read with Python bz2)", members={"test.data": sha(test_data)})

    # Python-readable archives and streams.
    def tar_members(rel):
        with tarfile.open(path(rel)) as tf:
            return {m.name: sha(tf.extractfile(m).read()) for m in tf.getmembers() if m.isfile()}

    for rel in ["FACT_core/src/plugins/analysis/file_system_metadata/test/data/test.tar",
                "FACT_core/src/plugins/analysis/file_system_metadata/test/data/test.tar.bz2",
                "FACT_core/src/plugins/analysis/file_system_metadata/test/data/test.tar.gz",
                "fact_extractor/fact_extractor/test/data/container/test_zip.tar.gz"]:
        add(rel, "archive", "Python tarfile", members=tar_members(rel))

    def zip_members(rel):
        with zipfile.ZipFile(path(rel)) as zf:
            return {i.filename: sha(zf.read(i)) for i in zf.infolist() if not i.is_dir()}

    for rel in ["FACT_core/src/test/data/vfp_test.zip", "binwalk/tests/inputs/zip.bin", "fact_extractor/fact_extractor/test/data/trailing_data.zip"]:
        add(rel, "archive", "Python zipfile", members=zip_members(rel))
    # Encrypted (PKWARE) with the password "test": Python zipfile decrypts it and checks each
    # member's CRC; the members are the standard unpack set.
    rel = FX + "sevenz/test/data/test_password.zip"
    with zipfile.ZipFile(path(rel)) as zf:
        members = {i.filename.split("get_files_test/", 1)[1]: sha(zf.read(i, pwd=b"test")) for i in zf.infolist() if not i.is_dir()}
    assert members == std, "test_password.zip is the standard unpack set"
    add(rel, "archive", "Python zipfile with the password 'test' (CRC-checked)", members=members, passwords=["test"])
    # 7z AES with the password "test": 7-Zip (p7zip) decrypts it and checks each CRC; the members
    # are the standard unpack set.
    rel = FX + "sevenz/test/data/test_password.7z"
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["7z", "x", "-bd", "-ptest", "-o" + d, path(rel)], check=True, stdout=subprocess.DEVNULL)
        members = {}
        for dirpath, _, fs in os.walk(d):
            for n in fs:
                p = os.path.join(dirpath, n)
                members[os.path.relpath(p, d).split("get_files_test/", 1)[1]] = sha(open(p, "rb").read())
    assert members == std, "test_password.7z is the standard unpack set"
    add(rel, "archive", "7-Zip (7z x -ptest, CRC-checked)", members=members, passwords=["test"])
    add("binwalk/tests/inputs/gzip.bin", "compression", "Python gzip", members={"*": sha(gzip.open(path("binwalk/tests/inputs/gzip.bin")).read())})
    for rel in ["binwalk/tests/inputs/bzip2.bin", "fact_extractor/fact_extractor/test/data/trailing_data.bz2"]:
        add(rel, "compression", "Python bz2 (first stream)", members={"*": sha(bz2.BZ2Decompressor().decompress(open(path(rel), "rb").read()))})
    rel = "FACT_core/src/plugins/analysis/kernel_config/test/data/configs/CONFIG.gz"
    add(rel, "compression", "Python gzip", members={"*": sha(gzip.open(path(rel)).read())})
    rel = "fact_extractor/fact_extractor/test/data/trailing_data.lzma"
    add(rel, "compression", "Python lzma", members={"*": sha(lzma.LZMADecompressor().decompress(open(path(rel), "rb").read()))})

    # SquashFS read by squashfs-tools.
    for rel in ["binwalk/tests/inputs/squashfs.bin", "FACT_core/src/plugins/analysis/file_system_metadata/test/data/squashfs.img"]:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "x")
            subprocess.run(["unsquashfs", "-q", "-n", "-d", out, path(rel)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            members = {}
            for d, _, fs in os.walk(out):
                for f in fs:
                    p = os.path.join(d, f)
                    if os.path.isfile(p) and not os.path.islink(p):
                        members[os.path.relpath(p, out)] = sha(open(p, "rb").read())
        add(rel, "filesystem", "unsquashfs -d (squashfs-tools)", members=members)
    add("binwalk/tests/inputs/squashfs_v2.bin", "filesystem",
        "unsquashfs -lls lists 263 regular files (it cannot decompress the LZMA data)", min_files=263)
    add("binwalk/tests/inputs/yaffs2.bin", "filesystem", "binwalk-expected.txt: YAFFS2 at 0; 13 distinct file object headers (type 1) in a Python byte scan of its 2048+64 chunks",
        min_files=13)
    add("binwalk/tests/inputs/cramfs.bin", "filesystem", "binwalk-expected.txt: cramfs at 0", min_files=1)
    add("binwalk/tests/inputs/romfs.bin", "filesystem", "binwalk-expected.txt: romfs at 0", min_files=1)
    add("binwalk/tests/inputs/7z.bin", "archive", "binwalk-expected.txt: 7z at 0", min_files=1)
    for rel in ["FACT_core/src/test/data/container/test_zip.7z", "FACT_core/src/test/data/regression_one", "FACT_core/src/test/data/regression_two"]:
        add(rel, "archive", "7-Zip archives (FACT test data); no independent 7z reader on Debian's base set: at least one file", min_files=1)
    add(FX + "sevenz/test/data/test_zisofs.iso", "filesystem", "ISO 9660 with a zisofs-compressed file (fact_extractor sevenz test data)", min_files=1)
    add(FX + "ambarella/test/data/ambarella_rom.fs", "filesystem", "fact_extractor ambarella test: 4 files", min_files=4)
    add(FX + "avm_sqfs_fake/test/data/fake.sqfs", "filesystem", "fact_extractor avm_sqfs_fake test: payload 'Test File'",
        members={"image.ext2": sha(b"Test File")})

    # An MBR disk with an NTFS and three ext partitions (the last one cut short): 7-Zip's view.
    rel = FX + "generic_fs/test/data/mbr.img.xz"
    members = seven_zip_files(lzma.open(path(rel)).read())
    assert {"test_data_file.bin", "yara_test_file", "testfile1"} <= set(members), members
    add(rel, "filesystem", "7-Zip (7z x of the disk, then of each partition)", members=members)

    # Gaps: not read; each must carry the diagnostic named.
    for rel, why, diag in [
        ("generic_fs/test/data/jfs.img.xz", "JFS: no reader", "unsupported"),
        ("generic_fs/test/data/reiserfs.img.xz", "ReiserFS: no reader", "unsupported"),
        ("patool/test/data/test.zpaq", "ZPAQ: no decoder", "unsupported"),
        ("stuffit/test/data/test.sitx", "StuffIt X: no decoder", "unsupported"),
    ]:
        add(FX + rel, "archive" if "patool" in rel or "stuffit" in rel or "password" in rel else "filesystem", "gap", gap=why, diagnostic=diag)
    # patool's ARC (a crunched and a stored member): members from the `arc` program (arc x; it
    # checks each member's CRC).
    rel = FX + "patool/test/data/test.arc"
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(path(rel), os.path.join(d, "t.arc"))
        subprocess.run(["arc", "x", "t.arc"], cwd=d, check=True, stdout=subprocess.DEVNULL)
        members = {n: sha(open(os.path.join(d, n), "rb").read()) for n in sorted(os.listdir(d)) if n != "t.arc"}
    assert members["testfile1"] == std["testfile1"], "the ARC's testfile1 is the standard set's"
    add(rel, "archive", "the arc program (arc x, CRC-checked)", members=members)

    # patool's zoo: its members are stored, so each file of the standard set must appear verbatim
    # in it (checked here); the standard set's hashes are the expectation.
    rel = FX + "patool/test/data/test.zoo"
    with open(path(rel), "rb") as f:
        zoo = f.read()
    with tarfile.open(path(FX + "patool/test/data/test.tar")) as tf:
        for m in tf.getmembers():
            if m.isfile():
                assert tf.extractfile(m).read() in zoo, m.name
    add(rel, "archive", "standard unpack set; stored members, each file of patool/test.tar verbatim in it", members=std)

    # binwalk's ARJ (method 1) at 0xD of its data, as its SOURCES entry says: members from the
    # `arj` program itself (x the carved archive; it checks each member's CRC).
    rel = "binwalk/tests/inputs/arj.bin"
    with tempfile.TemporaryDirectory() as d:
        with open(path(rel), "rb") as f:
            carved = f.read()[0xD:]
        with open(os.path.join(d, "a.arj"), "wb") as f:
            f.write(carved)
        subprocess.run(["arj", "e", "-y", "a.arj"], cwd=d, check=True, stdout=subprocess.DEVNULL)
        members = {n: sha(open(os.path.join(d, n), "rb").read()) for n in sorted(os.listdir(d)) if n != "a.arj"}
    add(rel, "archive", "the arj program (arj e, CRC-checked) on the archive at 0xD", members=members)

    # Damaged on purpose: nothing may be claimed as content without a diagnostic saying it is damaged.
    for rel in [FX + "generic_carver/test/data/fake_7z.7z", FX + "generic_carver/test/data/fake_gz.gz", FX + "generic_carver/test/data/fake_tar.tar",
                FX + "generic_carver/test/data/fake_xz.xz", FX + "generic_carver/test/data/fake_zip.zip",
                "fact_extractor/fact_extractor/test/data/container/broken.zip",
                "FACT_core/src/plugins/analysis/file_system_metadata/test/data/broken.tar.gz", "binwalk/tests/inputs/zip_truncated.bin"]:
        samples.append({"path": rel, "kind": "damaged", "source": "truncated or fake on purpose (Python's readers reject it)", "damaged": True})

    out = os.path.join(HERE, "..", "tests", "data", "external_samples.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"samples": samples}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    gaps = sum(1 for s in samples if "gap" in s)
    damaged = sum(1 for s in samples if s.get("damaged"))
    print(f"{out}: {len(samples)} samples, {gaps} gaps, {damaged} damaged on purpose")


if __name__ == "__main__":
    main()
