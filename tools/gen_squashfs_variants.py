#!/usr/bin/env python3
"""Regenerates corpus/fs/squashfs_variants/: SquashFS 4.0 images in vendor variants that
squashfs-tools cannot write, from one tree, by a small writer of our own (python3 stdlib; the
check below also runs squashfs-tools' unsquashfs).

Usage: tools/gen_squashfs_variants.py [--out corpus]
Writes corpus/fs/squashfs_variants/:
  lzma_standard.sqfs    compression 2 as squashfs-tools writes it: each block LZMA-alone, its
                        13-byte header holding the uncompressed size
  lzma_5byte.sqfs       the same blocks with a 5-byte header (properties byte, dictionary size)
                        and no size field, as sqlzma-era vendor builds write them
  lzma_lc1_lp2_pb0.sqfs 5-byte headers, and the stream written with lc=1 lp=2 pb=0
  lzma_raw_lc0_lp2_pb0.sqfs  no header at all: raw LZMA1 streams with lc=0 lp=2 pb=0, the
                        properties known only to the vendor's kernel
  shsq_gzip.sqfs        the non-standard little-endian magic "shsq", gzip blocks
  hsqt_lzma_5byte.sqfs  DD-WRT's little-endian magic "hsqt", 5-byte-header LZMA blocks
  EXPECTED.json         the tree (SHA-256 of each file, the symlinks) and each image's variant

The writer is checked twice before anything is written: unsquashfs (an independent reader)
must extract lzma_standard.sqfs and a gzip image to exactly the tree; and every compressed block
of every variant is decoded back here, with the properties it was written with, to the bytes it
holds. The expected tree comes from construction, never from fwscan.
"""
import argparse
import json
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_fs_corpus import pseudo_random, sha, text_block  # noqa: E402  (shared builders)
META = 8192
BLOCK_LOG = 12
BLOCK = 1 << BLOCK_LOG
MTIME = 1700000000
NO_FRAGMENTS, NO_XATTRS = 0x10, 0x200
NONE64 = 0xFFFFFFFFFFFFFFFF


class Codec:
    """How one variant compresses a block: gzip (zlib stream), lzma as squashfs-tools writes it
    (LZMA-alone, real size), lzma5 (5-byte header, no size) or raw (no header)."""

    def __init__(self, kind, lc=3, lp=0, pb=2, dict_size=1 << 20):
        self.kind, self.lc, self.lp, self.pb, self.dict_size = kind, lc, lp, pb, dict_size
        self.blocks = 0

    def filters(self):
        return [{"id": lzma.FILTER_LZMA1, "dict_size": self.dict_size, "lc": self.lc, "lp": self.lp, "pb": self.pb}]

    def compress(self, data):
        if self.kind == "gzip":
            return zlib.compress(data, 9)
        alone = lzma.compress(data, format=lzma.FORMAT_ALONE, filters=self.filters())
        header, stream = alone[:5], alone[13:]
        if self.kind == "lzma":
            return header + struct.pack("<Q", len(data)) + stream
        if self.kind == "lzma5":
            return header + stream
        return stream  # raw

    def check(self, blob, data):
        """Decodes `blob` back with what it was written with; it must give `data`."""
        if self.kind == "gzip":
            got = zlib.decompress(blob)
        else:
            stream = blob[{"lzma": 13, "lzma5": 5, "raw": 0}[self.kind]:]
            got = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=self.filters()).decompress(stream, max_length=len(data))
        assert got == data, "a block does not decode back"
        self.blocks += 1

    def store(self, data):
        """(bytes, compressed?) as SquashFS stores a block: compressed only when that is smaller."""
        c = self.compress(data)
        if len(c) < len(data):
            self.check(c, data)
            return c, True
        return data, False


def meta_blocks(stream, codec):
    """A metadata stream as stored: 8 KiB pieces, each behind a 16-bit size (bit 15: stored)."""
    out, positions = bytearray(), []
    for i in range(0, max(len(stream), 1), META):
        piece = bytes(stream[i:i + META])
        if not piece:
            break
        positions.append(len(out))
        body, packed = codec.store(piece)
        out += struct.pack("<H", len(body) | (0 if packed else 0x8000)) + body
    return bytes(out), positions


class Node:
    def __init__(self, name, kind, data=b"", target="", children=None):
        self.name, self.kind, self.data, self.target = name, kind, data, target
        self.children = children or []
        self.ino = 0


