#include "core/hash.hpp"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace fwscan {

namespace {

// The digest of `data`, fed in pieces by `feed(update)`.
template <class Feed>
std::string digest_of(std::string_view algorithm, Feed feed) {
  const EVP_MD* md = EVP_get_digestbyname(std::string(algorithm).c_str());
  if (md == nullptr) return {};
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  feed([ctx](const void* p, std::size_t n) { EVP_DigestUpdate(ctx, p, n); });
  EVP_DigestFinal_ex(ctx, digest.data(), &len);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

// Calls fn(offset, bytes) for each data extent of the blob, and hole(offset, count) for each
// hole between them, in order.
template <class Data, class Hole>
void for_each_part(const Blob& blob, Data data, Hole hole) {
  std::uint64_t pos = 0;
  for (const Extent& e : blob.data_extents()) {
    if (e.offset > pos) hole(pos, e.offset - pos);
    data(e.offset, blob.bytes().subspan(e.offset, e.size));
    pos = e.offset + e.size;
  }
  if (pos < blob.size()) hole(pos, blob.size() - pos);
}

}  // namespace

std::string digest_hex(ByteView data, std::string_view algorithm) {
  return digest_of(algorithm, [&](auto update) { update(data.data(), data.size()); });
}

std::string sha256_hex(ByteView data) { return digest_hex(data, "sha256"); }

std::string sha256_hex(const Blob& blob) {
  static const std::array<std::uint8_t, 65536> kZeros{};
  return digest_of("sha256", [&](auto update) {
    for_each_part(
        blob, [&](std::uint64_t, ByteView d) { update(d.data(), d.size()); },
        [&](std::uint64_t, std::uint64_t count) {
          for (; count > 0; count -= std::min<std::uint64_t>(count, kZeros.size())) update(kZeros.data(), std::min<std::uint64_t>(count, kZeros.size()));
        });
  });
}

double shannon_entropy(const Blob& blob) {
  std::array<std::uint64_t, 256> counts{};
  for_each_part(
      blob, [&](std::uint64_t, ByteView d) { add_byte_counts(d, counts); },
      [&](std::uint64_t, std::uint64_t count) { counts[0] += count; });
  return shannon_entropy(counts, blob.size());
}

std::string sha0_hex(ByteView data) {
  std::uint32_t h[5] = {0x67452301U, 0xEFCDAB89U, 0x98BADCFEU, 0x10325476U, 0xC3D2E1F0U};
  auto rotl = [](std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  auto block = [&](const std::uint8_t* p) {
    std::uint32_t w[80];
    for (int t = 0; t < 16; ++t) {
      w[t] = (static_cast<std::uint32_t>(p[4 * t]) << 24) | (static_cast<std::uint32_t>(p[4 * t + 1]) << 16) |
             (static_cast<std::uint32_t>(p[4 * t + 2]) << 8) | p[4 * t + 3];
    }
    for (int t = 16; t < 80; ++t) w[t] = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];  // no rotation: SHA-0
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; ++t) {
      const std::uint32_t f = t < 20 ? (b & c) | (~b & d) : t < 40 ? b ^ c ^ d : t < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const std::uint32_t k = t < 20 ? 0x5A827999U : t < 40 ? 0x6ED9EBA1U : t < 60 ? 0x8F1BBCDCU : 0xCA62C1D6U;
      const std::uint32_t tmp = rotl(a, 5) + f + e + k + w[t];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = tmp;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
  };
  std::size_t i = 0;
  for (; i + 64 <= data.size(); i += 64) block(data.data() + i);
  std::uint8_t tail[128] = {};
  const std::size_t rest = data.size() - i;
  std::copy(data.begin() + static_cast<std::ptrdiff_t>(i), data.end(), tail);
  tail[rest] = 0x80;
  const std::size_t len = rest + 9 <= 64 ? 64 : 128;
  const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  for (int k = 0; k < 8; ++k) tail[len - 1 - k] = static_cast<std::uint8_t>(bits >> (8 * k));
  block(tail);
  if (len == 128) block(tail + 64);
  std::string out;
  for (std::uint32_t v : h) out += hex_u32_fixed(v).substr(2);
  return out;
}

std::uint16_t crc16_arc(ByteView data) {
  std::uint16_t crc = 0;
  for (const std::uint8_t b : data) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = static_cast<std::uint16_t>((crc & 1U) ? (crc >> 1) ^ 0xA001U : crc >> 1);
  }
  return crc;
}

std::uint16_t crc16_xmodem(ByteView data) {
  std::uint16_t crc = 0;
  for (const std::uint8_t b : data) {
    crc ^= static_cast<std::uint16_t>(b << 8);
    for (int k = 0; k < 8; ++k) crc = static_cast<std::uint16_t>((crc & 0x8000U) ? (crc << 1) ^ 0x1021U : crc << 1);
  }
  return crc;
}

std::uint32_t crc32c(ByteView data) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1U) ? (c >> 1) ^ 0x82F63B78U : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const std::uint8_t b : data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFU;
}

std::uint32_t crc32_ieee(ByteView data, std::uint32_t seed) {
  uLong crc = seed;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t n = std::min<std::size_t>(data.size() - pos, std::numeric_limits<uInt>::max());
    crc = crc32(crc, data.data() + pos, static_cast<uInt>(n));
    pos += n;
  }
  return static_cast<std::uint32_t>(crc);
}

double shannon_entropy(const std::array<std::uint64_t, 256>& counts, std::uint64_t total) {
  if (total == 0) return 0.0;
  double h = 0.0;
  const double n = static_cast<double>(total);
  for (std::uint64_t c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / n;
    h -= p * std::log2(p);
  }
  return h;
}

void add_byte_counts(ByteView data, std::array<std::uint64_t, 256>& counts) {
  constexpr std::size_t kChunk = std::size_t{1} << 30;  // 32-bit partial counts cannot wrap
  for (std::size_t pos = 0; pos < data.size(); pos += kChunk) {
    const ByteView d = data.subspan(pos, std::min(kChunk, data.size() - pos));
    std::array<std::array<std::uint32_t, 256>, 4> part{};
    std::size_t i = 0;
    for (; i + 4 <= d.size(); i += 4) {
      ++part[0][d[i]];
      ++part[1][d[i + 1]];
      ++part[2][d[i + 2]];
      ++part[3][d[i + 3]];
    }
    for (; i < d.size(); ++i) ++part[0][d[i]];
    for (std::size_t c = 0; c < 256; ++c) counts[c] += std::uint64_t{part[0][c]} + part[1][c] + part[2][c] + part[3][c];
  }
}

double shannon_entropy(ByteView data) {
  std::array<std::uint64_t, 256> counts{};
  add_byte_counts(data, counts);
  return shannon_entropy(counts, data.size());
}

std::string hex_u64(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string hex_u32_fixed(std::uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(value));
  return buf;
}

}  // namespace fwscan
