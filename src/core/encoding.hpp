#pragma once
// The text encodings fwscan decodes and reports: one enum, one name per value. The names are the
// report's ("encoding" in JSON); a YARA string id names its encoding with a '_'-separated token
// (rules/README.md): $label_gbk, $x_utf16le, $y_wide.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

namespace fwscan {

enum class Encoding : std::uint8_t {
  kAscii,     // printable ASCII only
  kUtf8,
  kGbk,       // GB18030, of which GBK and GB2312 are subsets
  kBig5,
  kUtf16le,
  kUtf16be,
  kBinary,    // not text: shown escaped
};

inline constexpr Encoding kAllEncodings[] = {Encoding::kAscii,   Encoding::kUtf8,    Encoding::kGbk,   Encoding::kBig5,
                                             Encoding::kUtf16le, Encoding::kUtf16be, Encoding::kBinary};

std::string_view encoding_name(Encoding e);                     // "utf-16le"
std::optional<Encoding> encoding_from_name(std::string_view name);
// The encoding a YARA string id names with one of its tokens (gbk, gb18030, big5, utf16le,
// wide, utf16be, utf8), or nullopt when it names none.
std::optional<Encoding> encoding_of_string_id(std::string_view id);
// Two-byte code units: separators and terminators are 16-bit.
inline bool is_utf16(Encoding e) { return e == Encoding::kUtf16le || e == Encoding::kUtf16be; }
std::ostream& operator<<(std::ostream& os, Encoding e);

// Length of the well-formed multi-byte UTF-8 sequence at s[i] and its code point in `cp`; 0 when
// s[i] is ASCII or the sequence is not well formed (overlong forms, surrogates and code points
// past U+10FFFF are not).
std::size_t utf8_code_point_at(std::string_view s, std::size_t i, std::uint32_t& cp);

}  // namespace fwscan
