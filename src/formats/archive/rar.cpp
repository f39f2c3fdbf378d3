// RAR archives, read by libarchive; the extent is found by walking the block headers natively.
//   RAR 1.5-4.x: "Rar!\x1a\x07\x00", then blocks {HEAD_CRC u16, HEAD_TYPE u8, HEAD_FLAGS u16,
//     HEAD_SIZE u16, [ADD_SIZE u32 when flags & 0x8000]}; the end block has type 0x7b.
//   RAR 5.0: "Rar!\x1a\x07\x01\x00", then blocks {CRC32 u32, header size vint, type vint,
//     flags vint, [extra size vint if flags & 1], [data size vint if flags & 2], ...}; the CRC
//     covers the size vint and the header; type 5 ends the archive.
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"52 61 72 21 1a 07 00"}, {"52 61 72 21 1a 07 01 00"}};
constexpr std::string_view kRefs[] = {"RAR 5.0 archive format (rarlab.com/technote.htm)", "RAR 4.x technote.txt"};
constexpr std::string_view kLimits[] = {"encrypted and multi-volume archives are reported, not extracted"};
constexpr HandlerInfo kInfo{"rar", Category::kArchive, "RAR archive (4.x, 5.0)", kMagics, kRefs, kLimits};
constexpr std::uint32_t kMaxBlocks = 1'000'000;

std::optional<std::uint64_t> vint(ByteView v, std::uint64_t& p) {
  std::uint64_t value = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    auto b = load_u8(v, p++);
    if (!b) return std::nullopt;
    value |= static_cast<std::uint64_t>(*b & 0x7F) << shift;
    if ((*b & 0x80) == 0) return value;
  }
  return std::nullopt;
}

// Bytes up to and including the end-of-archive block; nullopt when the first block is wrong.
std::optional<std::uint64_t> rar5_end(ByteView v, bool& complete) {
  std::uint64_t p = 8;
  for (std::uint32_t n = 0; n < kMaxBlocks; ++n) {
    const std::uint64_t block = p;
    auto crc = load_le32(v, p);
    p += 4;
    const std::uint64_t size_at = p;
    auto hsize = vint(v, p);
    if (!crc || !hsize || *hsize == 0 || *hsize > (2U << 20)) return n == 0 ? std::nullopt : std::optional(block);
    auto header = subview(v, size_at, p - size_at + *hsize);
    if (!header || crc32_ieee(*header) != *crc) return n == 0 ? std::nullopt : std::optional(block);
    std::uint64_t q = p;
    auto type = vint(v, q), flags = vint(v, q);
    if (!type || !flags) return std::nullopt;
    if (*flags & 1) (void)vint(v, q);
    std::uint64_t data = 0;
    if (*flags & 2) data = vint(v, q).value_or(0);
    p += *hsize;
    if (!range_fits(p, data, v.size())) return v.size();
    p += data;
    if (*type == 5) {
      complete = true;
      return p;
    }
  }
  return p;
}

std::optional<std::uint64_t> rar4_end(ByteView v, bool& complete) {
  std::uint64_t p = 7;
  for (std::uint32_t n = 0; n < kMaxBlocks; ++n) {
    auto type = load_u8(v, p + 2);
    auto flags = load_le16(v, p + 3);
    auto size = load_le16(v, p + 5);
    if (!type || !flags || !size || *size < 7 || *type < 0x72 || *type > 0x7b) return n == 0 ? std::nullopt : std::optional(p);
    std::uint64_t add = 0;
    if ((*flags & 0x8000) || *type == 0x74) add = load_le32(v, p + 7).value_or(0);
    const std::uint64_t next = p + *size + add;
    if (*type == 0x7b) {
      complete = true;
      return std::min<std::uint64_t>(next, v.size());
    }
    if (next > v.size()) return v.size();
    p = next;
  }
  return p;
}

class RarHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    const bool v5 = has_bytes_at(at, 0, std::string_view("Rar!\x1a\x07\x01\x00", 8));
    bool complete = false;
    auto end = v5 ? rar5_end(at, complete) : rar4_end(at, complete);
    if (!end) return std::nullopt;
    const std::string d = std::string(v5 ? "RAR 5.0" : "RAR 4.x") + " archive";
    if (!complete) return Chunk{start, *end, Confidence::kLow, d + ", no end-of-archive block"};
    return Chunk{start, *end, Confidence::kHigh, d + ", " + human_size(*end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    return extract_archive_entries(chunk, ArchiveFormat::kRar, ctx);
  }
};

}  // namespace

HandlerPtr make_rar_handler() { return std::make_unique<RarHandler>(); }

}  // namespace fwscan
