// Native SquashFS reader: layouts 2.x and 3.x (both byte orders) and big-endian 4.0.
// References: linux fs/squashfs/squashfs_fs.h (4.0); squashfs-tools squashfs_compat.h (the 2.x and
// 3.x packed bit-field layouts, and the bit order used for big-endian images); camera-formats.md 4.3.
//
// 2.x/3.x structures are packed bit fields. A field at bit position P of width N is read, in a
// little-endian image, from the little-endian integer of its bytes shifted right by P % 8; in a
// big-endian image, from the big-endian integer of its bytes, counting P from the most significant
// bit of the first byte. `field()` implements both, so each layout below is a table of (P, N).
//
// Metadata (inode, directory, fragment, id tables) is stored in blocks of at most 8 KiB, each behind
// a 16-bit header (bit 15 = stored uncompressed; 2.x/3.x images with the CHECK flag add a marker
// byte). An inode reference is (metadata block offset << 16 | offset in the uncompressed block).
// Data blocks carry their compressed size in a 32-bit word (bit 24 = stored uncompressed, 0 = hole).
//
// Compression: 4.0 names it in the superblock. 2.x/3.x are zlib by the book, but vendors patched
// in LZMA (raw LZMA1 streams, or LZMA-alone with its 13-byte header) without saying so, so every
// block is sniffed: zlib header, xz magic, LZMA-alone properties, else raw LZMA1 with the
// properties that decoded an earlier block (lc=3 lp=0 pb=2 first, then a bounded search).
#include "formats/filesystem/squashfs_native.hpp"

#include <lz4.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMetaBlock = 8192;
constexpr std::uint32_t kInvalidFrag = 0xFFFFFFFF;
constexpr std::uint64_t kMaxMetadata = 512ULL << 20;  // decompressed inode + directory tables
constexpr std::uint32_t kMaxEntries = 1'000'000;

// Bit-field read (see the header comment); nullopt past the end of `v`.
std::optional<std::uint64_t> field(ByteView v, std::uint64_t pos, unsigned n, Endian e) {
  if ((pos + n + 7) / 8 > v.size() || n == 0 || n > 64) return std::nullopt;
  if (pos % 8 == 0 && n % 8 == 0) {
    switch (n) {
      case 8: return v[pos / 8];
      case 16: return load_u16(v, pos / 8, e);
      case 32: return load_u32(v, pos / 8, e);
      case 64: return load_u64(v, pos / 8, e);
      default: break;
    }
  }
  std::uint64_t val = 0;
  for (unsigned k = 0; k < n; ++k) {
    const std::uint64_t b = pos + k;
    if (e == Endian::kLittle) {
      val |= static_cast<std::uint64_t>((v[b / 8] >> (b % 8)) & 1U) << k;
    } else {
      val = (val << 1) | ((v[b / 8] >> (7 - b % 8)) & 1U);
    }
  }
  return val;
}

struct Super {
  unsigned major = 0, minor = 0;
  Endian e = Endian::kLittle;
  std::uint32_t inodes = 0, block_size = 0, fragments = 0, mkfs_time = 0;
  std::uint16_t compression = 1, flags = 0, no_ids = 0;  // no_ids: 4.0 id count; 2.x/3.x uid count
  std::uint16_t no_guids = 0;
  std::uint64_t root = 0, bytes_used = 0, inode_table = 0, dir_table = 0, frag_table = 0, id_table = 0, guid_table = 0;
  bool check_byte = false;  // 2.x/3.x CHECK flag: a marker byte follows each metadata header
  std::uint64_t super_size = 0;
  bool vendor_magic = false;
  std::string magic;
};

