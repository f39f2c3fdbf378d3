#include "core/terminal_text.hpp"

#include <cstdint>
#include <cstdio>

#include "core/encoding.hpp"

namespace fwscan {
namespace {

bool invisible_or_bidi(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F);
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
    const std::size_t n = c >= 0x80 ? utf8_code_point_at(s, i, cp) : 0;
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
    const std::size_t n = c >= 0x80 ? utf8_code_point_at(s, i, cp) : 0;
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
    const std::size_t n = c >= 0x80 ? utf8_code_point_at(json, i, cp) : 0;
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
