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

}  // namespace fwscan