std::optional<Super> parse_super(ByteView v) {
  Super s;
  // The standard magics, and the vendor ones of the same layouts (binwalk's magic list,
  // sasquatch): "shsq" (little-endian, non-standard), "hsqt"/"tqsh" (DD-WRT), "sqlz" and "qshs"
  // (big-endian LZMA builds).
  std::optional<Endian> order;
  for (const char* le : {"hsqs", "shsq", "hsqt"}) {
    if (has_bytes_at(v, 0, le)) order = Endian::kLittle;
  }
  for (const char* be : {"sqsh", "sqlz", "qshs", "tqsh"}) {
    if (has_bytes_at(v, 0, be)) order = Endian::kBig;
  }
  if (!order) return std::nullopt;
  s.e = *order;
  s.magic = std::string(as_chars(v.subspan(0, 4)));
  s.vendor_magic = !has_bytes_at(v, 0, "hsqs") && !has_bytes_at(v, 0, "sqsh");
  const Endian e = s.e;
  auto major = load_u16(v, 28, e), minor = load_u16(v, 30, e);
  if (!major || !minor) return std::nullopt;
  s.major = *major;
  s.minor = *minor;
  s.inodes = load_u32(v, 4, e).value_or(0);
  if (s.major == 4) {
    if (v.size() < 96) return std::nullopt;
    // Little-endian 4.0 is libsquashfs's, unless a vendor wrote it: a vendor magic, or LZMA,
    // whose blocks vendors wrote in other framings (5-byte headers, raw streams, their own
    // lc/lp/pb) that only this reader's sniffing decodes.
    if (e == Endian::kLittle && !s.vendor_magic && load_u16(v, 20, e).value_or(0) != 2) return std::nullopt;
    s.super_size = 96;
    s.mkfs_time = *load_u32(v, 8, e);
    s.block_size = *load_u32(v, 12, e);
    s.fragments = *load_u32(v, 16, e);
    s.compression = *load_u16(v, 20, e);
    const std::uint16_t block_log = *load_u16(v, 22, e);
    s.flags = *load_u16(v, 24, e);
    s.no_ids = *load_u16(v, 26, e);
    s.root = *load_u64(v, 32, e);
    s.bytes_used = *load_u64(v, 40, e);
    s.id_table = *load_u64(v, 48, e);
    s.inode_table = *load_u64(v, 64, e);
    s.dir_table = *load_u64(v, 72, e);
    s.frag_table = *load_u64(v, 80, e);
    if (block_log < 12 || block_log > 20 || s.block_size != (1U << block_log) || s.compression < 1 || s.compression > 6) return std::nullopt;
  } else if (s.major == 2 || s.major == 3) {
    if (v.size() < (s.major == 3 ? 119U : 63U)) return std::nullopt;
    s.super_size = s.major == 3 ? 119 : 63;
    const std::uint16_t block_log = *load_u16(v, 34, e);
    s.flags = v[36];
    s.no_ids = v[37];
    s.no_guids = v[38];
    s.mkfs_time = *load_u32(v, 39, e);
    s.root = *load_u64(v, 43, e);
    s.block_size = *load_u32(v, 51, e);
    s.fragments = *load_u32(v, 55, e);
    s.check_byte = (s.flags & 0x04) != 0;
    if (block_log < 12 || block_log > 20) return std::nullopt;
    if (s.block_size != (1U << block_log)) s.block_size = 1U << block_log;  // 2.0 keeps only block_size_1
    if (s.major == 3) {
      s.bytes_used = *load_u64(v, 63, e);
      s.id_table = *load_u64(v, 71, e);
      s.guid_table = *load_u64(v, 79, e);
      s.inode_table = *load_u64(v, 87, e);
      s.dir_table = *load_u64(v, 95, e);
      s.frag_table = *load_u64(v, 103, e);
    } else {
      s.bytes_used = *load_u32(v, 8, e);
      s.id_table = *load_u32(v, 12, e);
      s.guid_table = *load_u32(v, 16, e);
      s.inode_table = *load_u32(v, 20, e);
      s.dir_table = *load_u32(v, 24, e);
      s.frag_table = *load_u32(v, 59, e);
    }
  } else {
    return std::nullopt;
  }
  if (s.bytes_used < s.super_size || s.inode_table < s.super_size || s.dir_table < s.inode_table || s.dir_table >= s.bytes_used) return std::nullopt;
  return s;
}

std::string compression_name(const Super& s) {
  if (s.major < 4) return "zlib/vendor lzma";
  switch (s.compression) {
    case 1: return "gzip"; case 2: return "lzma"; case 3: return "lzo";
    case 4: return "xz"; case 5: return "lz4"; case 6: return "zstd"; default: return "unknown";
  }
}

// ---- decompression -------------------------------------------------------------------------

struct LzmaProps { std::uint32_t lc = 3, lp = 0, pb = 2; };

std::optional<std::vector<std::uint8_t>> raw_lzma1(ByteView in, std::size_t max_out, const LzmaProps& p, bool strict) {
  std::size_t used = 0;
  auto out = decode_lzma1_raw(in, max_out, {p.lc, p.lp, p.pb, 1U << 23}, &used);
  if (!out || (strict && used + 8 < in.size() && out->size() < max_out)) return std::nullopt;  // a wrong guess stops early
  return out;
}

class Decompressor {
 public:
  Decompressor(const Super& s) : s_(s) {}  // NOLINT(google-explicit-constructor)

