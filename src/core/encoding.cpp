#include "core/encoding.hpp"

#include <array>
#include <utility>

namespace fwscan {
namespace {

constexpr std::array<std::pair<Encoding, std::string_view>, 7> kNames = {{
    {Encoding::kAscii, "ascii"},
    {Encoding::kUtf8, "utf-8"},
    {Encoding::kGbk, "gbk"},
    {Encoding::kBig5, "big5"},
    {Encoding::kUtf16le, "utf-16le"},
    {Encoding::kUtf16be, "utf-16be"},
    {Encoding::kBinary, "binary"},
}};

// String-id tokens and the encoding each names.
constexpr std::array<std::pair<std::string_view, Encoding>, 7> kTokens = {{
    {"gbk", Encoding::kGbk},
    {"gb18030", Encoding::kGbk},
    {"big5", Encoding::kBig5},
    {"utf16le", Encoding::kUtf16le},
    {"wide", Encoding::kUtf16le},
    {"utf16be", Encoding::kUtf16be},
    {"utf8", Encoding::kUtf8},
}};

}  // namespace

std::string_view encoding_name(Encoding e) {
  for (const auto& [k, name] : kNames) {
    if (k == e) return name;
  }
  return "binary";
}

std::optional<Encoding> encoding_from_name(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::optional<Encoding> encoding_of_string_id(std::string_view id) {
  // The first token that names an encoding wins, so "$ctx_gbk_face" is GBK.
  std::size_t pos = 0;
  while (pos <= id.size()) {
    std::size_t next = id.find('_', pos);
    if (next == std::string_view::npos) next = id.size();
    const std::string_view token = id.substr(pos, next - pos);
    for (const auto& [t, e] : kTokens) {
      if (t == token) return e;
    }
    pos = next + 1;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, Encoding e) { return os << encoding_name(e); }

std::size_t utf8_code_point_at(std::string_view s, std::size_t i, std::uint32_t& cp) {
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

}  // namespace fwscan
