// Tiandy ".box" upgrade image (camera-formats.md 3.5, from what the stock updater accepts):
//   00 "Tiandy" (8-byte field)  08 total size, 3 bytes LE  0c 00 00 03 00
//   10 ff ff 1a 00 00 00 01 00  18 52 07 c3 41  20 payload size u32 (header is 40 bytes)
// then records: target path[128] (NUL-padded: /nvs/ProductModule, /dev/mtdblock0..2), size u32,
// size u32 (repeated), data, zero padding to 8 bytes.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kHeader = 40;
constexpr std::uint32_t kMaxRecords = 256;
constexpr Magic kMagics[] = {{"54 69 61 6e 64 79 00 00"}};
constexpr std::string_view kRefs[] = {"OpenIPC/coupler .github/workflows/_tiandy2oipc.sh", "camera-formats.md 3.5"};
constexpr std::string_view kLimits[] = {"the 0x18 constant's meaning is unknown; it is reported, not checked"};
constexpr HandlerInfo kInfo{"tiandy_box", Category::kFirmware, "Tiandy .box upgrade image", kMagics, kRefs, kLimits};

std::uint64_t total_size(ByteView v) {
  return std::uint64_t{v[8]} | (std::uint64_t{v[9]} << 8) | (std::uint64_t{v[10]} << 16);
}

class TiandyBoxHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    if (v.size() < kHeader || !has_bytes_at(v, 0x0C, std::string_view("\x00\x00\x03\x00", 4))) return std::nullopt;
    const std::uint64_t total = total_size(v);
    if (total < kHeader) return std::nullopt;
    if (total > v.size()) return Chunk{start, v.size(), Confidence::kLow, "Tiandy .box image, truncated"};
    return Chunk{start, total, Confidence::kHigh, "Tiandy .box image, " + human_size(total)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    const ByteView v = chunk.bytes();
    Extraction ex;
    std::uint64_t pos = kHeader;
    for (std::uint32_t n = 0; n < kMaxRecords && pos < v.size(); ++n) {
      auto name = subview(v, pos, 128);
      auto size = load_le32(v, pos + 128), size2 = load_le32(v, pos + 132);
      if (!name || !size || !size2) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "record header past the end", "", pos});
        break;
      }
      std::string path(as_chars(*name));
      if (auto nul = path.find('\0'); nul != std::string::npos) path.resize(nul);
      if (path.empty()) break;  // zero padding at the end
      if (*size != *size2) ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "record '" + path + "' sizes disagree", "", pos + 128});
      const std::uint64_t data = pos + 136;
      std::uint64_t len = *size;
      if (!range_fits(data, len, v.size())) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "record '" + path + "' runs past the end", "", pos + 128});
        len = data < v.size() ? v.size() - data : 0;
      }
      while (!path.empty() && path.front() == '/') path.erase(0, 1);  // device path, relative to the image
      ex.children.push_back({path, *chunk.slice(data, len), ChildOrigin::kCarved, data, {}});
      pos = align_up(data + len, 8);
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_tiandy_box_handler() { return std::make_unique<TiandyBoxHandler>(); }

}  // namespace fwscan
