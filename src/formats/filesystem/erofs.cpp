// EROFS, read-only (linux fs/erofs/erofs_fs.h, fs/erofs/zmap.c, fs/erofs/decompressor*.c;
// erofs-utils lib/). Little-endian throughout.
// Superblock at byte 1024 (128 bytes + 16 per extra slot): magic 0xE0F5E1E2 @0, checksum @4
// (crc32c of [1024, block end) with this field zero, stored without the final inversion, when
// feature_compat bit 0), feature_compat @8, blkszbits @12, sb_extslots @13, root_nid u16 @14,
// inos u64 @16, build_time u64 @24, blocks u32 @36, meta_blkaddr @40, xattr_blkaddr @44,
// uuid[16] @48, volume_name[16] @64, feature_incompat @80, available_compr_algs (or
// lz4_max_distance) u16 @84, extra_devices u16 @86. With feature_incompat bit 1 (COMPR_CFGS)
// one record per algorithm follows the superblock: u16 size, then the configuration (LZMA:
// dict_size u32).
// Inodes sit at meta_blkaddr * block + nid * 32. i_format u16 @0: bit 0 extended, bits 1-3 the
// data layout (0 flat, 1 compressed with full indexes, 2 flat with an inline tail, 3 compressed
// with compact indexes, 4 chunk-based). i_xattr_icount u16 @2 (xattrs take 12 + 4 * (n - 1)
// bytes after the inode), i_mode u16 @4.
//   compact (32 bytes):  nlink u16 @6, size u32 @8, i_u u32 @16, ino @20, uid u16 @24, gid @26;
//                        the mtime is the superblock's build time
//   extended (64 bytes): size u64 @8, i_u @16, ino @20, uid u32 @24, gid @28, mtime u64 @32,
//                        nlink u32 @44
// i_u is the first data block, a device number (new_encode_dev), the compressed block count or,
// for chunk-based files, the chunk format (bits 0-4: chunk bits over the block bits; bit 5:
// 8-byte indexes {advise u16, device u16, block u32} instead of 4-byte block addresses; the
// array follows the xattrs, aligned to its unit; 0xFFFFFFFF is a hole).
// Directories are blocks of entries {nid u64, nameoff u16, file_type u8, reserved u8}; the first
// entry's nameoff / 12 is the block's entry count, and each name runs to the next nameoff (the
// last to the block's end, NUL-padded).
// Compressed files map logical clusters (lclusters, 1 << (blkszbits + h_clusterbits & 7) bytes)
// to physical clusters (pclusters) through an 8-byte map header {fragmentoff or idata_size u16
// @2, advise u16 @4, algorithm types u8 @6, cluster bits u8 @7} at the xattrs' end rounded up to
// 8, then one index per lcluster: full 8-byte indexes {type u16, clusterofs u16, block u32 or
// deltas} after 8 more bytes, or compact packs of 2 (4-byte) or 16 (2-byte) indexes, each pack a
// bit string of (clusterofs or delta, type) pairs ending in the pack's first block address. A
// HEAD lcluster starts an extent at lcn * lcluster + clusterofs that runs to the next HEAD; its
// pcluster is one block, or with big pclusters the count the next NONHEAD index carries
// (bit 11 of its delta). With ztailpacking the last pcluster is inline after the indexes.
// LZ4 (with the zero-padding feature the stream ends at the pcluster's end, zeros before it),
// MicroLZMA and raw DEFLATE; PLAIN pclusters are stored, rotated by the extent's block offset
// when the interlaced advise bit is set.
#include <lz4.h>
#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "core/checked_math.hpp"
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "core/worker_pool.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/give_later.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kSuperOffset = 1024;
constexpr std::uint32_t kCompatSbChksum = 0x1;
constexpr std::uint32_t kIncompatZeroPadding = 0x1, kIncompatComprCfgs = 0x2, kIncompatChunked = 0x4, kIncompatDeviceTable = 0x8,
                        kIncompatZtailpacking = 0x10, kIncompatFragments = 0x20, kIncompatXattrPrefixes = 0x40;
constexpr std::uint32_t kKnownIncompat = 0x7F;
constexpr std::uint8_t kFlatPlain = 0, kCompressedFull = 1, kFlatInline = 2, kCompressedCompact = 3, kChunkBased = 4;
constexpr std::uint16_t kAdviseCompacted2B = 0x1, kAdviseBigPcluster1 = 0x2, kAdviseBigPcluster2 = 0x4, kAdviseInlinePcluster = 0x8,
                        kAdviseInterlaced = 0x10, kAdviseFragment = 0x20;
