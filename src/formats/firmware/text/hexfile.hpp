#pragma once
// Shared by the Intel HEX and Motorola S-record handlers: line-oriented hex text that places
// bytes at addresses; rebuilt as one image from the lowest to the highest address (gaps 0xff).
#include <map>
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "unpack/handler.hpp"

namespace fwscan::hextext {

inline constexpr std::uint64_t kMaxImage = 64ULL << 20;

inline int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses hex digit pairs; false on a bad digit.
inline bool hex_bytes(std::string_view s, std::vector<std::uint8_t>& out) {
  if (s.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return true;
}

struct Image {
  std::map<std::uint64_t, std::vector<std::uint8_t>> runs;  // address -> bytes
  std::uint64_t lo = ~0ULL, hi = 0;
  void put(std::uint64_t addr, const std::uint8_t* p, std::size_t n) {
    if (n == 0) return;
    runs[addr].assign(p, p + n);
    lo = std::min(lo, addr);
    hi = std::max(hi, addr + n);
  }
  // Flattens; false when the span exceeds the cap.
  bool flatten(std::vector<std::uint8_t>& out, std::uint64_t cap) const {
    if (runs.empty()) return true;
    if (hi - lo > cap) return false;
    out.assign(hi - lo, 0xFF);
    for (const auto& [a, bytes] : runs) std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(a - lo));
    return true;
  }
};

// Next line of `v` from `pos` (without CR/LF); advances pos past the line end.
inline std::string_view next_line(ByteView v, std::uint64_t& pos) {
  const std::uint64_t start = pos;
  while (pos < v.size() && v[pos] != '\n' && v[pos] != '\r') ++pos;
  std::string_view line = as_chars(v.subspan(start, pos - start));
  while (pos < v.size() && (v[pos] == '\n' || v[pos] == '\r')) ++pos;
  return line;
}

// The extraction both handlers produce: one image.bin (budget-charged) plus its load address.
inline Result<Extraction> image_extraction(const Image& image, std::vector<Diagnostic> diagnostics, bool complete,
                                           std::uint64_t chunk_size, ExtractContext& ctx) {
  Extraction ex;
  ex.diagnostics = std::move(diagnostics);
  ex.complete = complete;
  std::vector<std::uint8_t> out;
  if (!image.flatten(out, std::min(kMaxImage, ctx.budget().max_output(chunk_size * 4)))) {
    return make_error(Errc::kLimitExceeded, "data spans more than the image cap");
  }
  if (!ctx.budget().charge(out.size())) return make_error(Errc::kLimitExceeded, "total extraction budget exhausted");
  if (!image.runs.empty()) ex.properties.emplace_back("load_address", hex_u64(image.lo));
  ex.children.push_back({"image.bin", Blob::own(std::move(out)), ChildOrigin::kDecoded, 0, {}});
  return ex;
}

}  // namespace fwscan::hextext
