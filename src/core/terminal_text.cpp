#include "core/terminal_text.hpp"

#include <cstdint>
#include <cstdio>

namespace fwscan {
namespace {

bool invisible_or_bidi(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F);
}

// Length of the well-formed UTF-8 sequence at s[i] and its code point; 0 when not well formed
// (overlong forms, surrogates and code points past U+10FFFF are not).
std::size_t utf8_at(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[i + k]); };
  const std::uint8_t c = b(0);
  std::size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1Fu;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0Fu;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07u;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3Fu);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  return n;
}

}  // namespace

bool is_terminal_safe(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t n = c >= 0x80 ? utf8_at(s, i, cp) : 0;
    if (n == 0 || invisible_or_bidi(cp)) return false;
    i += n;
  }
  return true;
}

std::string terminal_safe(std::string_view s) {
  if (is_terminal_safe(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  char buf[16];
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t n = c >= 0x80 ? utf8_at(s, i, cp) : 0;
    if (n == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
      ++i;
      continue;
    }
    if (invisible_or_bidi(cp)) {
      std::snprintf(buf, sizeof buf, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string json_escape_invisible(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  char buf[16];
  for (std::size_t i = 0; i < json.size();) {
    const auto c = static_cast<std::uint8_t>(json[i]);
    std::uint32_t cp = 0;
    if (c == 0x7F) {  // DEL, which JSON libraries write raw
      out += "\\u007f";
      ++i;
      continue;
    }
    const std::size_t n = c >= 0x80 ? utf8_at(json, i, cp) : 0;
    if (n == 0 || !invisible_or_bidi(cp)) {
      out.push_back(json[i]);
      ++i;
      continue;
    }
    if (cp <= 0xFFFF) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
    } else {
      const std::uint32_t v = cp - 0x10000;
      std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 + (v >> 10)), static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
    }
    out += buf;
    i += n;
  }
  return out;
}

}  // namespace fwscan