constexpr std::uint8_t kTypePlain = 0, kTypeHead1 = 1, kTypeNonhead = 2, kTypeHead2 = 3;
constexpr std::uint32_t kD0Cblkcnt = 1U << 11;
constexpr std::uint32_t kNullAddr = 0xFFFFFFFF;
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 1ULL << 32;
constexpr std::uint64_t kMaxExtent = 1ULL << 30;  // decoded bytes from one compressed pcluster
constexpr std::uint32_t kMaxLzmaDict = 8U << 20;  // the kernel refuses more (Z_EROFS_LZMA_MAX_DICT_SIZE)
constexpr Magic kMagics[] = {{"e2 e1 f5 e0", 1024}};
constexpr std::string_view kRefs[] = {"linux fs/erofs/erofs_fs.h, fs/erofs/zmap.c, fs/erofs/decompressor.c",
                                      "erofs-utils (mkfs.erofs, fsck.erofs)"};
constexpr std::string_view kLimits[] = {"fragments (the packed inode) and data on extra devices are not read: their bytes are holes, and a diagnostic says so",
                                        "extended attributes are not reported",
                                        "the superblock checksum is not checked for blocks of 1 KiB or less"};
constexpr HandlerInfo kInfo{"erofs", Category::kFilesystem, "EROFS (uncompressed, LZ4, MicroLZMA, DEFLATE; chunk-based files)", kMagics, kRefs, kLimits};

std::string_view algorithm_name(unsigned a) {
  switch (a) {
    case 0: return "lz4";
    case 1: return "lzma";
    case 2: return "deflate";
    case 3: return "zstd";
    default: return "unknown";
  }
}

struct Super {
  std::uint32_t blkbits = 12, blocks = 0, meta_blkaddr = 0, compat = 0, incompat = 0, checksum = 0, sb_size = 128;
  std::uint64_t blksz = 4096, root_nid = 0, inos = 0, build_time = 0;
  std::uint16_t algs = 1, extra_devices = 0;
  std::uint8_t dirblkbits = 0;
  std::uint32_t lzma_dict = kMaxLzmaDict;
  std::string uuid, volume;
};

std::optional<Super> parse_super(ByteView v) {
  auto sb = subview(v, kSuperOffset, 128);
  if (!sb || *load_le32(*sb, 0) != 0xE0F5E1E2) return std::nullopt;
  Super s;
  s.checksum = *load_le32(*sb, 4);
  s.compat = *load_le32(*sb, 8);
  s.blkbits = (*sb)[12];
  s.sb_size = 128 + 16U * (*sb)[13];
  s.root_nid = *load_le16(*sb, 14);
  s.inos = *load_le64(*sb, 16);
  s.build_time = *load_le64(*sb, 24);
  s.blocks = *load_le32(*sb, 36);
  s.meta_blkaddr = *load_le32(*sb, 40);
  s.incompat = *load_le32(*sb, 80);
  s.extra_devices = *load_le16(*sb, 86);
  s.dirblkbits = (*sb)[90];
  if (s.blkbits < 9 || s.blkbits > 16 || s.blocks == 0 || s.dirblkbits > 4) return std::nullopt;
  s.blksz = 1ULL << s.blkbits;
  if ((s.incompat & kIncompatComprCfgs) != 0) s.algs = *load_le16(*sb, 84);
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    const std::uint8_t b = (*sb)[48 + static_cast<std::size_t>(i)];
    s.uuid += kHex[b >> 4];
    s.uuid += kHex[b & 15];
    if (i == 3 || i == 5 || i == 7 || i == 9) s.uuid += '-';
  }
  const std::string_view name = as_chars(sb->subspan(64, 16));
  s.volume = std::string(name.substr(0, name.find('\0')));
  return s;
}

// The superblock checksum as the kernel computes it: crc32c seeded with ~0 and not inverted at
// the end, over the rest of the superblock's block with the checksum field zero.
std::optional<bool> checksum_ok(ByteView v, const Super& s) {
  if ((s.compat & kCompatSbChksum) == 0 || s.blksz <= kSuperOffset) return std::nullopt;
  auto region = subview(v, kSuperOffset, s.blksz - kSuperOffset);
  if (!region) return false;
  std::vector<std::uint8_t> copy(region->begin(), region->end());
  std::fill_n(copy.begin() + 4, 4, 0);
  return (crc32c(ByteView(copy)) ^ 0xFFFFFFFFU) == s.checksum;
}

// The LZMA configuration record, when the superblock lists its algorithms (COMPR_CFGS): the
// dictionary size the MicroLZMA streams were written with.
void read_compr_cfgs(ByteView v, Super& s) {
  if ((s.incompat & kIncompatComprCfgs) == 0) return;
  std::uint64_t pos = kSuperOffset + s.sb_size;
  for (unsigned alg = 0; alg < 16; ++alg) {
    if ((s.algs & (1U << alg)) == 0) continue;
    auto size = load_le16(v, pos);
    if (!size) return;
    if (alg == 1) {
      if (auto dict = load_le32(v, pos + 2); dict && *dict >= 4096 && *dict <= kMaxLzmaDict) s.lzma_dict = *dict;
    }
    pos += 2ULL + *size;
  }
}

