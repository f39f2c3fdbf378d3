// F2FS (the kernel's include/linux/f2fs_fs.h and fs/f2fs/), read-only, little-endian, 4 KiB
// blocks. Superblock @1024: magic 0xf2f52010, log_sectorsize @8, log_blocksize @16 (12),
// log_blocks_per_seg @20, block_count u64 @36, cp_blkaddr u32 @76, nat_blkaddr @84, root_ino @96,
// volume_name (UTF-16LE) @124, cp_payload @1664, feature @2180.
// Checkpoint: two packs, at cp_blkaddr and one segment later; a pack is valid when its first and
// last blocks carry the same checkpoint_ver (u64 @0); the newer one wins. In it: ckpt_flags @132
// (0x4 compacted summaries, 0x400 large NAT bitmap), cp_pack_total_block_count @136,
// cp_pack_start_sum @140, sit/nat_ver_bitmap_bytesize @156/@160, the version bitmaps @192.
// Node IDs map to blocks through the NAT: 455 entries of 9 bytes (version, ino u32, block u32)
// per block, each NAT block in one of two copies (the bitmap picks); newer entries may sit in the
// NAT journal of the hot-data summary (count u16, then nid u32 + entry), which takes precedence.
// Inode blocks: mode u16 @0, inline flags @3 (0x1 inline xattr, 0x2 inline data, 0x4 inline
// dentries, 0x20 extra attributes), uid @4, gid @8, links @12, size u64 @16, mtime u64 @48,
// i_addr[923] @360 (with extra attributes the first extra_isize/4 slots are not addresses; inline
// xattrs take the last 50), i_nid[5] @4052: two direct nodes (1018 addresses), two indirect,
// one double indirect. Dentry blocks: bitmap[27], reserved[3], 214 dentries (hash u32, ino u32,
// name_len u16, type u8) @30, names in 8-byte slots @2384; inline dentries use the same layout
// sized to the inode's inline area.
#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kBlock = 4096;
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 1ULL << 32;
constexpr std::uint32_t kNatPerBlock = 455;
constexpr std::uint32_t kAddrsPerBlock = 1018;
constexpr std::uint32_t kAddrsPerInode = 923;
constexpr Magic kMagics[] = {{"10 20 f5 f2", 0x400}};
constexpr std::string_view kRefs[] = {"linux include/linux/f2fs_fs.h, fs/f2fs/node.c, dir.c, inline.c, checkpoint.c"};
constexpr std::string_view kLimits[] = {
    "compressed and encrypted files are listed, not decoded",
    "roll-forward recovery (fsync'd data after the last checkpoint) is not replayed",
};
constexpr HandlerInfo kInfo{"f2fs", Category::kFilesystem, "F2FS", kMagics, kRefs, kLimits};

struct Super {
  std::uint32_t blocks_per_seg = 0, cp = 0, nat = 0, root = 0, cp_payload = 0;
  std::uint64_t block_count = 0;
  std::string label;
};

std::optional<Super> parse(ByteView v) {
  auto sb = subview(v, 1024, 3072);
  if (!sb || *load_le32(*sb, 0) != 0xF2F52010U) return std::nullopt;
  if (*load_le32(*sb, 8) != 9 && *load_le32(*sb, 8) != 12) return std::nullopt;
  if (*load_le32(*sb, 16) != 12) return std::nullopt;  // every F2FS has 4 KiB blocks
  const std::uint32_t log_bps = *load_le32(*sb, 20);
  if (log_bps < 1 || log_bps > 12) return std::nullopt;
  Super s;
  s.blocks_per_seg = 1U << log_bps;
  s.block_count = *load_le64(*sb, 36);
  s.cp = *load_le32(*sb, 76);
  s.nat = *load_le32(*sb, 84);
  s.root = *load_le32(*sb, 96);
  s.cp_payload = *load_le32(*sb, 1664);
  if (s.block_count == 0 || s.cp == 0 || s.nat <= s.cp || s.cp_payload > 1024) return std::nullopt;
  s.label = walk::utf16_name(sb->subspan(124, 1024), Endian::kLittle);
  const std::size_t nul = s.label.find("\xE2\x90\x80");
  if (nul != std::string::npos) s.label.resize(nul);
  return s;
}

