// RIFF container (WebP, WAV, AVI): "RIFF", size u32 LE (of what follows), four-character form type.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"52 49 46 46"}};
constexpr std::string_view kRefs[] = {"Microsoft RIFF; Google WebP container specification"};
constexpr std::string_view kLimits[] = {"the media itself is not decoded"};
constexpr HandlerInfo kInfo{"riff", Category::kMedia, "RIFF container (WebP, WAV, AVI)", kMagics, kRefs, kLimits};

class RiffHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    auto size = load_le32(v, 4);
    auto form = subview(v, 8, 4);
    if (!size || !form || *size < 4) return std::nullopt;
    for (std::uint8_t c : *form) {
      if (c < 0x20 || c > 0x7E) return std::nullopt;
    }
    const std::uint64_t end = 8ULL + *size;
    const std::string type(as_chars(*form));
    if (end > v.size()) return Chunk{start, v.size(), Confidence::kLow, "RIFF " + type + ", truncated"};
    return Chunk{start, end, Confidence::kMedium, "RIFF " + type + ", " + human_size(end)};
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_riff_handler() { return std::make_unique<RiffHandler>(); }

}  // namespace fwscan