struct Inode {
  std::uint64_t nid = 0, pos = 0, size = 0;
  std::uint8_t layout = 0;
  std::uint32_t isize = 32, xattr_size = 0, mode = 0, uid = 0, gid = 0, nlink = 1, u = 0;
  std::int64_t mtime = 0;
  std::uint64_t body() const { return pos + isize + xattr_size; }  // inline data, chunk array, map header
};

// What reading one file found wrong, counted per kind; the reader names them in one line.
struct Damage {
  std::uint32_t outside = 0, corrupt = 0, unsupported = 0;
  std::set<std::string> what;
  bool any() const { return outside + corrupt + unsupported > 0; }
  std::string text() const {
    std::string t;
    for (const std::string& w : what) t += (t.empty() ? "" : "; ") + w;
    return t;
  }
};

// One lcluster index, decoded.
struct LCluster {
  std::uint8_t type = kTypePlain;
  std::uint32_t clusterofs = 0, pblk = 0, compressedblks = 0;
  bool cblkcnt = false;
  std::uint64_t nextpackoff = 0;  // where the index storage after this index's pack begins
};

class Fs {
 public:
  Fs(ByteView v, const Super& s) : v_(v), s_(s) {}

  std::optional<Inode> inode(std::uint64_t nid) const {
    const std::uint64_t pos = (std::uint64_t{s_.meta_blkaddr} << s_.blkbits) + nid * 32;
    if (nid > (v_.size() >> 5)) return std::nullopt;
    auto head = subview(v_, pos, 32);
    if (!head) return std::nullopt;
    Inode in;
    in.nid = nid;
    in.pos = pos;
    const std::uint16_t format = *load_le16(*head, 0);
    const bool extended = (format & 1) != 0;
    in.layout = static_cast<std::uint8_t>((format >> 1) & 7);
    const std::uint16_t icount = *load_le16(*head, 2);
    in.xattr_size = icount == 0 ? 0 : 12U + 4U * (icount - 1U);
    in.mode = *load_le16(*head, 4);
    in.u = *load_le32(*head, 16);
    if (extended) {
      auto r = subview(v_, pos, 64);
      if (!r) return std::nullopt;
      in.isize = 64;
      in.size = *load_le64(*r, 8);
      in.uid = *load_le32(*r, 24);
      in.gid = *load_le32(*r, 28);
      in.mtime = static_cast<std::int64_t>(*load_le64(*r, 32));
      in.nlink = *load_le32(*r, 44);
    } else {
      in.nlink = *load_le16(*head, 6);
      in.size = *load_le32(*head, 8);
      in.uid = *load_le16(*head, 24);
      in.gid = *load_le16(*head, 26);
      in.mtime = static_cast<std::int64_t>(s_.build_time);
    }
    if (in.layout > kChunkBased || in.body() > v_.size()) return std::nullopt;
    return in;
  }

  // The first `size` bytes of the inode's data into `out` (holes as holes). What is damaged is
  // counted in `dmg`, its place left as zeros.
  void read(const Inode& in, std::uint64_t size, OutputBuffer& out, Damage& dmg) const {
    switch (in.layout) {
      case kFlatPlain:
      case kFlatInline: flat(in, size, out, dmg); break;
      case kChunkBased: chunked(in, size, out, dmg); break;
      case kCompressedFull:
      case kCompressedCompact: compressed(in, size, out, dmg); break;
      default: break;  // inode() refuses other layouts
    }
    out.resize(size);
  }
  std::vector<std::uint8_t> read_small(const Inode& in, std::uint64_t size, Damage& dmg) const {
    auto out = OutputBuffer::make(size);
    if (!out) {
      dmg.what.insert(out.error().message);
      ++dmg.unsupported;
      return {};
    }
    read(in, size, *out, dmg);
    const Blob b = Blob::adopt(std::move(*out));
    return {b.bytes().begin(), b.bytes().end()};
  }

  const Super& super() const { return s_; }

 private:
  static void bad(Damage& d, std::uint32_t& counter, std::string what) {
    ++counter;
    if (d.what.size() < 8) d.what.insert(std::move(what));
  }

  void flat(const Inode& in, std::uint64_t size, OutputBuffer& out, Damage& dmg) const {
    const std::uint64_t blocks = (in.size + s_.blksz - 1) >> s_.blkbits;
    const bool tail = in.layout == kFlatInline && blocks > 0;
    const std::uint64_t in_blocks = tail ? (blocks - 1) << s_.blkbits : in.size;
    const std::uint64_t first = std::min(size, in_blocks);
    if (first > 0) {
      auto b = in.u == kNullAddr ? std::nullopt : subview(v_, std::uint64_t{in.u} << s_.blkbits, first);
      if (b) out.write_at(0, *b);
      else bad(dmg, dmg.outside, "data blocks outside the image");
    }
    if (tail && size > in_blocks) {
      const std::uint64_t n = size - in_blocks;
      auto b = (in.body() & (s_.blksz - 1)) + (in.size - in_blocks) <= s_.blksz ? subview(v_, in.body(), n) : std::nullopt;
      if (b) out.write_at(in_blocks, *b);
      else bad(dmg, dmg.corrupt, "inline tail crosses its block or the image's end");
    }
  }