class Fs {
 public:
  Fs(ByteView v, const Super& s) : v_(v), s_(s) {}

  // The newer valid checkpoint pack, its NAT bitmap and NAT journal.
  bool load_checkpoint() {
    std::optional<ByteView> best;
    std::uint64_t best_ver = 0, best_start = 0;
    for (std::uint64_t start : {static_cast<std::uint64_t>(s_.cp), static_cast<std::uint64_t>(s_.cp) + s_.blocks_per_seg}) {
      auto head = block(start);
      if (!head) continue;
      const std::uint32_t total = *load_le32(*head, 136);
      auto tail = total >= 2 && total <= s_.blocks_per_seg ? block(start + total - 1) : std::nullopt;
      if (!tail || *load_le64(*head, 0) != *load_le64(*tail, 0)) continue;
      if (!best || *load_le64(*head, 0) > best_ver) {
        best = head;
        best_ver = *load_le64(*head, 0);
        best_start = start;
      }
    }
    if (!best) return false;
    const ByteView cp = *best;
    const std::uint32_t flags = *load_le32(cp, 132);
    const std::uint32_t sit_bytes = *load_le32(cp, 156), nat_bytes = *load_le32(cp, 160);
    std::uint64_t off = 192;
    if (flags & 0x400) off = 192 + 4;                            // large NAT bitmap: NAT first, after a CRC
    else if (s_.cp_payload == 0) off = 192 + sit_bytes;          // SIT bitmap, then NAT bitmap
    auto bitmap = subview(cp, off, nat_bytes);
    if (!bitmap) return false;
    nat_bitmap_ = *bitmap;
    // The NAT journal: first in the compacted summary block, else in the hot-data summary's
    // journal after its 512 seven-byte entries.
    auto sum = block(best_start + *load_le32(cp, 140));
    if (sum) {
      const ByteView j = (flags & 0x4) ? *sum : sum->subspan(512 * 7);
      const std::uint16_t n = load_le16(j, 0).value_or(0);
      for (std::uint32_t i = 0; i < std::min<std::uint32_t>(n, 38); ++i) {
        const std::uint64_t e = 2 + 13ULL * i;
        journal_[*load_le32(j, e)] = *load_le32(j, e + 4 + 5);
      }
    }
    return true;
  }

  std::optional<ByteView> block(std::uint64_t n) const {
    if (n == 0 || n >= s_.block_count) return std::nullopt;
    return subview(v_, n * kBlock, kBlock);
  }

  // The node block of `nid`, checked against its footer (nid @4072).
  std::optional<ByteView> node(std::uint32_t nid) const {
    std::uint32_t addr = 0;
    if (auto j = journal_.find(nid); j != journal_.end()) {
      addr = j->second;
    } else {
      const std::uint32_t block_off = nid / kNatPerBlock;
      const std::uint64_t seg_off = block_off / s_.blocks_per_seg;
      std::uint64_t at = s_.nat + seg_off * 2 * s_.blocks_per_seg + (block_off % s_.blocks_per_seg);
      const std::uint64_t byte = block_off / 8;
      if (byte < nat_bitmap_.size() && (nat_bitmap_[byte] & (0x80 >> (block_off % 8)))) at += s_.blocks_per_seg;
      auto nb = block(at);
      if (!nb) return std::nullopt;
      addr = *load_le32(*nb, (nid % kNatPerBlock) * 9ULL + 5);
    }
    auto b = block(addr);
    if (!b || *load_le32(*b, 4072) != nid) return std::nullopt;
    return b;
  }

  struct Inode {
    ByteView raw;
    std::uint32_t mode = 0, uid = 0, gid = 0, links = 0;
    std::uint8_t inline_flags = 0;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    std::uint32_t first = 0, addrs = 0;  // first data address slot in i_addr, slots usable
  };