  std::optional<std::vector<std::uint8_t>> run(ByteView in, std::size_t max_out) {
    if (s_.major == 4 && s_.compression != 2) return by_id(s_.compression, in, max_out);
    // 2.x/3.x and 4.0 LZMA: sniff the block.
    if (in.size() >= 2 && in[0] == 0x78 && ((in[0] << 8) | in[1]) % 31 == 0) {
      if (auto z = by_id(1, in, max_out)) return z;
    }
    if (has_bytes_at(in, 0, "\xFD" "7zXZ")) {
      if (auto x = by_id(4, in, max_out)) { used_ = "xz"; return x; }
    }
    if (in.size() > 13 && in[0] < 225 && load_le32(in, 1).value_or(0) >= 4096 && load_le32(in, 1).value_or(0) <= (1U << 27)) {
      DecodeResult d = decode_stream(Codec::kLzmaAlone, in, max_out);
      if (!d.out.empty() && d.status == DecodeStatus::kComplete) { used_ = "lzma (13-byte header)"; return std::move(d.out); }
      // Properties and dictionary size only, no size field (Broadcom/sqlzma-style images).
      const LzmaProps p{in[0] % 9U, (in[0] / 9U) % 5U, in[0] / 45U};
      if (auto r = raw_lzma1(in.subspan(5), max_out, p, true)) { used_ = "lzma (5-byte header)"; return r; }
    }
    if (auto r = raw_lzma1(in, max_out, props_, false)) { note_raw(); return r; }
    if (!searched_) {  // vendors change lc/lp/pb: find the setting once, keep it
      searched_ = true;
      for (std::uint32_t lc = 0; lc <= 4; ++lc) {
        for (std::uint32_t lp = 0; lp <= 2; ++lp) {
          for (std::uint32_t pb = 0; pb <= 2; ++pb) {
            if (auto r = raw_lzma1(in, max_out, {lc, lp, pb}, true)) {
              props_ = {lc, lp, pb};
              note_raw();
              return r;
            }
          }
        }
      }
    }
    return std::nullopt;
  }
  const std::string& used() const { return used_; }

 private:
  void note_raw() { used_ = "raw lzma1 lc=" + std::to_string(props_.lc) + " lp=" + std::to_string(props_.lp) + " pb=" + std::to_string(props_.pb); }
  std::optional<std::vector<std::uint8_t>> by_id(std::uint16_t id, ByteView in, std::size_t max_out) {
    switch (id) {
      case 1: case 2: case 4: case 6: {
        const Codec c = id == 1 ? Codec::kZlib : id == 2 ? Codec::kLzmaAlone : id == 4 ? Codec::kXz : Codec::kZstd;
        DecodeResult d = decode_stream(c, in, max_out);
        if (d.status == DecodeStatus::kCorrupt || (d.out.empty() && max_out > 0)) return std::nullopt;
        if (used_.empty()) used_ = std::string(codec_name(c));
        return std::move(d.out);
      }
      case 3: return decode_lzo1x_block(in, max_out);
      case 5: {
        std::vector<std::uint8_t> out(max_out);
        const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out.data()),  // NOLINT
                                          static_cast<int>(in.size()), static_cast<int>(out.size()));
        if (n < 0) return std::nullopt;
        out.resize(static_cast<std::size_t>(n));
        return out;
      }
      default: return std::nullopt;
    }
  }
  const Super& s_;
  LzmaProps props_;
  bool searched_ = false;
  std::string used_;
};

// ---- metadata ------------------------------------------------------------------------------

struct Image {
  ByteView v;
  Super s;
  Decompressor dec;
  Endian meta_endian;
  bool meta_endian_fixed = false;
  Image(ByteView view, const Super& sb) : v(view), s(sb), dec(s), meta_endian(sb.e) {}

  // One metadata block at absolute offset `off`: its bytes and the offset after it.
  std::optional<std::pair<std::vector<std::uint8_t>, std::uint64_t>> meta_block(std::uint64_t off) {
    auto h = load_u16(v, off, meta_endian);
    if (!h) return std::nullopt;
    if ((*h & 0x7FFF) > kMetaBlock && !meta_endian_fixed) {
      // AVM's big-endian 4.0 images keep the metadata headers little-endian (avm_be.sqfs4).
      const Endian other = meta_endian == Endian::kBig ? Endian::kLittle : Endian::kBig;
      if (auto h2 = load_u16(v, off, other); h2 && (*h2 & 0x7FFF) <= kMetaBlock) {
        meta_endian = other;
        h = h2;
      }
    }
    meta_endian_fixed = true;
    const std::uint64_t data = off + 2 + (s.check_byte ? 1 : 0);
    const std::uint32_t size = *h & 0x7FFF;
    auto raw = subview(v, data, size);
    if (!raw || size == 0) return std::nullopt;
    if ((*h & 0x8000) != 0) return std::make_pair(std::vector<std::uint8_t>(raw->begin(), raw->end()), data + size);
    auto out = dec.run(*raw, kMetaBlock);
    if (!out) return std::nullopt;
    return std::make_pair(std::move(*out), data + size);
  }
};

