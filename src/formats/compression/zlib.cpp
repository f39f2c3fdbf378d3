// zlib stream (RFC 1950), as embedded in binaries:
//   00 CMF (0x78: deflate, 32 KiB window)  01 FLG ((CMF*256 + FLG) % 31 == 0; FDICT unset)
// The two-byte magic is weak, so identify is strict: the stream must decode to its end (which
// checks the Adler-32 trailer) into at least 64 bytes; truncated streams count only at offset 0.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kMinOutput = 64;
constexpr Magic kMagics[] = {{"78 01"}, {"78 5e"}, {"78 9c"}, {"78 da"}};
constexpr std::string_view kRefs[] = {"RFC 1950"};
constexpr std::string_view kLimits[] = {"streams that decode to fewer than 64 bytes are not carved (too easily false)",
                                        "preset dictionaries (FDICT) are not supported"};
constexpr HandlerInfo kInfo{"zlib", Category::kCompression, "zlib stream", kMagics, kRefs, kLimits};

bool check_header(ByteView at) {
  auto cmf = load_u8(at, 0), flg = load_u8(at, 1);
  if (!cmf || !flg || (*flg & 0x20) != 0) return false;
  if ((std::uint32_t{*cmf} * 256 + *flg) % 31 != 0) return false;
  // Cheap pre-check of the output size: decode at most kMinOutput bytes.
  const DecodeResult r = decode_stream(Codec::kZlib, at, kMinOutput, /*discard=*/true);
  return r.produced >= kMinOutput;
}

}  // namespace

HandlerPtr make_zlib_handler() {
  return std::make_unique<StreamHandler>(kInfo, Codec::kZlib, check_header, StreamHandler::ChildName{}, /*weak_magic=*/true);
}

}  // namespace fwscan
