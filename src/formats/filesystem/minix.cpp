// Minix file system v1 and v2 (linux fs/minix/minix.h, include/uapi/linux/minix_fs.h), read-only,
// little-endian, 1 KiB blocks. Superblock at 1024: ninodes u16 @0, nzones u16 @2 (v1),
// imap_blocks @4, zmap_blocks @6, firstdatazone @8, log_zone_size @10, max_size u32 @12,
// magic @16 (0x137f v1/14-char names, 0x138f v1/30, 0x2468 v2/14, 0x2478 v2/30), state @18,
// zones u32 @20 (v2). Inodes follow the two bitmaps (block 2 + imap + zmap), numbered from 1:
//   v1 (32 bytes): mode u16, uid u16, size u32, time u32, gid u8, nlinks u8, zone[9] u16
//                  (7 direct, 1 indirect, 1 double indirect)
//   v2 (64 bytes): mode u16, nlinks u16, uid u16, gid u16, size u32, atime, mtime, ctime,
//                  zone[10] u32 (7 direct, indirect, double, triple)
// Directory entries: inode u16 then the name (14 or 30 bytes, NUL-padded).
#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kBlock = 1024;
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 1ULL << 30;
constexpr Magic kMagics[] = {{"7f 13", 0x410, true}, {"8f 13", 0x410, true}, {"68 24", 0x410, true}, {"78 24", 0x410, true}};
constexpr std::string_view kRefs[] = {"linux include/uapi/linux/minix_fs.h, fs/minix/itree_v1.c, itree_v2.c"};
constexpr std::string_view kLimits[] = {"minix v3 (magic 0x4d5a, variable block size) is not read"};
constexpr HandlerInfo kInfo{"minix", Category::kFilesystem, "Minix file system v1/v2", kMagics, kRefs, kLimits};

struct Super {
  bool v2 = false;
  std::uint32_t name_len = 14, inodes = 0, inode_size = 32;
  std::uint64_t zones = 0, inode_table = 0;
};

std::optional<Super> parse(ByteView v) {
  auto sb = subview(v, 1024, 32);
  if (!sb) return std::nullopt;
  const std::uint16_t magic = *load_le16(*sb, 16);
  Super s;
  switch (magic) {
    case 0x137F: break;
    case 0x138F: s.name_len = 30; break;
    case 0x2468: s.v2 = true; break;
    case 0x2478: s.v2 = true; s.name_len = 30; break;
    default: return std::nullopt;
  }
  s.inodes = *load_le16(*sb, 0);
  const std::uint32_t imap = *load_le16(*sb, 4), zmap = *load_le16(*sb, 6), first = *load_le16(*sb, 8), log_zone = *load_le16(*sb, 10);
  s.zones = s.v2 ? *load_le32(*sb, 20) : *load_le16(*sb, 2);
  s.inode_size = s.v2 ? 64 : 32;
  s.inode_table = (2ULL + imap + zmap) * kBlock;
  if (s.inodes == 0 || log_zone != 0 || imap == 0 || zmap == 0 || first == 0 || s.zones <= first || s.inode_table >= first * kBlock) return std::nullopt;
  return s;
}

struct Inode {
  std::uint32_t mode = 0, uid = 0, gid = 0, nlinks = 0, mtime = 0;
  std::uint64_t size = 0;
  std::vector<std::uint32_t> zones;  // 7 direct, then indirect, double (and triple in v2)
};

class Fs {
 public:
  Fs(ByteView v, const Super& s) : v_(v), s_(s) {}

