// ext2, ext3 and ext4, read-only (linux fs/ext4/ext4.h, Documentation/filesystems/ext4/).
// Superblock at byte 1024 (all little-endian): inodes_count @0, blocks_count_lo @4,
// first_data_block @20, log_block_size @24, blocks_per_group @32, inodes_per_group @40,
// mtime @44, magic 0xef53 @56, state @58, errors @60, rev_level @76, inode_size @88,
// feature_compat @92, feature_incompat @96, feature_ro_compat @100, volume_name @120,
// desc_size @254, blocks_count_hi @336.
// Group descriptors follow the superblock's block; inode_table_lo @8 (hi @40 with 64bit).
// Inodes: mode @0, uid @2, size_lo @4, mtime @16, gid @24, links @26, blocks_lo @28, flags @32,
// i_block[15] @40, size_high @108, uid_high @120, gid_high @122.
// Data: extent trees (flag 0x80000; header magic 0xf30a, depth, entries of 12 bytes) or the
// classic 12 direct + single/double/triple indirect block map. Directories are read linearly
// (htree index blocks look like empty entries), entries {inode, rec_len, name_len, type, name}.
// The journal is not replayed: the file system is shown as last written to its home locations.
#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kSuper = 1024;
constexpr std::uint32_t kRootIno = 2;
constexpr std::uint32_t kExtentsFl = 0x80000, kInlineDataFl = 0x10000000;
constexpr std::uint32_t kIncompatFiletype = 0x2, kIncompatRecover = 0x4, kIncompatJournalDev = 0x8, kIncompat64bit = 0x80,
                        kIncompatEncrypt = 0x10000;
constexpr std::uint32_t kCompatJournal = 0x4;
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint32_t kMaxExtentDepth = 5;
constexpr Magic kMagics[] = {{"53 ef ?? 00 ?? 00", 1080}};
constexpr std::string_view kRefs[] = {"linux fs/ext4/ext4.h, fs/ext4/ext4_extents.h", "linux Documentation/filesystems/ext4/"};
constexpr std::string_view kLimits[] = {"the journal is not replayed", "inline data beyond the 60 bytes of i_block and extended attributes are not read",
                                        "encrypted directories are listed with their stored (encrypted) names"};
constexpr HandlerInfo kInfo{"ext", Category::kFilesystem, "ext2/ext3/ext4 file system", kMagics, kRefs, kLimits};

struct Super {
  std::uint64_t block_size = 0, blocks = 0;
  std::uint32_t inodes = 0, first_data_block = 0, blocks_per_group = 0, inodes_per_group = 0, inode_size = 128;
  std::uint32_t compat = 0, incompat = 0, ro_compat = 0, rev = 0, desc_size = 32, mtime = 0;
  std::string label;
};

std::optional<Super> parse_super(ByteView v) {
  auto sb = subview(v, kSuper, 1024);
  if (!sb || *load_le16(*sb, 56) != 0xEF53) return std::nullopt;
  Super s;
  const std::uint32_t log = *load_le32(*sb, 24);
  if (log > 6) return std::nullopt;
  s.block_size = 1024ULL << log;
  s.inodes = *load_le32(*sb, 0);
  s.first_data_block = *load_le32(*sb, 20);
  s.blocks_per_group = *load_le32(*sb, 32);
  s.inodes_per_group = *load_le32(*sb, 40);
  s.mtime = *load_le32(*sb, 44);
  s.rev = *load_le32(*sb, 76);
  s.compat = *load_le32(*sb, 92);
  s.incompat = *load_le32(*sb, 96);
  s.ro_compat = *load_le32(*sb, 100);
  if (s.rev >= 1) s.inode_size = *load_le16(*sb, 88);
  if (s.incompat & kIncompat64bit) s.desc_size = *load_le16(*sb, 254);
  s.blocks = *load_le32(*sb, 4);
  if (s.incompat & kIncompat64bit) s.blocks |= static_cast<std::uint64_t>(*load_le32(*sb, 336)) << 32;
  const ByteView name = sb->subspan(120, 16);
  s.label.assign(as_chars(name).substr(0, std::min<std::size_t>(16, as_chars(name).find('\0'))));
  const bool pow2 = s.inode_size >= 128 && (s.inode_size & (s.inode_size - 1)) == 0 && s.inode_size <= s.block_size;
  if (s.rev > 1 || !pow2 || s.inodes_per_group == 0 || s.blocks_per_group == 0 || s.blocks == 0 || s.inodes == 0 ||
      s.blocks_per_group > 8 * s.block_size || s.inodes_per_group > 8 * s.block_size || (s.desc_size != 32 && (s.desc_size < 64 || s.desc_size > 1024)) ||
      s.first_data_block > 1 || (s.incompat & kIncompatJournalDev)) {
    return std::nullopt;
  }
  return s;
}