  void chunked(const Inode& in, std::uint64_t size, OutputBuffer& out, Damage& dmg) const {
    const std::uint32_t format = in.u & 0xFFFF;
    const std::uint32_t bits = s_.blkbits + (format & 0x1F);
    if (bits > 40) {
      bad(dmg, dmg.corrupt, "chunk size of 2^" + std::to_string(bits) + " bytes");
      return;
    }
    const bool indexes = (format & 0x20) != 0;
    const std::uint64_t unit = indexes ? 8 : 4, chunk = 1ULL << bits;
    const std::uint64_t array = (in.body() + unit - 1) / unit * unit;
    for (std::uint64_t i = 0, at = 0; at < size; ++i, at += chunk) {
      const std::uint64_t len = std::min(chunk, size - at);
      auto e = subview(v_, array + i * unit, unit);
      if (!e) {
        bad(dmg, dmg.outside, "chunk index outside the image");
        return;
      }
      const std::uint32_t addr = indexes ? *load_le32(*e, 4) : *load_le32(*e, 0);
      const std::uint16_t device = indexes ? *load_le16(*e, 2) : 0;
      if (addr == kNullAddr) continue;  // a hole
      if (device != 0) {
        bad(dmg, dmg.unsupported, "chunks on extra device(s) not read");
        continue;
      }
      auto b = subview(v_, std::uint64_t{addr} << s_.blkbits, len);
      if (b) out.write_at(at, *b);
      else bad(dmg, dmg.outside, "chunk outside the image");
    }
  }

  struct MapHeader {
    std::uint64_t at = 0;  // the header's offset
    std::uint16_t advise = 0, idata_size = 0;
    std::uint8_t algs = 0;
    std::uint32_t lcbits = 12;
    std::uint64_t lclusters = 0;
  };

  // The kernel's unpack of one compact index (z_erofs_load_compact_lcluster and
  // unpack_compacted_index): which pack holds `lcn`, its bit string, the block address at the
  // pack's end and the HEADs before `lcn` in the pack.
  std::optional<LCluster> compact(const MapHeader& h, std::uint64_t lcn) const {
    const std::uint64_t ebase = h.at + 8;
    std::uint64_t initial = (32 - ebase % 32) / 4;
    if (initial == 8) initial = 0;
    std::uint64_t two_b = 0;
    if ((h.advise & kAdviseCompacted2B) != 0 && initial < h.lclusters) two_b = (h.lclusters - initial) / 16 * 16;
    std::uint64_t pos = ebase;
    unsigned shift = 2;
    std::uint64_t idx = lcn;
    if (idx >= initial) {
      pos += initial * 4;
      idx -= initial;
      if (idx < two_b) {
        shift = 1;
      } else {
        pos += two_b * 2;
        idx -= two_b;
      }
    }
    pos += idx << shift;
    unsigned vcnt = 0;
    if (shift == 2) vcnt = 2;
    else if (h.lcbits == 12) vcnt = 16;
    else return std::nullopt;
    const std::uint64_t pack = std::uint64_t{vcnt} << shift;
    const std::uint64_t base = pos / pack * pack;
    auto in = subview(v_, base, pack);
    if (!in) return std::nullopt;
    const unsigned lobits = std::max(h.lcbits, 12U);
    const unsigned encodebits = static_cast<unsigned>((pack - 4) * 8 / vcnt);
    auto decode = [&](int i, std::uint8_t& type) -> std::uint32_t {
      const std::uint64_t bit = std::uint64_t{encodebits} * static_cast<unsigned>(i);
      std::uint32_t v = 0;
      for (std::uint64_t k = 0; k < 4 && bit / 8 + k < pack; ++k) v |= std::uint32_t{(*in)[bit / 8 + k]} << (8 * k);
      v >>= bit & 7;
      type = static_cast<std::uint8_t>((v >> lobits) & 3);
      return v & ((1U << lobits) - 1);
    };
    LCluster m;
    m.nextpackoff = base + pack;
    int i = static_cast<int>((pos - base) >> shift);
    std::uint8_t type = 0;
    std::uint32_t lo = decode(i, type);
    m.type = type;
    const bool big = (h.advise & kAdviseBigPcluster1) != 0;
    if (type == kTypeNonhead) {
      if ((lo & kD0Cblkcnt) != 0) {
        m.cblkcnt = true;
        m.compressedblks = lo & ~kD0Cblkcnt;
      }
      return m;
    }
    m.clusterofs = lo;
    std::uint32_t nblk = 0;
    if (!big) {
      nblk = 1;
      while (i > 0) {
        --i;
        lo = decode(i, type);
        if (type == kTypeNonhead) i -= static_cast<int>(lo);
        if (i >= 0) ++nblk;
      }
    } else {
      while (i > 0) {
        --i;
        lo = decode(i, type);
        if (type == kTypeNonhead) {
          if ((lo & kD0Cblkcnt) != 0) {
            --i;
            nblk += lo & ~kD0Cblkcnt;
            continue;
          }
          if (lo <= 1) return std::nullopt;
          i -= static_cast<int>(lo) - 2;
          continue;
        }
        ++nblk;
      }
    }
    m.pblk = *load_le32(*in, pack - 4) + nblk;
    return m;
  }

