// Motorola S-record: lines "S<t><count><address><data><checksum>"; S0 header, S1/S2/S3 data with
// 2/3/4-byte addresses, S5/S6 record counts, S7/S8/S9 end records. The checksum is the ones'
// complement of the sum of count, address and data bytes. The extent ends after the end record.
#include "formats/common/stream_handler.hpp"
#include "formats/firmware/text/hexfile.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxLines = 10'000'000;
constexpr Magic kMagics[] = {{"53 30", 0, true}, {"53 31", 0, true}, {"53 32", 0, true}, {"53 33", 0, true}};
constexpr std::string_view kRefs[] = {"srec(5), Motorola M68000 family programmer's reference, appendix C"};
constexpr std::string_view kLimits[] = {"only at the start of a node; images spanning more than 64 MiB are not rebuilt"};
constexpr HandlerInfo kInfo{"srec", Category::kFirmware, "Motorola S-record", kMagics, kRefs, kLimits};

struct Parse {
  std::uint64_t end = 0;
  bool terminated = false;
  std::uint32_t records = 0;
  std::string header;
  hextext::Image image;
  std::vector<Diagnostic> diagnostics;
};

Parse parse(ByteView v) {
  Parse p;
  std::uint64_t pos = 0;
  std::vector<std::uint8_t> rec;
  for (std::uint32_t n = 0; n < kMaxLines && pos < v.size(); ++n) {
    const std::uint64_t line_at = pos;
    const std::string_view line = hextext::next_line(v, pos);
    if (line.empty()) continue;
    if (line.size() < 4 || line[0] != 'S' || line[1] < '0' || line[1] > '9' || !hextext::hex_bytes(line.substr(2), rec) ||
        rec.empty() || rec.size() != 1U + rec[0]) {
      if (p.records > 0) p.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "bad record; the file ends here", "", line_at});
      break;
    }
    const int type = line[1] - '0';
    const std::size_t alen = (type == 2 || type == 8) ? 3 : (type == 3 || type == 7) ? 4 : 2;
    if (rec.size() < 2 + alen) break;
    std::uint8_t sum = 0;
    for (std::size_t i = 0; i + 1 < rec.size(); ++i) sum = static_cast<std::uint8_t>(sum + rec[i]);
    if (static_cast<std::uint8_t>(~sum) != rec.back()) p.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "record checksum", "", line_at});
    ++p.records;
    p.end = pos;
    std::uint64_t addr = 0;
    for (std::size_t i = 0; i < alen; ++i) addr = (addr << 8) | rec[1 + i];
    const std::uint8_t* data = rec.data() + 1 + alen;
    const std::size_t dlen = rec.size() - 2 - alen;
    if (type == 0) p.header.assign(reinterpret_cast<const char*>(data), dlen);  // NOLINT: bytes as chars
    if (type >= 1 && type <= 3) p.image.put(addr, data, dlen);
    if (type >= 7) {
      p.terminated = true;
      return p;
    }
  }
  return p;
}

class SrecHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const Parse p = parse(node.subspan(start));
    if (p.records == 0) return std::nullopt;
    return Chunk{start, p.end, p.terminated ? Confidence::kHigh : Confidence::kLow,
                 "Motorola S-record, " + std::to_string(p.records) + " records" + (p.terminated ? "" : ", no end record")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const Parse p = parse(chunk.bytes());
    auto ex = hextext::image_extraction(p.image, p.diagnostics, p.terminated, chunk.size(), ctx);
    if (ex && !p.header.empty()) ex->properties.insert(ex->properties.begin(), {"header", p.header});
    return ex;
  }
};

}  // namespace

HandlerPtr make_srec_handler() { return std::make_unique<SrecHandler>(); }

}  // namespace fwscan