struct Table {
  std::vector<std::uint8_t> bytes;
  std::map<std::uint64_t, std::uint64_t> block_at;  // block offset (relative to the table start) -> position in bytes
  bool damaged = false;
  // Position in `bytes` of (block, offset); nullopt for a reference to no block.
  std::optional<std::uint64_t> pos(std::uint64_t block, std::uint64_t offset) const {
    auto it = block_at.find(block);
    if (it == block_at.end() || it->second + offset >= bytes.size()) return std::nullopt;
    return it->second + offset;
  }
};

Table read_table(Image& img, std::uint64_t start, std::uint64_t end) {
  Table t;
  std::uint64_t off = start;
  while (off < end) {
    auto b = img.meta_block(off);
    if (!b || t.bytes.size() + b->first.size() > kMaxMetadata) {
      t.damaged = true;
      break;
    }
    t.block_at[off - start] = t.bytes.size();
    t.bytes.insert(t.bytes.end(), b->first.begin(), b->first.end());
    off = b->second;
  }
  return t;
}

// Entries of a table addressed through an index of `index_width`-byte block pointers.
std::vector<std::uint8_t> read_indexed(Image& img, std::uint64_t index_start, std::uint64_t entries, std::uint32_t entry_size, unsigned index_width, bool& damaged) {
  std::vector<std::uint8_t> out;
  const std::uint64_t bytes = entries * entry_size;
  const std::uint64_t blocks = (bytes + kMetaBlock - 1) / kMetaBlock;
  for (std::uint64_t i = 0; i < blocks && out.size() < bytes; ++i) {
    auto ptr = index_width == 8 ? load_u64(img.v, index_start + i * 8, img.s.e) : std::optional<std::uint64_t>(load_u32(img.v, index_start + i * 4, img.s.e));
    if (!ptr || !*ptr) { damaged = true; break; }
    auto b = img.meta_block(*ptr);
    if (!b) { damaged = true; break; }
    out.insert(out.end(), b->first.begin(), b->first.end());
  }
  if (out.size() < bytes) damaged = true;
  return out;
}

// ---- inodes --------------------------------------------------------------------------------

enum : unsigned { kDir = 1, kReg = 2, kSym = 3, kBlk = 4, kChr = 5, kFifo = 6, kSock = 7, kLdir = 8, kLreg = 9 };

struct Inode {
  unsigned type = 0;  // basic type 1..7 (extended types folded in)
  std::uint32_t mode = 0, uid_idx = 0, gid_idx = 0, mtime = 0, nlink = 1;
  std::uint64_t start = 0, size = 0;          // files: data start, size; dirs: dir block, listing size
  std::uint32_t offset = 0;                   // dirs: offset in block; files: fragment offset
  std::uint32_t fragment = kInvalidFrag;
  std::uint32_t rdev_major = 0, rdev_minor = 0;
  std::string target;
  std::vector<std::uint32_t> blocks;          // data block size words
};

