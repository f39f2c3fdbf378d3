// Arcadyan obfuscated LZMA firmware (routers and the cameras built on the same SDKs). Layout, as
// binwalk's deobfuscator documents it: 4 bytes, then an LZMA-alone stream whose first 32 bytes
// were swapped with the 32 bytes at 0x68 and scrambled (each byte nibble-swapped, then each byte
// pair swapped). Undone here: swap the two blocks back, swap each pair, swap each byte's nibbles.
// The bytes at 0x68 of the obfuscated image ("00 d5 08 00", the dictionary-size tail of the
// moved LZMA header) are the signature; the extent is 4 + the LZMA stream that decodes, which
// must reach past the block at 0x68 (that block is part of the stream: a stream that ends
// before it is not an obfuscated image, and its chunk could not be deobfuscated again).
#include <algorithm>

#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kBlock = 32, kBlock1 = 4, kBlock2 = 0x68, kMinSize = kBlock2 + kBlock;
constexpr std::uint64_t kMaxImage = 0x1B0000;  // the largest image binwalk's deobfuscator accepts
constexpr Magic kMagics[] = {{"00 d5 08 00", 0x68}};
constexpr std::string_view kRefs[] = {"binwalk plugins/arcadyan.py (block swap, nibble and byte-pair swap), binwalk-ng extractors/arcadyan.rs"};
constexpr std::string_view kLimits[] = {"images over 0x1b0000 bytes are not considered (as in binwalk)"};
constexpr HandlerInfo kInfo{"arcadyan", Category::kFirmware, "Arcadyan obfuscated LZMA firmware", kMagics, kRefs, kLimits};

// The image with its first LZMA bytes restored (a copy of at most kMaxImage bytes); empty when
// the bytes are too short to hold both swapped blocks.
std::vector<std::uint8_t> deobfuscate(ByteView v) {
  if (v.size() < kMinSize) return {};
  std::vector<std::uint8_t> d(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(v.size(), kMaxImage)));
  std::swap_ranges(d.begin() + kBlock1, d.begin() + kBlock1 + kBlock, d.begin() + kBlock2);
  for (std::uint64_t i = kBlock1; i < kBlock1 + kBlock; i += 2) std::swap(d[i], d[i + 1]);
  for (std::uint64_t i = kBlock1; i < kBlock1 + kBlock; ++i) d[i] = static_cast<std::uint8_t>((d[i] << 4) | (d[i] >> 4));
  return d;
}

class ArcadyanHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    if (at.size() < kMinSize) return std::nullopt;
    const auto d = deobfuscate(at);
    const ByteView lz = ByteView(d).subspan(kBlock1);
    if (lz[0] != 0x5D) return std::nullopt;  // lc=3 lp=0 pb=2, the properties Arcadyan images use
    const DecodeResult r = decode_stream(Codec::kLzmaAlone, lz, StreamHandler::kIdentifyMaxOut, true);
    if (r.status != DecodeStatus::kComplete || kBlock1 + r.consumed < kMinSize) return std::nullopt;
    return Chunk{start, kBlock1 + r.consumed, Confidence::kHigh,
                 "Arcadyan obfuscated LZMA, " + human_size(kBlock1 + r.consumed) + " -> " + human_size(r.produced)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const auto d = deobfuscate(chunk.bytes());
    if (d.empty()) return make_error(Errc::kMalformed, "Arcadyan image shorter than its swapped blocks (" + human_size(kMinSize) + ")");
    const ByteView lz = ByteView(d).subspan(kBlock1);
    DecodeResult r = decode_stream(Codec::kLzmaAlone, lz, ctx.budget().max_output(chunk.size()));
    Extraction ex;
    if (r.status != DecodeStatus::kComplete) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, r.status == DecodeStatus::kOutputLimit ? DiagCode::kLimitExpansion : DiagCode::kMalformed, "LZMA: " + r.message, "", kBlock1});
    }
    if (!ctx.budget().charge(r.out.size())) return make_error(Errc::kLimitExceeded, "total extraction budget exhausted");
    Child c;
    c.name = "decompressed";
    c.origin = ChildOrigin::kDecoded;
    c.data = Blob::own(std::move(r.out));
    ex.children.push_back(std::move(c));
    return ex;
  }
};

}  // namespace

HandlerPtr make_arcadyan_handler() { return std::make_unique<ArcadyanHandler>(); }

}  // namespace fwscan
