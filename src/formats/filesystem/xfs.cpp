// XFS, v4 and v5 (CRC) on-disk format (the kernel's fs/xfs/libxfs/xfs_format.h and
// xfs_da_format.h; "XFS Algorithms & Data Structures"), read-only, big-endian.
// Superblock @0: "XFSB", blocksize u32 @4, dblocks u64 @8, rootino u64 @56, agblocks u32 @84,
// agcount @88, versionnum u16 @100 (low nibble 4 or 5), inodesize u16 @104, blocklog @120,
// inopblog @123, agblklog @124, dirblklog @192, features2 u32 @200 (0x200: ftype in entries),
// v5: features_incompat u32 @216 (1: ftype).
// Inode numbers: AG << (agblklog + inopblog) | AG block << inopblog | index. Inodes: "IN",
// mode u16 @2, version @4 (3 on v5), format @5 (1 local, 2 extents, 3 btree), uid @8, gid @12,
// nlink @16, mtime @40 (sec, nsec), size u64 @56, nextents u32 @76, forkoff @82 (attribute fork
// offset / 8); the data fork follows the core (100 bytes, 176 on v3).
// Extent records are 128 bits: unwritten flag, start offset (54 bits), start block (52, an AG-
// relative block number with the AG in its top bits), count (21). A btree fork holds a root
// (level u16, numrecs u16, keys, then pointers at 4 + maxrecs*8) whose children are "BMAP"/"BMA3"
// blocks (24/72-byte headers).
// Directories: short form in the inode (count, i8count, parent, then entries: namelen, offset
// u16, name, [ftype], inode 4 or 8 bytes) or directory blocks (below 32 GiB of directory
// offsets) "XD2B"/"XD2D" (16-byte header) or "XDB3"/"XDD3" (64): entries inode u64, namelen,
// name, [ftype], tag u16, 8-aligned; free space 0xffff + length. A single-block directory ends in
// its leaf table and a tail (count, stale).
#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 1ULL << 32;
constexpr std::uint64_t kMaxExtents = 1'000'000;
constexpr std::uint64_t kDirLeafOffset = 32ULL << 30;  // directory blocks live below this offset
constexpr Magic kMagics[] = {{"58 46 53 42 00 00", 0, true}};
constexpr std::string_view kRefs[] = {"linux fs/xfs/libxfs/xfs_format.h, xfs_da_format.h; XFS Algorithms & Data Structures (3rd ed.)"};
constexpr std::string_view kLimits[] = {
    "the log is not replayed",
    "v5 metadata CRCs are not verified",
    "realtime files and extended attributes are not read",
};
constexpr HandlerInfo kInfo{"xfs", Category::kFilesystem, "XFS (v4 and v5)", kMagics, kRefs, kLimits};

struct Super {
  std::uint32_t block = 0, agblocks = 0, agcount = 0, inode_size = 0;
  std::uint64_t dblocks = 0, root = 0;
  unsigned agblklog = 0, inopblog = 0, dirblklog = 0;
  bool v5 = false, ftype = false;
};

std::optional<Super> parse(ByteView v) {
  if (!has_bytes_at(v, 0, "XFSB") || v.size() < 512) return std::nullopt;
  Super s;
  s.block = *load_be32(v, 4);
  s.dblocks = *load_be64(v, 8);
  s.root = *load_be64(v, 56);
  s.agblocks = *load_be32(v, 84);
  s.agcount = *load_be32(v, 88);
  const std::uint16_t version = *load_be16(v, 100);
  s.inode_size = *load_be16(v, 104);
  s.inopblog = v[123];
  s.agblklog = v[124];
  s.dirblklog = v[192];
  s.v5 = (version & 0xF) == 5;
  if ((version & 0xF) != 4 && !s.v5) return std::nullopt;
  s.ftype = s.v5 ? (*load_be32(v, 216) & 1) != 0 : (*load_be32(v, 200) & 0x200) != 0;
  if (s.block < 512 || s.block > 65536 || (s.block & (s.block - 1)) != 0 || s.agblocks == 0 || s.agcount == 0 || s.inode_size < 256 ||
      s.inode_size > 2048 || (1U << v[120]) != s.block || s.agblklog > 31 || s.inopblog > 8 || s.dirblklog > 8 || s.dblocks == 0) {
    return std::nullopt;
  }
  return s;
}

struct Extent {
  std::uint64_t offset = 0, block = 0, count = 0;  // file block, volume byte offset / block size, blocks
  bool unwritten = false;
};

class Fs {
 public:
  Fs(ByteView v, const Super& s) : v_(v), s_(s) {}

  struct Inode {
    ByteView raw, fork;
    std::uint32_t mode = 0, uid = 0, gid = 0, nlink = 0, nextents = 0;
    std::uint8_t format = 0;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
  };