  std::optional<LCluster> full(const MapHeader& h, std::uint64_t lcn) const {
    const std::uint64_t pos = h.at + 16 + lcn * 8;
    auto e = subview(v_, pos, 8);
    if (!e) return std::nullopt;
    LCluster m;
    m.nextpackoff = pos + 8;
    m.type = static_cast<std::uint8_t>(*load_le16(*e, 0) & 3);
    m.clusterofs = *load_le16(*e, 2);
    if (m.type == kTypeNonhead) {
      const std::uint16_t d0 = *load_le16(*e, 4);
      if ((d0 & kD0Cblkcnt) != 0) {
        m.cblkcnt = true;
        m.compressedblks = d0 & ~kD0Cblkcnt;
      }
    } else {
      m.pblk = *load_le32(*e, 4);
    }
    return m;
  }

  // Decodes one pcluster into out[start, start + want) (want <= the extent's length `extent`).
  void decode(std::uint8_t type, unsigned alg, ByteView src, std::uint64_t start, std::uint64_t want, std::uint64_t extent, bool interlaced,
              OutputBuffer& out, Damage& dmg) const {
    if (type == kTypePlain) {
      if (src.size() < want) {
        bad(dmg, dmg.corrupt, "stored pcluster shorter than its extent");
        want = src.size();
      }
      std::vector<std::uint8_t> plain(want);
      const std::uint64_t rot = interlaced ? start & (s_.blksz - 1) : 0;
      const std::uint64_t span = interlaced ? std::min<std::uint64_t>(s_.blksz, src.size()) : src.size();
      for (std::uint64_t j = 0; j < want; ++j) plain[j] = src[interlaced ? (rot + j) % span : j];
      out.write_at(start, ByteView(plain));
      return;
    }
    if ((s_.incompat & kIncompatZeroPadding) != 0 || alg != 0) {
      std::size_t zeros = 0;
      while (zeros < src.size() && zeros < s_.blksz && src[zeros] == 0) ++zeros;
      src = src.subspan(zeros);
    }
    // One pcluster is at most 1 MiB (Z_EROFS_PCLUSTER_MAX_SIZE), so no codec here expands it past
    // 1 GiB; a larger extent is a lie, and the decoders take their sizes as int or uInt.
    if (want > kMaxExtent) {
      bad(dmg, dmg.corrupt, "extent of " + std::to_string(want) + " bytes from one pcluster");
      return;
    }
    std::uint64_t n = want;
    std::uint8_t* dst = out.write_window(start, n);
    if (dst == nullptr || n < want) {
      bad(dmg, dmg.unsupported, "output window refused");
      return;
    }
    std::uint64_t got = 0;
    bool ok = false;
    if (alg == 0) {
      const int r = LZ4_decompress_safe_partial(reinterpret_cast<const char*>(src.data()), reinterpret_cast<char*>(dst),  // NOLINT
                                                static_cast<int>(std::min<std::uint64_t>(src.size(), 1U << 30)), static_cast<int>(want),
                                                static_cast<int>(want));
      ok = r >= 0;
      got = ok ? static_cast<std::uint64_t>(r) : 0;
    } else if (alg == 1) {
      lzma_stream ls = LZMA_STREAM_INIT;
      if (lzma_microlzma_decoder(&ls, src.size(), want, want == extent, s_.lzma_dict) == LZMA_OK) {
        ls.next_in = src.data();
        ls.avail_in = src.size();
        ls.next_out = dst;
        ls.avail_out = want;
        const lzma_ret r = lzma_code(&ls, LZMA_FINISH);
        got = want - ls.avail_out;
        ok = r == LZMA_STREAM_END || (r == LZMA_OK && got == want);
      }
      lzma_end(&ls);
    } else if (alg == 2) {
      z_stream zs{};
      if (inflateInit2(&zs, -15) == Z_OK) {
        zs.next_in = const_cast<Bytef*>(src.data());  // NOLINT: zlib's API is not const
        zs.avail_in = static_cast<uInt>(std::min<std::uint64_t>(src.size(), 1U << 30));
        zs.next_out = dst;
        zs.avail_out = static_cast<uInt>(want);
        const int r = inflate(&zs, Z_FINISH);
        got = want - zs.avail_out;
        ok = r == Z_STREAM_END || (got == want && r != Z_DATA_ERROR);
      }
      inflateEnd(&zs);
    } else {
      bad(dmg, dmg.unsupported, std::string(algorithm_name(alg)) + " pclusters not read");
      return;
    }
    if (!ok) bad(dmg, dmg.corrupt, std::string(algorithm_name(alg)) + " pcluster does not decode");
    else if (got < want) bad(dmg, dmg.corrupt, std::string(algorithm_name(alg)) + " pcluster decodes short of its extent");
  }

