#include "report/text_encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstdio>
#include <vector>

namespace fwscan {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
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

DecodedText decode_match_text(std::string_view id, ByteView bytes) {
  std::string out;
  if (ends_with(id, "_gbk") || ends_with(id, "_gb18030")) {
    if (iconv_to_utf8("GB18030", bytes, out)) return {"gbk", out};
  } else if (ends_with(id, "_big5")) {
    if (iconv_to_utf8("BIG5", bytes, out)) return {"big5", out};
  } else if (ends_with(id, "_utf16le") || ends_with(id, "_wide")) {
    if (iconv_to_utf8("UTF-16LE", bytes, out)) return {"utf-16le", out};
  } else if (ends_with(id, "_utf16be")) {
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
