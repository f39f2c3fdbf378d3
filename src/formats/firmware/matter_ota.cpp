// Matter OTA image (Matter core specification 11.21.2): file identifier u32 LE 0x1beef11e,
// total size u64 LE, header size u32 LE, TLV header (vendor, product, version...), payload.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"1e f1 ee 1b"}};
constexpr std::string_view kRefs[] = {"Matter Core Specification, OTA software update file format"};
constexpr std::string_view kLimits[] = {"the TLV header is not decoded field by field"};
constexpr HandlerInfo kInfo{"matter_ota", Category::kFirmware, "Matter OTA image", kMagics, kRefs, kLimits};

class MatterOtaHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    auto total = load_le64(v, 4);
    auto hsize = load_le32(v, 12);
    if (!total || !hsize || *total < 16ULL + *hsize || *hsize == 0) return std::nullopt;
    if (*total > v.size()) return Chunk{start, v.size(), Confidence::kLow, "Matter OTA image, truncated"};
    return Chunk{start, *total, Confidence::kHigh, "Matter OTA image, " + human_size(*total)};
  }
  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto hsize = load_le32(chunk.bytes(), 12);
    if (!hsize) return make_error(Errc::kTruncated, "header truncated", 0);
    Extraction ex;
    const std::uint64_t at = 16ULL + *hsize;
    if (auto payload = chunk.tail(at)) ex.children.push_back({"payload", *payload, ChildOrigin::kCarved, at, {}});
    return ex;
  }
};

}  // namespace

HandlerPtr make_matter_ota_handler() { return std::make_unique<MatterOtaHandler>(); }

}  // namespace fwscan
