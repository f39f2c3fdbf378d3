// JPEG (ITU T.81 / JFIF): SOI ff d8, then marker segments (ff xx + big-endian length), entropy-coded
// data after each SOS (ff 00 stuffing and RSTn markers skipped), ending at EOI ff d9. Identified
// only to carve its exact extent; it has no children.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxSegments = 100'000;
constexpr Magic kMagics[] = {{"ff d8 ff"}};
constexpr std::string_view kRefs[] = {"ITU-T T.81 (JPEG), JFIF 1.02"};
constexpr std::string_view kLimits[] = {"the image itself is not decoded"};
constexpr HandlerInfo kInfo{"jpeg", Category::kMedia, "JPEG image", kMagics, kRefs, kLimits};

// An image needs a frame header (SOFn) and a scan (SOS) before EOI: "ff d8 ff d9" inside a byte
// table is not a JPEG.
std::optional<std::uint64_t> extent(ByteView v) {
  std::uint64_t pos = 2;
  bool frame = false, scan = false;
  for (std::uint32_t n = 0; n < kMaxSegments; ++n) {
    auto ff = load_u8(v, pos), m = load_u8(v, pos + 1);
    if (!ff || !m || *ff != 0xFF) return std::nullopt;
    if (*m == 0xD9) return frame && scan ? std::optional<std::uint64_t>(pos + 2) : std::nullopt;
    if (*m >= 0xC0 && *m <= 0xCF && *m != 0xC4 && *m != 0xC8 && *m != 0xCC) frame = true;
    if (*m == 0xDA) scan = true;
    if (*m == 0xFF) { ++pos; continue; }             // fill byte
    if (*m == 0x01 || (*m >= 0xD0 && *m <= 0xD7)) { pos += 2; continue; }
    auto len = load_be16(v, pos + 2);
    if (!len || *len < 2) return std::nullopt;
    pos += 2 + *len;
    if (*m == 0xDA) {  // entropy-coded data up to the next real marker
      while (pos + 1 < v.size() && !(v[pos] == 0xFF && v[pos + 1] != 0x00 && !(v[pos + 1] >= 0xD0 && v[pos + 1] <= 0xD7))) ++pos;
      if (pos + 1 >= v.size()) return std::nullopt;
    }
  }
  return std::nullopt;
}

class JpegHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    auto m = load_u8(node, start + 3);
    if (!m || *m < 0xC0) return std::nullopt;
    auto end = extent(node.subspan(start));
    if (!end) return std::nullopt;
    return Chunk{start, *end, Confidence::kHigh, "JPEG image, " + human_size(*end)};
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_jpeg_handler() { return std::make_unique<JpegHandler>(); }

}  // namespace fwscan
