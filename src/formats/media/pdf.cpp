// PDF: "%PDF-1.x" (or 2.x), up to its "%%EOF" marker (and its end of line). Incremental updates
// append a body, a cross-reference section and another %%EOF: a marker followed by an object
// ("12 0 obj"), "xref" or a comment other than "%PDF-" continues the file; anything else (another
// PDF, other data) follows it and is not claimed.
#include <cstring>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kMaxPdf = 1ULL << 30;
constexpr Magic kMagics[] = {{"25 50 44 46 2d"}};
constexpr std::string_view kRefs[] = {"ISO 32000-1"};
constexpr std::string_view kLimits[] = {"streams inside the PDF are not decoded; the extent ends at the %%EOF of the last incremental update"};
constexpr HandlerInfo kInfo{"pdf", Category::kMedia, "PDF document", kMagics, kRefs, kLimits};

// What follows a %%EOF continues the document: an incremental update's object, xref, or comment.
bool continues(ByteView rest) {
  std::size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '\r' || rest[i] == '\n')) ++i;
  if (i >= rest.size()) return false;
  const ByteView r = rest.subspan(i);
  if (r[0] >= '0' && r[0] <= '9') {
    std::size_t k = 0;
    while (k < r.size() && ((r[k] >= '0' && r[k] <= '9') || r[k] == ' ')) ++k;
    return has_bytes_at(r, k, "obj");
  }
  if (has_bytes_at(r, 0, "xref")) return true;
  return r[0] == '%' && !has_bytes_at(r, 0, "%PDF-");
}

class PdfHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start, std::min<std::uint64_t>(node.size() - start, kMaxPdf));
    auto ver = load_u8(v, 5), dot = load_u8(v, 6);
    if (!ver || !dot || (*ver != '1' && *ver != '2') || *dot != '.') return std::nullopt;
    std::optional<std::uint64_t> end;
    const char* base = reinterpret_cast<const char*>(v.data());  // NOLINT: byte search
    std::uint64_t from = 0;
    while (from < v.size()) {
      const void* hit = memmem(base + from, v.size() - from, "%%EOF", 5);
      if (hit == nullptr) break;
      std::uint64_t e = static_cast<std::uint64_t>(static_cast<const char*>(hit) - base) + 5;
      while (e < v.size() && (v[e] == '\r' || v[e] == '\n')) ++e;
      end = e;
      if (!continues(v.subspan(e))) break;
      from = e;
    }
    if (!end) return Chunk{start, v.size(), Confidence::kLow, "PDF document, no %%EOF"};
    return Chunk{start, *end, Confidence::kHigh, "PDF document, " + human_size(*end)};
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_pdf_handler() { return std::make_unique<PdfHandler>(); }

}  // namespace fwscan
