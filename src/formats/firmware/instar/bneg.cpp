// INSTAR / Foscam-class "BNEG" firmware (camera-formats.md 3.7): a 20-byte little-endian header
//   00 "BNEG"  04 major u32  08 minor u32  0c part1_size u32  10 part2_size u32
// then the two partitions back to back (part 1 is often a ZIP holding linux.bin).
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kHeader = 20;
constexpr Magic kMagics[] = {{"42 4e 45 47"}};
constexpr std::string_view kRefs[] = {"fkie-cad/fact_extractor plugins/unpacking/bneg", "unblob archive/instar/bneg.py"};
constexpr std::string_view kLimits[] = {"none known"};
constexpr HandlerInfo kInfo{"bneg", Category::kFirmware, "INSTAR/Foscam BNEG firmware", kMagics, kRefs, kLimits};

struct Header {
  std::uint32_t major, minor, part1, part2;
};

std::optional<Header> parse(ByteView at) {
  if (!has_bytes_at(at, 0, "BNEG")) return std::nullopt;
  auto major = load_le32(at, 4), minor = load_le32(at, 8), p1 = load_le32(at, 12), p2 = load_le32(at, 16);
  if (!major || !minor || !p1 || !p2 || *major > 255 || *minor > 255) return std::nullopt;
  return Header{*major, *minor, *p1, *p2};
}

class BnegHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto h = parse(at);
    if (!h) return std::nullopt;
    const std::uint64_t want = kHeader + std::uint64_t{h->part1} + h->part2;
    const std::string desc = "BNEG firmware v" + std::to_string(h->major) + "." + std::to_string(h->minor) + ", partitions of " +
                             std::to_string(h->part1) + " and " + std::to_string(h->part2) + " bytes";
    if (want > at.size()) return Chunk{start, at.size(), Confidence::kLow, desc + ", truncated"};
    return Chunk{start, want, Confidence::kHigh, desc};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto h = parse(chunk.bytes());
    if (!h) return make_error(Errc::kTruncated, "BNEG header truncated", 0);
    Extraction ex;
    ex.properties = {{"version", std::to_string(h->major) + "." + std::to_string(h->minor)}};
    std::uint64_t pos = kHeader;
    const std::uint32_t sizes[2] = {h->part1, h->part2};
    for (int i = 0; i < 2; ++i) {
      std::uint64_t len = sizes[i];
      if (!range_fits(pos, len, chunk.size())) {
        ex.complete = false;
        const std::uint64_t have = pos < chunk.size() ? chunk.size() - pos : 0;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "partition " + std::to_string(i + 1) + " needs " +
                                  std::to_string(len) + " bytes, " + std::to_string(have) + " present", "", 12 + 4 * i});
        if (have == 0) break;
        len = have;
      }
      ex.children.push_back({"part" + std::to_string(i + 1), *chunk.slice(pos, len), ChildOrigin::kCarved, pos, {}});
      pos += len;
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_bneg_handler() { return std::make_unique<BnegHandler>(); }

}  // namespace fwscan
