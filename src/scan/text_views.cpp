#include "scan/text_views.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

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

bool is_cjk(std::uint32_t cp) {
  return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

bool is_text_ascii(std::uint8_t c) { return (c >= 0x20 && c < 0x7F) || c == '\t'; }

// A double-byte code page as a table: code point of (lead, trail), 0 when it is not a CJK
// character of that code page. Built once from glibc's iconv, the maintained converter.
class DoubleByteTable {
 public:
  explicit DoubleByteTable(const char* charset) {
    iconv_t cd = iconv_open("UTF-32LE", charset);
    if (cd == reinterpret_cast<iconv_t>(-1)) return;  // no converter: the view stays empty
    for (int lead = 0x81; lead <= 0xFE; ++lead) {
      for (int trail = 0x40; trail <= 0xFE; ++trail) {
        char in[2] = {static_cast<char>(lead), static_cast<char>(trail)};
        char out[8] = {};
        char* ip = in;
        char* op = out;
        std::size_t il = 2, ol = sizeof out;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        if (iconv(cd, &ip, &il, &op, &ol) == static_cast<std::size_t>(-1) || il != 0 || ol != 4) continue;
        std::uint32_t cp = 0;
        std::memcpy(&cp, out, 4);
        if (is_cjk(cp)) cp_[index(lead, trail)] = cp;
      }
    }
    iconv_close(cd);
  }
  std::uint32_t at(std::uint8_t lead, std::uint8_t trail) const {
    return lead >= 0x81 && lead <= 0xFE && trail >= 0x40 && trail <= 0xFE ? cp_[index(lead, trail)] : 0;
  }

 private:
  static std::size_t index(int lead, int trail) { return static_cast<std::size_t>((lead - 0x81) * 191 + (trail - 0x40)); }
  std::array<std::uint32_t, 126 * 191> cp_{};
};

const DoubleByteTable& gbk_table() {
  static const auto* t = new DoubleByteTable("GB2312");  // the simplified set every GBK/GB18030 file shares
  return *t;
}
const DoubleByteTable& big5_table() {
  static const auto* t = new DoubleByteTable("BIG5");
  return *t;
}

// Whether d[begin, end) is UTF-8 text: valid sequences, the last one allowed to end past `end`
// (a GBK run cut out of UTF-8 text ends inside a character).
bool utf8_through(ByteView d, std::size_t begin, std::size_t end) {
  std::size_t i = begin;
  while (i < end) {
    const std::uint8_t c = d[i];
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > d.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((d[i + k] & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

struct RunChar {
  std::uint64_t offset;
  std::uint32_t cp;
};

// Appends a run to the view, its characters mapped to their offsets, then a newline.
void emit_run(DecodedView& v, const std::vector<RunChar>& run, std::uint64_t run_end) {
  for (const RunChar& c : run) {
    const std::size_t before = v.bytes.size();
    put_utf8(v.bytes, c.cp);
    v.origin.insert(v.origin.end(), v.bytes.size() - before, c.offset);
  }
  v.bytes.push_back('\n');
  v.origin.push_back(run_end);
}

DecodedView double_byte_view(ByteView d, const DoubleByteTable& table, const char* encoding) {
  DecodedView v;
  v.name = encoding;
  v.encoding = encoding;
  std::vector<RunChar> run;
  std::size_t cjk = 0;
  std::uint64_t start = 0;
  auto flush = [&](std::uint64_t end) {
    if (cjk >= 2 && !utf8_through(d, start, end)) {
      emit_run(v, run, end);
      ++v.escapes;
    }
    run.clear();
    cjk = 0;
  };
  std::size_t p = 0;
  while (p < d.size()) {
    const std::uint8_t c = d[p];
    if (is_text_ascii(c)) {
      if (run.empty()) start = p;
      run.push_back({p, c});
      ++p;
      continue;
    }
    const std::uint32_t cp = p + 1 < d.size() ? table.at(c, d[p + 1]) : 0;
    if (cp != 0) {
      if (run.empty()) start = p;
      run.push_back({p, cp});
      ++cjk;
      p += 2;
      continue;
    }
    flush(p);
    ++p;
  }
  flush(d.size());
  v.origin.push_back(d.size());
  return v;
}

void utf16_view_at(ByteView d, bool big_endian, std::size_t align, DecodedView& v) {
  std::vector<RunChar> run;
  std::size_t cjk = 0;
  std::uint64_t start = align;
  bool narrow = true;  // every byte of the run is printable ASCII: plain text, not UTF-16
  auto flush = [&](std::uint64_t end) {
    if ((cjk >= 2 || run.size() >= 4) && !narrow) {
      emit_run(v, run, end);
      ++v.escapes;
    }
    run.clear();
    cjk = 0;
    narrow = true;
  };
  for (std::size_t p = align; p + 1 < d.size(); p += 2) {
    const std::uint32_t u = big_endian ? (d[p] << 8 | d[p + 1]) : (d[p] | d[p + 1] << 8);
    const bool ascii = u < 0x80 && is_text_ascii(static_cast<std::uint8_t>(u));
    if (ascii || is_cjk(u)) {
      if (run.empty()) start = p;
      run.push_back({p, u});
      cjk += ascii ? 0 : 1;
      narrow = narrow && is_text_ascii(d[p]) && is_text_ascii(d[p + 1]);
      continue;
    }
    flush(p);
  }
  (void)start;
  flush(d.size() - ((d.size() - align) % 2));
}

DecodedView utf16_view(ByteView d, bool big_endian) {
  DecodedView v;
  v.name = big_endian ? "utf-16be" : "utf-16le";
  v.encoding = v.name;
  utf16_view_at(d, big_endian, 0, v);
  utf16_view_at(d, big_endian, 1, v);
  v.origin.push_back(d.size());
  return v;
}

}  // namespace

std::vector<DecodedView> transcode_views(ByteView data, double entropy) {
  std::vector<DecodedView> views;
  if (data.size() < 4 || entropy > kTranscodeMaxEntropy) return views;
  views.push_back(double_byte_view(data, gbk_table(), "gbk"));
  views.push_back(double_byte_view(data, big5_table(), "big5"));
  views.push_back(utf16_view(data, false));
  views.push_back(utf16_view(data, true));
  std::erase_if(views, [](const DecodedView& v) { return v.escapes == 0; });
  return views;
}

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
