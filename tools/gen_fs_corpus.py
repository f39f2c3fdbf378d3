#!/usr/bin/env python3
"""Regenerates corpus/fs/: flash file system images built by the real tools (python3 stdlib +
mtd-utils' mkfs.ubifs and ubinize, e2fsprogs' mke2fs and debugfs, dosfstools' mkfs.fat, mtools,
u-boot-tools' mkimage, device-tree-compiler's dtc, xz, arj, arc; `scripts/install-deps
--generator` installs them).

Usage: tools/gen_fs_corpus.py [--out corpus]
Writes:
  corpus/fs/ext/ext2_indirect.img.xz  ext2, 1 KiB blocks: a 280 KiB file (direct, single and double
                                  indirect blocks), fast and slow symlinks, a hard link, device nodes
  corpus/fs/ext/ext4_extents.img.xz   ext4 without journal: a sparse file of 10 extents (an extent
                                  index node), an empty file, a 3-level directory
  corpus/fs/ext/EXPECTED.json     what they hold
  corpus/fs/fat/fat12_sd.img.xz   FAT12 (mkfs.fat, mtools): long UTF-8 names, a 3-cluster file, nested dirs
  corpus/fs/fat/fat32_card.img.xz FAT32 (33 MiB, mostly free): a recording log and a nested config
  corpus/fs/fat/EXPECTED.json
  corpus/firmware/fit/camera.itb      FIT (mkimage from an .its): gzip kernel, cpio ramdisk, device
                                      tree, each with crc32 + sha1 + sha256 hashes, a configuration
  corpus/firmware/fit/camera_ext.itb  the same with external data (mkimage -E)
  corpus/firmware/fit/EXPECTED.json
  corpus/firmware/flash_dump/nor_flash.bin.xz  a 2 MiB NOR dump, 64 KiB erase blocks, 0xff padding:
                                      U-Boot (uImage, firmware) @0, environment @0x40000, kernel
                                      uImage (gzip) @0x50000, SquashFS root @0x100000, JFFS2
                                      config partition @0x1c0000; xz-compressed for storage
  corpus/firmware/flash_dump/EXPECTED.json  the layout by construction (offsets, formats, sizes)
  corpus/firmware/containers/instar_hd.bin   INSTAR HD: a ZIP with PK0307/PK0108/PK0509 signatures
  corpus/firmware/containers/reolink.pak     Reolink PAK (32-bit): 5 sections, partition table, CRC
  corpus/firmware/containers/reolink_paks.pak Reolink PAKS variant: 3 inline sections
  corpus/firmware/containers/tapo_enc.bin    TP-Link Tapo header (RSA-2048 code, signature-like bytes)
                                         over a pseudo-random "ciphertext"
  corpus/firmware/containers/digicap_secpls.dav  SWKH package whose _cfgUpgSecPls (AES-256-ECB, SHA-0
                                         manifest) lists the other members
  corpus/firmware/containers/e3s_03kh.dav     Hikvision 03KH package of the E3S platform: XOR prefix, header
                                         and members AES-256-ECB with the keys derived from the seeds
                                         published in HaToan/Decrypt-Firmware-Hikvision
  corpus/firmware/containers/r6_03kh.dav      the same package under the R6 keys
  corpus/firmware/containers/EXPECTED.json
  corpus/fs/erofs/*.img.xz        EROFS (erofs-utils' mkfs.erofs -T0 -U <fixed>, run as root for the
                                  device node): flat with compact inodes and inline tails; extended
                                  inodes without inline data; chunk-based files (4-byte block map and
                                  8-byte indexes); LZ4 with compact indexes; LZ4HC with 16 KiB
                                  pclusters and ztailpacking; LZ4 with full (legacy) indexes
  corpus/fs/erofs/EXPECTED.json   the tree they are built from
  corpus/fs/ubi/camera_nand.ubi   UBI image, 16 KiB PEBs, 512-byte pages, image_seq 0x1a2b3c4d:
                                  volume 0 "rootfs" (dynamic, UBIFS zlib), volume 1 "app" (dynamic,
                                  UBIFS zstd), volume 2 "kernel" (static, raw bytes)
  corpus/fs/ubi/config_lzo.ubifs  a UBIFS volume image on its own (LZO), with a hard link, a
                                  symlink, device nodes from a device table, an empty file
  corpus/fs/ubi/EXPECTED.json     what the images hold, written from the trees built here
  corpus/archives/arj/method{1,2,3,4}.arj  ARJ (the `arj` tool) of a 117 KiB text (several Huffman
                                  blocks) and a small config, one archive per compression method
  corpus/archives/arj/EXPECTED.json   the members' SHA-256, from the files archived
  corpus/archives/arc/mixed.arc   ARC (the `arc` program, which picks the method per file): stored,
                                  packed (RLE), squeezed (Huffman), crunched (LZW 12 bits) members
  corpus/archives/arc/squashed.arc    the same text squashed (LZW 13 bits, `arc aq`)
  corpus/archives/arc/EXPECTED.json   each member's method and SHA-256, from the files archived
  corpus/archives/rzip/notes.rz   rzip 2.1 (the `rzip` program; bzip2 blocks) of 132 KiB of text with
                                  long-range repeats
  corpus/archives/rzip/notes-{none,bzip2,gzip,lzo,lzma,zpaq}.lrz   the same text through `lrzip -p 1`
                                  with each back end (-n, -b, -g, -l, default, -z)
  corpus/archives/rzip/EXPECTED.json  the text's SHA-256 and size, each file's back end
  corpus/archives/7z/aes_*.7z     7-Zip (p7zip's `7z a -p`) AES-256 archives: LZMA2 solid, LZMA
                                  non-solid, encrypted header (-mhe), BCJ+LZMA2, Deflate, BZip2, Copy.
                                  7-Zip draws a random salt and IV, so each run writes other bytes
                                  with the same contents
  corpus/archives/7z/EXPECTED.json    the password, each archive's members and their SHA-256
  corpus/fs/udf/bridge.iso.xz     a UDF 1.02 / ISO 9660 bridge disc (genisoimage -udf), xz-compressed
                                  (the image is mostly zero padding)
  corpus/fs/udf/EXPECTED.json     its files' SHA-256 and its label
  corpus/fs/xfs/v5.img.xz, v4.img.xz  XFS populated by mkfs.xfs -p (a prototype file): a 68 KiB file,
                                  a symlink, a character device, a 300-entry directory (leaf form),
                                  short-form directories; v4 is -m crc=0. xz-compressed (32 MiB of
                                  mostly zeros each). mkfs.xfs stamps a UUID and times per run
  corpus/fs/xfs/EXPECTED.json     what they hold
  corpus/fs/btrfs/rootdir.img.xz  btrfs from mkfs.btrfs --rootdir with 4 KiB nodes (a two-level file
                                  tree: 300 entries), a symlink and a hard link; xz-compressed
  corpus/fs/btrfs/EXPECTED.json   what it holds
  corpus/fs/f2fs/sload.img.xz     F2FS from mkfs.f2fs and sload.f2fs (which copies a tree in without
                                  mounting): inline and block files and dentries, a 300-entry
                                  directory, a symlink and a hard link; xz-compressed
  corpus/fs/f2fs/EXPECTED.json    what it holds
  corpus/fs/cramfs/holes.img.xz   cramfs (util-linux's mkfs.cramfs -z, little-endian) of eight 16 MiB
                                  sparse files, each a line of text, a 16 MiB hole and a marker at its
                                  end, and a small text: the holes are zero-length blocks
  corpus/fs/cramfs/EXPECTED.json  what it holds

mkfs.ubifs stamps a random UUID and the build time into the image; both are replaced by fixed
values and the CRCs recomputed, so the output is byte-for-byte reproducible.
"""
import argparse
import hashlib
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_corpus import EPOCH, populate, squashfs_of, swkh, uimage, xor_header  # noqa: E402  (shared builders)

FIXED_UUID = bytes(range(0x10, 0x20))
MIN_IO, PEB = 512, 16 * 1024
LEB = PEB - 2 * MIN_IO  # EC header and VID header each take one page


