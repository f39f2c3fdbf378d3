// gzip (RFC 1952), one member per chunk.
//   00: 1f 8b   magic
//   02: 08      CM = deflate
//   03: FLG     bits 5-7 reserved (must be 0); FNAME (0x08) → NUL-terminated name after header
//   04: MTIME u32, 08: XFL, 09: OS
#include "formats/common/stream_handler.hpp"
#include "core/reader.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"1f 8b 08"}};
constexpr std::string_view kRefs[] = {"RFC 1952"};
constexpr std::string_view kLimits[] = {"multi-member files are carved as one chunk per member"};
constexpr HandlerInfo kInfo{"gzip", Category::kCompression, "gzip stream", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto flg = load_u8(at, 3);
  auto os = load_u8(at, 9);
  return flg && os && (*flg & 0xE0) == 0;
}

std::string fname(ByteView chunk) {
  auto flg = load_u8(chunk, 3);
  if (!flg || (*flg & 0x08) == 0) return {};
  Reader r(chunk, Endian::kLittle);
  if (!r.seek(10)) return {};
  if (*flg & 0x04) {  // FEXTRA
    auto xlen = r.u16();
    if (!xlen || !r.skip(*xlen)) return {};
  }
  auto name = r.cstring(1024);
  if (!name) return {};
  std::string s(*name);
  const auto slash = s.find_last_of("/\\");
  if (slash != std::string::npos) s = s.substr(slash + 1);
  return s;
}

}  // namespace

HandlerPtr make_gzip_handler() {
  return std::make_unique<StreamHandler>(kInfo, Codec::kGzip, check_header, fname);
}

}  // namespace fwscan
