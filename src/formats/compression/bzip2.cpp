// bzip2 stream.
//   00: "BZh" + block size digit '1'..'9'
//   04: 31 41 59 26 53 59   first block magic (pi)  |  17 72 45 38 50 90 for an empty stream
#include "formats/common/stream_handler.hpp"
#include "core/reader.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"42 5a 68 ?? 31 41 59 26 53 59"}, {"42 5a 68 ?? 17 72 45 38 50 90"}};
constexpr std::string_view kRefs[] = {"https://sourceware.org/bzip2/"};
constexpr std::string_view kLimits[] = {"concatenated streams are carved one chunk per stream"};
constexpr HandlerInfo kInfo{"bzip2", Category::kCompression, "bzip2 stream", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto level = load_u8(at, 3);
  return level && *level >= '1' && *level <= '9';
}

}  // namespace

HandlerPtr make_bzip2_handler() {
  return std::make_unique<StreamHandler>(kInfo, Codec::kBzip2, check_header);
}

}  // namespace fwscan