def tree_of(files, symlinks):
    root = Node("", "dir")

    def parent_of(path):
        parent = root
        for part in path.split("/")[:-1]:
            found = [c for c in parent.children if c.name == part and c.kind == "dir"]
            if not found:
                found = [Node(part, "dir")]
                parent.children.append(found[0])
            parent = found[0]
        return parent

    for path, data in sorted(files.items()):
        parent_of(path).children.append(Node(path.split("/")[-1], "file", data=data))
    for path, target in sorted(symlinks.items()):
        parent_of(path).children.append(Node(path.split("/")[-1], "symlink", target=target))
    return root


def post_order(node, out):
    for c in sorted(node.children, key=lambda n: n.name.encode()):
        post_order(c, out)
    out.append(node)
    return out


def write_image(files, symlinks, codec, magic=b"hsqs", comp_id=2):
    """A SquashFS 4.0 little-endian image of the tree: no fragments, no xattrs, one id (0)."""
    root = tree_of(files, symlinks)
    order = post_order(root, [])
    for i, n in enumerate(order):
        n.ino = i + 1
    parents = {}
    for n in order:
        for c in n.children:
            parents[c.ino] = n.ino
    parents[root.ino] = len(order) + 1
    # Data blocks, after the superblock.
    data = bytearray()
    placed = {}
    for n in order:
        if n.kind != "file":
            continue
        start, sizes = 96 + len(data), []
        for i in range(0, len(n.data), BLOCK):
            body, packed = codec.store(n.data[i:i + BLOCK])
            sizes.append(len(body) | (0 if packed else 1 << 24))
            data += body
        placed[n.ino] = (start if sizes else 0, sizes)
    inode_table = 96 + len(data)
    # Inode and directory streams, laid out until the block positions they refer to settle.
    inode_pos, dir_pos = None, None
    for _ in range(20):
        inodes, dirs = bytearray(), bytearray()
        iref, dloc = {}, {}

        def ipos(uoff):
            return inode_pos[uoff // META] if inode_pos and uoff // META < len(inode_pos) else (uoff // META) * (META + 2)

        def dpos(uoff):
            return dir_pos[uoff // META] if dir_pos and uoff // META < len(dir_pos) else (uoff // META) * (META + 2)

        for n in order:
            if n.kind == "dir":
                listing_at = len(dirs)
                kids = sorted(n.children, key=lambda c: c.name.encode())
                k = 0
                while k < len(kids):
                    block = iref[kids[k].ino] // META
                    group = [kids[k]]
                    while (k + len(group) < len(kids) and len(group) < 256 and iref[kids[k + len(group)].ino] // META == block
                           and abs(kids[k + len(group)].ino - kids[k].ino) < 32767):
                        group.append(kids[k + len(group)])
                    dirs += struct.pack("<III", len(group) - 1, ipos(iref[kids[k].ino]), kids[k].ino)
                    for c in group:
                        kind = {"dir": 1, "file": 2, "symlink": 3}[c.kind]
                        dirs += struct.pack("<HhHH", iref[c.ino] % META, c.ino - kids[k].ino, kind, len(c.name.encode()) - 1) + c.name.encode()
                    k += len(group)
                dloc[n.ino] = (listing_at, len(dirs) - listing_at)
            iref[n.ino] = len(inodes)
            if n.kind == "dir":
                at, size = dloc[n.ino]
                subdirs = sum(1 for c in n.children if c.kind == "dir")
                inodes += struct.pack("<HHHHII", 1, 0o755, 0, 0, MTIME, n.ino)
                inodes += struct.pack("<IIHHI", dpos(at), 2 + subdirs, size + 3, at % META, parents[n.ino])
            elif n.kind == "file":
                start, sizes = placed[n.ino]
                inodes += struct.pack("<HHHHII", 2, 0o644, 0, 0, MTIME, n.ino)
                inodes += struct.pack("<IIII", start, 0xFFFFFFFF, 0, len(n.data)) + b"".join(struct.pack("<I", s) for s in sizes)
            else:
                inodes += struct.pack("<HHHHII", 3, 0o777, 0, 0, MTIME, n.ino)
                inodes += struct.pack("<II", 1, len(n.target.encode())) + n.target.encode()
        inode_bytes, new_inode_pos = meta_blocks(inodes, codec)
        dir_bytes, new_dir_pos = meta_blocks(dirs, codec)
        if new_inode_pos == inode_pos and new_dir_pos == dir_pos:
            break
        inode_pos, dir_pos = new_inode_pos, new_dir_pos
    else:
        sys.exit("the metadata positions did not settle")
    dir_table = inode_table + len(inode_bytes)
    id_meta, _ = meta_blocks(struct.pack("<I", 0), codec)
    id_block = dir_table + len(dir_bytes)
    id_table = id_block + len(id_meta)
    bytes_used = id_table + 8
    root_ref = (ipos(iref[root.ino]) << 16) | (iref[root.ino] % META)
    sb = struct.pack("<4sIIIIHHHHHHQQQQQQQQ", magic, len(order), MTIME, BLOCK, 0, comp_id, BLOCK_LOG, NO_FRAGMENTS | NO_XATTRS, 1, 4, 0,
                     root_ref, bytes_used, id_table, NONE64, inode_table, dir_table, id_block, NONE64)
    image = sb + bytes(data) + inode_bytes + dir_bytes + id_meta + struct.pack("<Q", id_block)
    assert len(image) == bytes_used
    return image + bytes(-len(image) % 4096)


def the_tree():
    files = {"etc/passwd": b"root:x:0:0:root:/root:/bin/sh\n", "etc/version": b"V4.2.0 build 130722\n",
             "usr/share/notes.txt": text_block(3, 23000), "usr/lib/libface.so.1": pseudo_random(9000, 5),
             "app/cfg/face_attr.json": '{"nation": "维族", "isUyghur": true}\n'.encode(), "app/empty.flag": b""}
    files.update({f"app/channels/ch{i:03d}.cfg": f"channel={i}\nosd=on\n".encode() for i in range(300)})
    return files, {"lib": "usr/lib", "app/cfg/current": "face_attr.json"}


def unsquashfs_matches(image, files, symlinks):
    """unsquashfs (squashfs-tools) extracts `image` to exactly the tree."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "img")
        with open(path, "wb") as f:
            f.write(image)
        out = os.path.join(d, "out")
        subprocess.run(["unsquashfs", "-no-xattrs", "-d", out, path], check=True, stdout=subprocess.DEVNULL)
        got, links = {}, {}
        for top, dirs, names in os.walk(out):
            for name in dirs + names:  # a symlink to a directory is listed with the directories
                p = os.path.join(top, name)
                rel = os.path.relpath(p, out)
                if os.path.islink(p):
                    links[rel] = os.readlink(p)
                elif os.path.isfile(p):
                    with open(p, "rb") as f:
                        got[rel] = f.read()
        assert got == files, "unsquashfs reads other files than were written"
        assert links == symlinks, "unsquashfs reads other links than were written"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "corpus"))
    args = ap.parse_args()
    if shutil.which("unsquashfs") is None:
        sys.exit("unsquashfs missing: scripts/install-deps --generator")
    files, symlinks = the_tree()
    unsquashfs_matches(write_image(files, symlinks, Codec("lzma")), files, symlinks)
    unsquashfs_matches(write_image(files, symlinks, Codec("gzip"), comp_id=1), files, symlinks)
    variants = {
        "lzma_standard.sqfs": (Codec("lzma"), b"hsqs", 2, "lzma, 13-byte LZMA-alone headers with the size (squashfs-tools)"),
        "lzma_5byte.sqfs": (Codec("lzma5"), b"hsqs", 2, "lzma, 5-byte headers (properties, dictionary), no size"),
        "lzma_lc1_lp2_pb0.sqfs": (Codec("lzma5", lc=1, lp=2, pb=0), b"hsqs", 2, "lzma, 5-byte headers, lc=1 lp=2 pb=0"),
        "lzma_raw_lc0_lp2_pb0.sqfs": (Codec("raw", lc=0, lp=2, pb=0), b"hsqs", 2, "lzma, raw streams without a header, lc=0 lp=2 pb=0"),
        "shsq_gzip.sqfs": (Codec("gzip"), b"shsq", 1, "magic shsq, gzip"),
        "hsqt_lzma_5byte.sqfs": (Codec("lzma5"), b"hsqt", 2, "magic hsqt (DD-WRT), lzma with 5-byte headers"),
    }
    out = os.path.join(args.out, "fs", "squashfs_variants")
    os.makedirs(out, exist_ok=True)
    expected = {"files": {k: sha(v) for k, v in files.items()}, "symlinks": symlinks, "images": {}}
    for name, (codec, magic, comp_id, what) in variants.items():
        image = write_image(files, symlinks, codec, magic=magic, comp_id=comp_id)
        with open(os.path.join(out, name), "wb") as f:
            f.write(image)
        expected["images"][name] = {"variant": what, "compressed_blocks_checked": codec.blocks}
    with open(os.path.join(out, "EXPECTED.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    for name in sorted(os.listdir(out)):
        print(f"{os.path.join(out, name)}: {os.path.getsize(os.path.join(out, name))} bytes")


if __name__ == "__main__":
    main()