def ubi_crc(b):
    return zlib.crc32(b) ^ 0xFFFFFFFF


def make_reproducible(img):
    """Fixed superblock UUID (offset 108); every inode node's atime and ctime (which reading the
    tree and building it move to "now") set to EPOCH, nanoseconds zeroed; node CRCs recomputed.
    Index nodes address nodes by LEB, offset and length only, so they stay valid."""
    img = bytearray(img)
    img[108:124] = FIXED_UUID
    struct.pack_into("<I", img, 4, ubi_crc(bytes(img[8:4096])))
    for off in range(0, len(img) - 24, 8):
        if img[off:off + 4] != b"\x31\x18\x10\x06" or img[off + 20] != 0:
            continue
        length = struct.unpack_from("<I", img, off + 16)[0]
        node = img[off:off + length]
        if length < 160 or struct.unpack_from("<I", node, 4)[0] != ubi_crc(bytes(node[8:])):
            continue
        struct.pack_into("<QQQIII", img, off + 56, EPOCH, EPOCH, EPOCH, 0, 0, 0)
        struct.pack_into("<I", img, off + 4, ubi_crc(bytes(img[off + 8:off + length])))
    return bytes(img)


def freeze_times(root):
    """Every path under root (directories too, which creating their entries touched) to EPOCH."""
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for n in filenames + dirnames:
            os.utime(os.path.join(dirpath, n), (EPOCH, EPOCH), follow_symlinks=False)
    os.utime(root, (EPOCH, EPOCH))


def frozen_tree(tmp, files):
    """`files` written under tmp/root with every time fixed; the root's path."""
    root = os.path.join(tmp, "root")
    os.makedirs(root)
    populate(root, files)
    freeze_times(root)
    return root


def mkfs_ubifs(files, comp, devtable=None):
    with tempfile.TemporaryDirectory() as tmp:
        root = frozen_tree(tmp, files)
        out = os.path.join(tmp, "fs.ubifs")
        cmd = ["mkfs.ubifs", "-m", str(MIN_IO), "-e", str(LEB), "-c", "400", "-x", comp, "-U", "-r", root, "-o", out]
        if devtable:
            table = os.path.join(tmp, "devtable")
            with open(table, "w") as f:
                f.write(devtable)
            cmd += ["-D", table]
        subprocess.run(cmd, check=True, env=dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH)))
        with open(out, "rb") as f:
            return make_reproducible(f.read())


def ubinize(volumes):
    """volumes: list of (name, vol_id, type, bytes)"""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = []
        for name, vol_id, vtype, data in volumes:
            path = os.path.join(tmp, name + ".bin")
            with open(path, "wb") as f:
                f.write(data)
            cfg.append(f"[{name}]\nmode=ubi\nimage={path}\nvol_id={vol_id}\nvol_type={vtype}\nvol_name={name}\n")
        with open(os.path.join(tmp, "ubi.cfg"), "w") as f:
            f.write("\n".join(cfg))
        out = os.path.join(tmp, "out.ubi")
        subprocess.run(["ubinize", "-o", out, "-m", str(MIN_IO), "-p", str(PEB), "-s", str(MIN_IO), "-Q", str(0x1A2B3C4D),
                        os.path.join(tmp, "ubi.cfg")], check=True)
        with open(out, "rb") as f:
            return f.read()


def mke2fs(files, fstype, size_kib, devices=(), extra=()):
    """An ext image built by mke2fs -d, then device nodes added with debugfs (no root needed).
    Fixed UUID, hash seed and E2FSPROGS_FAKE_TIME make it reproducible; returned xz-compressed."""
    env = dict(os.environ, E2FSPROGS_FAKE_TIME=str(EPOCH))
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        populate(root, files)
        freeze_times(root)
        img = os.path.join(tmp, "fs.img")
        subprocess.run(["mke2fs", "-q", "-F", "-t", fstype, "-b", "1024", "-N", "64", "-m", "0", "-U", "12345678-1234-5678-9abc-def012345678",
                        "-E", "hash_seed=87654321-4321-8765-cba9-876543210fed,root_owner=0:0", *extra, "-d", root, img, str(size_kib)],
                       check=True, env=env)
        # Device nodes, then every inode's ctime/atime (mke2fs -d copies them from the build
        # tree, where they are "now") set to EPOCH; debugfs recomputes the inode checksums.
        cmds = []
        for path, kind, major, minor in devices:  # debugfs makes the node in its current directory
            cmds += [f"cd {os.path.dirname(path)}", f"mknod {os.path.basename(path)} {kind} {major} {minor}", "cd /"]
        paths = ["/"] + ["/" + os.path.relpath(os.path.join(d, n), root) for d, dn, fn in os.walk(root) for n in sorted(dn + fn)]
        paths += [path for path, _, _, _ in devices]
        for p in paths:
            cmds += [f"sif {p} ctime @{EPOCH}", f"sif {p} atime @{EPOCH}"]
        with open(os.path.join(tmp, "cmds"), "w") as f:
            f.write("\n".join(cmds) + "\n")
        subprocess.run(["debugfs", "-w", "-f", os.path.join(tmp, "cmds"), img], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["xz", "-9", "-k", "-T1", img], check=True)
        with open(img + ".xz", "rb") as f:
            return f.read()


