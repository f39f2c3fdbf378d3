// LZ4 frame (lz4 frame format 1.6.x):
//   00 04 22 4d 18   magic
//   04 FLG (version bits 01 in bits 6-7)  05 BD  then optional content size, dict id, header checksum
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"04 22 4d 18"}};
constexpr std::string_view kRefs[] = {"lz4 doc/lz4_Frame_format.md"};
constexpr std::string_view kLimits[] = {"the legacy (kernel) lz4 format 0x184c2102 is not decoded"};
constexpr HandlerInfo kInfo{"lz4", Category::kCompression, "LZ4 frame", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto flg = load_u8(at, 4);
  auto bd = load_u8(at, 5);
  return flg && bd && (*flg >> 6) == 1 && (*bd & 0x8F) == 0;
}

}  // namespace

HandlerPtr make_lz4_handler() { return std::make_unique<StreamHandler>(kInfo, Codec::kLz4Frame, check_header); }

}  // namespace fwscan