  std::optional<Inode> inode(std::uint32_t ino) const {
    auto b = node(ino);
    if (!b || *load_le32(*b, 4076) != ino) return std::nullopt;
    Inode in;
    in.raw = *b;
    in.mode = *load_le16(*b, 0);
    in.inline_flags = (*b)[3];
    in.uid = *load_le32(*b, 4);
    in.gid = *load_le32(*b, 8);
    in.links = *load_le32(*b, 12);
    in.size = *load_le64(*b, 16);
    in.mtime = static_cast<std::int64_t>(*load_le64(*b, 48));
    const std::uint32_t extra = (in.inline_flags & 0x20) ? *load_le16(*b, 360) : 0;
    std::uint32_t xattr = 0;
    if (in.inline_flags & 0x1) xattr = (extra >= 4 && extra_has_xattr_size_) ? *load_le16(*b, 362) : 50;
    if (extra % 4 != 0 || extra / 4 + xattr + 1 >= kAddrsPerInode) return std::nullopt;
    in.first = extra / 4;
    in.addrs = kAddrsPerInode - extra / 4 - xattr;
    return in;
  }

  // Inline data or dentries: the area after the reserved first slot.
  ByteView inline_area(const Inode& in) const { return in.raw.subspan(360 + 4ULL * (in.first + 1), 4ULL * (in.addrs - 1)); }