def text_block(seed, n):
    """Compressible but not trivially repetitive text of n bytes."""
    words = ["camera", "stream", "channel", "osd", "motion", "alarm", "record", "snapshot", "rtsp", "onvif"]
    out, i = [], seed
    while sum(len(w) + 1 for w in out) < n:
        i = (i * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(words[i % len(words)])
    return (" ".join(out)).encode()[:n]


def sha(b):
    return hashlib.sha256(b).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "corpus"))
    ap.add_argument("--only", choices=sorted(PARTS), help="regenerate this part alone")
    args = ap.parse_args()
    if args.only:
        folder, make = PARTS[args.only]
        make(os.path.join(args.out, *folder))
        return
    for tool in ("mkfs.ubifs", "ubinize", "mke2fs", "debugfs", "xz", "mkfs.fat", "mcopy", "mmd", "mkimage", "dtc", "mkfs.jffs2",
                 "mksquashfs", "arj", "arc", "rzip", "lrzip", "7z", "genisoimage", "mkfs.xfs", "mkfs.btrfs", "mkfs.f2fs", "sload.f2fs", "mkfs.cramfs"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} missing: scripts/install-deps --generator")
    out = os.path.join(args.out, "fs", "ubi")
    os.makedirs(out, exist_ok=True)

    label_sample = os.path.join(HERE, "..", "corpus", "rules", "ETHN_CN_Minority_Uyghur_Attribute", "match", "contract_enum_utf8.txt")
    with open(label_sample, "rb") as f:
        label_json = f.read()
    rootfs = {
        "etc/passwd": b"root:x:0:0:root:/root:/bin/sh\nadmin:x:1000:1000::/home/admin:/bin/sh\n",
        "etc/init.d/rcS": b"#!/bin/sh\nmount -a\n/app/bin/start.sh &\n",
        "etc/version": b"V5.5.0 build 170725\n",
        "usr/share/www/lang_en.txt": text_block(7, 20000),  # five data nodes
        "var": ("dir",),
    }
    app = {
        "bin/start.sh": b"#!/bin/sh\nexec /app/bin/analytics --config /app/cfg/face_attr.txt\n",
        "cfg/face_attr.txt": label_json,
        "lib/libanalytics.so.1": text_block(11, 9000),
        "lib/libanalytics.so": ("symlink", "libanalytics.so.1"),
    }
    config = {
        "network.conf": b"ip=192.168.1.64\nmask=255.255.255.0\ngw=192.168.1.1\n",
        "users.conf": b"admin:12345\n",
        "users.bak": ("hardlink", "users.conf"),
        "empty.flag": b"",
        "current": ("symlink", "network.conf"),
        "sparse.bin": b"\0" * 8192 + b"tail after an 8 KiB hole\n",
    }
    devtable = "/dev d 755 0 0 - - - - -\n/dev/console c 600 0 0 5 1 - - -\n/dev/mtdblock3 b 640 0 0 31 3 - - -\n"
    kernel = b"\x27\x05\x19\x56" + text_block(3, 30000)  # uImage-like bytes: a static volume is opaque

    img_root = mkfs_ubifs(rootfs, "zlib")
    img_app = mkfs_ubifs(app, "zstd")
    ubi = ubinize([("rootfs", 0, "dynamic", img_root), ("app", 1, "dynamic", img_app), ("kernel", 2, "static", kernel)])
    cfg = mkfs_ubifs(config, "lzo", devtable)
    for name, data in (("camera_nand.ubi", ubi), ("config_lzo.ubifs", cfg)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    def files_of(tree):
        return {k: sha(v) for k, v in tree.items() if isinstance(v, bytes)}

    expected = {
        "camera_nand.ubi": {
            "peb_size": PEB, "leb_size": LEB, "image_seq": "0x1a2b3c4d",
            "volumes": {"rootfs": {"id": 0, "type": "dynamic", "ubifs_compression": "zlib", "files": files_of(rootfs)},
                        "app": {"id": 1, "type": "dynamic", "ubifs_compression": "zstd", "files": files_of(app),
                                "symlinks": {"lib/libanalytics.so": "libanalytics.so.1"}},
                        "kernel": {"id": 2, "type": "static", "sha256": sha(kernel), "size": len(kernel)}},
        },
        "config_lzo.ubifs": {
            "compression": "lzo", "files": files_of(config),
            "hardlinks": {"users.bak": "users.conf"}, "symlinks": {"current": "network.conf"},
            "devices": {"dev/console": ["char", 5, 1], "dev/mtdblock3": ["block", 31, 3]},
        },
    }
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name in sorted(os.listdir(out)):
        print(f"{os.path.join(out, name)}: {os.path.getsize(os.path.join(out, name))} bytes")
    ext_corpus(os.path.join(args.out, "fs", "ext"))
    fat_corpus(os.path.join(args.out, "fs", "fat"))
    fit_corpus(os.path.join(args.out, "firmware", "fit"))
    flash_corpus(os.path.join(args.out, "firmware", "flash_dump"))
    containers_corpus(os.path.join(args.out, "firmware", "containers"))
    arj_corpus(os.path.join(args.out, "archives", "arj"))
    arc_corpus(os.path.join(args.out, "archives", "arc"))
    rzip_corpus(os.path.join(args.out, "archives", "rzip"))
    sevenzip_corpus(os.path.join(args.out, "archives", "7z"))
    udf_corpus(os.path.join(args.out, "fs", "udf"))
    xfs_corpus(os.path.join(args.out, "fs", "xfs"))
    btrfs_corpus(os.path.join(args.out, "fs", "btrfs"))
    f2fs_corpus(os.path.join(args.out, "fs", "f2fs"))
    cramfs_corpus(os.path.join(args.out, "fs", "cramfs"))
    erofs_corpus(os.path.join(args.out, "fs", "erofs"))


PARTS = {}  # filled at the end: --only's choices


def linux_fs_tree(seed):
    """The tree the btrfs and F2FS images are built from: a 68 KiB text, a small config, a
    300-entry directory; written by write_tree() with a symlink and a hard link to the text."""
    files = {"notes.txt": text_block(seed, 70000), "sub/face.cfg": b"isUyghur=1\nface.attr=on\n"}
    files.update({f"big/entry_{i:04d}.cfg": f"channel={i}\n".encode() for i in range(300)})
    return files


def write_tree(src, files, links=True):
    for name, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(src, name)), exist_ok=True)
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)
    if links:
        os.symlink("notes.txt", os.path.join(src, "link"))
        os.link(os.path.join(src, "notes.txt"), os.path.join(src, "hard.txt"))


def make_image(d, name, size, commands, out):
    """Runs `commands` (each a list with {img} standing for the image) on an empty image file of
    `size` bytes, xz-compresses it into out/name.xz."""
    img = os.path.join(d, name)
    with open(img, "wb") as f:
        f.truncate(size)
    for cmd in commands:
        subprocess.run([img if c == "{img}" else c for c in cmd], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["xz", "-9e", "-f", img], check=True)
    shutil.copy(img + ".xz", os.path.join(out, name + ".xz"))


def f2fs_corpus(out):
    """mkfs.f2fs needs about 64 MiB with its default overprovisioning; sload.f2fs fills it. Both
    stamp a UUID and times per run."""
    os.makedirs(out, exist_ok=True)
    files = linux_fs_tree(71)
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        write_tree(src, files)
        make_image(d, "sload.img", 64 << 20, [["mkfs.f2fs", "-q", "-l", "FWF2FS", "{img}"], ["sload.f2fs", "-f", src, "{img}"]], out)
    expected = {"sload.img.xz": {"label": "FWF2FS", "files": {k: sha(v) for k, v in files.items()}, "symlinks": {"link": "notes.txt"},
                                 "hardlinks": [["hard.txt", "notes.txt"]], "big_entries": 300}}
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def btrfs_corpus(out):
    """mkfs.btrfs --rootdir copies a tree in without mounting; mixed block groups (-M) and --shrink
    keep the image at 12 MiB. 4 KiB nodes make the 300-entry directory spill over many leaves
    under an internal node. mkfs.btrfs stamps UUIDs and times per run."""
    os.makedirs(out, exist_ok=True)
    files = linux_fs_tree(61)
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        write_tree(src, files)
        make_image(d, "rootdir.img", 64 << 20, [["mkfs.btrfs", "-q", "-f", "-M", "-n", "4096", "-s", "4096", "--rootdir", src, "--shrink", "{img}"]], out)
    expected = {"rootdir.img.xz": {"files": {k: sha(v) for k, v in files.items()}, "symlinks": {"link": "notes.txt"},
                                   "hardlinks": {"hard.txt": "notes.txt"}, "big_entries": 300}}
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def cramfs_corpus(out):
    """Sparse files, as a camera's read-only root may hold them (a preallocated log, a blank
    partition image): mkfs.cramfs -z writes each all-zero block as a hole."""
    os.makedirs(out, exist_ok=True)
    size = (16 << 20) - 1  # cramfs sizes are 24 bits
    files, markers = {}, {}
    for i in range(8):
        head = f"head of sparse file {i}\n".encode()
        tail = f"FWSCAN-HOLE-END-{i}\n".encode()
        files[f"sparse{i}.bin"] = head + bytes(size - len(head) - len(tail)) + tail
        markers[f"sparse{i}.bin"] = size - len(tail)
    files["notes.txt"] = text_block(61, 2000)
    expected = {"files": {k: {"sha256": sha(v), "size": len(v)} for k, v in files.items()}, "markers": markers}
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        os.makedirs(src)
        for name, data in files.items():
            with open(os.path.join(src, name), "wb") as f:
                if name in markers:  # written sparse: the hole is never stored
                    head_len = data.index(b"\n") + 1
                    f.write(data[:head_len])
                    f.seek(markers[name])
                    f.write(data[markers[name]:])
                else:
                    f.write(data)
        img = os.path.join(d, "holes.img")
        subprocess.run(["mkfs.cramfs", "-z", "-N", "little", src, img], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["xz", "-9e", "-f", img], check=True)
        shutil.copy(img + ".xz", os.path.join(out, "holes.img.xz"))
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


EROFS_IMAGES = {  # image name: mkfs.erofs options
    "flat_compact.img": ["-E", "force-inode-compact"],
    "flat_extended_noinline.img": ["-E", "force-inode-extended,noinline_data"],
    "chunk_blockmap.img": ["--chunksize=8192"],
    "chunk_indexes.img": ["--chunksize=4096", "-E", "force-chunk-indexes"],
    "lz4_compact.img": ["-z", "lz4"],
    "lz4hc_big_tail.img": ["-z", "lz4hc,12", "-C", "16384", "-E", "ztailpacking"],
    "lz4_legacy.img": ["-z", "lz4", "-E", "legacy-compress"],
}


