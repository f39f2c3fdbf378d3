// ARJ archive: headers "60 ea", basic header size u16 LE (<= 2600; 0 = end of archive), the basic
// header (compressed size u32 at +12), its CRC-32, then extended headers (size u16, data, CRC-32)
// until a zero size; file headers are followed by their compressed data.
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxHeaders = 100'000;
constexpr std::uint16_t kMaxBasic = 2600;
constexpr Magic kMagics[] = {{"60 ea"}};
constexpr std::string_view kRefs[] = {"ARJ technical information (arj.txt, ARJ Software)"};
constexpr std::string_view kLimits[] = {"members are carved with the archive, not decompressed"};
constexpr HandlerInfo kInfo{"arj", Category::kArchive, "ARJ archive", kMagics, kRefs, kLimits};

class ArjHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    std::uint64_t pos = 0;
    std::uint32_t files = 0;
    for (std::uint32_t n = 0; n < kMaxHeaders; ++n) {
      if (!has_bytes_at(v, pos, "\x60\xea")) return std::nullopt;
      auto size = load_le16(v, pos + 2);
      if (!size || *size > kMaxBasic) return std::nullopt;
      if (*size == 0) {
        if (n == 0) return std::nullopt;
        const std::uint64_t end = pos + 4;
        return Chunk{start, end, Confidence::kHigh, "ARJ archive, " + std::to_string(files) + " file(s)"};
      }
      auto basic = subview(v, pos + 4, *size);
      auto crc = load_le32(v, pos + 4 + *size);
      if (!basic || !crc || crc32_ieee(*basic) != *crc) return std::nullopt;
      std::uint64_t next = pos + 4 + *size + 4;
      for (int x = 0; x < 16; ++x) {  // extended headers
        auto ext = load_le16(v, next);
        if (!ext) return std::nullopt;
        next += 2;
        if (*ext == 0) break;
        next += *ext + 4ULL;
      }
      if (n > 0) {  // a file header: its data follows
        auto csize = load_le32(*basic, 12);
        if (!csize) return std::nullopt;
        next += *csize;
        ++files;
      }
      if (next > v.size()) return std::nullopt;
      pos = next;
    }
    return std::nullopt;
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_arj_handler() { return std::make_unique<ArjHandler>(); }

}  // namespace fwscan
