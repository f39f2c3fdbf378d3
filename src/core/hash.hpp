#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/blob.hpp"

namespace fwscan {

std::string sha256_hex(ByteView data);
// The SHA-256 and the entropy of a blob's bytes, its holes (Blob::data_extents) counted as the
// zeros they read as, without reading them: a hole takes no memory, even while it is hashed.
std::string sha256_hex(const Blob& blob);
double shannon_entropy(const Blob& blob);
// Hex digest by OpenSSL name ("md5", "sha1", "sha256", "sha512"); "" for an unknown algorithm.
std::string digest_hex(ByteView data, std::string_view algorithm);
// SHA-0 (FIPS 180, 1993: SHA-1 without the one-bit rotation in the message schedule). OpenSSL 3
// no longer has it; Hikvision's _cfgUpgSecPls manifest still uses it.
std::string sha0_hex(ByteView data);
// CRC-16/ARC (polynomial 0xA001 reflected, initial 0): ARC and zoo archives.
std::uint16_t crc16_arc(ByteView data);
// CRC-16/XMODEM (polynomial 0x1021, not reflected, init 0): ECMA-167/UDF descriptor tags.
std::uint16_t crc16_xmodem(ByteView data);
// CRC-32C (Castagnoli, reflected 0x82F63B78, init and final xor all ones): btrfs, ext4, F2FS.
std::uint32_t crc32c(ByteView data);
std::uint32_t crc32_ieee(ByteView data, std::uint32_t seed = 0);  // zlib crc32
// Shannon entropy in bits per byte (0..8).
double shannon_entropy(ByteView data);
// The same from a histogram of `total` bytes.
double shannon_entropy(const std::array<std::uint64_t, 256>& counts, std::uint64_t total);
// Adds the byte values of `data` to a histogram. Four partial histograms take turns, so that a
// run of equal bytes does not make each count wait on the one before it (2-3x a plain loop).
void add_byte_counts(ByteView data, std::array<std::uint64_t, 256>& counts);
std::string hex_u64(std::uint64_t value);  // "0x1f"
// The value of one hex digit (either case), or -1 when `c` is not one.
inline int hex_digit_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string hex_u32_fixed(std::uint32_t value);  // "0x0000001f": checksums and header words

}  // namespace fwscan
