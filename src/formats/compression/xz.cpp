// xz stream (tukaani xz-file-format 1.1.0).
//   00: fd 37 7a 58 5a 00   magic
//   06: stream flags (2 bytes: 00, check type 0..15)
//   08: CRC32 of the stream flags
#include "formats/common/stream_handler.hpp"
#include "core/reader.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"fd 37 7a 58 5a 00"}};
constexpr std::string_view kRefs[] = {"https://tukaani.org/xz/xz-file-format.txt"};
constexpr std::string_view kLimits[] = {"stream padding after the footer is left as an unknown region"};
constexpr HandlerInfo kInfo{"xz", Category::kCompression, "xz stream", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto flags = subview(at, 6, 2);
  auto crc = load_le32(at, 8);
  if (!flags || !crc) return false;
  if ((*flags)[0] != 0 || (*flags)[1] > 0x0F) return false;
  return crc32_ieee(*flags) == *crc;
}

}  // namespace

HandlerPtr make_xz_handler() { return std::make_unique<StreamHandler>(kInfo, Codec::kXz, check_header); }

}  // namespace fwscan