// Parses the inode at position `p` of the inode table.
std::optional<Inode> parse_inode(const Super& s, const Table& t, std::uint64_t p) {
  const ByteView v = ByteView(t.bytes).subspan(p);
  const Endian e = s.e;
  auto F = [&](std::uint64_t pos, unsigned n) { return field(v, pos, n, e); };
  Inode in;
  std::uint64_t header = 0;  // bytes before a block list
  if (s.major == 4) {
    auto type = F(0, 16), mode = F(16, 16), uid = F(32, 16), gid = F(48, 16), mtime = F(64, 32);
    if (!type || !mode || !uid || !gid || !mtime) return std::nullopt;
    in.mode = *mode;
    in.uid_idx = *uid;
    in.gid_idx = *gid;
    in.mtime = *mtime;
    const unsigned t4 = static_cast<unsigned>(*type);
    const std::uint64_t b = 128;  // after the 16-byte base
    switch (t4) {
      case 1: in.type = kDir; in.start = F(b, 32).value_or(0); in.nlink = F(b + 32, 32).value_or(1); in.size = F(b + 64, 16).value_or(0);
              in.offset = static_cast<std::uint32_t>(F(b + 80, 16).value_or(0)); in.size = in.size >= 3 ? in.size - 3 : 0; return in;
      case 8: in.type = kDir; in.nlink = F(b, 32).value_or(1); in.size = F(b + 32, 32).value_or(0); in.start = F(b + 64, 32).value_or(0);
              in.offset = static_cast<std::uint32_t>(F(b + 144, 16).value_or(0)); in.size = in.size >= 3 ? in.size - 3 : 0; return in;
      case 2: in.type = kReg; in.start = F(b, 32).value_or(0); in.fragment = static_cast<std::uint32_t>(F(b + 32, 32).value_or(kInvalidFrag));
              in.offset = static_cast<std::uint32_t>(F(b + 64, 32).value_or(0)); in.size = F(b + 96, 32).value_or(0); header = 32; break;
      case 9: in.type = kReg; in.start = F(b, 64).value_or(0); in.size = F(b + 64, 64).value_or(0); in.nlink = F(b + 192, 32).value_or(1);
              in.fragment = static_cast<std::uint32_t>(F(b + 224, 32).value_or(kInvalidFrag)); in.offset = static_cast<std::uint32_t>(F(b + 256, 32).value_or(0)); header = 56; break;
      case 3: case 10: {
        in.type = kSym;
        in.nlink = F(b, 32).value_or(1);
        const std::uint64_t n = F(b + 32, 32).value_or(0);
        auto target = subview(v, 24, n);
        if (!target) return std::nullopt;
        in.target = std::string(as_chars(*target));
        return in;
      }
      case 4: case 5: case 11: case 12: {
        in.type = (t4 == 4 || t4 == 11) ? kBlk : kChr;
        in.nlink = F(b, 32).value_or(1);
        const std::uint64_t dev = F(b + 32, 32).value_or(0);
        in.rdev_major = static_cast<std::uint32_t>((dev & 0xFFF00) >> 8);
        in.rdev_minor = static_cast<std::uint32_t>((dev & 0xFF) | ((dev >> 12) & 0xFFF00));
        return in;
      }
      case 6: case 7: case 13: case 14: in.type = (t4 == 6 || t4 == 13) ? kFifo : kSock; return in;
      default: return std::nullopt;
    }
  } else {
    const bool v3 = s.major == 3;
    auto type = F(0, 4), mode = F(4, 12), uid = F(16, 8), gid = F(24, 8);
    if (!type || !mode || !uid || !gid) return std::nullopt;
    in.mode = *mode;
    in.uid_idx = *uid;
    in.gid_idx = *gid;
    const unsigned t3 = static_cast<unsigned>(*type);
    if (v3) in.mtime = static_cast<std::uint32_t>(F(32, 32).value_or(0));
    const std::uint64_t b = v3 ? 96 : 32;  // after the base header
    switch (t3) {
      case kDir:
        if (v3) { in.nlink = F(b, 32).value_or(1); in.size = F(b + 32, 19).value_or(0); in.offset = static_cast<std::uint32_t>(F(b + 51, 13).value_or(0)); in.start = F(b + 64, 32).value_or(0); }
        else { in.size = F(32, 19).value_or(0); in.offset = static_cast<std::uint32_t>(F(51, 13).value_or(0)); in.mtime = static_cast<std::uint32_t>(F(64, 32).value_or(0)); in.start = F(96, 24).value_or(0); }
        in.type = kDir;
        return in;
      case kLdir:
        if (v3) { in.nlink = F(b, 32).value_or(1); in.size = F(b + 32, 27).value_or(0); in.offset = static_cast<std::uint32_t>(F(b + 59, 13).value_or(0)); in.start = F(b + 72, 32).value_or(0); }
        else { in.size = F(32, 27).value_or(0); in.offset = static_cast<std::uint32_t>(F(59, 13).value_or(0)); in.mtime = static_cast<std::uint32_t>(F(72, 32).value_or(0)); in.start = F(104, 24).value_or(0); }
        in.type = kDir;
        return in;
      case kReg:
        in.type = kReg;
        if (v3) { in.start = F(96, 64).value_or(0); in.fragment = static_cast<std::uint32_t>(F(160, 32).value_or(kInvalidFrag)); in.offset = static_cast<std::uint32_t>(F(192, 32).value_or(0)); in.size = F(224, 32).value_or(0); header = 32; }
        else { in.mtime = static_cast<std::uint32_t>(F(32, 32).value_or(0)); in.start = F(64, 32).value_or(0); in.fragment = static_cast<std::uint32_t>(F(96, 32).value_or(kInvalidFrag)); in.offset = static_cast<std::uint32_t>(F(128, 32).value_or(0)); in.size = F(160, 32).value_or(0); header = 24; }
        break;
      case kLreg:
        if (!v3) return std::nullopt;
        in.type = kReg;
        in.nlink = F(96, 32).value_or(1); in.start = F(128, 64).value_or(0); in.fragment = static_cast<std::uint32_t>(F(192, 32).value_or(kInvalidFrag));
        in.offset = static_cast<std::uint32_t>(F(224, 32).value_or(0)); in.size = F(256, 64).value_or(0); header = 40;
        break;
      case kSym: {
        in.type = kSym;
        if (v3) in.nlink = F(b, 32).value_or(1);
        const std::uint64_t at = v3 ? b + 32 : b;
        const std::uint64_t n = F(at, 16).value_or(0);
        auto target = subview(v, (at + 16) / 8, n);
        if (!target) return std::nullopt;
        in.target = std::string(as_chars(*target));
        return in;
      }
      case kBlk: case kChr: {
        in.type = t3;
        if (v3) in.nlink = F(b, 32).value_or(1);
        const std::uint64_t rdev = F(v3 ? b + 32 : b, 16).value_or(0);
        in.rdev_major = static_cast<std::uint32_t>(rdev >> 8);
        in.rdev_minor = static_cast<std::uint32_t>(rdev & 0xFF);
        return in;
      }
      case kFifo: case kSock: in.type = t3; return in;
      default: return std::nullopt;
    }
  }
  // Regular file: the block list follows the header.
  const bool has_frag = in.fragment != kInvalidFrag && (s.major > 2 || s.fragments > 0);
  const std::uint64_t nblocks = has_frag ? in.size / s.block_size : (in.size + s.block_size - 1) / s.block_size;
  if (nblocks > (v.size() - std::min<std::uint64_t>(header, v.size())) / 4) return std::nullopt;  // list past the table
  in.blocks.reserve(nblocks);
  for (std::uint64_t i = 0; i < nblocks; ++i) in.blocks.push_back(*load_u32(v, header + i * 4, e));
  if (!has_frag) in.fragment = kInvalidFrag;
  return in;
}