  std::optional<Inode> inode(std::uint64_t ino) const {
    const std::uint64_t agno = ino >> (s_.agblklog + s_.inopblog);
    const std::uint64_t agbno = (ino >> s_.inopblog) & ((1ULL << s_.agblklog) - 1);
    const std::uint64_t index = ino & ((1ULL << s_.inopblog) - 1);
    if (agno >= s_.agcount || agbno >= s_.agblocks) return std::nullopt;
    auto r = subview(v_, (agno * s_.agblocks + agbno) * s_.block + index * s_.inode_size, s_.inode_size);
    if (!r || !has_bytes_at(*r, 0, "IN")) return std::nullopt;
    Inode in;
    in.raw = *r;
    in.mode = *load_be16(*r, 2);
    in.format = (*r)[5];
    in.uid = *load_be32(*r, 8);
    in.gid = *load_be32(*r, 12);
    in.nlink = (*r)[4] == 1 ? *load_be16(*r, 6) : *load_be32(*r, 16);
    in.mtime = *load_be32(*r, 40);
    in.size = *load_be64(*r, 56);
    in.nextents = *load_be32(*r, 76);
    const std::uint64_t core = (*r)[4] == 3 ? 176 : 100;
    const std::uint8_t forkoff = (*r)[82];
    const std::uint64_t end = forkoff != 0 ? core + forkoff * 8ULL : s_.inode_size;
    if (end > s_.inode_size || end < core) return std::nullopt;
    in.fork = r->subspan(core, end - core);
    return in;
  }

  // The data fork's extents (format 2 or 3), in file order.
  std::vector<Extent> extents(const Inode& in, bool& bad) const {
    std::vector<Extent> out;
    if (in.format == 2) {
      const std::uint64_t n = std::min<std::uint64_t>(in.nextents, in.fork.size() / 16);
      if (n < in.nextents) bad = true;
      for (std::uint64_t i = 0; i < n; ++i) out.push_back(record(in.fork, i * 16));
    } else if (in.format == 3) {
      // Root: level u16, numrecs u16, keys (u64) then pointers at 4 + maxrecs*8.
      const std::uint16_t level = *load_be16(in.fork, 0), numrecs = *load_be16(in.fork, 2);
      const std::uint64_t maxrecs = (in.fork.size() - 4) / 16;
      if (level == 0 || level > 8 || numrecs > maxrecs) {
        bad = true;
        return out;
      }
      std::set<std::uint64_t> seen;
      for (std::uint64_t i = 0; i < numrecs; ++i) btree(*load_be64(in.fork, 4 + maxrecs * 8 + i * 8), level - 1U, out, seen, bad);
    } else {
      bad = true;
    }
    return out;
  }

