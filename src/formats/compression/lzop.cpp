// lzop file (lzop 1.04 header.c): 89 4c 5a 4f 00 0d 0a 1a 0a, a big-endian header with the
// original name and a header checksum, then LZO1X blocks with their checksums, ended by a zero
// block size. Decoded natively (formats/common/decode.cpp) through liblzo2.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"89 4c 5a 4f 00 0d 0a 1a 0a"}};
constexpr std::string_view kRefs[] = {"lzop 1.04 source: header.c, lzop.c"};
constexpr std::string_view kLimits[] = {"multi-file lzop archives yield the first file only"};
constexpr HandlerInfo kInfo{"lzop", Category::kCompression, "lzop file (LZO1X blocks)", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto version = load_be16(at, 9);
  return version && *version >= 0x0900 && *version < 0x2000;
}

// The stored original name, when the header has one.
std::string child_name(ByteView at) {
  const std::uint16_t version = load_be16(at, 9).value_or(0);
  std::uint64_t p = 9 + 2 + 2 + (version >= 0x0940 ? 2 : 0);
  p += 1 + (version >= 0x0940 ? 1 : 0);
  const std::uint32_t flags = load_be32(at, p).value_or(0);
  p += 4 + ((flags & 0x800) ? 4 : 0) + 4 + 4 + (version >= 0x0940 ? 4 : 0);
  auto len = load_u8(at, p);
  auto name = len ? subview(at, p + 1, *len) : std::nullopt;
  if (!name || name->empty()) return {};
  std::string s(as_chars(*name));
  return s;
}

}  // namespace

HandlerPtr make_lzop_handler() { return std::make_unique<StreamHandler>(kInfo, Codec::kLzop, check_header, child_name); }

}  // namespace fwscan
