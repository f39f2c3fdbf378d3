// LZMA-alone (.lzma, "LZMA_Alone" of liblzma), as in U-Boot kernels and Hikvision *.tar.lzma.
//   00: properties byte (lc + lp*9 + pb*45, < 225; almost always 0x5d)
//   01: dictionary size u32 LE
//   05: uncompressed size u64 LE (all ones = unknown, end marker required)
// The magic is weak, so identify is strict: plausible dictionary and size, and the stream
// must decode to its end.
#include "formats/common/stream_handler.hpp"
#include "core/reader.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"5d 00 00"}};
constexpr std::string_view kRefs[] = {"xz-utils doc/lzma-file-format.txt (LZMA_Alone)"};
constexpr std::string_view kLimits[] = {"only properties byte 0x5d (lc=3 lp=0 pb=2) is searched for",
                                        "away from offset 0, streams that do not decode to their end are not carved"};
constexpr HandlerInfo kInfo{"lzma", Category::kCompression, "LZMA-alone stream", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto dict = load_le32(at, 1);
  auto usize = load_le64(at, 5);
  if (!dict || !usize) return false;
  // Dictionary: 2^n or 2^n + 2^(n-1), 4 KiB .. 1 GiB.
  bool dict_ok = false;
  for (int n = 12; n <= 30; ++n) {
    const std::uint64_t p = 1ULL << n;
    if (*dict == p || *dict == p + p / 2) dict_ok = true;
  }
  if (!dict_ok) return false;
  return *usize == ~0ULL || *usize <= (1ULL << 36);
}

}  // namespace

HandlerPtr make_lzma_handler() {
  return std::make_unique<StreamHandler>(kInfo, Codec::kLzmaAlone, check_header, StreamHandler::ChildName{},
                                         /*weak_magic=*/true);
}

}  // namespace fwscan
