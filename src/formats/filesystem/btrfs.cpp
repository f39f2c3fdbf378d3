// btrfs (the kernel's fs/btrfs/ctree.h and uapi/linux/btrfs_tree.h; btrfs-progs' on-disk format
// documentation), read-only, little-endian, single device.
// Superblock @64 KiB: csum @0 (CRC-32C of bytes 32..4095 when csum_type is 0), fsid @32, magic
// "_BHRfS_M" @64, generation @72, root tree u64 @80, chunk tree @88, total_bytes @112,
// sectorsize u32 @144, nodesize @148, sys_chunk_array_size u32 @160, csum_type u16 @196,
// root_level @198, chunk_root_level @199, label @299, sys_chunk_array @811.
// Logical addresses map through chunks (key: 256 CHUNK_ITEM(228) logical; item: length u64,
// owner, stripe_len, type, io_align u32, io_width, sector_size, num_stripes u16 @44,
// sub_stripes u16, stripes @48: devid u64, offset u64, uuid); the superblock carries the system
// chunks, the chunk tree the rest. Tree nodes: header (csum, fsid, bytenr u64 @48, flags,
// chunk uuid, generation, owner u64 @88, nritems u32 @96, level u8 @100), then leaf items (key:
// objectid u64, type u8, offset u64; data offset u32 and size relative to the end of the
// header) or internal key pointers (key, block u64, generation).
// The root tree's ROOT_ITEM(132) for tree 5 (and for each subvolume) gives the file tree root
// @176 and its level @238. File trees hold INODE_ITEM(1) (size @16, nlink @40, uid @44, gid @48,
// mode @52, rdev @56, mtime @136), DIR_INDEX(96) (location key, transid, data_len u16 @25,
// name_len u16 @27, type @29, name @30) and EXTENT_DATA(108) (ram_bytes @8, compression @16:
// 1 zlib, 2 LZO, 3 zstd; type @20: 0 inline (data @21), 1 regular, 2 preallocated; disk_bytenr
// @21, disk_num_bytes @29, offset @37, num_bytes @45).
#include <map>
#include <set>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kSuper = 0x10000;
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 1ULL << 32;
constexpr std::uint32_t kMaxNodes = 1'000'000;
constexpr std::uint64_t kHeader = 101;
constexpr Magic kMagics[] = {{"5f 42 48 52 66 53 5f 4d", 0x10040}};
constexpr std::string_view kRefs[] = {"linux fs/btrfs/ctree.h, include/uapi/linux/btrfs_tree.h; btrfs-progs Documentation/dev/On-disk-format"};
constexpr std::string_view kLimits[] = {
    "single-device file systems only (RAID profiles across devices are not reassembled)",
    "the log tree is not replayed; extended attributes are not reported",
};
constexpr HandlerInfo kInfo{"btrfs", Category::kFilesystem, "btrfs", kMagics, kRefs, kLimits};

struct Key {
  std::uint64_t objectid = 0;
  std::uint8_t type = 0;
  std::uint64_t offset = 0;
};
Key key_at(ByteView v, std::uint64_t off) { return {*load_le64(v, off), v[off + 8], *load_le64(v, off + 9)}; }

struct Super {
  std::uint32_t sector = 0, node = 0;
  std::uint64_t root = 0, chunk_root = 0, total = 0;
  std::uint8_t root_level = 0, chunk_level = 0;
  bool crc32c = false;
  std::string label;
  ByteView sys_chunks;
};

