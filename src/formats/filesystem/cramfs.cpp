// cramfs (linux include/uapi/linux/cramfs_fs.h; camera-formats.md 4.4), both byte orders.
// Superblock (76 bytes): 00 magic 0x28cd3d45  04 size  08 flags  0c future  10 "Compressed ROMFS"
//   20 fsid.crc  24 edition  28 blocks  2c files  30 name[16]  40 root inode
// Inode (12 bytes, bit fields in the image's byte order): mode:16 uid:16 | size:24 gid:8 |
//   namelen:6 (x4) offset:26 (x4). Directories: entries (inode + padded name) at offset*4, `size`
//   bytes. Files and symlinks: at offset*4 an array of block-end pointers, then zlib blocks of at
//   most 4096 bytes; a zero-length block is a hole. CRC-32 over `size` bytes with fsid.crc zeroed
//   (some vendors store it byte-swapped).
#include <zlib.h>

#include <set>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kSuper = 76;
constexpr std::uint64_t kPage = 4096;
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint32_t kFlagFsidV2 = 0x1, kFlagHoles = 0x100;
constexpr std::uint32_t kBlkUncompressed = 1U << 31, kBlkDirect = 1U << 30;
constexpr Magic kMagics[] = {{"45 3d cd 28"}, {"28 cd 3d 45"}};
constexpr std::string_view kRefs[] = {"linux include/uapi/linux/cramfs_fs.h, fs/cramfs/inode.c", "camera-formats.md 4.4"};
constexpr std::string_view kLimits[] = {"direct (XIP) block pointers are read as uncompressed blocks"};
constexpr HandlerInfo kInfo{"cramfs", Category::kFilesystem, "cramfs (both byte orders)", kMagics, kRefs, kLimits};

struct Inode {
  std::uint32_t mode = 0, uid = 0, size = 0, gid = 0;
  std::uint64_t namelen = 0, offset = 0;
};

std::optional<Inode> read_inode(ByteView v, std::uint64_t off, Endian e) {
  auto w0 = load_u32(v, off, e), w1 = load_u32(v, off + 4, e), w2 = load_u32(v, off + 8, e);
  if (!w0 || !w1 || !w2) return std::nullopt;
  Inode i;
  if (e == Endian::kLittle) {
    i.mode = *w0 & 0xFFFF; i.uid = *w0 >> 16;
    i.size = *w1 & 0xFFFFFF; i.gid = *w1 >> 24;
    i.namelen = (*w2 & 0x3F) * 4ULL; i.offset = (*w2 >> 6) * 4ULL;
  } else {
    i.mode = *w0 >> 16; i.uid = *w0 & 0xFFFF;
    i.size = *w1 >> 8; i.gid = *w1 & 0xFF;
    i.namelen = (*w2 >> 26) * 4ULL; i.offset = (*w2 & 0x3FFFFFF) * 4ULL;
  }
  return i;
}

std::uint32_t bswap(std::uint32_t v) { return __builtin_bswap32(v); }

struct Super {
  Endian endian;
  std::uint32_t size, flags, crc, edition, blocks, files;
  std::string name;
};

std::optional<Super> parse_super(ByteView at) {
  Super s{};
  if (has_bytes_at(at, 0, "\x45\x3d\xcd\x28")) s.endian = Endian::kLittle;
  else if (has_bytes_at(at, 0, "\x28\xcd\x3d\x45")) s.endian = Endian::kBig;
  else return std::nullopt;
  if (!has_bytes_at(at, 16, "Compressed ROMFS")) return std::nullopt;
  auto size = load_u32(at, 4, s.endian), flags = load_u32(at, 8, s.endian);
  auto crc = load_u32(at, 32, s.endian), edition = load_u32(at, 36, s.endian);
  auto blocks = load_u32(at, 40, s.endian), files = load_u32(at, 44, s.endian);
  auto name = subview(at, 48, 16);
  if (!size || !flags || !crc || !edition || !blocks || !files || !name || *size < kSuper) return std::nullopt;
  s.size = *size; s.flags = *flags; s.crc = *crc; s.edition = *edition; s.blocks = *blocks; s.files = *files;
  s.name = std::string(as_chars(*name));
  if (auto nul = s.name.find('\0'); nul != std::string::npos) s.name.resize(nul);
  return s;
}

class CramfsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto s = parse_super(at);
    if (!s) return std::nullopt;
    const std::string desc = std::string("cramfs ") + (s->endian == Endian::kLittle ? "LE" : "BE") + ", \"" + s->name +
                             "\", " + std::to_string(s->files) + " files, " + human_size(s->size);
    if (s->size > at.size()) return Chunk{start, at.size(), Confidence::kLow, desc + ", truncated"};
    return Chunk{start, s->size, Confidence::kHigh, desc};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto s = parse_super(chunk.bytes());
    if (!s) return make_error(Errc::kMalformed, "cramfs superblock does not parse", 0);
    const ByteView v = chunk.bytes();
    const Endian e = s->endian;
    Extraction ex;
    ex.properties = {{"endianness", e == Endian::kLittle ? "little" : "big"}, {"name", s->name},
                     {"files", std::to_string(s->files)}, {"edition", std::to_string(s->edition)}};
    if (s->size > v.size()) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "superblock size " + std::to_string(s->size) + " past the end (" +
                                std::to_string(v.size()) + " bytes)", "", 4});
    } else if ((s->flags & kFlagFsidV2) != 0) {
      std::vector<std::uint8_t> copy(v.begin(), v.begin() + s->size);
      copy[32] = copy[33] = copy[34] = copy[35] = 0;
      const std::uint32_t crc = crc32_ieee({copy.data(), copy.size()});
      const bool ok = crc == s->crc || bswap(crc) == s->crc;
      ex.properties.emplace_back("crc", ok ? "ok" : "mismatch");
      if (!ok) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "CRC stored 0x%08x, computed 0x%08x", s->crc, crc);
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, buf, "", 32});
      }
    }
    auto root = read_inode(v, 64, e);
    if (!root || entry_kind_from_mode(root->mode) != EntryKind::kDirectory) return make_error(Errc::kMalformed, "root inode is not a directory", 64);
    struct Dir { std::uint64_t offset, size; std::string path; };
    std::vector<Dir> stack{{root->offset, root->size, ""}};
    std::set<std::uint64_t> visited;
    std::uint32_t entries = 0;
    while (!stack.empty()) {
      Dir d = stack.back();
      stack.pop_back();
      if (!visited.insert(d.offset).second) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory at " + hex_u64(d.offset) + " visited twice", "", d.offset});
        continue;
      }
      std::vector<Dir> subdirs;
      std::uint64_t pos = d.offset;
      const std::uint64_t end = d.offset + d.size;
      while (pos < end) {
        if (++entries > kMaxEntries) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChildren, "entry limit reached", "", pos});
          return ex;
        }
        auto in = read_inode(v, pos, e);
        if (!in || in->namelen == 0) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "bad directory entry", "", pos});
          break;
        }
        auto raw = subview(v, pos + 12, in->namelen);
        if (!raw) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "entry name past the end", "", pos});
          break;
        }
        std::string name(as_chars(*raw));
        if (auto nul = name.find('\0'); nul != std::string::npos) name.resize(nul);
        pos += 12 + in->namelen;
        const std::string path = d.path.empty() ? name : d.path + "/" + name;
        Child c;
        c.name = path;
        c.origin = ChildOrigin::kDecoded;
        walk::unix_meta(c.meta, in->mode, in->uid, in->gid);
        if (c.meta.kind == EntryKind::kDirectory) {
          if (in->offset != 0 && in->size != 0) subdirs.push_back({in->offset, in->size, path});
        } else if (c.meta.kind == EntryKind::kFile || c.meta.kind == EntryKind::kSymlink) {
          Blob data = read_file(v, e, *in, s->flags, ctx, path, ex);
          if (c.meta.kind == EntryKind::kSymlink) c.meta.link_target.assign(data.bytes().begin(), data.bytes().end());
          else c.data = std::move(data);
        } else if (c.meta.kind == EntryKind::kCharDevice || c.meta.kind == EntryKind::kBlockDevice) {
          c.meta.dev_major = (in->size >> 8) & 0xFF;
          c.meta.dev_minor = in->size & 0xFF;
        }
        ex.children.push_back(std::move(c));
      }
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
    }
    return ex;
  }

 private:
  // A file's data; a block the image marks as a hole (a zero-length block, with the holes flag)
  // stays a hole in memory (OutputBuffer): 16 MiB of hole costs no page.
  static Blob read_file(ByteView v, Endian e, const Inode& in, std::uint32_t flags, ExtractContext& ctx, const std::string& path,
                        Extraction& ex) {
    if (in.size == 0) return Blob::own({});
    const std::uint64_t nblocks = (in.size + kPage - 1) / kPage;
    std::uint64_t start = in.offset + nblocks * 4;
    if (!ctx.budget().charge(in.size)) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitTotal, "total extraction budget exhausted", "", in.offset});
      ex.complete = false;
      return Blob::own({});
    }
    auto buffer = OutputBuffer::make(in.size);
    if (!buffer) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "'" + path + "': " + buffer.error().message, "", in.offset});
      ex.complete = false;
      return Blob::own({});
    }
    OutputBuffer& out = *buffer;
    for (std::uint64_t b = 0; b < nblocks; ++b) {
      auto ptr = load_u32(v, in.offset + b * 4, e);  // the image's byte order, like every field
      if (!ptr) {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "block pointers of '" + path + "' past the end", "", in.offset});
        ex.complete = false;
        break;
      }
      const std::uint32_t flags_bits = *ptr & (kBlkUncompressed | kBlkDirect);
      const std::uint64_t block_end = *ptr & ~(kBlkUncompressed | kBlkDirect);
      const std::uint64_t want = std::min<std::uint64_t>(kPage, in.size - b * kPage);
      if (block_end == start && (flags & kFlagHoles) != 0) {  // hole
        out.append_hole(want);
        continue;
      }
      if (block_end < start || !range_fits(start, block_end - start, v.size())) {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "block " + std::to_string(b) + " of '" + path + "' has a bad pointer", "", in.offset + b * 4});
        ex.complete = false;
        break;
      }
      const ByteView blk = v.subspan(start, block_end - start);
      if ((flags_bits & kBlkUncompressed) != 0 || (flags_bits & kBlkDirect) != 0) {
        out.append(blk.subspan(0, std::min<std::uint64_t>(blk.size(), want)));
      } else {
        DecodeResult r = decode_stream(Codec::kZlib, blk, kPage);
        if (r.status != DecodeStatus::kComplete && r.produced != want) {
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "block " + std::to_string(b) + " of '" + path + "': " + r.message, "", start});
          ex.complete = false;
        }
        out.append(ByteView(r.out.data(), r.out.size()));  // the capacity cuts what passes the file's size
      }
      start = block_end;
    }
    return Blob::adopt(std::move(out));
  }
};

}  // namespace

HandlerPtr make_cramfs_handler() { return std::make_unique<CramfsHandler>(); }

}  // namespace fwscan
