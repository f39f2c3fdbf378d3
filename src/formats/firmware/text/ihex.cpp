// Intel HEX: lines ":LLAAAATT<data>CC"; types 00 data, 01 end of file, 02 extended segment
// address, 03 start segment, 04 extended linear address, 05 start linear. The checksum makes the
// line's bytes sum to 0. The extent ends after the end-of-file record.
#include "formats/common/stream_handler.hpp"
#include "formats/firmware/text/hexfile.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxLines = 10'000'000;
constexpr Magic kMagics[] = {{"3a 31 30", 0, true}, {"3a 32 30", 0, true}, {"3a 30 32", 0, true}, {"3a 30 38", 0, true}, {"3a 30 34", 0, true}};
constexpr std::string_view kRefs[] = {"Intel Hexadecimal Object File Format Specification, rev. A"};
constexpr std::string_view kLimits[] = {"only at the start of a node; images spanning more than 64 MiB are not rebuilt"};
constexpr HandlerInfo kInfo{"ihex", Category::kFirmware, "Intel HEX", kMagics, kRefs, kLimits};

struct Parse {
  std::uint64_t end = 0;
  bool eof = false;
  std::uint32_t records = 0;
  hextext::Image image;
  std::vector<Diagnostic> diagnostics;
};

Parse parse(ByteView v) {
  Parse p;
  std::uint64_t pos = 0, base = 0;
  std::vector<std::uint8_t> rec;
  for (std::uint32_t n = 0; n < kMaxLines && pos < v.size(); ++n) {
    const std::uint64_t line_at = pos;
    const std::string_view line = hextext::next_line(v, pos);
    if (line.empty()) continue;
    if (line[0] != ':' || !hextext::hex_bytes(line.substr(1), rec) || rec.size() < 5 || rec.size() != 5U + rec[0]) {
      if (p.records > 0) p.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "bad record; the file ends here", "", line_at});
      break;
    }
    std::uint8_t sum = 0;
    for (std::uint8_t b : rec) sum = static_cast<std::uint8_t>(sum + b);
    if (sum != 0) p.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "record checksum", "", line_at});
    ++p.records;
    p.end = pos;
    const std::uint64_t addr = (std::uint64_t{rec[1]} << 8) | rec[2];
    switch (rec[3]) {
      case 0x00: p.image.put(base + addr, rec.data() + 4, rec[0]); break;
      case 0x01: p.eof = true; return p;
      case 0x02: if (rec[0] == 2) base = ((std::uint64_t{rec[4]} << 8) | rec[5]) << 4; break;
      case 0x04: if (rec[0] == 2) base = ((std::uint64_t{rec[4]} << 8) | rec[5]) << 16; break;
      default: break;
    }
  }
  return p;
}

class IhexHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const Parse p = parse(node.subspan(start));
    if (p.records == 0) return std::nullopt;
    return Chunk{start, p.end, p.eof ? Confidence::kHigh : Confidence::kLow,
                 "Intel HEX, " + std::to_string(p.records) + " records" + (p.eof ? "" : ", no end-of-file record")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const Parse p = parse(chunk.bytes());
    return hextext::image_extraction(p.image, p.diagnostics, p.eof, chunk.size(), ctx);
  }
};

}  // namespace

HandlerPtr make_ihex_handler() { return std::make_unique<IhexHandler>(); }

}  // namespace fwscan