def erofs_corpus(out):
    """Each EROFS data layout mkfs.erofs 1.5 writes, from one tree: compressible text over many
    pclusters, pseudo-random bytes (stored pclusters), a sparse file, a 300-entry directory over
    several directory blocks, an extended attribute (it moves the data after the inode), a
    symlink, a hard link and a char device. mkfs.erofs needs root for the device node."""
    os.makedirs(out, exist_ok=True)
    files = linux_fs_tree(81)
    files["random.bin"] = pseudo_random(20000, 81)
    sparse = b"head of a sparse file\n" + bytes(3 * 65536) + b"FWSCAN-EROFS-SPARSE-END\n"
    files["sparse.bin"] = sparse
    files["labels/face_attr.json"] = b'{"minority": "\xe7\xbb\xb4\xe6\x97\x8f", "isUyghur": true}\n'
    expected = {"files": {k: sha(v) for k, v in files.items()}, "symlinks": {"link": "notes.txt"},
                "hardlinks": [["hard.txt", "notes.txt"]], "devices": {"console": ["char", 5, 1]},
                "xattrs": {"labels/face_attr.json": ["user.origin", "fwscan"]}, "big_entries": 300,
                "images": {name + ".xz": " ".join(opts) for name, opts in EROFS_IMAGES.items()}}
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        write_tree(src, {k: v for k, v in files.items() if k != "sparse.bin"})
        with open(os.path.join(src, "sparse.bin"), "wb") as f:  # written with a real hole
            f.write(sparse[:22])
            f.seek(len(sparse) - 24)
            f.write(sparse[-24:])
        os.setxattr(os.path.join(src, "labels/face_attr.json"), "user.origin", b"fwscan")
        os.mknod(os.path.join(src, "console"), 0o600 | stat.S_IFCHR, os.makedev(5, 1))
        for path in [os.path.join(src, p) for p in ("", "sub", "big", "labels")] + [os.path.join(src, f) for f in files]:
            os.utime(path, (0, 0))
        for name, opts in EROFS_IMAGES.items():
            img = os.path.join(d, name)
            subprocess.run(["mkfs.erofs", "-T0", "-U", "00112233-4455-6677-8899-aabbccddeeff", "--all-root", "--quiet"] + opts + [img, src],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["xz", "-9e", "-f", img], check=True)
            shutil.copy(img + ".xz", os.path.join(out, name + ".xz"))
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def xfs_corpus(out):
    """mkfs.xfs refuses file systems under 300 MB unless it believes it runs under xfstests
    (TEST_DIR, TEST_DEV and QA_CHECK_FS set); 32 MiB keeps the images small."""
    os.makedirs(out, exist_ok=True)
    files = linux_fs_tree(51)
    expected = {"files": {k: sha(v) for k, v in files.items()}, "symlinks": {"link": "notes.txt"}, "devices": {"console": ["char", 5, 1]},
                "owners": {"sub/face.cfg": [1000, 1000, 0o640]}, "big_entries": 300, "images": {}}
    with tempfile.TemporaryDirectory() as d:
        write_tree(os.path.join(d, "src"), files, links=False)  # the prototype file makes the link
        src = lambda n: os.path.join(d, "src", n)  # noqa: E731
        proto = ["/dev/null", "0 0", "d--755 0 0", f"notes.txt ---644 0 0 {src('notes.txt')}", "link l--777 0 0 notes.txt",
                 "console c--600 0 0 5 1", "sub d--750 1000 1000", f"face.cfg ---640 1000 1000 {src('sub/face.cfg')}", "$", "big d--755 0 0"]
        proto += [f"entry_{i:04d}.cfg ---644 0 0 {src(f'big/entry_{i:04d}.cfg')}" for i in range(300)]
        proto += ["$", "$"]
        with open(os.path.join(d, "proto"), "w") as f:
            f.write("\n".join(proto) + "\n")
        os.environ.update(TEST_DIR="1", TEST_DEV="1", QA_CHECK_FS="1")
        for name, opts in (("v5.img", []), ("v4.img", ["-m", "crc=0"])):
            make_image(d, name, 32 << 20, [["mkfs.xfs", "-q", "-f"] + opts + ["-p", os.path.join(d, "proto"), "{img}"]], out)
            expected["images"][name + ".xz"] = {"version": name[1]}
        for k in ("TEST_DIR", "TEST_DEV", "QA_CHECK_FS"):
            del os.environ[k]
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def udf_corpus(out):
    """genisoimage writes UDF 1.02 next to ISO 9660 (a bridge disc). It stamps the current time
    into the volume descriptors (-udf has no option to fix it), so each run writes other bytes
    with the same contents."""
    os.makedirs(out, exist_ok=True)
    files = {"notes.txt": text_block(41, 30000), "sub/face.cfg": b"isUyghur=1\nface.attr=on\n",
             "sub/deeper/version": b"V5.5.0 build 170725\n", "empty.dat": b""}
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        for name, data in files.items():
            os.makedirs(os.path.dirname(os.path.join(src, name)), exist_ok=True)
            with open(os.path.join(src, name), "wb") as f:
                f.write(data)
            os.utime(os.path.join(src, name), (EPOCH, EPOCH))
        img = os.path.join(d, "bridge.iso")
        subprocess.run(["genisoimage", "-quiet", "-udf", "-R", "-J", "-V", "FWUDF", "-o", img, src], check=True)
        subprocess.run(["xz", "-9e", "-f", img], check=True)
        shutil.copy(img + ".xz", os.path.join(out, "bridge.iso.xz"))
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump({"bridge.iso.xz": {"label": "FWUDF", "udf_revision": "1.02", "files": {k: sha(v) for k, v in files.items()}}}, f, indent=1, sort_keys=True)
        f.write("\n")


