// lzip member (lzip manual, "File format"): "LZIP", version 1, coded dictionary size, LZMA stream,
// then CRC-32, data size u64 and member size u64. Decoded by liblzma's lzip decoder, which checks
// the trailer; the extent is what it consumed.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"4c 5a 49 50 01"}};
constexpr std::string_view kRefs[] = {"https://www.nongnu.org/lzip/manual/lzip_manual.html#File-format"};
constexpr std::string_view kLimits[] = {"a multi-member file is carved member by member"};
constexpr HandlerInfo kInfo{"lzip", Category::kCompression, "lzip member", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto ds = load_u8(at, 5);
  return ds && (*ds & 0x1F) >= 12 && (*ds & 0x1F) <= 29;  // dictionary 4 KiB .. 512 MiB
}

}  // namespace

HandlerPtr make_lzip_handler() { return std::make_unique<StreamHandler>(kInfo, Codec::kLzip, check_header); }

}  // namespace fwscan
