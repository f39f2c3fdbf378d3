#include "scan/text_views.hpp"

#include <algorithm>

namespace fwscan {
namespace {

int hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses `n` hex digits at p; -1 on failure.
long parse_hex(ByteView d, std::size_t p, std::size_t n) {
  if (p + n > d.size()) return -1;
  long v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int h = hex_digit(d[p + i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

void put_utf8(std::vector<std::uint8_t>& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<std::uint8_t>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<std::uint8_t>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<std::uint8_t>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<std::uint8_t>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  }
}

// Tries to decode one escape at p. On success appends the decoded bytes and returns the number
// of input bytes consumed; 0 when there is no escape at p.
std::size_t decode_at(ByteView d, std::size_t p, std::vector<std::uint8_t>& out) {
  const std::uint8_t c = d[p];
  if (c == '\\' && p + 1 < d.size()) {
    const std::uint8_t k = d[p + 1];
    if (k == 'u' || k == 'U') {
      const long hi = parse_hex(d, p + 2, 4);
      if (hi < 0) return 0;
      std::uint32_t cp = static_cast<std::uint32_t>(hi);
      std::size_t used = 6;
      if (cp >= 0xD800 && cp < 0xDC00 && p + 7 < d.size() && d[p + 6] == '\\' &&
          (d[p + 7] == 'u' || d[p + 7] == 'U')) {
        const long lo = parse_hex(d, p + 8, 4);
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(lo) - 0xDC00);
          used = 12;
        }
      }
      put_utf8(out, cp);
      return used;
    }
    if (k == 'x' || k == 'X') {
      const long v = parse_hex(d, p + 2, 2);
      if (v < 0) return 0;
      out.push_back(static_cast<std::uint8_t>(v));
      return 4;
    }
    return 0;
  }
  if (c == '&' && p + 3 < d.size() && d[p + 1] == '#') {
    std::size_t q = p + 2;
    const bool hex = d[q] == 'x' || d[q] == 'X';
    if (hex) ++q;
    std::uint32_t cp = 0;
    std::size_t digits = 0;
    while (q < d.size() && digits < 8) {
      const int v = hex ? hex_digit(d[q]) : (d[q] >= '0' && d[q] <= '9' ? d[q] - '0' : -1);
      if (v < 0) break;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      ++q;
      ++digits;
    }
    if (digits == 0 || q >= d.size() || d[q] != ';' || cp == 0 || cp > 0x10FFFF) return 0;
    put_utf8(out, cp);
    return q + 1 - p;
  }
  if (c == '%') {
    const long v = parse_hex(d, p + 1, 2);
    if (v < 0x80) return 0;  // only non-ASCII bytes: %20 and friends are not worth a view
    out.push_back(static_cast<std::uint8_t>(v));
    return 3;
  }
  return 0;
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> DecodedView::original_range(std::uint64_t offset, std::uint64_t length) const {
  const std::uint64_t b = offset < origin.size() ? origin[offset] : origin.back();
  const std::uint64_t e_idx = std::min<std::uint64_t>(offset + length, origin.size() - 1);
  std::uint64_t e = origin[e_idx];
  if (e < b) e = b;
  return {b, e};
}

std::optional<DecodedView> unescape_view(ByteView data, std::uint64_t min_escapes) {
  // Escaped text lives in text files (JS, JSON, HTML, configs): skip data that is not mostly
  // printable ASCII, judged on its first MiB.
  constexpr std::size_t kSample = 1 << 20;
  const ByteView head = data.subspan(0, std::min(data.size(), kSample));
  std::size_t printable = 0;
  for (std::uint8_t c : head) printable += ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t') ? 1 : 0;
  if (head.empty() || printable * 100 < head.size() * 85) return std::nullopt;
  // Cheap pre-count: any escape introducer at all?
  std::uint64_t introducers = 0;
  for (std::uint8_t c : data) introducers += (c == '\\' || c == '&' || c == '%') ? 1 : 0;
  if (introducers < min_escapes) return std::nullopt;
  DecodedView v;
  v.name = "unescaped";
  v.bytes.reserve(data.size());
  v.origin.reserve(data.size() + 1);
  std::size_t p = 0;
  while (p < data.size()) {
    const std::size_t before = v.bytes.size();
    const std::size_t used = (data[p] == '\\' || data[p] == '&' || data[p] == '%') ? decode_at(data, p, v.bytes) : 0;
    if (used == 0) {
      v.bytes.push_back(data[p]);
      v.origin.push_back(p);
      ++p;
      continue;
    }
    ++v.escapes;
    for (std::size_t i = before; i < v.bytes.size(); ++i) v.origin.push_back(p);
    p += used;
  }
  v.origin.push_back(data.size());
  if (v.escapes < min_escapes) return std::nullopt;
  return v;
}

}  // namespace fwscan