struct Inode {
  std::uint32_t mode = 0, uid = 0, gid = 0, mtime = 0, links = 0, flags = 0, blocks_lo = 0;
  std::uint64_t size = 0;
  ByteView iblock;  // 60 bytes
};

class Fs {
 public:
  Fs(ByteView v, const Super& s) : v_(v), s_(s) {}

  std::optional<Inode> inode(std::uint32_t ino) const {
    if (ino == 0 || ino > s_.inodes) return std::nullopt;
    const std::uint64_t group = (ino - 1) / s_.inodes_per_group, index = (ino - 1) % s_.inodes_per_group;
    const std::uint64_t desc = (s_.first_data_block + 1ULL) * s_.block_size + group * s_.desc_size;
    auto lo = load_le32(v_, desc + 8);
    if (!lo) return std::nullopt;
    std::uint64_t table = *lo;
    if (s_.desc_size >= 64) table |= static_cast<std::uint64_t>(load_le32(v_, desc + 40).value_or(0)) << 32;
    auto raw = subview(v_, table * s_.block_size + index * s_.inode_size, 128);
    if (!raw) return std::nullopt;
    Inode in;
    in.mode = *load_le16(*raw, 0);
    in.uid = *load_le16(*raw, 2) | (static_cast<std::uint32_t>(*load_le16(*raw, 120)) << 16);
    in.size = *load_le32(*raw, 4) | (static_cast<std::uint64_t>(*load_le32(*raw, 108)) << 32);
    in.mtime = *load_le32(*raw, 16);
    in.gid = *load_le16(*raw, 24) | (static_cast<std::uint32_t>(*load_le16(*raw, 122)) << 16);
    in.links = *load_le16(*raw, 26);
    in.blocks_lo = *load_le32(*raw, 28);
    in.flags = *load_le32(*raw, 32);
    in.iblock = raw->subspan(40, 60);
    return in;
  }

  // Physical block of every logical block [0, count), 0 for holes; false when the map is damaged.
  bool block_map(const Inode& in, std::uint64_t count, std::vector<std::uint64_t>& out) const {
    out.assign(count, 0);
    if (in.flags & kExtentsFl) return extents(in.iblock, 0, count, out);
    bool ok = true;
    for (std::uint64_t i = 0; i < 12 && i < count; ++i) out[i] = *load_le32(in.iblock, i * 4);
    const std::uint64_t per = s_.block_size / 4;
    std::uint64_t base = 12;
    for (unsigned level = 1; level <= 3 && base < count; ++level) {
      const std::uint32_t root = *load_le32(in.iblock, (11 + level) * 4);
      ok = indirect(root, level, base, count, out) && ok;
      std::uint64_t span = 1;
      for (unsigned l = 0; l < level; ++l) span *= per;
      base += span;
    }
    return ok;
  }

  ByteView block(std::uint64_t b) const {
    auto v = subview(v_, b * s_.block_size, s_.block_size);
    return v ? *v : ByteView{};
  }
  const Super& super() const { return s_; }

 private:
  bool indirect(std::uint64_t blk, unsigned level, std::uint64_t base, std::uint64_t count, std::vector<std::uint64_t>& out) const {
    if (blk == 0) return true;  // a hole over the whole range
    if (blk >= s_.blocks) return false;
    const ByteView b = block(blk);
    if (b.empty()) return false;
    const std::uint64_t per = s_.block_size / 4;
    std::uint64_t span = 1;
    for (unsigned l = 1; l < level; ++l) span *= per;
    bool ok = true;
    for (std::uint64_t i = 0; i < per && base + i * span < count; ++i) {
      const std::uint32_t child = *load_le32(b, i * 4);
      if (level == 1) out[base + i] = child;
      else ok = indirect(child, level - 1, base + i * span, count, out) && ok;
    }
    return ok;
  }

  bool extents(ByteView node, unsigned depth_seen, std::uint64_t count, std::vector<std::uint64_t>& out) const {
    auto magic = load_le16(node, 0), entries = load_le16(node, 2), depth = load_le16(node, 6);
    if (!magic || *magic != 0xF30A || depth_seen > kMaxExtentDepth || *depth > kMaxExtentDepth) return false;
    bool ok = true;
    for (std::uint32_t i = 0; i < *entries; ++i) {
      const std::uint64_t e = 12 + i * 12ULL;
      if (e + 12 > node.size()) return false;
      if (*depth == 0) {
        const std::uint32_t lblk = *load_le32(node, e);
        std::uint32_t len = *load_le16(node, e + 4);
        const bool uninit = len > 32768;
        if (uninit) len -= 32768;  // preallocated, reads as zeros
        const std::uint64_t start = (static_cast<std::uint64_t>(*load_le16(node, e + 6)) << 32) | *load_le32(node, e + 8);
        for (std::uint32_t k = 0; k < len && lblk + static_cast<std::uint64_t>(k) < count; ++k) out[lblk + k] = uninit ? 0 : start + k;
      } else {
        const std::uint64_t leaf = (static_cast<std::uint64_t>(*load_le16(node, e + 8)) << 32) | *load_le32(node, e + 4);
        if (leaf >= s_.blocks) { ok = false; continue; }
        const ByteView child = block(leaf);
        if (child.empty()) { ok = false; continue; }
        ok = extents(child, depth_seen + 1, count, out) && ok;
      }
    }
    return ok;
  }