  void compressed(const Inode& in, std::uint64_t size, OutputBuffer& out, Damage& dmg) const {
    MapHeader h;
    h.at = (in.body() + 7) / 8 * 8;
    auto hb = subview(v_, h.at, 8);
    if (!hb) {
      bad(dmg, dmg.outside, "map header outside the image");
      return;
    }
    h.idata_size = *load_le16(*hb, 2);
    h.advise = *load_le16(*hb, 4);
    h.algs = (*hb)[6];
    const std::uint8_t clusterbits = (*hb)[7];
    h.lcbits = s_.blkbits + (clusterbits & 7);
    if ((h.advise & kAdviseFragment) != 0 || (clusterbits & 0x80) != 0) {
      bad(dmg, dmg.unsupported, "fragments (the packed inode) not read");
      return;
    }
    h.lclusters = (in.size + (1ULL << h.lcbits) - 1) >> h.lcbits;
    const bool is_full = in.layout == kCompressedFull;
    // The indexes (at least 2 bytes each) must fit in the image, whatever size the inode claims.
    if (h.lclusters > v_.size() / (is_full ? 8 : 2)) {
      bad(dmg, dmg.outside, "lcluster indexes past the image's end");
      return;
    }
    auto index = [&](std::uint64_t lcn) { return is_full ? full(h, lcn) : compact(h, lcn); };
    const bool tailpacked = (h.advise & kAdviseInlinePcluster) != 0;
    std::uint64_t tail_at = 0;
    if (tailpacked && h.lclusters > 0) {
      auto last = index(h.lclusters - 1);
      if (!last) {
        bad(dmg, dmg.corrupt, "damaged lcluster index");
        return;
      }
      tail_at = last->nextpackoff;
    }
    const std::uint64_t lcsize = 1ULL << h.lcbits;
    struct Head {
      std::uint64_t lcn, start;
      LCluster m;
    };
    std::vector<Head> heads;
    const std::uint64_t need = std::min(h.lclusters, ((size + lcsize - 1) >> h.lcbits) + 1);
    for (std::uint64_t lcn = 0; lcn < need; ++lcn) {
      auto m = index(lcn);
      if (!m) {
        bad(dmg, dmg.corrupt, "damaged lcluster index");
        break;
      }
      if (m->type != kTypeNonhead) {
        if (m->clusterofs >= lcsize || (lcn == 0 && m->clusterofs != 0)) {
          bad(dmg, dmg.corrupt, "HEAD lcluster with a cluster offset past its lcluster");
          break;
        }
        heads.push_back({lcn, (lcn << h.lcbits) + m->clusterofs, *m});
      } else if (lcn == 0) {
        bad(dmg, dmg.corrupt, "first lcluster is not a HEAD");
        break;
      } else if (!heads.empty() && heads.back().lcn + 1 == lcn && m->cblkcnt) {
        heads.back().m.compressedblks = m->compressedblks;
        heads.back().m.cblkcnt = true;
      }
    }
    for (std::size_t k = 0; k < heads.size(); ++k) {
      const Head& hd = heads[k];
      if (hd.start >= size) break;
      const std::uint64_t end = k + 1 < heads.size() ? heads[k + 1].start : in.size;
      if (end <= hd.start) {
        bad(dmg, dmg.corrupt, "extents out of order");
        break;
      }
      const std::uint64_t want = std::min(end, size) - hd.start;
      const unsigned alg = hd.m.type == kTypeHead2 ? h.algs >> 4 : h.algs & 15;
      const bool big = hd.m.type == kTypeHead1 ? (h.advise & kAdviseBigPcluster1) != 0 : (h.advise & kAdviseBigPcluster2) != 0;
      // The pcluster of the extent that reaches the end of the file, with ztailpacking, is inline
      // after the indexes (mkfs may end the file with a HEAD at the end itself, which starts no
      // extent); a file cut by a limit never reaches it.
      const bool is_tail = tailpacked && need == h.lclusters && end >= in.size;
      std::optional<ByteView> src;
      if (is_tail) {
        src = (tail_at & (s_.blksz - 1)) + h.idata_size <= s_.blksz ? subview(v_, tail_at, h.idata_size) : std::nullopt;
      } else {
        const std::uint64_t blocks = big && hd.m.cblkcnt ? hd.m.compressedblks : 1;
        if (blocks == 0 || blocks > (v_.size() >> s_.blkbits)) {
          bad(dmg, dmg.corrupt, "pcluster of " + std::to_string(blocks) + " blocks");
          continue;
        }
        src = subview(v_, std::uint64_t{hd.m.pblk} << s_.blkbits, blocks << s_.blkbits);
      }
      if (!src) {
        bad(dmg, dmg.outside, "pcluster outside the image");
        continue;
      }
      decode(hd.m.type, alg, *src, hd.start, want, end - hd.start, (h.advise & kAdviseInterlaced) != 0, out, dmg);
    }
  }

