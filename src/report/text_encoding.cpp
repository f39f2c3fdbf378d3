#include "report/text_encoding.hpp"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <vector>

namespace fwscan {
namespace {

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

const char* iconv_charset(Encoding e) {
  switch (e) {
    case Encoding::kGbk: return "GB18030";
    case Encoding::kBig5: return "BIG5";
    case Encoding::kUtf16le: return "UTF-16LE";
    case Encoding::kUtf16be: return "UTF-16BE";
    default: return nullptr;
  }
}

// One converter per charset per thread, opened on first use and kept: opening one per match
// costs a gconv module load, and unloading it while another thread loads one is a race in ld.so
// that sanitisers report.
class Converters {
 public:
  ~Converters() {
    for (iconv_t cd : cds_) {
      if (cd != kNone) iconv_close(cd);
    }
  }
  iconv_t get(Encoding e) {
    const auto i = static_cast<std::size_t>(e);
    if (i >= cds_.size()) return kNone;
    if (!tried_[i]) {
      tried_[i] = true;
      if (const char* cs = iconv_charset(e)) cds_[i] = iconv_open("UTF-8", cs);
    }
    if (cds_[i] != kNone) iconv(cds_[i], nullptr, nullptr, nullptr, nullptr);  // reset the shift state
    return cds_[i];
  }

 private:
  static inline const iconv_t kNone = reinterpret_cast<iconv_t>(-1);  // NOLINT: iconv's error value
  std::array<iconv_t, std::size(kAllEncodings)> cds_ = [] {
    std::array<iconv_t, std::size(kAllEncodings)> a{};
    a.fill(kNone);
    return a;
  }();
  std::array<bool, std::size(kAllEncodings)> tried_{};
};

// Converts with iconv; false when the charset is unknown or the bytes are not in it.
bool iconv_to_utf8(Encoding from, ByteView bytes, std::string& out) {
  thread_local Converters converters;
  iconv_t cd = converters.get(from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;  // NOLINT: iconv's error value
  std::vector<char> in(bytes.begin(), bytes.end());
  std::vector<char> buf(bytes.size() * 4 + 16);
  char* inp = in.data();
  std::size_t inleft = in.size();
  char* outp = buf.data();
  std::size_t outleft = buf.size();
  const std::size_t rc = iconv(cd, &inp, &inleft, &outp, &outleft);
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

std::string context_text(ByteView data, std::uint64_t offset, std::uint64_t length, Encoding encoding,
                         std::size_t radius) {
  if (offset > data.size()) return {};
  const std::uint64_t end_match = std::min<std::uint64_t>(offset + length, data.size());
  std::uint64_t begin = offset > radius ? offset - radius : 0;
  std::uint64_t end = std::min<std::uint64_t>(end_match + radius, data.size());
  // Stay inside the enclosing string: stop at NUL, CR or LF (a UTF-16 code unit for UTF-16).
  const bool wide = is_utf16(encoding);
  auto is_stop = [&](std::uint64_t i) {
    if (wide) {
      if (i + 1 >= data.size()) return true;
      const std::uint16_t u = encoding == Encoding::kUtf16le ? static_cast<std::uint16_t>(data[i] | (data[i + 1] << 8))
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
  if (wide) {
    if ((offset - begin) % 2 != 0) ++begin;
    if ((end - begin) % 2 != 0) --end;
  } else if (encoding == Encoding::kGbk || encoding == Encoding::kBig5) {
    // Double-byte encodings: resynchronise at an ASCII byte so no character is split.
    std::uint64_t b = begin;
    while (b < offset && data[b] >= 0x80) ++b;
    begin = b < offset ? b : offset;
    std::uint64_t e = end;
    while (e > end_match && data[e - 1] >= 0x80) --e;
    end = e;
  } else if (encoding == Encoding::kUtf8) {
    while (begin < offset && (data[begin] & 0xC0) == 0x80) ++begin;
    while (end > end_match && end < data.size() && (data[end] & 0xC0) == 0x80) --end;
  }
  DecodedText t = decode_text(encoding, data.subspan(begin, end - begin));
  if (encoding == Encoding::kUtf8 && t.encoding == Encoding::kBinary) {
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

DecodedText decode_text(std::optional<Encoding> hint, ByteView bytes) {
  std::string out;
  if (hint && iconv_charset(*hint) != nullptr && iconv_to_utf8(*hint, bytes, out)) return {*hint, out};
  const std::string_view chars = as_chars(bytes);
  bool ascii = true;
  for (std::uint8_t b : bytes) ascii = ascii && b >= 0x20 && b < 0x7F;
  if (ascii) return {Encoding::kAscii, std::string(chars)};
  // ASCII interleaved with NULs: UTF-16LE text from a `wide` string. (It is valid UTF-8 too, so
  // this test comes first.)
  if (bytes.size() >= 4 && bytes.size() % 2 == 0) {
    bool wide = true;
    for (std::size_t i = 0; i < bytes.size(); i += 2) wide = wide && bytes[i] >= 0x20 && bytes[i] < 0x7F && bytes[i + 1] == 0;
    if (wide && iconv_to_utf8(Encoding::kUtf16le, bytes, out)) return {Encoding::kUtf16le, out};
  }
  if (is_valid_utf8(chars)) return {Encoding::kUtf8, std::string(chars)};
  return {Encoding::kBinary, escape_binary(bytes)};
}

DecodedText decode_match_text(std::string_view id, ByteView bytes) { return decode_text(encoding_of_string_id(id), bytes); }

}  // namespace fwscan
