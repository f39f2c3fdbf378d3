#pragma once
// In-process decompression with output caps (decompression bombs end in kOutputLimit).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/blob.hpp"

namespace fwscan {

// kDeflate is a raw deflate stream (no zlib/gzip header), as UBIFS and the kernel crypto API write it.
// kCompress is Unix compress (.Z, LZW): the stream has no end marker, so it runs to the end of the
// input. kLzop is the lzop container of LZO1X blocks (checksums verified).
enum class Codec : std::uint8_t { kGzip, kZlib, kDeflate, kXz, kLzmaAlone, kLzip, kBzip2, kZstd, kLz4Frame, kCompress, kLzop };

std::string_view codec_name(Codec c);

enum class DecodeStatus : std::uint8_t {
  kComplete,        // the stream ended properly
  kTruncatedInput,  // input ran out before the end of the stream
  kOutputLimit,     // stopped at max_out
  kCorrupt,         // the decoder rejected the data
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::kCorrupt;
  std::vector<std::uint8_t> out;   // empty in discard mode
  std::uint64_t produced = 0;      // bytes of output (counted even in discard mode)
  std::uint64_t consumed = 0;      // bytes of input used: the stream's exact extent when complete
  std::string message;
};

// Decodes one stream from the start of `in`. With `discard`, output is counted, not kept
// (identify() uses this to find the extent without allocating in proportion to it).
DecodeResult decode_stream(Codec codec, ByteView in, std::uint64_t max_out, bool discard = false);

// One LZO1X block as the kernel writes it (JFFS2, UBIFS, SquashFS): no framing, so the caller
// gives the most the block may decode to. nullopt when liblzo2 rejects the block.
std::optional<std::vector<std::uint8_t>> decode_lzo1x_block(ByteView in, std::size_t max_out);

// A raw LZMA1 stream (no header) with the given properties, as JFFS2 and vendor SquashFS store it.
// Such streams often have no end marker: decoding stops at max_out or when the input is used up,
// and what was produced is kept. `consumed` (optional) receives the input bytes used.
struct LzmaProperties {
  std::uint32_t lc = 3, lp = 0, pb = 2, dict_size = 1U << 23;
};
std::optional<std::vector<std::uint8_t>> decode_lzma1_raw(ByteView in, std::size_t max_out, const LzmaProperties& props,
                                                         std::size_t* consumed = nullptr);

}  // namespace fwscan