std::optional<Super> parse(ByteView v) {
  auto sb = subview(v, kSuper, 4096);
  if (!sb || !has_bytes_at(*sb, 64, "_BHRfS_M")) return std::nullopt;
  Super s;
  s.root = *load_le64(*sb, 80);
  s.chunk_root = *load_le64(*sb, 88);
  s.total = *load_le64(*sb, 112);
  s.sector = *load_le32(*sb, 144);
  s.node = *load_le32(*sb, 148);
  const std::uint32_t sys = *load_le32(*sb, 160);
  s.crc32c = *load_le16(*sb, 196) == 0;
  s.root_level = (*sb)[198];
  s.chunk_level = (*sb)[199];
  if (s.sector < 512 || s.sector > 65536 || (s.sector & (s.sector - 1)) != 0 || s.node < s.sector || s.node > 65536 || (s.node & (s.node - 1)) != 0 ||
      sys > 2048 || s.root_level > 8 || s.chunk_level > 8) {
    return std::nullopt;
  }
  if (s.crc32c && crc32c(sb->subspan(32)) != *load_le32(*sb, 0)) return std::nullopt;
  s.sys_chunks = sb->subspan(811, sys);
  auto label = subview(*sb, 299, 256);
  if (label) s.label = std::string(as_chars(*label)).c_str();
  return s;
}

class Fs {
 public:
  Fs(ByteView v, const Super& s, Extraction& ex) : v_(v), s_(s), ex_(ex) {}

  // The system chunks from the superblock, then every chunk of the chunk tree.
  bool load_chunks() {
    for (std::uint64_t p = 0; p + 17 + 48 <= s_.sys_chunks.size();) {
      const Key k = key_at(s_.sys_chunks, p);
      const std::uint16_t stripes = *load_le16(s_.sys_chunks, p + 17 + 44);
      if (k.type != 228 || stripes == 0 || p + 17 + 48 + 32ULL * stripes > s_.sys_chunks.size()) {
        damage("the superblock's system chunk array is damaged");
        return false;
      }
      add_chunk(k.offset, s_.sys_chunks.subspan(p + 17));
      p += 17 + 48 + 32ULL * stripes;
    }
    walk(s_.chunk_root, s_.chunk_level, "chunk tree", [this](const Key& k, ByteView d) {
      if (k.type == 228 && d.size() >= 48 + 32) add_chunk(k.offset, d);
    });
    return !chunks_.empty();
  }

  // The physical offset of `len` bytes at logical `logical`, when one chunk holds them all.
  std::optional<std::uint64_t> physical(std::uint64_t logical, std::uint64_t len) const {
    auto it = chunks_.upper_bound(logical);
    if (it == chunks_.begin()) return std::nullopt;
    --it;
    const auto& [start, c] = *it;
    if (logical - start + len > c.first) return std::nullopt;
    return c.second + (logical - start);
  }

  template <class F>
  void walk(std::uint64_t logical, std::uint8_t level, const std::string& what, F&& leaf) {
    std::set<std::uint64_t> seen;
    walk_node(logical, level, what, leaf, seen);
  }

  std::optional<std::vector<std::uint8_t>> read_logical(std::uint64_t logical, std::uint64_t len) const {
    auto p = physical(logical, len);
    auto b = p ? subview(v_, *p, len) : std::nullopt;
    if (!b) return std::nullopt;
    return std::vector<std::uint8_t>(b->begin(), b->end());
  }

  void damage(const std::string& what) { walk::damage(ex_, what); }

 private:
  void add_chunk(std::uint64_t logical, ByteView item) {
    const std::uint64_t length = *load_le64(item, 0);
    const std::uint64_t offset = *load_le64(item, 48 + 8);  // stripe 0 (single, DUP: both copies whole)
    chunks_[logical] = {length, offset};
  }