EntryKind kind_of(unsigned type) {
  switch (type) {
    case kDir: return EntryKind::kDirectory;
    case kReg: return EntryKind::kFile;
    case kSym: return EntryKind::kSymlink;
    case kBlk: return EntryKind::kBlockDevice;
    case kChr: return EntryKind::kCharDevice;
    case kFifo: return EntryKind::kFifo;
    case kSock: return EntryKind::kSocket;
    default: return EntryKind::kOther;
  }
}

struct DirEntry {
  std::string name;
  std::uint64_t block = 0;
  std::uint32_t offset = 0;
};

// Directory listing at (block, offset) of `size` bytes.
std::vector<DirEntry> read_dir(const Super& s, const Table& dirs, const Inode& d, bool& damaged) {
  std::vector<DirEntry> out;
  auto p0 = dirs.pos(d.start, d.offset);
  if (!p0) {
    if (d.size > 0) damaged = true;
    return out;
  }
  const ByteView v = ByteView(dirs.bytes).subspan(*p0, std::min<std::uint64_t>(d.size, dirs.bytes.size() - *p0));
  const Endian e = s.e;
  const std::uint64_t hdr = s.major == 4 ? 12 : s.major == 3 ? 9 : 4;
  const std::uint64_t ent = s.major == 4 ? 8 : s.major == 3 ? 5 : 3;
  std::uint64_t pos = 0;
  while (pos + hdr <= v.size() && out.size() < kMaxEntries) {
    std::uint64_t count = 0, start = 0;
    if (s.major == 4) { count = *load_u32(v, pos, e) + 1ULL; start = *load_u32(v, pos + 4, e); }
    else if (s.major == 3) { count = *field(v, pos * 8, 8, e) + 1; start = *field(v, pos * 8 + 8, 32, e); }
    else { count = *field(v, pos * 8, 8, e) + 1; start = *field(v, pos * 8 + 8, 24, e); }
    if (count > 256) { damaged = true; break; }
    pos += hdr;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (pos + ent > v.size()) { damaged = true; return out; }
      std::uint32_t offset = 0;
      std::uint64_t name_size = 0;
      if (s.major == 4) { offset = *load_u16(v, pos, e); name_size = *load_u16(v, pos + 6, e) + 1ULL; }
      else { offset = static_cast<std::uint32_t>(*field(v, pos * 8, 13, e)); name_size = *field(v, pos * 8 + 16, 8, e) + 1; }
      auto name = subview(v, pos + ent, name_size);
      if (!name) { damaged = true; return out; }
      out.push_back({std::string(as_chars(*name)), start, offset});
      pos += ent + name_size;
    }
  }
  return out;
}

}  // namespace

std::optional<SquashfsProbe> squashfs_native_probe(ByteView at) {
  auto s = parse_super(at);
  if (!s) return std::nullopt;
  return SquashfsProbe{s->major, s->minor, s->e == Endian::kBig, s->bytes_used, s->block_size, s->inodes, compression_name(*s), s->magic};
}