def sevenzip_corpus(out):
    """Encrypted 7z archives, one per coder chain fwscan decodes after AES. prog.bin is synthetic
    x86-64 code (prologue, call rel32, epilogue) so that BCJ has calls to convert."""
    os.makedirs(out, exist_ok=True)
    password = "fw-secret"
    code = b"".join(b"\x55\x48\x89\xe5\xe8" + struct.pack("<i", -((i * 37) % 4096)) + b"\x5d\xc3" + bytes([i % 251]) * 5 for i in range(6000))
    files = {"notes.txt": text_block(31, 50000), "sub/face.cfg": b"isUyghur=1\nface.attr=on\n", "empty.txt": b"", "prog.bin": code}
    archives = {
        "aes_lzma2.7z": ([], ["notes.txt", "sub", "empty.txt"]),
        "aes_header.7z": (["-mhe=on"], ["notes.txt", "sub"]),
        "aes_lzma_nonsolid.7z": (["-ms=off", "-m0=LZMA"], ["notes.txt", "sub"]),
        "aes_bcj.7z": (["-mf=BCJ", "-m0=LZMA2"], ["prog.bin"]),
        "aes_deflate.7z": (["-m0=Deflate"], ["notes.txt"]),
        "aes_bzip2.7z": (["-m0=BZip2"], ["notes.txt"]),
        "aes_copy.7z": (["-m0=Copy"], ["sub"]),
    }
    expected = {"password": password, "archives": {}}
    with tempfile.TemporaryDirectory() as d:
        for name, data in files.items():
            os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        for name, (opts, members) in archives.items():
            dst = os.path.join(out, name)
            if os.path.exists(dst):
                os.remove(dst)
            subprocess.run(["7z", "a", "-bd", "-p" + password] + opts + [dst] + members, cwd=d, check=True, stdout=subprocess.DEVNULL)
            got = {k: sha(v) for k, v in files.items() if any(k == m or k.startswith(m + "/") for m in members)}
            expected["archives"][name] = got
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def rzip_corpus(out):
    """rzip and lrzip find matches across the whole file: the text repeats 25-40 KiB blocks far
    apart. lrzip runs single-threaded (-p 1) so that its block split does not depend on the CPU
    count; neither program writes a time into its output."""
    os.makedirs(out, exist_ok=True)
    a, b = text_block(21, 40000), text_block(22, 30000)
    text = a + b + a[:25000] + b"isUyghur=1\n" + a
    expected = {"text": {"sha256": sha(text), "size": len(text)}, "files": {}}
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "notes.txt")
        with open(src, "wb") as f:
            f.write(text)
        subprocess.run(["rzip", "-k", "-o", os.path.join(out, "notes.rz"), src], check=True)
        expected["files"]["notes.rz"] = "bzip2"
        for backend, flag in (("none", "-n"), ("bzip2", "-b"), ("gzip", "-g"), ("lzo", "-l"), ("lzma", None), ("zpaq", "-z")):
            name = f"notes-{backend}.lrz"
            dst = os.path.join(out, name)
            if os.path.exists(dst):
                os.remove(dst)
            subprocess.run(["lrzip", "-q", "-p", "1"] + ([flag] if flag else []) + ["-o", dst, src], check=True, stdout=subprocess.DEVNULL)
            expected["files"][name] = backend
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def arc_corpus(out):
    """arc chooses each member's method; these files make it choose each one (checked below from
    the method bytes it wrote). arc writes nothing time-dependent but the files' own dates."""
    os.makedirs(out, exist_ok=True)
    rng = pseudo_random(2000, 7)
    skew = bytes(b"aaaaaaaabbbbccde"[x % 16] for x in pseudo_random(3000, 11))
    files = {"noise.bin": rng, "packme.bin": b"AB" + b"\0" * 30 + b"CD" + b"\x01" * 25 + b"E",
             "skew.bin": skew, "notes.txt": text_block(9, 60000), "tiny.txt": b"isUyghur=1\n"}
    want = {"noise.bin": 2, "packme.bin": 3, "skew.bin": 4, "notes.txt": 8, "tiny.txt": 2}
    expected = {"mixed.arc": {}, "squashed.arc": {}}
    with tempfile.TemporaryDirectory() as d:
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            os.utime(os.path.join(d, name), (EPOCH, EPOCH))
        for arc_name, cmd, members in (("mixed.arc", "a", sorted(files)), ("squashed.arc", "aq", ["notes.txt"])):
            subprocess.run(["arc", cmd, arc_name] + members, cwd=d, check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(d, arc_name), "rb") as f:
                data = f.read()
            pos = 0
            while data[pos] == 0x1A and data[pos + 1] != 0:  # record the method arc chose for each member
                method = data[pos + 1]
                name = data[pos + 2:pos + 15].split(b"\0")[0].decode().lower()
                size = struct.unpack_from("<I", data, pos + 15)[0]
                expected[arc_name][name] = {"method": method, "sha256": sha(files[name])}
                pos += (25 if method == 1 else 29) + size
            with open(os.path.join(out, arc_name), "wb") as f:
                f.write(data)
    assert {k: v["method"] for k, v in expected["mixed.arc"].items()} == want, expected
    assert expected["squashed.arc"]["notes.txt"]["method"] == 9
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def arj_fix_times(data, dos_time=0x5B6E6E0A):
    """The arj tool stamps the archive's creation time and each file's access time, and a random
    "password modifier" byte (+7, used only by garbled members) in every header: fix them and
    recompute each header's CRC-32, so the archive is reproducible."""
    data = bytearray(data)
    pos, first = 0, True
    while data[pos:pos + 2] == b"\x60\xea":
        size = struct.unpack_from("<H", data, pos + 2)[0]
        if size == 0:
            break
        basic = pos + 4
        fields = [8, 12] if first else ([0x22, 0x26] if data[basic] >= 0x2E else [])
        for off in fields:
            struct.pack_into("<I", data, basic + off, dos_time)
        data[basic + 7] = 0
        struct.pack_into("<I", data, basic + size, zlib.crc32(bytes(data[basic:basic + size])))
        nxt = basic + size + 4
        while True:  # extended headers
            ext = struct.unpack_from("<H", data, nxt)[0]
            nxt += 2
            if ext == 0:
                break
            nxt += ext + 4
        if not first:
            nxt += struct.unpack_from("<I", data, basic + 12)[0]  # compressed size
        pos, first = nxt, False
    return bytes(data)


