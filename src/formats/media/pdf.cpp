// PDF: "%PDF-1.x" (or 2.x), up to the last "%%EOF" marker (and its end of line).
#include <cstring>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kMaxPdf = 1ULL << 30;
constexpr Magic kMagics[] = {{"25 50 44 46 2d"}};
constexpr std::string_view kRefs[] = {"ISO 32000-1"};
constexpr std::string_view kLimits[] = {"streams inside the PDF are not decoded; the extent ends at the last %%EOF"};
constexpr HandlerInfo kInfo{"pdf", Category::kMedia, "PDF document", kMagics, kRefs, kLimits};

class PdfHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start, std::min<std::uint64_t>(node.size() - start, kMaxPdf));
    auto ver = load_u8(v, 5), dot = load_u8(v, 6);
    if (!ver || !dot || (*ver != '1' && *ver != '2') || *dot != '.') return std::nullopt;
    std::optional<std::uint64_t> last;
    const char* base = reinterpret_cast<const char*>(v.data());  // NOLINT: byte search
    std::uint64_t from = 0;
    while (from < v.size()) {
      const void* hit = memmem(base + from, v.size() - from, "%%EOF", 5);
      if (hit == nullptr) break;
      last = static_cast<std::uint64_t>(static_cast<const char*>(hit) - base) + 5;
      from = *last;
    }
    if (!last) return Chunk{start, v.size(), Confidence::kLow, "PDF document, no %%EOF"};
    std::uint64_t end = *last;
    while (end < v.size() && (v[end] == '\r' || v[end] == '\n')) ++end;
    return Chunk{start, end, Confidence::kHigh, "PDF document, " + human_size(end)};
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_pdf_handler() { return std::make_unique<PdfHandler>(); }

}  // namespace fwscan