  ByteView v_;
  const Super& s_;
};


class ExtHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto s = parse_super(at);
    if (!s) return std::nullopt;
    const Fs fs(at, *s);
    auto root = fs.inode(kRootIno);
    if (!root || (root->mode & 0xF000) != 0x4000) return std::nullopt;  // the root must be a directory
    const char* kind = (s->incompat & ~(kIncompatFiletype | kIncompatRecover)) != 0 || (s->ro_compat & ~0x3U) != 0 ? "ext4"
                       : (s->compat & kCompatJournal) ? "ext3" : "ext2";
    const std::uint64_t want = s->blocks * s->block_size;
    std::string d = std::string(kind) + ", " + std::to_string(s->blocks) + " blocks of " + human_size(s->block_size) +
                    (s->label.empty() ? "" : ", label '" + s->label + "'");
    if (want > at.size()) return Chunk{start, at.size(), Confidence::kLow, d + ", truncated"};
    return Chunk{start, want, Confidence::kHigh, d + ", " + human_size(want)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const ByteView v = chunk.bytes();
    auto s = parse_super(v);
    if (!s) return make_error(Errc::kMalformed, "superblock", kSuper);
    const Fs fs(v, *s);
    Extraction ex;
    ex.properties = {{"block_size", std::to_string(s->block_size)},
                     {"blocks", std::to_string(s->blocks)},
                     {"inodes", std::to_string(s->inodes)},
                     {"features", "compat " + hex_u64(s->compat) + ", incompat " + hex_u64(s->incompat) + ", ro_compat " + hex_u64(s->ro_compat)}};
    if (!s->label.empty()) ex.properties.emplace_back("label", s->label);
    if (s->incompat & kIncompatRecover) {
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kUnsupported, "the journal holds unreplayed transactions: recent changes may be missing", "", std::nullopt});
    }
    if (s->incompat & kIncompatEncrypt) {
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kEncrypted, "file system uses fscrypt: encrypted names and contents are shown as stored", "", std::nullopt});
    }
    if (v.size() < s->blocks * s->block_size) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "image holds " + std::to_string(v.size() / s->block_size) + " of " + std::to_string(s->blocks) + " blocks", "", std::nullopt});
    }
    const bool filetype = (s->incompat & kIncompatFiletype) != 0;
    const std::uint64_t cap = ctx.budget().max_output(chunk.size());
    std::uint32_t damaged_maps = 0, bad_dirs = 0, bad_inodes = 0;

    // The first `size` bytes of an inode's data, block by block: put(bytes) for a block read
    // (cut to what is wanted), hole(count) for a hole or a block past the image.
    auto walk_data = [&](const Inode& in, std::uint64_t size, auto put, auto hole) {
      if (in.flags & kInlineDataFl) {
        const std::uint64_t inline_size = std::min<std::uint64_t>(size, 60);
        put(in.iblock.subspan(0, inline_size));
        hole(size - inline_size);
        return;
      }
      const std::uint64_t count = (size + s->block_size - 1) / s->block_size;
      std::vector<std::uint64_t> map;
      if (!fs.block_map(in, count, map)) ++damaged_maps;
      std::uint64_t done = 0;
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t want = std::min<std::uint64_t>(s->block_size, size - done);
        const ByteView b = map[i] != 0 && map[i] < s->blocks ? fs.block(map[i]) : ByteView{};
        if (b.empty()) hole(want);
        else put(b.subspan(0, want));
        done += want;
      }
    };
    // Directory listings and link targets, in memory.
    auto read_data = [&](const Inode& in, std::uint64_t size) -> std::vector<std::uint8_t> {
      std::vector<std::uint8_t> out;
      out.reserve(size);
      walk_data(in, size, [&](ByteView b) { out.insert(out.end(), b.begin(), b.end()); },
                [&](std::uint64_t n) { out.insert(out.end(), n, 0); });
      return out;
    };
    // A file's data, its holes held as holes.
    auto read_file = [&](const Inode& in, std::uint64_t size) -> Result<Blob> {
      FWSCAN_ASSIGN_OR_RETURN(OutputBuffer out, OutputBuffer::make(size));
      walk_data(in, size, [&](ByteView b) { out.append(b); }, [&](std::uint64_t n) { out.append_hole(n); });
      return Blob::adopt(std::move(out));
    };

    struct Item { std::uint32_t ino; std::string path; };
    std::vector<Item> stack{{kRootIno, ""}};
    std::set<std::uint32_t> visited{kRootIno};
    std::map<std::uint32_t, std::string> first_path;
    std::uint32_t count = 0;
    while (!stack.empty()) {
      const Item item = stack.back();
      stack.pop_back();
      auto dir = fs.inode(item.ino);
      if (!dir) { ++bad_inodes; continue; }
      const std::uint64_t dsize = walk::listing_size(ex, item.path, dir->size, chunk.size(), 256ULL << 20);
      const std::vector<std::uint8_t> listing = read_data(*dir, dsize);
      std::vector<Item> subdirs;
      for (std::uint64_t blk = 0; blk < listing.size(); blk += s->block_size) {
        const ByteView b = ByteView(listing).subspan(blk, std::min<std::uint64_t>(s->block_size, listing.size() - blk));
        std::uint64_t p = 0;
        while (p + 8 <= b.size()) {
          const std::uint32_t ino = *load_le32(b, p);
          const std::uint16_t rec_len = *load_le16(b, p + 4);
          const std::uint16_t name_len = filetype ? b[p + 6] : *load_le16(b, p + 6);
          if (rec_len < 8 || rec_len % 4 != 0 || p + rec_len > b.size() || 8U + name_len > rec_len) {
            ++bad_dirs;
            break;
          }
          const std::string name(as_chars(b.subspan(p + 8, name_len)));
          p += rec_len;
          if (ino == 0 || name.empty() || name == "." || name == "..") continue;
          if (!walk::count_entry(count, kMaxEntries, ex)) {
            stack.clear();
            break;
          }
          const std::string path = walk::join(item.path, name);
          Child c = walk::entry(path);
          auto in = fs.inode(ino);
          if (!in) {
            ++bad_inodes;
            c.meta.kind = EntryKind::kOther;
            ex.children.push_back(std::move(c));
            continue;
          }
          walk::unix_meta(c.meta, in->mode, in->uid, in->gid, in->mtime);
          switch (c.meta.kind) {
            case EntryKind::kDirectory:
              if (visited.insert(ino).second) subdirs.push_back({ino, path});
              else ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory inode " + std::to_string(ino) + " reached twice ('" + path + "')", "", std::nullopt});
              break;
            case EntryKind::kSymlink: {
              const bool fast = in->size < 60 && (in->flags & kExtentsFl) == 0 && ((in->flags & kInlineDataFl) != 0 || in->blocks_lo == 0);
              const std::uint64_t n = std::min<std::uint64_t>(in->size, 4096);
              if (fast) c.meta.link_target = std::string(as_chars(in->iblock.subspan(0, n)));
              else {
                const auto t = read_data(*in, n);
                c.meta.link_target.assign(t.begin(), t.end());
              }
              break;
            }
            case EntryKind::kCharDevice:
            case EntryKind::kBlockDevice: {
              const std::uint32_t old_dev = *load_le32(in->iblock, 0), new_dev = *load_le32(in->iblock, 4);
              if (old_dev != 0) {
                c.meta.dev_major = (old_dev >> 8) & 0xFF;
                c.meta.dev_minor = old_dev & 0xFF;
              } else {
                c.meta.dev_major = (new_dev & 0xFFF00) >> 8;
                c.meta.dev_minor = (new_dev & 0xFF) | ((new_dev >> 12) & 0xFFF00);
              }
              break;
            }
            case EntryKind::kFile: {
              if (walk::link_to_first(first_path, ino, path, c.meta, in->links, ex)) break;
              std::uint64_t size = in->size;
              if (size > cap) {
                ex.complete = false;
                ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitExpansion, "file '" + path + "' (" + human_size(size) + ") is over the output budget; cut", "", std::nullopt});
                size = cap;
              }
              if (!walk::charge(ctx, ex, size)) return ex;
              auto data = read_file(*in, size);
              if (data) c.data = std::move(data).value();
              else ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "file '" + path + "': " + data.error().message, "", std::nullopt});
              break;
            }
            default:
              break;
          }
          ex.children.push_back(std::move(c));
        }
      }
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
    }
    if (damaged_maps > 0 || bad_dirs > 0 || bad_inodes > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed,
                                std::to_string(damaged_maps) + " damaged block map(s), " + std::to_string(bad_dirs) + " damaged directory block(s), " +
                                    std::to_string(bad_inodes) + " unreadable inode(s)",
                                "", std::nullopt});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_ext_handler() { return std::make_unique<ExtHandler>(); }

}  // namespace fwscan