def arj_corpus(out):
    os.makedirs(out, exist_ok=True)
    files = {"notes.txt": text_block(5, 120000), "small.cfg": b"isUyghur=1\nface.attr=on\n" * 3}
    expected = {"members": {k: sha(v) for k, v in files.items()}, "archives": {}}
    with tempfile.TemporaryDirectory() as d:
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            os.utime(os.path.join(d, name), (EPOCH, EPOCH))
        for method in (1, 2, 3, 4):
            arc = os.path.join(d, f"m{method}.arj")
            subprocess.run(["arj", "a", f"-m{method}", "-y", arc] + sorted(files), cwd=d, check=True, stdout=subprocess.DEVNULL)
            with open(arc, "rb") as f:
                data = arj_fix_times(f.read())
            name = f"method{method}.arj"
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
            expected["archives"][name] = {"method": method}
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def containers_corpus(out):
    """Small vendor containers built from camera-formats.md (3.3, 3.4, 3.7)."""
    import io
    import zipfile as zf
    os.makedirs(out, exist_ok=True)
    expected = {}
    # INSTAR HD: a stored ZIP, then every record signature changed.
    members = {"update/linux.bin": uimage(b"\x00\x00\xa0\xe1" * 512, "Linux-3.4.35", comp=0),
               "update/version.txt": b"INSTAR IN-8015 HD 2.1.0.27\n"}
    buf = io.BytesIO()
    with zf.ZipFile(buf, "w", zf.ZIP_STORED) as z:
        for name, data in members.items():
            info = zf.ZipInfo(name, date_time=(2024, 3, 1, 0, 0, 0))
            z.writestr(info, data)
    raw = bytearray(buf.getvalue())
    for std, inst in ((b"PK\x03\x04", b"PK\x03\x07"), (b"PK\x01\x02", b"PK\x01\x08"), (b"PK\x05\x06", b"PK\x05\x09")):
        raw = raw.replace(std, inst)  # stored members hold no PK bytes, so the replacement is exact here
    with open(os.path.join(out, "instar_hd.bin"), "wb") as f:
        f.write(raw)
    expected["instar_hd.bin"] = {k: sha(v) for k, v in members.items()}
    # Reolink PAK, 32-bit: header, sections, partition table, then the section data.
    sections = [("uboot", "v2019.01", uimage(pseudo_random(8000, 5), "u-boot", os_=17, type_=5)),
                ("kernel", "v4.9.129", uimage(b"\x00\x00\xa0\xe1" * 2000, "Linux-4.9.129", comp=0)),
                ("fs", "v3.0.0.1", squashfs_of({"etc/passwd": b"root:x:0:0::/root:/bin/sh\n"})),
                ("app", "v3.0.0.1", squashfs_of({"bin/netsrv": b"\x7fELF" + pseudo_random(3000, 8)})),
                ("logo", "v1.0", b"\x00" * 512)]
    n = len(sections)
    header = 12 + 64 * n + 76 * n
    table, parts, data = b"", b"", b""
    flash = 0
    for name, ver, blob in sections:
        start = header + len(data)
        table += name.encode().ljust(32, b"\0") + ver.encode().ljust(24, b"\0") + struct.pack("<II", start, len(blob))
        parts += name.encode().ljust(32, b"\0") + struct.pack("<i", 0) + f"mtd{sections.index((name, ver, blob))}".encode().ljust(32, b"\0") + \
            struct.pack("<II", flash, 0x100000)
        flash += 0x100000
        data += blob
    ptype = 0x00002302
    type_for_crc = bytearray(struct.pack("<I", ptype))
    type_for_crc[1] = 0
    crc = zlib.crc32(table, zlib.crc32(bytes(type_for_crc), zlib.crc32(data, 0xFFFFFFFF))) ^ 0xFFFFFFFF
    pak = struct.pack("<III", 0x32725913, crc, ptype) + table + parts + data
    with open(os.path.join(out, "reolink.pak"), "wb") as f:
        f.write(pak)
    expected["reolink.pak"] = {name: sha(blob) for name, _, blob in sections}
    # The PAKS variant: 104-byte header, sections inline behind 88-byte headers.
    paks_sections = sections[:3]
    body = b""
    for name, ver, blob in paks_sections:
        body += struct.pack("<II", 1, zlib.crc32(blob)) + name.encode().ljust(32, b"\0") + ver.encode().ljust(32, b"\0") + \
            struct.pack("<IIII", len(blob), 0, 0, 0) + blob
    paks = struct.pack("<IIIIIII", 0x50414B53, 0, 104 + len(body), 1, 0, 0x1234, 0) + b"IPC_523D8".ljust(32, b"\0") + \
        b"v3.0.0.136_20121012".ljust(32, b"\0") + struct.pack("<III", len(body), len(paks_sections), 0) + body
    with open(os.path.join(out, "reolink_paks.pak"), "wb") as f:
        f.write(paks)
    expected["reolink_paks.pak"] = {name: sha(blob) for name, _, blob in paks_sections}
    # Tapo: RSA-2048 code, a signature-like block, pseudo-random ciphertext.
    tapo = struct.pack(">I", 0x200) + b"\0" * 28 + pseudo_random(256, 11) + pseudo_random(96 * 1024, 12)
    with open(os.path.join(out, "tapo_enc.bin"), "wb") as f:
        f.write(tapo)
    expected["tapo_enc.bin"] = {"rsa": "2048 bits"}
    # SWKH with an _cfgUpgSecPls manifest (camera-formats.md 1.7), encrypted with `openssl enc`.
    kernel = uimage(b"\x00\x00\xa0\xe1" * 1500, "Linux-3.0.8", comp=0)
    app = squashfs_of({"davinci": b"\x7fELF" + pseudo_random(5000, 21)})
    listed = [("uImage", kernel), ("app.img", app)]
    plain = bytearray(0xCC + 76 * len(listed))
    plain[0:4] = b"35KH"
    struct.pack_into("<I", plain, 0x1C, len(listed))
    struct.pack_into("<I", plain, 0x3C, sum(len(d) for _, d in listed))
    offset = 0
    for i, (name, data) in enumerate(listed):
        entry = name.encode().ljust(32, b"\0") + sha0(data) + struct.pack("<II", len(data), offset) + b"\0" * 16
        plain[0xCC + 76 * i:0xCC + 76 * (i + 1)] = entry
        offset += len(data)
    plain[4:24] = sha0(bytes(plain[24:]))
    passphrase, salt = b"h@k8807H$Z5998" + b"\0" * 17, b"HangZhou"
    key, prev = b"", b""
    while len(key) < 32:  # OpenSSL EVP_BytesToKey, MD5, 2 iterations
        d = hashlib.md5(prev + passphrase + salt).digest()
        d = hashlib.md5(d).digest()
        key, prev = key + d, d
    cipher = subprocess.run(["openssl", "enc", "-aes-256-ecb", "-K", key[:32].hex(), "-nosalt"], input=bytes(plain), check=True,
                            capture_output=True).stdout
    secpls = (struct.pack("<I", len(cipher)) + cipher).ljust(500, b"\0")
    with open(os.path.join(out, "digicap_secpls.dav"), "wb") as f:
        f.write(swkh([("_cfgUpgSecPls", secpls)] + listed))
    expected["digicap_secpls.dav"] = {name: sha(data) for name, data in listed}
    # 03KH, E3S keys (camera-formats.md 1.6).
    def derive(seed):
        return bytes((((i * i) & 0xFF) + ((c * c) & 0xFF) + ((c % 32) & 0xFF) + ((c * 32 * i) & 0xFF)) & 0xFF ^ c for i, c in enumerate(seed))
    header_key = derive(bytes.fromhex("e5bf668f7d8cdb8d381fab7977bb72765d2d2ff2c9b4f71adec1f5743e42d08e"))
    file_key = derive(bytes.fromhex("918da7b326690e5271942d6ccd1cd6821dd925515e988dd40d9875f1dad0b13d"))

    def aes(key, data):
        return subprocess.run(["openssl", "enc", "-aes-256-ecb", "-nopad", "-K", key.hex()], input=data, check=True, capture_output=True).stdout
    files = [("_cfgUpgClass", b"\x01\x00\x00\x00" + b"DS-2CV1021G0-IDW1".ljust(32, b"\0") * 3),
             ("LiteOS.bin", b"\x00\x00\xa0\xe1" * 700 + b"LiteOS V200R001 face_detect\0" + bytes(5))]  # 2833 bytes: a partial last block
    count = len(files)
    header_size = 0x100 + 0x40 * count
    plain = bytearray(header_size)
    plain[0:4] = b"03KH"
    struct.pack_into("<II", plain, 8, header_size, count)
    struct.pack_into("<III", plain, 0x10, 1, 2, 1)  # language, device class, oem
    offset = header_size
    blobs = b""
    for i, (name, data) in enumerate(files):
        padded = data + b"\xa5" * (-len(data) % 16)  # the tail block is encrypted whole; its extra bytes are not data
        entry = name.encode().ljust(32, b"\0") + struct.pack("<IIII", offset, len(data), 0, sum(data) & 0xFFFFFFFF)
        plain[0x100 + 0x40 * i:0x100 + 0x40 * i + len(entry)] = entry
        blobs += aes(file_key, padded)
        offset += len(padded)
    struct.pack_into("<I", plain, 0x24, header_size + len(blobs))
    struct.pack_into("<I", plain, 4, zlib.crc32(bytes(plain[12:])) ^ 0xFFFFFFFF)
    pkg = xor_header(bytes(plain[:16])) + aes(header_key, bytes(plain[16:])) + blobs
    with open(os.path.join(out, "e3s_03kh.dav"), "wb") as f:
        f.write(pkg)
    # The same package for R6 (seeds 0x780000/0x780001 of the parser the spec cites as [IDX-HK30];
    # the derived header key equals the spec's cross-check value ccdd2759...870e).
    r6_header = derive(bytes.fromhex("b64ec50866c49b757f1b2726a3755f2252abdfe9fbbb151e247d0d806ae425db"))
    assert r6_header.hex() == "ccdd2759dc69c36a1fbe3b457f223b05046ebb0abff667ed704a97599439870e"
    r6_files = derive(bytes.fromhex("bddc070b81fc4e47d03a7ed04c5b58d072e7215d4ad4634754b2e5b68732bd37"))
    r6_blobs = b"".join(aes(r6_files, data + b"\xa5" * (-len(data) % 16)) for _, data in files)
    r6 = xor_header(bytes(plain[:16])) + aes(r6_header, bytes(plain[16:])) + r6_blobs
    with open(os.path.join(out, "r6_03kh.dav"), "wb") as f:
        f.write(r6)
    # Members are 16-byte aligned by the public decryptors: a partial last block is left out.
    expected["e3s_03kh.dav"] = {name: sha(data[:len(data) - len(data) % 16]) for name, data in files}
    expected["r6_03kh.dav"] = expected["e3s_03kh.dav"]
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name in sorted(os.listdir(out)):
        print(f"{os.path.join(out, name)}: {os.path.getsize(os.path.join(out, name))} bytes")


def sha0(data):
    """SHA-0 (FIPS 180, 1993): SHA-1 without the rotation in the message schedule."""
    h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
    msg = data + b"\x80" + b"\0" * ((55 - len(data)) % 64) + struct.pack(">Q", len(data) * 8)
    for i in range(0, len(msg), 64):
        w = list(struct.unpack(">16I", msg[i:i + 64]))
        for t in range(16, 80):
            w.append(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16])
        a, b, c, d, e = h
        for t in range(80):
            if t < 20:
                f, k = (b & c) | (~b & d), 0x5A827999
            elif t < 40:
                f, k = b ^ c ^ d, 0x6ED9EBA1
            elif t < 60:
                f, k = (b & c) | (b & d) | (c & d), 0x8F1BBCDC
            else:
                f, k = b ^ c ^ d, 0xCA62C1D6
            a, b, c, d, e = (((a << 5) | (a >> 27)) + f + e + k + w[t]) & 0xFFFFFFFF, a, ((b << 30) | (b >> 2)) & 0xFFFFFFFF, c, d
        h = [(x + y) & 0xFFFFFFFF for x, y in zip(h, (a, b, c, d, e))]
    return struct.pack(">5I", *h)