  template <class F>
  void walk_node(std::uint64_t logical, std::uint8_t level, const std::string& what, F& leaf, std::set<std::uint64_t>& seen) {
    if (!seen.insert(logical).second || seen.size() > kMaxNodes) {
      ex_.complete = false;
      ex_.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, what + ": node " + std::to_string(logical) + " reached twice", "", std::nullopt});
      return;
    }
    auto p = physical(logical, s_.node);
    auto n = p ? subview(v_, *p, s_.node) : std::nullopt;
    if (!n) {
      damage(what + ": node at logical " + std::to_string(logical) + " is outside the mapped chunks");
      return;
    }
    if (*load_le64(*n, 48) != logical || (*n)[100] != level) {
      damage(what + ": node at logical " + std::to_string(logical) + " does not say it is there (or has the wrong level)");
      return;
    }
    if (s_.crc32c && crc32c(n->subspan(32)) != *load_le32(*n, 0)) {
      damage(what + ": node at logical " + std::to_string(logical) + " fails its CRC-32C");
      return;
    }
    const std::uint32_t items = *load_le32(*n, 96);
    if (level == 0) {
      if (items > (s_.node - kHeader) / 25) return damage(what + ": leaf " + std::to_string(logical) + " claims " + std::to_string(items) + " items");
      for (std::uint32_t i = 0; i < items; ++i) {
        const std::uint64_t at = kHeader + 25ULL * i;
        const Key k = key_at(*n, at);
        auto data = subview(*n, kHeader + *load_le32(*n, at + 17), *load_le32(*n, at + 21));
        if (!data) {
          damage(what + ": leaf " + std::to_string(logical) + " item " + std::to_string(i) + " lies outside the node");
          continue;
        }
        leaf(k, *data);
      }
      return;
    }
    if (items > (s_.node - kHeader) / 33) return damage(what + ": node " + std::to_string(logical) + " claims " + std::to_string(items) + " pointers");
    for (std::uint32_t i = 0; i < items; ++i) walk_node(*load_le64(*n, kHeader + 33ULL * i + 17), static_cast<std::uint8_t>(level - 1), what, leaf, seen);
  }

  ByteView v_;
  const Super& s_;
  Extraction& ex_;
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> chunks_;  // logical -> (length, physical)
};

// btrfs's LZO extent: total length u32, then segments (length u32, LZO1X data) of at most 4 KiB
// output each; a segment header never straddles a 4 KiB page (the rest of the page is padding).
std::optional<std::vector<std::uint8_t>> btrfs_lzo(ByteView in, std::uint64_t max_out) {
  auto total = load_le32(in, 0);
  if (!total || *total > in.size()) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (std::uint64_t p = 4; p + 4 <= *total && out.size() < max_out;) {
    if (4096 - p % 4096 < 4) p += 4096 - p % 4096;
    auto len = load_le32(in, p);
    auto seg = len ? subview(in, p + 4, *len) : std::nullopt;
    if (!seg) return std::nullopt;
    auto d = decode_lzo1x_block(*seg, 4096);
    if (!d) return std::nullopt;
    out.insert(out.end(), d->begin(), d->end());
    p += 4 + *len;
  }
  return out;
}

struct Tree {
  std::map<std::uint64_t, ByteView> inodes;
  struct Entry {
    std::string name;
    Key location;
  };
  std::map<std::uint64_t, std::map<std::uint64_t, Entry>> dirs;                   // dir -> index -> entry
  std::map<std::uint64_t, std::vector<std::pair<std::uint64_t, ByteView>>> extents;  // inode -> (file offset, item)
};

class BtrfsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto s = parse(at);
    if (!s) return std::nullopt;
    std::string d = "btrfs, " + std::to_string(s->node) + "-byte nodes";
    if (!s->label.empty()) d += ", label '" + s->label + "'";
    return walk::volume_chunk(start, at, s->total, d);
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto s = parse(chunk.bytes());
    if (!s) return make_error(Errc::kMalformed, "superblock", kSuper);
    Extraction ex;
    ex.properties = {{"node_size", std::to_string(s->node)}, {"sector_size", std::to_string(s->sector)}};
    if (!s->label.empty()) ex.properties.emplace_back("label", s->label);
    walk::check_declared(ex, s->total, chunk.size());
    Fs fs(chunk.bytes(), *s, ex);
    if (!fs.load_chunks()) {
      fs.damage("no chunk maps logical addresses: nothing can be read");
      return ex;
    }
    // Every file tree's root: tree 5 (the top level) and the subvolumes.
    std::map<std::uint64_t, std::pair<std::uint64_t, std::uint8_t>> roots;
    fs.walk(s->root, s->root_level, "root tree", [&roots](const Key& k, ByteView d) {
      if (k.type == 132 && d.size() >= 239 && (k.objectid == 5 || (k.objectid >= 256 && k.objectid < (1ULL << 48)))) roots[k.objectid] = {*load_le64(d, 176), d[238]};
    });
    if (!roots.count(5)) {
      fs.damage("the root tree has no file tree (ROOT_ITEM 5)");
      return ex;
    }
    std::uint32_t count = 0;
    std::set<std::uint64_t> trees_done;
    struct Pending {
      std::uint64_t tree;
      std::string path;
    };
    std::vector<Pending> trees{{5, ""}};
    while (!trees.empty()) {
      const Pending t = trees.back();
      trees.pop_back();
      if (!trees_done.insert(t.tree).second) continue;
      Tree tree;
      fs.walk(roots[t.tree].first, roots[t.tree].second, "file tree " + std::to_string(t.tree), [&tree](const Key& k, ByteView d) {
        if (k.type == 1 && d.size() >= 160) tree.inodes[k.objectid] = d;
        else if (k.type == 96 && d.size() >= 30) tree.dirs[k.objectid][k.offset] = {std::string(as_chars(d.subspan(30, std::min<std::uint64_t>(*load_le16(d, 27), d.size() - 30)))), key_at(d, 0)};
        else if (k.type == 108 && d.size() >= 21) tree.extents[k.objectid].emplace_back(k.offset, d);
      });
      if (!read_tree(fs, tree, t.path, chunk.size(), ctx, ex, count, roots, trees)) return ex;
    }
    return ex;
  }

 private:
  template <class Pending>
  static bool read_tree(Fs& fs, const Tree& tree, const std::string& base, std::uint64_t chunk_size, ExtractContext& ctx, Extraction& ex, std::uint32_t& count,
                        const std::map<std::uint64_t, std::pair<std::uint64_t, std::uint8_t>>& roots, std::vector<Pending>& trees) {
    // Entries are (item type, object id): 1 an inode of this tree, 132 a subvolume's root.
    using Id = std::pair<std::uint8_t, std::uint64_t>;
    std::map<std::uint64_t, std::string> first_path;
    bool stopped = false;
    auto list = [&](const Id& dir, const std::string&) {
      std::vector<std::pair<std::string, Id>> out;
      auto d = tree.dirs.find(dir.second);
      if (d == tree.dirs.end()) return out;  // an empty directory
      for (const auto& [index, e] : d->second) out.emplace_back(e.name, Id{e.location.type, e.location.objectid});
      return out;
    };
    auto fill = [&](Child& c, const Id& id, const std::string& rel) {
      const std::string path = walk::join(base, rel);
      c.name = path;
      if (id.first == 132) {  // a subvolume: its own tree
        c.meta.kind = EntryKind::kDirectory;
        if (roots.count(id.second)) trees.push_back({id.second, path});
        else fs.damage("subvolume '" + path + "' (tree " + std::to_string(id.second) + ") has no root item");
        return walk::Step::kNext;
      }
      auto in = tree.inodes.find(id.second);
      if (in == tree.inodes.end()) {
        fs.damage("'" + path + "': inode " + std::to_string(id.second) + " has no INODE_ITEM");
        c.meta.kind = EntryKind::kOther;
        return walk::Step::kNext;
      }
      const ByteView ii = in->second;
      walk::unix_meta(c.meta, *load_le32(ii, 52), *load_le32(ii, 44), *load_le32(ii, 48), static_cast<std::int64_t>(*load_le64(ii, 136)));
      if (c.meta.kind == EntryKind::kDirectory) return walk::Step::kDescend;
      if (c.meta.kind == EntryKind::kCharDevice || c.meta.kind == EntryKind::kBlockDevice) {
        const std::uint64_t rdev = *load_le64(ii, 56);
        c.meta.dev_major = static_cast<std::uint32_t>((rdev >> 8) & 0xFFF) | static_cast<std::uint32_t>((rdev >> 32) & ~0xFFFULL);
        c.meta.dev_minor = static_cast<std::uint32_t>((rdev & 0xFF) | ((rdev >> 12) & ~0xFFULL));
        return walk::Step::kNext;
      }
      if (c.meta.kind != EntryKind::kFile && c.meta.kind != EntryKind::kSymlink) return walk::Step::kNext;
      if (c.meta.kind == EntryKind::kFile && walk::link_to_first(first_path, id.second, path, c.meta, *load_le32(ii, 40), ex)) return walk::Step::kNext;
      const walk::Step step = walk::load(c, ctx, ex, *load_le64(ii, 16), chunk_size, kMaxFile, [&](std::uint64_t size) { return read_file(fs, tree, id.second, size, path); });
      stopped = stopped || step == walk::Step::kStop;
      return step;
    };
    walk::unix_tree(Id{1, 256}, ex, count, kMaxEntries, list, fill);
    return !stopped && count <= kMaxEntries;
  }

  // A file's bytes, what no extent holds (holes, preallocated extents) held as holes.
  static Result<Blob> read_file(Fs& fs, const Tree& tree, std::uint64_t ino, std::uint64_t size, const std::string& path) {
    FWSCAN_ASSIGN_OR_RETURN(OutputBuffer out, OutputBuffer::make(size));
    auto ex = tree.extents.find(ino);
    if (ex == tree.extents.end()) {  // empty, or all holes
      out.resize(size);
      return Blob::adopt(std::move(out));
    }
    for (const auto& [offset, d] : ex->second) {
      if (offset >= size) continue;
      const std::uint8_t compression = d[16], type = d[20];
      const std::uint64_t ram = *load_le64(d, 8);
      std::optional<std::vector<std::uint8_t>> piece;
      std::uint64_t skip = 0, take = 0;
      if (type == 0) {  // inline
        const ByteView raw = d.subspan(21);
        take = ram;
        piece = decompress(raw, compression, ram);
      } else {
        if (d.size() < 53) {
          fs.damage("'" + path + "': extent item cut short");
          continue;
        }
        const std::uint64_t bytenr = *load_le64(d, 21), disk = *load_le64(d, 29);
        skip = *load_le64(d, 37);
        take = *load_le64(d, 45);
        if (bytenr == 0 || type == 2) continue;  // a hole, or preallocated (reads as zeros)
        if (compression == 0) {
          piece = fs.read_logical(bytenr + skip, std::min(take, size - offset));
          skip = 0;
        } else if (disk <= (64ULL << 20) && ram <= (256ULL << 20)) {
          auto raw = fs.read_logical(bytenr, disk);
          if (raw) piece = decompress(ByteView(*raw), compression, ram);
        }
      }
      if (!piece || skip > piece->size()) {
        fs.damage("'" + path + "': the extent at file offset " + std::to_string(offset) + " does not read" + (compression ? " (compression " + std::to_string(compression) + ")" : ""));
        continue;
      }
      const std::uint64_t n = std::min({take, piece->size() - skip, size - offset});
      out.write_at(offset, ByteView(piece->data() + skip, n));
    }
    out.resize(size);
    return Blob::adopt(std::move(out));
  }

  static std::optional<std::vector<std::uint8_t>> decompress(ByteView raw, std::uint8_t compression, std::uint64_t ram) {
    switch (compression) {
      case 0: return std::vector<std::uint8_t>(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(raw.size(), ram)));
      case 1: {
        DecodeResult r = decode_stream(Codec::kZlib, raw, ram);
        if (r.out.empty()) return std::nullopt;
        return std::move(r.out);
      }
      case 2: return btrfs_lzo(raw, ram);
      case 3: {
        DecodeResult r = decode_stream(Codec::kZstd, raw, ram);
        if (r.out.empty()) return std::nullopt;
        return std::move(r.out);
      }
      default: return std::nullopt;
    }
  }
};

}  // namespace

HandlerPtr make_btrfs_handler() { return std::make_unique<BtrfsHandler>(); }

}  // namespace fwscan