  // The file's data, up to `limit`: put(offset, bytes) for each block of a written extent (or
  // the inline fork); holes and unwritten extents are not put. `bad` when data lies outside.
  template <class Put>
  void walk_data(const Inode& in, std::uint64_t limit, bool& bad, Put&& put) const {
    const std::uint64_t size = std::min(in.size, limit);
    if (in.format == 1) {
      const std::uint64_t n = std::min<std::uint64_t>(size, in.fork.size());
      put(0, in.fork.subspan(0, n));
      if (n < size) bad = true;
      return;
    }
    for (const auto& e : extents(in, bad)) {
      if (e.unwritten) continue;
      for (std::uint64_t k = 0; k < e.count; ++k) {
        const std::uint64_t at = (e.offset + k) * s_.block;
        if (at >= size) break;
        auto b = byte_of(e.block + k);
        auto src = b ? subview(v_, *b, std::min<std::uint64_t>(s_.block, size - at)) : std::nullopt;
        if (!src) {
          bad = true;
          continue;
        }
        put(at, *src);
      }
    }
  }
  // In memory, holes as zeros (directories, link targets), up to 1 GiB.
  std::vector<std::uint8_t> read(const Inode& in, std::uint64_t limit, bool& bad) const {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(std::min<std::uint64_t>({in.size, limit, 1ULL << 30})), 0);
    walk_data(in, out.size(), bad, [&](std::uint64_t at, ByteView b) { std::copy(b.begin(), b.end(), out.begin() + static_cast<std::ptrdiff_t>(at)); });
    return out;
  }
  // A file's data, its holes and unwritten extents held as holes (OutputBuffer).
  Result<Blob> read_file(const Inode& in, std::uint64_t limit, bool& bad) const {
    const std::uint64_t size = std::min(in.size, limit);
    FWSCAN_ASSIGN_OR_RETURN(OutputBuffer out, OutputBuffer::make(size));
    walk_data(in, size, bad, [&](std::uint64_t at, ByteView b) { out.write_at(at, b); });
    out.resize(size);
    return Blob::adopt(std::move(out));
  }

  struct Dirent {
    std::string name;
    std::uint64_t ino;
  };

  std::vector<Dirent> list(const Inode& dir, bool& bad) const {
    std::vector<Dirent> out;
    if (dir.format == 1) {  // short form
      const ByteView f = dir.fork;
      const std::uint8_t count = f.empty() ? 0 : f[0];
      const bool i8 = f.size() > 1 && f[1] != 0;
      const unsigned isz = i8 ? 8 : 4;
      std::uint64_t p = 2 + isz;
      for (unsigned i = 0; i < count; ++i) {
        auto len = load_u8(f, p);
        if (!len || p + 3 + *len + (s_.ftype ? 1 : 0) + isz > f.size()) {
          bad = true;
          break;
        }
        auto name = f.subspan(p + 3, *len);
        p += 3ULL + *len + (s_.ftype ? 1 : 0);
        const std::uint64_t ino = i8 ? *load_be64(f, p) : *load_be32(f, p);
        p += isz;
        out.push_back({std::string(as_chars(name)), ino});
      }
      return out;
    }
    const std::uint64_t dir_block = static_cast<std::uint64_t>(s_.block) << s_.dirblklog;
    std::vector<std::uint8_t> block;
    for (const auto& e : extents(dir, bad)) {
      if (e.unwritten) continue;
      for (std::uint64_t k = 0; k < e.count; k += (1ULL << s_.dirblklog)) {
        if ((e.offset + k) * s_.block >= kDirLeafOffset) return out;
        auto b = byte_of(e.block + k);
        auto d = b ? subview(v_, *b, dir_block) : std::nullopt;
        if (!d) {
          bad = true;
          continue;
        }
        entries(*d, out, bad);
        if (out.size() > kMaxEntries) return out;
      }
    }
    return out;
  }

 private:
  std::optional<std::uint64_t> byte_of(std::uint64_t fsblock) const {
    const std::uint64_t agno = fsblock >> s_.agblklog, agbno = fsblock & ((1ULL << s_.agblklog) - 1);
    if (agno >= s_.agcount || agbno >= s_.agblocks) return std::nullopt;
    return (agno * s_.agblocks + agbno) * s_.block;
  }

  static Extent record(ByteView v, std::uint64_t off) {
    const std::uint64_t hi = *load_be64(v, off), lo = *load_be64(v, off + 8);
    Extent e;
    e.unwritten = (hi >> 63) != 0;
    e.offset = (hi >> 9) & ((1ULL << 54) - 1);
    e.block = ((hi & 0x1FF) << 43) | (lo >> 21);
    e.count = lo & 0x1FFFFF;
    return e;
  }

  void btree(std::uint64_t fsblock, unsigned level, std::vector<Extent>& out, std::set<std::uint64_t>& seen, bool& bad) const {
    auto at = byte_of(fsblock);
    auto b = at && seen.insert(fsblock).second ? subview(v_, *at, s_.block) : std::nullopt;
    const std::uint64_t hdr = s_.v5 ? 72 : 24;
    if (!b || !(has_bytes_at(*b, 0, "BMAP") || has_bytes_at(*b, 0, "BMA3")) || *load_be16(*b, 4) != level) {
      bad = true;
      return;
    }
    const std::uint16_t numrecs = *load_be16(*b, 6);
    const std::uint64_t maxrecs = (s_.block - hdr) / 16;
    if (numrecs > maxrecs) {
      bad = true;
      return;
    }
    for (std::uint64_t i = 0; i < numrecs && out.size() < kMaxExtents; ++i) {
      if (level == 0) out.push_back(record(*b, hdr + i * 16));
      else btree(*load_be64(*b, hdr + maxrecs * 8 + i * 8), level - 1, out, seen, bad);
    }
  }

  void entries(ByteView d, std::vector<Dirent>& out, bool& bad) const {
    const bool single = has_bytes_at(d, 0, "XD2B") || has_bytes_at(d, 0, "XDB3");
    const bool data = has_bytes_at(d, 0, "XD2D") || has_bytes_at(d, 0, "XDD3");
    if (!single && !data) return;  // leaf, node or free-index blocks carry no names
    std::uint64_t p = has_bytes_at(d, 0, "XDB3") || has_bytes_at(d, 0, "XDD3") ? 64 : 16;
    std::uint64_t end = d.size();
    if (single) {  // the leaf table and the tail close a single-block directory
      const std::uint32_t count = *load_be32(d, d.size() - 8);
      if (8ULL + count * 8ULL > d.size() - p) {
        bad = true;
        return;
      }
      end = d.size() - 8 - count * 8ULL;
    }
    while (p + 8 <= end) {
      if (*load_be16(d, p) == 0xFFFF) {  // unused space
        const std::uint16_t len = *load_be16(d, p + 2);
        if (len < 8 || len % 8 != 0) {
          bad = true;
          return;
        }
        p += len;
        continue;
      }
      const std::uint64_t ino = *load_be64(d, p);
      auto len = load_u8(d, p + 8);
      const std::uint64_t size = (8 + 1 + len.value_or(0) + (s_.ftype ? 1 : 0) + 2 + 7) / 8 * 8;
      if (!len || *len == 0 || p + size > end) {
        bad = true;
        return;
      }
      const std::string name(as_chars(d.subspan(p + 9, *len)));
      if (name != "." && name != "..") out.push_back({name, ino});
      p += size;
    }
  }

  ByteView v_;
  const Super& s_;
};

class XfsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto s = parse(at);
    if (!s) return std::nullopt;
    const std::uint64_t size = s->dblocks * s->block;
    const std::string d = std::string(s->v5 ? "XFS v5" : "XFS v4") + ", " + std::to_string(s->block) + "-byte blocks, " + std::to_string(s->agcount) + " AG(s)";
    return walk::volume_chunk(start, at, size, d);
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto s = parse(chunk.bytes());
    if (!s) return make_error(Errc::kMalformed, "superblock", 0);
    Extraction ex;
    ex.properties = {{"version", s->v5 ? "5" : "4"}, {"block_size", std::to_string(s->block)}, {"allocation_groups", std::to_string(s->agcount)}};
    auto damage = [&ex](const std::string& what) { walk::damage(ex, what); };
    walk::check_declared(ex, s->dblocks * s->block, chunk.size());
    const Fs fs(chunk.bytes(), *s);
    std::map<std::uint64_t, std::string> first_path;
    auto list = [&](std::uint64_t ino, const std::string& path) {
      std::vector<std::pair<std::string, std::uint64_t>> out;
      auto dir = fs.inode(ino);
      if (!dir || (dir->mode & 0xF000) != 0x4000) {
        damage("directory '" + path + "' (inode " + std::to_string(ino) + ") does not read as a directory");
        return out;
      }
      bool bad = false;
      for (auto& e : fs.list(*dir, bad)) out.emplace_back(std::move(e.name), e.ino);
      if (bad) damage("directory '" + path + "' is damaged");
      return out;
    };
    auto fill = [&](Child& c, std::uint64_t ino, const std::string& path) {
      auto in = fs.inode(ino);
      if (!in) {
        damage("'" + path + "': inode " + std::to_string(ino) + " does not read");
        c.meta.kind = EntryKind::kOther;
        return walk::Step::kNext;
      }
      walk::unix_meta(c.meta, in->mode, in->uid, in->gid, in->mtime);
      if (c.meta.kind == EntryKind::kDirectory) return walk::Step::kDescend;
      if (c.meta.kind == EntryKind::kCharDevice || c.meta.kind == EntryKind::kBlockDevice) {
        // The device number is the data fork's first 4 bytes (Linux's "new" encoding).
        const std::uint32_t dev = load_be32(in->fork, 0).value_or(0);
        c.meta.dev_major = dev >> 18;
        c.meta.dev_minor = dev & 0x3FFFF;
        return walk::Step::kNext;
      }
      if (c.meta.kind != EntryKind::kFile && c.meta.kind != EntryKind::kSymlink) return walk::Step::kNext;
      if (c.meta.kind == EntryKind::kFile && walk::link_to_first(first_path, ino, path, c.meta, in->nlink, ex)) return walk::Step::kNext;
      if (c.meta.kind == EntryKind::kFile) {
        return walk::load(c, ctx, ex, in->size, chunk.size(), kMaxFile, [&](std::uint64_t size) {
          bool fbad = false;
          auto data = fs.read_file(*in, size, fbad);
          if (fbad) damage("'" + path + "': its data reaches outside the volume");
          return data;
        });
      }
      return walk::load(c, ctx, ex, in->size, chunk.size(), kMaxFile, [&](std::uint64_t size) {
        bool fbad = false;
        auto data = fs.read(*in, size, fbad);
        if (fbad) damage("'" + path + "': its data reaches outside the volume");
        // v5 remote symlinks carry a 56-byte "XSLM" header per block.
        if (c.meta.kind == EntryKind::kSymlink && s->v5 && in->format != 1 && data.size() >= 56 && has_bytes_at(ByteView(data), 0, "XSLM")) {
          const std::uint32_t len = *load_be32(ByteView(data), 8);
          data = std::vector<std::uint8_t>(data.begin() + 56, data.begin() + 56 + std::min<std::ptrdiff_t>(len, static_cast<std::ptrdiff_t>(data.size() - 56)));
        }
        return data;
      });
    };
    std::uint32_t count = 0;
    walk::unix_tree(s->root, ex, count, kMaxEntries, list, fill);
    return ex;
  }
};

}  // namespace

HandlerPtr make_xfs_handler() { return std::make_unique<XfsHandler>(); }

}  // namespace fwscan