Result<Extraction> squashfs_native_extract(ByteView image, ExtractContext& ctx) {
  auto sb = parse_super(image);
  if (!sb) return make_error(Errc::kMalformed, "superblock", 0);
  Image img(image, *sb);
  const Super& s = img.s;
  Extraction ex;
  ex.properties = {{"version", std::to_string(s.major) + "." + std::to_string(s.minor)},
                   {"byte_order", s.e == Endian::kBig ? "big-endian" : "little-endian"},
                   {"block_size", std::to_string(s.block_size)},
                   {"inodes", std::to_string(s.inodes)},
                   {"bytes_used", std::to_string(s.bytes_used)},
                   {"mkfs_time", std::to_string(s.mkfs_time)}};
  if (s.vendor_magic) ex.properties.emplace_back("magic", s.magic + " (vendor)");
  auto fail = [&](const std::string& what, std::uint64_t at) {
    ex.complete = false;
    ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, what, "", at});
  };
  // The inode table ends where the directory table starts; the directory table where the next table starts.
  Table inodes = read_table(img, s.inode_table, s.dir_table);
  std::uint64_t dir_end = s.bytes_used;
  for (std::uint64_t t : {s.frag_table, s.id_table, s.guid_table}) {
    if (t > s.dir_table && t < dir_end) dir_end = t;
  }
  if (s.major == 4) {  // the lookup and xattr tables also follow
    for (std::uint64_t off : {88ULL, 56ULL}) {
      const std::uint64_t t = load_u64(image, off, s.e).value_or(~0ULL);
      if (t > s.dir_table && t < dir_end) dir_end = t;
    }
  } else if (s.major == 3) {
    const std::uint64_t t = load_u64(image, 111, s.e).value_or(~0ULL);
    if (t > s.dir_table && t < dir_end) dir_end = t;
  }
  Table dirs = read_table(img, s.dir_table, dir_end);
  if (inodes.damaged) fail("inode table: a metadata block is damaged or undecodable", s.inode_table);
  if (dirs.damaged) fail("directory table: a metadata block is damaged or undecodable", s.dir_table);

  // Fragment table and ids.
  std::vector<std::uint8_t> frags;
  if (s.fragments > 0 && s.frag_table != 0 && s.frag_table != ~0ULL) {
    bool damaged = false;
    frags = read_indexed(img, s.frag_table, s.fragments, s.major == 2 ? 8 : 16, s.major == 2 ? 4 : 8, damaged);
    if (damaged) fail("fragment table damaged", s.frag_table);
  }
  std::vector<std::uint32_t> ids, gids;
  if (s.major == 4) {
    bool damaged = false;
    auto raw = read_indexed(img, s.id_table, s.no_ids, 4, 8, damaged);
    for (std::size_t i = 0; i + 4 <= raw.size(); i += 4) ids.push_back(*load_u32(raw, i, s.e));
  } else {
    for (std::uint32_t i = 0; i < s.no_ids; ++i) if (auto u = load_u32(image, s.id_table + i * 4ULL, s.e)) ids.push_back(*u);
    for (std::uint32_t i = 0; i < s.no_guids; ++i) if (auto g = load_u32(image, s.guid_table + i * 4ULL, s.e)) gids.push_back(*g);
  }
  auto uid_of = [&](std::uint32_t i) -> std::optional<std::uint32_t> { return i < ids.size() ? std::optional(ids[i]) : std::nullopt; };
  auto gid_of = [&](const Inode& in) -> std::optional<std::uint32_t> {
    if (s.major == 4) return uid_of(in.gid_idx);
    if (in.gid_idx == 255) return uid_of(in.uid_idx);  // SQUASHFS_GUIDS: same as the uid
    return in.gid_idx < gids.size() ? std::optional(gids[in.gid_idx]) : std::nullopt;
  };

  auto inode_at = [&](std::uint64_t block, std::uint32_t offset) -> std::optional<Inode> {
    auto p = inodes.pos(block, offset);
    if (!p) return std::nullopt;
    return parse_inode(s, inodes, *p);
  };
  auto root = inode_at(s.root >> 16, static_cast<std::uint32_t>(s.root & 0xFFFF));
  if (!root || root->type != kDir) return make_error(Errc::kMalformed, "root inode is not a readable directory", s.inode_table);

  std::uint32_t bad_files = 0;
  const std::uint64_t cap = ctx.budget().max_output(image.size());
  auto read_file = [&](const Inode& in, const std::string& path) -> std::optional<Blob> {
    const std::uint64_t size = std::min<std::uint64_t>(in.size, cap);
    if (size < in.size) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitExpansion, "file '" + path + "' (" + human_size(in.size) + ") is over the output budget; cut", "", std::nullopt});
    }
    if (!ctx.budget().charge(size)) return std::nullopt;
    // A sparse block, and what damage leaves unread, are holes: never written, never held.
    auto buffer = OutputBuffer::make(size);
    if (!buffer) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "file '" + path + "': " + buffer.error().message, "", std::nullopt});
      return Blob();
    }
    OutputBuffer& out = *buffer;
    std::uint64_t at = in.start;
    bool bad = false;
    for (std::uint32_t w : in.blocks) {
      if (out.size() >= size) break;
      const std::uint64_t want = std::min<std::uint64_t>(s.block_size, size - out.size());
      const std::uint32_t len = w & 0x00FFFFFF;
      if (len == 0) { out.append_hole(want); continue; }  // sparse block
      auto raw = subview(image, at, len);
      at += len;
      std::optional<std::vector<std::uint8_t>> blk;
      if (raw && (w & 0x01000000)) blk = std::vector<std::uint8_t>(raw->begin(), raw->end());
      else if (raw) blk = img.dec.run(*raw, s.block_size);
      if (!blk) { bad = true; out.append_hole(want); continue; }
      const std::uint64_t got = std::min<std::uint64_t>(blk->size(), want);
      out.append(ByteView(*blk).subspan(0, got));
      out.append_hole(want - got);
    }
    if (in.fragment != kInvalidFrag && out.size() < size) {
      const std::uint32_t esz = s.major == 2 ? 8 : 16;
      const std::uint64_t e0 = static_cast<std::uint64_t>(in.fragment) * esz;
      std::optional<std::vector<std::uint8_t>> frag;
      if (e0 + esz <= frags.size()) {
        const ByteView fe = ByteView(frags).subspan(e0, esz);
        const std::uint64_t fstart = s.major == 2 ? *load_u32(fe, 0, s.e) : *load_u64(fe, 0, s.e);
        const std::uint32_t fw = *load_u32(fe, s.major == 2 ? 4 : 8, s.e);
        if (auto raw = subview(image, fstart, fw & 0x00FFFFFF)) {
          frag = (fw & 0x01000000) ? std::optional(std::vector<std::uint8_t>(raw->begin(), raw->end())) : img.dec.run(*raw, s.block_size);
        }
      }
      const std::uint64_t tail = size - out.size();
      if (frag && in.offset + tail <= frag->size()) {
        out.append(ByteView(*frag).subspan(in.offset, tail));
      } else {
        bad = true;
        out.append_hole(tail);
      }
    }
    if (out.size() < size) { bad = true; out.resize(size); }
    if (bad) ++bad_files;
    return Blob::adopt(std::move(out));
  };

  struct Item { Inode dir; std::string path; int depth; };
  std::vector<Item> stack{{*root, "", 0}};
  std::set<std::pair<std::uint64_t, std::uint32_t>> seen_dirs{{s.root >> 16, static_cast<std::uint32_t>(s.root & 0xFFFF)}};  // by inode reference
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::string> first_path;  // hard links
  std::uint32_t count = 0;
  bool dir_damaged = false;
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    std::vector<Item> subdirs;
    for (const DirEntry& de : read_dir(s, dirs, item.dir, dir_damaged)) {
      if (!walk::count_entry(count, kMaxEntries, ex)) {
        stack.clear();
        break;
      }
      const std::string path = walk::join(item.path, de.name);
      Child c = walk::entry(path);
      auto in = inode_at(de.block, de.offset);
      if (!in) {
        fail("'" + path + "': inode reference to nothing readable", s.inode_table);
        c.meta.kind = EntryKind::kOther;
        ex.children.push_back(std::move(c));
        continue;
      }
      c.meta.kind = kind_of(in->type);
      c.meta.mode = in->mode & 07777;
      c.meta.uid = uid_of(in->uid_idx);
      c.meta.gid = gid_of(*in);
      c.meta.mtime = in->mtime;
      switch (in->type) {
        case kDir:
          if (!seen_dirs.insert({de.block, de.offset}).second || item.depth > 256) {
            ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory '" + path + "' reached twice", "", std::nullopt});
          } else {
            subdirs.push_back({*in, path, item.depth + 1});
          }
          break;
        case kSym: c.meta.link_target = in->target; break;
        case kBlk: case kChr: c.meta.dev_major = in->rdev_major; c.meta.dev_minor = in->rdev_minor; break;
        case kReg: {
          if (in->nlink > 1) {
            if (walk::link_to_first(first_path, std::make_pair(de.block, de.offset), path, c.meta)) {
              break;
            }
          }
          auto data = read_file(*in, path);
          if (!data) {
            ex.complete = false;
            ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitTotal, "total extraction budget exhausted", "", std::nullopt});
            return ex;
          }
          c.data = std::move(*data);
          break;
        }
        default: break;
      }
      ex.children.push_back(std::move(c));
    }
    for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(std::move(*it));
  }
  if (dir_damaged) fail("a directory listing runs past its table or holds an absurd count", s.dir_table);
  if (bad_files > 0) fail(std::to_string(bad_files) + " file(s) with blocks that did not decompress or lie past the image (zeros in their place)", s.super_size);
  ex.properties.emplace_back("compression", img.dec.used().empty() ? compression_name(s) : img.dec.used());
  return ex;
}

}  // namespace fwscan
