#include "report/text_encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstdio>
#include <vector>

namespace fwscan {
namespace {

// True when `token` is one of the '_'-separated parts of the string id ("$ctx_gbk_face").
bool has_token(std::string_view id, std::string_view token) {
  std::size_t pos = 0;
  while (pos <= id.size()) {
    std::size_t next = id.find('_', pos);
    if (next == std::string_view::npos) next = id.size();
    if (id.substr(pos, next - pos) == token) return true;
    pos = next + 1;
  }
  return false;
}

std::string escape_binary(ByteView bytes) {
  std::string out;
  for (std::uint8_t b : bytes) {
    if (b >= 0x20 && b < 0x7F) {
      out.push_back(static_cast<char>(b));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
    }
  }
  return out;
}

// Converts with iconv; nullopt-like empty encoding on failure.
bool iconv_to_utf8(const char* from, ByteView bytes, std::string& out) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;  // NOLINT: iconv's error value
  std::vector<char> in(bytes.begin(), bytes.end());
  std::vector<char> buf(bytes.size() * 4 + 16);
  char* inp = in.data();
  std::size_t inleft = in.size();
  char* outp = buf.data();
  std::size_t outleft = buf.size();
  const std::size_t rc = iconv(cd, &inp, &inleft, &outp, &outleft);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1) && errno != EINVAL) return false;
  out.assign(buf.data(), buf.size() - outleft);
  if (inleft > 0) out += escape_binary(bytes.subspan(bytes.size() - inleft));  // a cut character
  return true;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c < 0x80) n = 0;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2) n = 1;
    else if ((c & 0xF0) == 0xE0) n = 2;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4) n = 3;
    else return false;
    if (n > 0 && i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

std::string to_hex(ByteView bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::string context_text(ByteView data, std::uint64_t offset, std::uint64_t length, const std::string& encoding,
                         std::size_t radius) {
  if (offset > data.size()) return {};
  const std::uint64_t end_match = std::min<std::uint64_t>(offset + length, data.size());
  std::uint64_t begin = offset > radius ? offset - radius : 0;
  std::uint64_t end = std::min<std::uint64_t>(end_match + radius, data.size());
  // Stay inside the enclosing string: stop at NUL, CR or LF (a UTF-16 code unit for UTF-16).
  const bool wide = encoding == "utf-16le" || encoding == "utf-16be";
  auto is_stop = [&](std::uint64_t i) {
    if (wide) {
      if (i + 1 >= data.size()) return true;
      const std::uint16_t u = encoding == "utf-16le" ? static_cast<std::uint16_t>(data[i] | (data[i + 1] << 8))
                                                     : static_cast<std::uint16_t>((data[i] << 8) | data[i + 1]);
      return u == 0 || u == '\n' || u == '\r';
    }
    return data[i] == 0 || data[i] == '\n' || data[i] == '\r';
  };
  const std::uint64_t unit = wide ? 2 : 1;
  for (std::uint64_t i = offset; i >= begin + unit && i >= unit;) {
    i -= unit;
    if (is_stop(i)) { begin = i + unit; break; }
  }
  for (std::uint64_t i = end_match; i + (unit - 1) < end; i += unit) {
    if (is_stop(i)) { end = i; break; }
  }
  std::string suffix;
  if (encoding == "utf-16le" || encoding == "utf-16be") {
    if ((offset - begin) % 2 != 0) ++begin;
    if ((end - begin) % 2 != 0) --end;
    suffix = encoding == "utf-16le" ? "_utf16le" : "_utf16be";
  } else if (encoding == "gbk" || encoding == "big5") {
    // Double-byte encodings: resynchronise at an ASCII byte so no character is split.
    std::uint64_t b = begin;
    while (b < offset && data[b] >= 0x80) ++b;
    begin = b < offset ? b : offset;
    std::uint64_t e = end;
    while (e > end_match && data[e - 1] >= 0x80) --e;
    end = e;
    suffix = encoding == "gbk" ? "_gbk" : "_big5";
  } else if (encoding == "utf-8") {
    while (begin < offset && (data[begin] & 0xC0) == 0x80) ++begin;
    while (end > end_match && end < data.size() && (data[end] & 0xC0) == 0x80) --end;
  }
  DecodedText t = decode_match_text(suffix, data.subspan(begin, end - begin));
  if (encoding == "utf-8" && t.encoding == "binary") {
    // Mixed binary around a UTF-8 string: keep the printable parts.
    t.text.clear();
    const std::string_view chars = as_chars(data.subspan(begin, end - begin));
    std::size_t i = 0;
    while (i < chars.size()) {
      const auto c = static_cast<unsigned char>(chars[i]);
      std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
      if (i + n <= chars.size() && (n == 1 || is_valid_utf8(chars.substr(i, n)))) {
        t.text += (n == 1 && (c < 0x20 || c >= 0x7F)) ? std::string(" ") : std::string(chars.substr(i, n));
      } else {
        t.text += " ";
        n = 1;
      }
      i += n;
    }
  }
  std::string out;
  for (char ch : t.text) out.push_back((static_cast<unsigned char>(ch) < 0x20) ? ' ' : ch);
  // Collapse runs of blanks.
  std::string squeezed;
  for (char ch : out) {
    if (ch == ' ' && !squeezed.empty() && squeezed.back() == ' ') continue;
    squeezed.push_back(ch);
  }
  return squeezed;
}

DecodedText decode_match_text(std::string_view id, ByteView bytes) {
  std::string out;
  if (has_token(id, "gbk") || has_token(id, "gb18030")) {
    if (iconv_to_utf8("GB18030", bytes, out)) return {"gbk", out};
  } else if (has_token(id, "big5")) {
    if (iconv_to_utf8("BIG5", bytes, out)) return {"big5", out};
  } else if (has_token(id, "utf16le") || has_token(id, "wide")) {
    if (iconv_to_utf8("UTF-16LE", bytes, out)) return {"utf-16le", out};
  } else if (has_token(id, "utf16be")) {
    if (iconv_to_utf8("UTF-16BE", bytes, out)) return {"utf-16be", out};
  }
  const std::string_view chars = as_chars(bytes);
  bool ascii = true;
  for (std::uint8_t b : bytes) ascii = ascii && b >= 0x20 && b < 0x7F;
  if (ascii) return {"ascii", std::string(chars)};
  if (is_valid_utf8(chars)) return {"utf-8", std::string(chars)};
  // ASCII interleaved with NULs: UTF-16LE text from a `wide` string.
  if (bytes.size() >= 4 && bytes.size() % 2 == 0) {
    bool wide = true;
    for (std::size_t i = 1; i < bytes.size(); i += 2) wide = wide && bytes[i] == 0;
    if (wide && iconv_to_utf8("UTF-16LE", bytes, out)) return {"utf-16le", out};
  }
  return {"binary", escape_binary(bytes)};
}

}  // namespace fwscan