  std::optional<Inode> inode(std::uint32_t n) const {
    if (n == 0 || n > s_.inodes) return std::nullopt;
    auto r = subview(v_, s_.inode_table + (n - 1ULL) * s_.inode_size, s_.inode_size);
    if (!r) return std::nullopt;
    Inode in;
    in.mode = *load_le16(*r, 0);
    if (s_.v2) {
      in.nlinks = *load_le16(*r, 2);
      in.uid = *load_le16(*r, 4);
      in.gid = *load_le16(*r, 6);
      in.size = *load_le32(*r, 8);
      in.mtime = *load_le32(*r, 16);
      for (int i = 0; i < 10; ++i) in.zones.push_back(*load_le32(*r, 24 + 4ULL * i));
    } else {
      in.uid = *load_le16(*r, 2);
      in.size = *load_le32(*r, 4);
      in.mtime = *load_le32(*r, 8);
      in.gid = (*r)[12];
      in.nlinks = (*r)[13];
      for (int i = 0; i < 9; ++i) in.zones.push_back(*load_le16(*r, 14 + 2ULL * i));
    }
    return in;
  }

  // The file's data, block by block: put(bytes) for a zone, hole(n) for a zone 0 (or one
  // outside the volume: `bad`).
  template <class Put, class Hole>
  void walk_data(const Inode& in, std::uint64_t size, bool& bad, Put&& put, Hole&& hole) const {
    const std::uint64_t blocks = (size + kBlock - 1) / kBlock;
    std::vector<std::uint32_t> map;
    map.reserve(blocks);
    for (int i = 0; i < 7 && map.size() < blocks; ++i) map.push_back(in.zones[static_cast<std::size_t>(i)]);
    for (unsigned level = 1; level <= (s_.v2 ? 3U : 2U) && map.size() < blocks; ++level) indirect(in.zones[6 + level], level, blocks, map, bad);
    std::uint64_t done = 0;
    for (std::uint64_t i = 0; i < blocks; ++i) {
      const std::uint64_t want = std::min<std::uint64_t>(kBlock, size - done);
      const std::uint32_t z = i < map.size() ? map[i] : 0;
      auto b = z != 0 && z < s_.zones ? subview(v_, z * kBlock, want) : std::nullopt;
      if (z != 0 && !b) bad = true;
      if (b) put(*b);
      else hole(want);
      done += want;
    }
  }
  // Directory listings and link targets, in memory (holes as zeros).
  std::vector<std::uint8_t> read(const Inode& in, std::uint64_t size, bool& bad) const {
    std::vector<std::uint8_t> out;
    walk_data(in, size, bad, [&](ByteView b) { out.insert(out.end(), b.begin(), b.end()); },
              [&](std::uint64_t n) { out.insert(out.end(), n, 0); });
    return out;
  }
  // A file's data, its holes held as holes (OutputBuffer).
  Result<Blob> read_file(const Inode& in, std::uint64_t size, bool& bad) const {
    FWSCAN_ASSIGN_OR_RETURN(OutputBuffer out, OutputBuffer::make(size));
    walk_data(in, size, bad, [&](ByteView b) { out.append(b); }, [&](std::uint64_t n) { out.append_hole(n); });
    return Blob::adopt(std::move(out));
  }
  const Super& super() const { return s_; }

 private:
  void indirect(std::uint32_t zone, unsigned level, std::uint64_t blocks, std::vector<std::uint32_t>& map, bool& bad) const {
    const std::uint64_t per = s_.v2 ? kBlock / 4 : kBlock / 2;
    if (zone == 0) {  // a hole over the whole range this pointer covers
      std::uint64_t span = 1;
      for (unsigned l = 0; l < level; ++l) span *= per;
      map.insert(map.end(), std::min<std::uint64_t>(span, blocks - map.size()), 0);
      return;
    }
    auto b = zone < s_.zones ? subview(v_, zone * kBlock, kBlock) : std::nullopt;
    if (!b) {
      bad = true;
      return;
    }
    for (std::uint64_t i = 0; i < per && map.size() < blocks; ++i) {
      const std::uint32_t child = s_.v2 ? *load_le32(*b, i * 4) : *load_le16(*b, i * 2);
      if (level == 1) map.push_back(child);
      else indirect(child, level - 1, blocks, map, bad);
    }
  }
  ByteView v_;
  const Super& s_;
};

class MinixHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto s = parse(at);
    if (!s) return std::nullopt;
    const Fs fs(at, *s);
    auto root = fs.inode(1);
    if (!root || (root->mode & 0xF000) != 0x4000) return std::nullopt;
    const std::uint64_t size = s->zones * kBlock;
    const std::string d = std::string("Minix ") + (s->v2 ? "v2" : "v1") + ", " + std::to_string(s->name_len) + "-char names";
    return walk::volume_chunk(start, at, size, d);
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto s = parse(chunk.bytes());
    if (!s) return make_error(Errc::kMalformed, "superblock", 1024);
    const Fs fs(chunk.bytes(), *s);
    Extraction ex;
    ex.properties = {{"version", s->v2 ? "2" : "1"}, {"name_length", std::to_string(s->name_len)}, {"inodes", std::to_string(s->inodes)}};
    const std::uint64_t dirent = 2 + s->name_len;
    std::uint32_t count = 0, bad = 0;
    std::set<std::uint32_t> visited{1};
    std::map<std::uint32_t, std::string> first_path;
    struct Item { std::uint32_t ino; std::string path; };
    std::vector<Item> stack{{1, ""}};
    while (!stack.empty()) {
      const Item item = stack.back();
      stack.pop_back();
      auto dir = fs.inode(item.ino);
      if (!dir) { ++bad; continue; }
      bool damaged = false;
      const auto listing = fs.read(*dir, walk::listing_size(ex, item.path, dir->size, chunk.size(), 64ULL << 20), damaged);
      if (damaged) ++bad;
      std::vector<Item> subdirs;
      for (std::uint64_t p = 0; p + dirent <= listing.size(); p += dirent) {
        const std::uint32_t ino = *load_le16(ByteView(listing), p);
        std::string_view raw(reinterpret_cast<const char*>(listing.data() + p + 2), s->name_len);  // NOLINT
        const std::string name(raw.substr(0, raw.find('\0')));
        if (ino == 0 || name.empty() || name == "." || name == "..") continue;
        if (!walk::count_entry(count, kMaxEntries, ex)) {
          stack.clear();
          break;
        }
        const std::string path = walk::join(item.path, name);
        Child c = walk::entry(path);
        auto in = fs.inode(ino);
        if (!in) {
          ++bad;
          c.meta.kind = EntryKind::kOther;
          ex.children.push_back(std::move(c));
          continue;
        }
        walk::unix_meta(c.meta, in->mode, in->uid, in->gid, in->mtime);
        if (c.meta.kind == EntryKind::kDirectory) {
          if (visited.insert(ino).second) subdirs.push_back({ino, path});
          else ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory inode " + std::to_string(ino) + " reached twice ('" + path + "')", "", std::nullopt});
        } else if (c.meta.kind == EntryKind::kCharDevice || c.meta.kind == EntryKind::kBlockDevice) {
          const std::uint32_t dev = in->zones[0];
          c.meta.dev_major = (dev >> 8) & 0xFF;
          c.meta.dev_minor = dev & 0xFF;
        } else if (c.meta.kind == EntryKind::kSymlink || c.meta.kind == EntryKind::kFile) {
          if (c.meta.kind == EntryKind::kFile && in->nlinks > 1) {
            if (walk::link_to_first(first_path, ino, path, c.meta)) {
              ex.children.push_back(std::move(c));
              continue;
            }
          }
          const std::uint64_t size = walk::entry_size(ctx, ex, path, in->size, chunk.size(), kMaxFile);
          if (!walk::charge(ctx, ex, size)) return ex;
          bool zone_bad = false;
          if (c.meta.kind == EntryKind::kSymlink) {
            const auto target = fs.read(*in, size, zone_bad);
            c.meta.link_target.assign(target.begin(), target.end());
          } else if (auto data = fs.read_file(*in, size, zone_bad)) {
            c.data = std::move(*data);
          } else {
            ex.complete = false;
            ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "'" + path + "': " + data.error().message, "", std::nullopt});
          }
          if (zone_bad) ++bad;
        }
        ex.children.push_back(std::move(c));
      }
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
    }
    if (bad > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, std::to_string(bad) + " inode(s) or zone(s) outside the volume; zeros in their place", "", std::nullopt});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_minix_handler() { return std::make_unique<MinixHandler>(); }

}  // namespace fwscan
