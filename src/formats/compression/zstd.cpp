// Zstandard frame (RFC 8878).
//   00: 28 b5 2f fd   magic
//   04: frame header descriptor (bit 3 reserved, must be 0)
#include "formats/common/stream_handler.hpp"
#include "core/reader.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"28 b5 2f fd"}};
constexpr std::string_view kRefs[] = {"RFC 8878"};
constexpr std::string_view kLimits[] = {"skippable frames are not carved"};
constexpr HandlerInfo kInfo{"zstd", Category::kCompression, "Zstandard frame", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto fhd = load_u8(at, 4);
  return fhd && (*fhd & 0x08) == 0;
}

}  // namespace

HandlerPtr make_zstd_handler() { return std::make_unique<StreamHandler>(kInfo, Codec::kZstd, check_header); }

}  // namespace fwscan