  // The file's data block addresses, in order, for `blocks` blocks (0 for holes).
  std::vector<std::uint32_t> map(const Inode& in, std::uint64_t blocks, bool& bad) const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = 0; i < in.addrs && out.size() < blocks; ++i) out.push_back(*load_le32(in.raw, 360 + 4ULL * (in.first + i)));
    for (unsigned k = 0; k < 5 && out.size() < blocks; ++k) {
      const std::uint32_t nid = *load_le32(in.raw, 4052 + 4ULL * k);
      const unsigned depth = k < 2 ? 0 : (k < 4 ? 1 : 2);
      descend(nid, depth, blocks, out, bad);
    }
    out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(blocks, out.size())));
    return out;
  }

  // The file's data, up to `limit`: put(offset, bytes) for the inline area or each written
  // block; holes (address 0), reserved-unwritten and compressed blocks are not put.
  template <class Put>
  void walk_data(const Inode& in, std::uint64_t limit, bool& bad, Put&& put) const {
    const std::uint64_t size = std::min(in.size, limit);
    if (in.inline_flags & 0x2) {
      const ByteView area = inline_area(in);
      if (size > area.size()) bad = true;
      put(0, area.subspan(0, std::min<std::uint64_t>(size, area.size())));
      return;
    }
    const auto addrs = map(in, (size + kBlock - 1) / kBlock, bad);
    for (std::size_t i = 0; i < addrs.size(); ++i) {
      const std::uint32_t a = addrs[i];
      if (a == 0 || a == 0xFFFFFFFFU) continue;  // hole, or reserved but unwritten
      if (a == 0xFFFFFFFEU) {
        compressed_ = true;
        continue;
      }
      auto b = block(a);
      if (!b) {
        bad = true;
        continue;
      }
      const std::uint64_t at = i * kBlock;
      put(at, b->subspan(0, std::min<std::uint64_t>(kBlock, size - at)));
    }
  }
  // In memory, holes as zeros (directories, link targets).
  std::vector<std::uint8_t> read(const Inode& in, std::uint64_t limit, bool& bad) const {
    const bool inline_data = (in.inline_flags & 0x2) != 0;
    std::vector<std::uint8_t> out(inline_data ? 0 : static_cast<std::size_t>(std::min(in.size, limit)), 0);
    walk_data(in, limit, bad, [&](std::uint64_t at, ByteView b) {
      if (inline_data) out.assign(b.begin(), b.end());
      else std::copy(b.begin(), b.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
    });
    return out;
  }
  // A file's data, its holes held as holes (OutputBuffer).
  Result<Blob> read_file(const Inode& in, std::uint64_t limit, bool& bad) const {
    const bool inline_data = (in.inline_flags & 0x2) != 0;
    const std::uint64_t size = std::min(in.size, limit);
    FWSCAN_ASSIGN_OR_RETURN(OutputBuffer out, OutputBuffer::make(size));
    walk_data(in, limit, bad, [&](std::uint64_t at, ByteView b) { out.write_at(at, b); });
    if (!inline_data) out.resize(size);  // inline data ends where the area does
    return Blob::adopt(std::move(out));
  }

  struct Dirent {
    std::string name;
    std::uint32_t ino;
    std::uint8_t type;
  };

  std::vector<Dirent> list(const Inode& dir, bool& bad) const {
    std::vector<Dirent> out;
    if (dir.inline_flags & 0x4) {
      const ByteView a = inline_area(dir);
      const std::uint64_t n = a.size() * 8 / ((11 + 8) * 8 + 1);
      const std::uint64_t bitmap = (n + 7) / 8, reserved = a.size() - ((11 + 8) * n + bitmap);
      dentries(a, n, 0, bitmap + reserved, bitmap + reserved + 11 * n, out, bad);
      return out;
    }
    const std::uint64_t blocks = std::min<std::uint64_t>(dir.size / kBlock, 1ULL << 20);
    for (std::uint32_t a : map(dir, blocks, bad)) {
      if (a == 0 || a == 0xFFFFFFFFU) continue;
      auto b = block(a);
      if (!b) {
        bad = true;
        continue;
      }
      dentries(*b, 214, 0, 30, 30 + 11 * 214, out, bad);
      if (out.size() > kMaxEntries) break;
    }
    return out;
  }

  bool compressed() const { return compressed_; }
  void set_flexible_xattr(bool f) { extra_has_xattr_size_ = f; }

 private:
  void descend(std::uint32_t nid, unsigned depth, std::uint64_t blocks, std::vector<std::uint32_t>& out, bool& bad) const {
    std::uint64_t span = kAddrsPerBlock;
    for (unsigned d = 0; d < depth; ++d) span *= kAddrsPerBlock;
    if (nid == 0) {  // a hole over everything this pointer covers
      out.insert(out.end(), static_cast<std::size_t>(std::min<std::uint64_t>(span, blocks - out.size())), 0U);
      return;
    }
    auto b = node(nid);
    if (!b) {
      bad = true;
      out.insert(out.end(), static_cast<std::size_t>(std::min<std::uint64_t>(span, blocks - out.size())), 0U);
      return;
    }
    for (std::uint32_t i = 0; i < kAddrsPerBlock && out.size() < blocks; ++i) {
      const std::uint32_t x = *load_le32(*b, 4ULL * i);
      if (depth == 0) out.push_back(x);
      else descend(x, depth - 1, blocks, out, bad);
    }
  }

  // Entries of a dentry area: `n` slots, the bitmap at `bitmap`, dentries at `dent`, names at
  // `names` (8 bytes per slot; a long name spans several slots).
  static void dentries(ByteView a, std::uint64_t n, std::uint64_t bitmap, std::uint64_t dent, std::uint64_t names, std::vector<Dirent>& out, bool& bad) {
    for (std::uint64_t i = 0; i < n;) {
      auto bits = load_u8(a, bitmap + i / 8);
      if (!bits) {
        bad = true;
        return;
      }
      if ((*bits & (1U << (i % 8))) == 0) {
        ++i;
        continue;
      }
      const std::uint32_t ino = *load_le32(a, dent + 11 * i + 4);
      const std::uint16_t len = *load_le16(a, dent + 11 * i + 8);
      const std::uint8_t type = a[dent + 11 * i + 10];
      const std::uint64_t slots = std::max<std::uint64_t>(1, (len + 7) / 8);
      auto name = subview(a, names + 8 * i, len);
      if (!name || len == 0 || i + slots > n) {
        bad = true;
        return;
      }
      std::string s(as_chars(*name));
      if (s != "." && s != "..") out.push_back({std::move(s), ino, type});
      i += slots;
    }
  }

  ByteView v_;
  const Super& s_;
  ByteView nat_bitmap_;
  std::map<std::uint32_t, std::uint32_t> journal_;
  bool extra_has_xattr_size_ = false;
  mutable bool compressed_ = false;
};