  ByteView v_;
  const Super& s_;
};

struct FileToDecode {
  std::size_t child = 0;
  std::string name;
  Inode inode;
  std::uint64_t size = 0;
};

// What the continuation that decodes the files needs: the chunk's bytes, the superblock and the
// files still to decode, in walk order.
struct Image {
  Blob chunk;
  Super super;
  std::vector<FileToDecode> files;
  std::size_t next = 0;
};

MoreBytes next_batch(Image& im, ExtractContext& ctx) {
  std::size_t last = im.next;
  std::uint64_t bytes = 0;
  while (last < im.files.size() && (last == im.next || bytes + im.files[last].size <= ctx.batch_bytes())) bytes += im.files[last++].size;
  const std::size_t first = im.next, n = last - first;
  const Fs fs(im.chunk.bytes(), im.super);
  std::vector<Blob> decoded(n);
  std::vector<Damage> damage(n);
  std::vector<std::string> refused(n);
  auto decode = [&](std::size_t i, unsigned) {
    const FileToDecode& f = im.files[first + i];
    auto out = OutputBuffer::make(f.size);
    if (!out) {
      refused[i] = out.error().message;
      return;
    }
    fs.read(f.inode, f.size, *out, damage[i]);
    decoded[i] = Blob::adopt(std::move(*out));
  };
  if (ctx.pool() != nullptr && n > 1) ctx.pool()->run(n, decode);
  else for (std::size_t i = 0; i < n; ++i) decode(i, 0);
  MoreBytes got;
  for (std::size_t i = 0; i < n; ++i) {
    const FileToDecode& f = im.files[first + i];
    if (!refused[i].empty()) {
      got.complete = false;
      got.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "'" + f.name + "': " + refused[i], "", std::nullopt});
    } else if (damage[i].any()) {
      got.complete = false;
      const DiagCode code = damage[i].corrupt + damage[i].outside > 0 ? DiagCode::kMalformed : DiagCode::kUnsupported;
      got.diagnostics.push_back({Severity::kWarning, code, "file '" + f.name + "': " + damage[i].text() + "; zeros in their place", "", std::nullopt});
    }
    got.bytes.emplace_back(f.child, std::move(decoded[i]));
  }
  im.next = last;
  return got;
}

std::string feature_list(const Super& s) {
  std::string out;
  auto add = [&](bool on, std::string_view name) {
    if (on) out += (out.empty() ? "" : ",") + std::string(name);
  };
  add((s.compat & kCompatSbChksum) != 0, "sb_csum");
  add((s.incompat & kIncompatZeroPadding) != 0, "0padding");
  add((s.incompat & kIncompatComprCfgs) != 0, "compr_cfgs");
  add((s.incompat & kIncompatChunked) != 0, "chunked_file");
  add((s.incompat & kIncompatDeviceTable) != 0, "device_table");
  add((s.incompat & kIncompatZtailpacking) != 0, "ztailpacking");
  add((s.incompat & kIncompatFragments) != 0, "fragments");
  add((s.incompat & kIncompatXattrPrefixes) != 0, "xattr_prefixes");
  return out;
}

class ErofsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto s = parse_super(at);
    if (!s) return std::nullopt;
    const Fs fs(at, *s);
    auto root = fs.inode(s->root_nid);
    if (!root || (root->mode & 0xF000) != 0x4000) return std::nullopt;
    const std::uint64_t size = std::uint64_t{s->blocks} << s->blkbits;
    return walk::volume_chunk(start, at, size, "EROFS, " + human_size(s->blksz) + " blocks, " + std::to_string(s->inos) + " inodes");
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto parsed = parse_super(chunk.bytes());
    if (!parsed) return make_error(Errc::kMalformed, "superblock", kSuperOffset);
    auto image = std::make_shared<Image>();
    image->chunk = chunk;
    image->super = *parsed;
    Super& s = image->super;
    read_compr_cfgs(chunk.bytes(), s);
    const Fs fs(chunk.bytes(), s);
    Extraction ex;
    ex.properties = {{"block_size", std::to_string(s.blksz)}, {"uuid", s.uuid}, {"features", feature_list(s)}, {"inodes", std::to_string(s.inos)}};
    if (!s.volume.empty()) ex.properties.emplace_back("volume_name", s.volume);
    walk::check_declared(ex, std::uint64_t{s.blocks} << s.blkbits, chunk.size());
    if (auto ok = checksum_ok(chunk.bytes(), s)) {
      ex.properties.emplace_back("superblock_crc32c", *ok ? "ok" : "mismatch");
      if (*ok) ex.verified.push_back({kSuperOffset, s.blksz - kSuperOffset});  // what the checksum covers
      if (!*ok) ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "superblock crc32c does not match", "", kSuperOffset + 4});
    }
    if ((s.incompat & ~kKnownIncompat) != 0) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kUnsupported, "unknown incompatible features " + hex_u64(s.incompat & ~kKnownIncompat) + ": read as far as the known layout allows", "", std::nullopt});
    }
    if (s.extra_devices > 0) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kUnsupported, std::to_string(s.extra_devices) + " extra device(s): data placed on them is not in this image", "", std::nullopt});
    }

    std::map<std::uint64_t, std::string> first_path;
    std::uint32_t count = 0, bad_inodes = 0, bad_dirs = 0;
    std::set<std::string> dir_damage;
    const std::uint64_t dirblk = s.blksz << s.dirblkbits;
    bool stopped = false;
    auto list = [&](std::uint64_t nid, const std::string& path) {
      std::vector<std::pair<std::string, std::uint64_t>> entries;
      auto dir = fs.inode(nid);
      if (!dir) {
        ++bad_inodes;
        return entries;
      }
      Damage dmg;
      const auto data = fs.read_small(*dir, walk::listing_size(ex, path, dir->size, chunk.size(), 64ULL << 20), dmg);
      if (dmg.any()) {
        ++bad_dirs;
        dir_damage.insert(dmg.text());
      }
      const ByteView all(data);
      for (std::uint64_t b = 0; b < all.size(); b += dirblk) {
        const ByteView blk = all.subspan(b, std::min<std::uint64_t>(dirblk, all.size() - b));
        auto first_off = load_le16(blk, 8);
        if (!first_off || *first_off < 12 || *first_off % 12 != 0 || *first_off > blk.size()) {
          ++bad_dirs;
          continue;
        }
        const std::uint64_t n = *first_off / 12;
        for (std::uint64_t i = 0; i < n; ++i) {
          const std::uint64_t child = *load_le64(blk, i * 12);
          const std::uint64_t off = *load_le16(blk, i * 12 + 8);
          const std::uint64_t end = i + 1 < n ? *load_le16(blk, (i + 1) * 12 + 8) : blk.size();
          if (off < *first_off || end < off || end > blk.size()) {
            ++bad_dirs;
            break;
          }
          std::string_view name = as_chars(blk.subspan(off, end - off));
          if (i + 1 == n) name = name.substr(0, name.find('\0'));
          if (name == "." || name == "..") continue;
          entries.emplace_back(std::string(name), child);
        }
      }
      return entries;
    };
    auto fill = [&](Child& c, std::uint64_t nid, const std::string& path) -> walk::Step {
      auto in = fs.inode(nid);
      if (!in) {
        ++bad_inodes;
        c.meta.kind = EntryKind::kOther;
        return walk::Step::kNext;
      }
      walk::unix_meta(c.meta, in->mode, in->uid, in->gid, in->mtime);
      switch (c.meta.kind) {
        case EntryKind::kDirectory: return walk::Step::kDescend;
        case EntryKind::kCharDevice:
        case EntryKind::kBlockDevice:
          c.meta.dev_major = (in->u & 0xFFF00) >> 8;
          c.meta.dev_minor = (in->u & 0xFF) | ((in->u >> 12) & 0xFFF00);
          return walk::Step::kNext;
        case EntryKind::kSymlink: {
          Damage dmg;
          const auto target = fs.read_small(*in, std::min<std::uint64_t>(in->size, 4096), dmg);
          c.meta.link_target.assign(target.begin(), target.end());
          if (dmg.any()) ++bad_inodes;
          return walk::Step::kNext;
        }
        case EntryKind::kFile: {
          if (walk::link_to_first(first_path, nid, path, c.meta, in->nlink, ex)) return walk::Step::kNext;
          const std::uint64_t size = walk::entry_size(ctx, ex, path, in->size, chunk.size(), kMaxFile);
          if (!walk::charge(ctx, ex, size)) {
            stopped = true;
            return walk::Step::kStop;
          }
          c.later = true;
          image->files.push_back({ex.children.size(), path, *in, size});
          return walk::Step::kNext;
        }
        default: return walk::Step::kNext;
      }
    };
    walk::unix_tree(s.root_nid, ex, count, kMaxEntries, list, fill);
    (void)stopped;
    if (bad_inodes > 0 || bad_dirs > 0) {
      std::string why;
      for (const std::string& d : dir_damage) why += "; " + d;
      walk::damage(ex, std::to_string(bad_inodes) + " unreadable inode(s), " + std::to_string(bad_dirs) + " damaged directory block(s)" + why);
    }
    return give_later(std::move(ex), [image](ExtractContext& next) { return next_batch(*image, next); }, ctx);
  }
};

}  // namespace

HandlerPtr make_erofs_handler() { return std::make_unique<ErofsHandler>(); }

}  // namespace fwscan
