// Longse / Herospeed ".FLS" (camera-formats.md 3.6): a 44-byte header — name[8], sensor[8],
// 3-byte LE size at 16, byte 0x01 at 20, "BURNER_BIN" at 24 — then a full flash dump, which is
// carved by signature like any raw dump.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kHeader = 44;
constexpr Magic kMagics[] = {{"42 55 52 4e 45 52 5f 42 49 4e", 24}};
constexpr std::string_view kRefs[] = {"OpenIPC/coupler .github/workflows/_longse2oipc.sh", "camera-formats.md 3.6"};
constexpr std::string_view kLimits[] = {"the size field is 3 bytes: dumps over 16 MiB are taken to the end of the node"};
constexpr HandlerInfo kInfo{"longse_fls", Category::kFirmware, "Longse/Herospeed .FLS flash image", kMagics, kRefs, kLimits};

std::string field(ByteView v, std::uint64_t off, std::uint64_t n) {
  std::string s(as_chars(v.subspan(off, n)));
  if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
  return s;
}

class LongseFlsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    if (v.size() < kHeader || v[20] != 0x01) return std::nullopt;
    const std::uint64_t size = std::uint64_t{v[16]} | (std::uint64_t{v[17]} << 8) | (std::uint64_t{v[18]} << 16);
    const std::string desc = "Longse .FLS, \"" + field(v, 0, 8) + "\", sensor \"" + field(v, 8, 8) + "\"";
    if (size == 0 || kHeader + size > v.size()) return Chunk{start, v.size(), Confidence::kLow, desc + ", size field does not fit"};
    return Chunk{start, kHeader + size, Confidence::kHigh, desc + ", " + human_size(size)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    if (chunk.size() < kHeader) return make_error(Errc::kTruncated, "header truncated", 0);
    Extraction ex;
    ex.properties = {{"name", field(chunk.bytes(), 0, 8)}, {"sensor", field(chunk.bytes(), 8, 8)}};
    ex.children.push_back({"flash.bin", *chunk.tail(kHeader), ChildOrigin::kCarved, kHeader, {}});
    return ex;
  }
};

}  // namespace

HandlerPtr make_longse_fls_handler() { return std::make_unique<LongseFlsHandler>(); }

}  // namespace fwscan