def pseudo_random(n, seed):
    out, x = bytearray(), seed
    while len(out) < n:
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        out += (x >> 33).to_bytes(4, "little")
    return bytes(out[:n])


def flash_image(size, parts, placed):
    """A flash dump of `size` bytes of 0xff with each partition's data at its offset."""
    image = bytearray(b"\xff" * size)
    for name, data in placed.items():
        off, length = parts[name]
        assert len(data) <= length, (name, len(data), length)
        image[off:off + len(data)] = data
    return bytes(image)


def flash_env(erase, variables):
    """A U-Boot environment of one erase block: CRC-32 (little-endian), then the variables."""
    env_data = b"".join(f"{k}={v}".encode() + b"\0" for k, v in variables) + b"\0"
    env_body = env_data.ljust(erase - 4, b"\0")
    return struct.pack("<I", zlib.crc32(env_body)) + env_body


def flash_jffs2(erase, pad, files):
    with tempfile.TemporaryDirectory() as tmp:
        root = frozen_tree(tmp, files)
        jimg = os.path.join(tmp, "cfg.jffs2")
        subprocess.run(["mkfs.jffs2", "-l", "-e", hex(erase), "-p", hex(pad), "-d", root, "-o", jimg], check=True)
        with open(jimg, "rb") as f:
            return f.read()


def write_xz(path, data):
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, os.path.basename(path)[:-3])
        with open(raw, "wb") as f:
            f.write(data)
        subprocess.run(["xz", "-9", "-k", "-T1", raw], check=True)
        shutil.copy(raw + ".xz", path)


def flash_corpus(out):
    """Two NOR dumps laid out like a HiSilicon camera's, every partition on an erase-block
    boundary, each naming its partitions in its U-Boot environment (mtdparts= in bootargs).
    nor_flash.bin: U-Boot as a uImage, kernel, SquashFS root, JFFS2 config. spi_raw_uboot.bin:
    U-Boot as a raw binary (no header: only the map bounds it), a factory partition of
    calibration bytes no reader reads (placed with @offset), and the config partition as the
    rest of the device (-)."""
    import gzip as gz
    os.makedirs(out, exist_ok=True)
    erase, size = 0x10000, 0x200000
    rootfs = squashfs_of({"etc/init.d/rcS": b"#!/bin/sh\ntelnetd &\n/usr/bin/app &\n", "etc/passwd": b"root:x:0:0::/root:/bin/sh\n",
                          "usr/bin/app": b"\x7fELF" + pseudo_random(20000, 3), "etc/version": b"V5.7.1 build 240301\n"})
    config_files = {"network.conf": b"dhcp=0\nip=192.168.1.64\n", "users.conf": b"admin:$1$abc$hash:0\n", "face/attr.cfg": b"age=1\ngender=1\n"}
    members = {"rootfs/squashfs:etc/passwd": sha(b"root:x:0:0::/root:/bin/sh\n"), "config/jffs2:network.conf": sha(b"dhcp=0\nip=192.168.1.64\n"),
               "config/jffs2:face/attr.cfg": sha(b"age=1\ngender=1\n")}
    dumps = {}

    # nor_flash.bin
    parts = {"boot": (0x0, 0x40000), "env": (0x40000, 0x10000), "kernel": (0x50000, 0xB0000), "rootfs": (0x100000, 0xC0000),
             "config": (0x1C0000, 0x40000)}
    mtdparts = "mtdparts=hi_sfc:" + ",".join(f"{ln // 1024}K({n})" for n, (o, ln) in parts.items())
    boot = uimage(pseudo_random(24 * 1024, 7) + b"U-Boot 2016.11 (Mar 01 2024 - 10:00:00 +0800) hi3516ev300\0", "u-boot", os_=17, type_=5)
    env_vars = [("bootargs", "mem=64M console=ttyAMA0,115200 root=/dev/mtdblock3 rootfstype=squashfs " + mtdparts),
                ("bootcmd", "sf probe 0; sf read 0x42000000 0x50000 0xb0000; bootm 0x42000000"), ("bootdelay", "1"),
                ("baudrate", "115200"), ("ipaddr", "192.168.1.10"), ("serverip", "192.168.1.2"), ("ethaddr", "00:12:31:aa:bb:cc")]
    kernel = uimage(gz.compress(b"\x00\x00\xa0\xe1" * 1024 + text_block(13, 90000), mtime=0), "Linux-4.9.37", comp=1)
    config = flash_jffs2(erase, parts["config"][1], config_files)
    write_xz(os.path.join(out, "nor_flash.bin.xz"),
             flash_image(size, parts, {"boot": boot, "env": flash_env(erase, env_vars), "kernel": kernel, "rootfs": rootfs, "config": config}))
    dumps["nor_flash.bin.xz"] = {
        "mtd_id": "hi_sfc", "bootargs": env_vars[0][1],
        "partitions": [{"name": n, "offset": o, "size": ln, "format": f}
                       for (n, (o, ln)), f in zip(parts.items(), ("uimage", "uboot_env", "uimage", "squashfs", "jffs2"))],
        "sizes": {"boot": len(boot), "kernel": len(kernel), "rootfs": struct.unpack_from("<Q", rootfs, 40)[0]},
    }

    # spi_raw_uboot.bin
    parts = {"boot": (0x0, 0x40000), "env": (0x40000, 0x10000), "kernel": (0x50000, 0xB0000), "rootfs": (0x100000, 0xA0000),
             "factory": (0x1A0000, 0x20000), "config": (0x1C0000, 0x40000)}
    mtdparts = "mtdparts=sfc:256K(boot)ro,64K(env),704K(kernel),640K(rootfs),128K@0x1a0000(factory)ro,-(config)"
    raw_boot = b"".join(struct.pack("<I", 0xE0000000 | (w & 0x0FFFFFFF)) for w in struct.unpack("<15000I", pseudo_random(60000, 17)))
    raw_boot += b"U-Boot 2020.04 (Jun 02 2024 - 11:00:00 +0800) gk7205v300\0"
    factory = b"CALIB\x01" + pseudo_random(24 * 1024, 23)
    env_vars = [("bootargs", "mem=64M console=ttyAMA0,115200 root=/dev/mtdblock3 rootfstype=squashfs " + mtdparts),
                ("bootcmd", "sf probe 0; sf read 0x42000000 0x50000 0xb0000; bootm 0x42000000"), ("bootdelay", "1")]
    config = flash_jffs2(erase, parts["config"][1], config_files)
    write_xz(os.path.join(out, "spi_raw_uboot.bin.xz"),
             flash_image(size, parts, {"boot": raw_boot, "env": flash_env(erase, env_vars), "kernel": kernel, "rootfs": rootfs[:],
                                       "factory": factory, "config": config}))
    dumps["spi_raw_uboot.bin.xz"] = {
        "mtd_id": "sfc", "bootargs": env_vars[0][1],
        "partitions": [{"name": n, "offset": o, "size": ln, "format": f}
                       for (n, (o, ln)), f in zip(parts.items(), (None, "uboot_env", "uimage", "squashfs", None, "jffs2"))],
        "sizes": {"kernel": len(kernel), "rootfs": struct.unpack_from("<Q", rootfs, 40)[0]},
    }
    expected = {"size": size, "erase_block": erase, "dumps": dumps, "members": members, "min_read_or_located": 0.99}
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name in sorted(os.listdir(out)):
        print(f"{os.path.join(out, name)}: {os.path.getsize(os.path.join(out, name))} bytes")


