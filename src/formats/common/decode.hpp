#pragma once
// In-process decompression with output caps (decompression bombs end in kOutputLimit).
#include <cstdint>
#include <string>
#include <vector>

#include "core/blob.hpp"

namespace fwscan {

enum class Codec : std::uint8_t { kGzip, kZlib, kXz, kLzmaAlone, kBzip2, kZstd, kLz4Frame };

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

}  // namespace fwscan
