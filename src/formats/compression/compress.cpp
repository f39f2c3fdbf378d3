// Unix compress (.Z): 1f 9d, then a flags byte (bits 0-4 maximum code width 9..16, bit 7 block
// mode), then LZW codes. There is no end marker and no length, so the stream runs to the end of
// its node: the magic is weak and only accepted at a node start.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"1f 9d", 0, true}};
constexpr std::string_view kRefs[] = {"ncompress compress42.c (the LZW stream format)", "libarchive archive_read_support_filter_compress.c"};
constexpr std::string_view kLimits[] = {"no end marker: only recognised at the start of a file, and the extent is the rest of it"};
constexpr HandlerInfo kInfo{"compress", Category::kCompression, "Unix compress (.Z) stream", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto flags = load_u8(at, 2);
  return flags && (*flags & 0x1F) >= 9 && (*flags & 0x1F) <= 16 && (*flags & 0x60) == 0;
}

}  // namespace

HandlerPtr make_compress_handler() { return std::make_unique<StreamHandler>(kInfo, Codec::kCompress, check_header, StreamHandler::ChildName{}, true); }

}  // namespace fwscan