def fit_corpus(out):
    """FIT images built by mkimage from an image tree source; SOURCE_DATE_EPOCH fixes the timestamp."""
    import gzip as gz
    os.makedirs(out, exist_ok=True)
    kernel_raw = b"\x00\x00\xa0\xe1" * 64 + text_block(9, 6000)  # ARM nop sled + text: stands in for zImage
    kernel = gz.compress(kernel_raw, mtime=0)
    ramdisk = b"070701" + b"0" * 104 + b"TRAILER!!!\0"  # a minimal newc cpio trailer
    dts = "/dts-v1/;\n/ { model = \"fwscan demo IPC\"; compatible = \"fwscan,ipc-demo\"; };\n"
    expected = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in (("kernel.gz", kernel), ("ramdisk.cpio", ramdisk)):
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        with open(os.path.join(tmp, "board.dts"), "w") as f:
            f.write(dts)
        subprocess.run(["dtc", "-I", "dts", "-O", "dtb", "-o", os.path.join(tmp, "board.dtb"), os.path.join(tmp, "board.dts")], check=True)
        with open(os.path.join(tmp, "board.dtb"), "rb") as f:
            dtb = f.read()
        hashes = "hash-1 { algo = \"crc32\"; }; hash-2 { algo = \"sha1\"; }; hash-3 { algo = \"sha256\"; };"
        its = f"""/dts-v1/;
/ {{
  description = "fwscan demo camera FIT";
  #address-cells = <1>;
  images {{
    kernel {{ description = "kernel"; data = /incbin/("kernel.gz"); type = "kernel"; arch = "arm"; os = "linux";
              compression = "gzip"; load = <0x80008000>; entry = <0x80008000>; {hashes} }};
    ramdisk {{ description = "initramfs"; data = /incbin/("ramdisk.cpio"); type = "ramdisk"; arch = "arm"; os = "linux";
               compression = "none"; {hashes} }};
    fdt-1 {{ description = "board"; data = /incbin/("board.dtb"); type = "flat_dt"; arch = "arm"; compression = "none"; {hashes} }};
  }};
  configurations {{ default = "conf-1"; conf-1 {{ kernel = "kernel"; ramdisk = "ramdisk"; fdt = "fdt-1"; }}; }};
}};
"""
        with open(os.path.join(tmp, "camera.its"), "w") as f:
            f.write(its)
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
        for name, extra in (("camera.itb", []), ("camera_ext.itb", ["-E"])):
            subprocess.run(["mkimage", *extra, "-f", os.path.join(tmp, "camera.its"), os.path.join(out, name)], check=True, env=env,
                           stdout=subprocess.DEVNULL)
    expected = {"images": {"kernel": sha(kernel), "ramdisk": sha(ramdisk), "fdt-1": sha(dtb)}, "kernel_decompressed": sha(kernel_raw),
                "default_configuration": "conf-1", "fdt_model": "fwscan demo IPC"}
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name in sorted(os.listdir(out)):
        print(f"{os.path.join(out, name)}: {os.path.getsize(os.path.join(out, name))} bytes")


def mkfs_fat(files, bits, size_kib):
    """A FAT image by mkfs.fat (fixed volume id) with files copied in by mtools, xz-compressed.
    mtools stamps entries with the time it runs; SOURCE_DATE_EPOCH pins it."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), TZ="UTC", MTOOLS_SKIP_CHECK="1")
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "fs.img")
        subprocess.run(["mkfs.fat", "--invariant", "-F", str(bits), "-i", "1a2b3c4d", "-n", "CAMERA", "-C", img, str(size_kib)], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        populate(root, files)
        freeze_times(root)
        # One recursive copy: mcopy -m takes every file's and directory's time from the tree.
        subprocess.run(["mcopy", "-s", "-m", "-i", img] + [os.path.join(root, n) for n in sorted(os.listdir(root))] + ["::"],
                       check=True, env=env)
        subprocess.run(["xz", "-9", "-k", "-T1", img], check=True)
        with open(img + ".xz", "rb") as f:
            return f.read()


def fat_corpus(out):
    os.makedirs(out, exist_ok=True)
    fat12 = {
        "DCIM/100CAMERA/事件记录_2024.txt": "人脸抓拍 08:15 通道1\n".encode() * 40,  # a long UTF-8 name, 3 clusters
        "config/network settings.ini": b"[net]\nip=192.168.1.64\n",
        "README.TXT": b"short 8.3 name\n",
    }
    fat32 = {
        "record/2024-03-01/channel01.log": text_block(5, 12000),
        "system/config/device.xml": b"<device><model>DS-2CD2T47G2</model></device>\n",
    }
    img12 = mkfs_fat(fat12, 12, 720)
    img32 = mkfs_fat(fat32, 32, 34 * 1024)
    for name, data in (("fat12_sd.img.xz", img12), ("fat32_card.img.xz", img32)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    expected = {"fat12_sd.img.xz": {"fat_type": "FAT12", "files": {k: sha(v) for k, v in fat12.items()}},
                "fat32_card.img.xz": {"fat_type": "FAT32", "files": {k: sha(v) for k, v in fat32.items()}}}
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    for name in sorted(os.listdir(out)):
        print(f"{os.path.join(out, name)}: {os.path.getsize(os.path.join(out, name))} bytes")


def ext_corpus(out):
    os.makedirs(out, exist_ok=True)
    big = text_block(21, 280 * 1024)  # 280 blocks: 12 direct, 256 single indirect, 12 double indirect
    long_target = "usr/share/firmware/" + "x" * 70 + "/blob.bin"  # > 59 bytes: stored in a data block
    ext2 = {
        "dev": ("dir",),
        "bin/recorder": big,
        "etc/hostname": b"ipc-camera\n",
        "etc/hostname.bak": ("hardlink", "etc/hostname"),
        "lib/libc.so": ("symlink", "libc.so.0"),
        "lib/libc.so.0": b"\x7fELF" + b"\0" * 60,
        "var/long_link": ("symlink", long_target),
    }
    devices = [("/dev/console", "c", 5, 1), ("/dev/mtdblock2", "b", 31, 2)]
    ext4 = {
        "app/cfg/face_attr.txt": b"attributes=age,gender,glasses\n",
        "app/empty": b"",
        "app/deep/a/b/c/leaf.txt": b"three levels down\n",
    }
    # A sparse file: 10 one-block extents with holes between them, more than the 4 an inode holds.
    sparse = bytearray(20 * 1024)
    for k in range(10):
        sparse[k * 2048:k * 2048 + 1024] = bytes([0x41 + k]) * 1024
    ext4["app/sparse.bin"] = bytes(sparse)
    img2 = mke2fs(ext2, "ext2", 400, devices)
    img4 = mke2fs(ext4, "ext4", 256, (), ["-O", "^has_journal,extent"])
    for name, data in (("ext2_indirect.img.xz", img2), ("ext4_extents.img.xz", img4)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    def files_of(tree):
        return {k: sha(v) for k, v in tree.items() if isinstance(v, bytes)}

    expected = {
        "ext2_indirect.img.xz": {"files": files_of(ext2), "hardlinks": {"etc/hostname.bak": "etc/hostname"},
                                 "symlinks": {"lib/libc.so": "libc.so.0", "var/long_link": long_target},
                                 "devices": {"dev/console": ["char", 5, 1], "dev/mtdblock2": ["block", 31, 2]}},
        "ext4_extents.img.xz": {"files": files_of(ext4)},
    }
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name in sorted(os.listdir(out)):
        print(f"{os.path.join(out, name)}: {os.path.getsize(os.path.join(out, name))} bytes")


PARTS.update({"flash": (("firmware", "flash_dump"), flash_corpus), "erofs": (("fs", "erofs"), erofs_corpus), "cramfs": (("fs", "cramfs"), cramfs_corpus), "xfs": (("fs", "xfs"), xfs_corpus),
              "btrfs": (("fs", "btrfs"), btrfs_corpus), "f2fs": (("fs", "f2fs"), f2fs_corpus), "udf": (("fs", "udf"), udf_corpus)})


if __name__ == "__main__":
    main()
