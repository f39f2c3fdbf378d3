#pragma once
// Hikvision header obfuscation shared by the SWKH, 02KH and 03KH handlers
// (camera-formats.md 1.2): plain[i] = raw[i] ^ key[(i + (i >> 4)) & 15], i from the header start.
#include <array>
#include <cstdint>
#include <vector>

#include "core/blob.hpp"

namespace fwscan::hikvision {

inline constexpr std::array<std::uint8_t, 16> kXorKey = {0xBA, 0xCD, 0xBC, 0xFE, 0xD6, 0xCA, 0xDD, 0xD3,
                                                         0xBA, 0xB9, 0xA3, 0xAB, 0xBF, 0xCB, 0xB5, 0xBE};

inline std::vector<std::uint8_t> xor_decode(ByteView raw) {
  std::vector<std::uint8_t> out(raw.begin(), raw.end());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= kXorKey[(i + (i >> 4)) & 0x0F];
  return out;
}

inline std::uint32_t byte_sum(ByteView v) {
  std::uint32_t s = 0;
  for (std::uint8_t b : v) s += b;
  return s;
}

}  // namespace fwscan::hikvision
