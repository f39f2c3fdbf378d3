// PNG: 8-byte signature, then chunks (length, type, data, CRC-32 over type and data) up to IEND.
// Every chunk CRC must match: a damaged PNG is not carved.
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxChunks = 1'000'000;
constexpr Magic kMagics[] = {{"89 50 4e 47 0d 0a 1a 0a"}};
constexpr std::string_view kRefs[] = {"PNG (Third Edition), W3C"};
constexpr std::string_view kLimits[] = {"the image itself is not decoded"};
constexpr HandlerInfo kInfo{"png", Category::kMedia, "PNG image", kMagics, kRefs, kLimits};

class PngHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    std::uint64_t pos = 8;
    for (std::uint32_t n = 0; n < kMaxChunks; ++n) {
      auto len = load_be32(v, pos);
      if (!len || *len > (1U << 31)) return std::nullopt;
      auto body = subview(v, pos + 4, 4ULL + *len);
      auto crc = load_be32(v, pos + 8 + *len);
      if (!body || !crc || crc32_ieee(*body) != *crc) return std::nullopt;
      if (n == 0 && !has_bytes_at(*body, 0, "IHDR")) return std::nullopt;
      pos += 12 + *len;
      if (has_bytes_at(*body, 0, "IEND")) return Chunk{start, pos, Confidence::kHigh, "PNG image, " + human_size(pos)};
    }
    return std::nullopt;
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_png_handler() { return std::make_unique<PngHandler>(); }

}  // namespace fwscan