class F2fsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto s = parse(at);
    if (!s) return std::nullopt;
    const std::uint64_t size = s->block_count * kBlock;
    std::string d = "F2FS";
    if (!s->label.empty()) d += ", label '" + s->label + "'";
    return walk::volume_chunk(start, at, size, d);
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto s = parse(chunk.bytes());
    if (!s) return make_error(Errc::kMalformed, "superblock", 1024);
    Extraction ex;
    if (!s->label.empty()) ex.properties.emplace_back("label", s->label);
    auto damage = [&ex](const std::string& what) { walk::damage(ex, what); };
    walk::check_declared(ex, s->block_count * kBlock, chunk.size());
    Fs fs(chunk.bytes(), *s);
    fs.set_flexible_xattr((load_le32(chunk.bytes(), 1024 + 2180).value_or(0) & 0x40) != 0);  // F2FS_FEATURE_FLEXIBLE_INLINE_XATTR
    if (!fs.load_checkpoint()) {
      damage("no valid checkpoint pack: the node address table cannot be read");
      return ex;
    }
    std::map<std::uint32_t, std::string> first_path;
    auto list = [&](std::uint32_t ino, const std::string& path) {
      std::vector<std::pair<std::string, std::uint32_t>> out;
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
    auto fill = [&](Child& c, std::uint32_t ino, const std::string& path) {
      auto in = fs.inode(ino);
      if (!in) {
        damage("'" + path + "': inode " + std::to_string(ino) + " does not read (its node is missing or names another)");
        c.meta.kind = EntryKind::kOther;
        return walk::Step::kNext;
      }
      walk::unix_meta(c.meta, in->mode, in->uid, in->gid, in->mtime);
      if (c.meta.kind == EntryKind::kDirectory) return walk::Step::kDescend;
      if (c.meta.kind == EntryKind::kCharDevice || c.meta.kind == EntryKind::kBlockDevice) {
        // Old-style device numbers in address slot 0, new-style in slot 1.
        const std::uint32_t old_dev = *load_le32(in->raw, 360 + 4ULL * in->first);
        const std::uint32_t new_dev = *load_le32(in->raw, 360 + 4ULL * (in->first + 1));
        c.meta.dev_major = old_dev != 0 ? (old_dev >> 8) & 0xFF : (new_dev & 0xFFF00) >> 8;
        c.meta.dev_minor = old_dev != 0 ? old_dev & 0xFF : (new_dev & 0xFF) | ((new_dev >> 12) & 0xFFF00);
        return walk::Step::kNext;
      }
      if (c.meta.kind != EntryKind::kFile && c.meta.kind != EntryKind::kSymlink) return walk::Step::kNext;
      if (c.meta.kind == EntryKind::kFile && walk::link_to_first(first_path, ino, path, c.meta, in->links, ex)) return walk::Step::kNext;
      auto read = [&](std::uint64_t size) {
        bool fbad = false;
        auto data = c.meta.kind == EntryKind::kFile ? fs.read_file(*in, size, fbad) : Result<Blob>(Blob::own(fs.read(*in, size, fbad)));
        if (fbad) damage("'" + path + "': its data reaches outside the volume or its node chain is broken");
        return data;
      };
      return walk::load(c, ctx, ex, in->size, chunk.size(), kMaxFile, read);
    };
    std::uint32_t count = 0;
    walk::unix_tree(s->root, ex, count, kMaxEntries, list, fill);
    if (fs.compressed()) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kUnsupported, "some files hold compressed clusters (F2FS compression): those blocks read as zeros", "", std::nullopt});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_f2fs_handler() { return std::make_unique<F2fsHandler>(); }

}  // namespace fwscan
