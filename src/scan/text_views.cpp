#include "scan/text_views.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>

#include "core/hash.hpp"

namespace fwscan {
namespace {

// Parses `n` hex digits at p; -1 on failure.
long parse_hex(ByteView d, std::size_t p, std::size_t n) {
  if (p + n > d.size()) return -1;
  long v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int h = hex_digit_value(d[p + i]);
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
      const int v = hex ? hex_digit_value(d[q]) : (d[q] >= '0' && d[q] <= '9' ? d[q] - '0' : -1);
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

void emit_cp(DecodedView& v, std::uint32_t cp, std::uint64_t offset) {
  const std::size_t before = v.bytes.size();
  put_utf8(v.bytes, cp);
  v.origin.insert(v.origin.end(), v.bytes.size() - before, offset);
}

// The runs of d[a, b) in a double-byte code page, appended to v. Bytes below 0x81 are skipped
// fast; at a CJK character the run is widened back over the text bytes before it, then forward.
void double_byte_runs(ByteView d, std::size_t a, std::size_t b, const DoubleByteTable& table, DecodedView& v) {
  std::size_t p = a, last_end = a;
  while (p < b) {
    if (d[p] < 0x81) {
      ++p;
      continue;
    }
    if (p + 1 >= d.size() || table.at(d[p], d[p + 1]) == 0) {
      ++p;
      continue;
    }
    std::size_t start = p;
    while (start > last_end && is_text_ascii(d[start - 1])) --start;
    std::size_t q = p, cjk = 0;
    while (q < b) {
      if (is_text_ascii(d[q])) {
        ++q;
      } else if (q + 1 < d.size() && table.at(d[q], d[q + 1]) != 0) {
        ++cjk;
        q += 2;
      } else {
        break;
      }
    }
    const std::size_t end = std::min(q, d.size());
    // A text run ends at a control character (NUL, newline, a length byte) on one side at
    // least; runs that binary data decodes into are bounded by other bytes.
    const bool terminated = (start == 0 || d[start - 1] < 0x20) && (end >= d.size() || d[end] < 0x20);
    if (cjk >= 2 && terminated && !utf8_through(d, start, end)) {
      for (std::size_t i = start; i < end;) {
        if (is_text_ascii(d[i])) {
          emit_cp(v, d[i], i);
          ++i;
        } else {
          emit_cp(v, table.at(d[i], d[i + 1]), i);
          i += 2;
        }
      }
      v.bytes.push_back('\n');
      v.origin.push_back(end);
      ++v.escapes;
    }
    last_end = end;
    p = end + 1;
  }
}

// High bytes a UTF-16 run's unit can have: 00 (ASCII), 30 (CJK punctuation), 34-9F
// (ideographs), FF (full-width forms). Every other unit ends a run, decided by one look-up.
constexpr std::array<bool, 256> kRunHigh = [] {
  std::array<bool, 256> t{};
  t[0x00] = t[0x30] = t[0xFF] = true;
  for (std::size_t h = 0x34; h <= 0x9F; ++h) t[h] = true;
  return t;
}();

// One UTF-16 reading of the data (byte order, parity) while it is walked.
struct Utf16Reader {
  bool big_endian = false;
  DecodedView* view = nullptr;
  std::size_t start = 0, units = 0, cjk = 0;
  bool narrow = true;  // every byte of the run is printable ASCII: plain text, not UTF-16

  std::uint32_t unit_at(ByteView d, std::size_t p) const {
    return big_endian ? (d[p] << 8 | d[p + 1]) : (d[p] | d[p + 1] << 8);
  }
  bool control(ByteView d, std::size_t p) const {  // a control unit (NUL, newline, a length) or a BOM
    if (p + 1 >= d.size()) return true;
    const std::uint32_t u = unit_at(d, p);
    return u < 0x20 || u == 0xFEFF;
  }
  // A run needs a control unit on both sides: text that binary data decodes into rarely has.
  void flush(ByteView d, std::size_t end) {
    if (units == 0) return;
    const bool terminated = (start < 2 || control(d, start - 2)) && control(d, end);
    if ((cjk >= 2 || units >= 4) && !narrow && terminated) {
      for (std::size_t i = start; i < end; i += 2) emit_cp(*view, unit_at(d, i), i);
      view->bytes.push_back('\n');
      view->origin.push_back(end);
      ++view->escapes;
    }
    units = cjk = 0;
    narrow = true;
  }
  void step(ByteView d, std::size_t p) {
    if (!kRunHigh[big_endian ? d[p] : d[p + 1]]) {
      flush(d, p);
      return;
    }
    const std::uint32_t u = unit_at(d, p);
    const bool ascii = u < 0x80 && is_text_ascii(static_cast<std::uint8_t>(u));
    if (!ascii && !is_cjk(u)) {
      flush(d, p);
      return;
    }
    if (units == 0) start = p;
    ++units;
    cjk += ascii ? 0 : 1;
    narrow = narrow && is_text_ascii(d[p]) && is_text_ascii(d[p + 1]);
  }
};

// The UTF-16LE and UTF-16BE runs of d[a, b), at both parities, in one walk.
void utf16_runs(ByteView d, std::size_t a, std::size_t b, DecodedView& le, DecodedView& be) {
  std::array<Utf16Reader, 4> r{};  // [parity * 2 + big_endian]
  for (std::size_t i = 0; i < 4; ++i) {
    r[i].big_endian = (i & 1) != 0;
    r[i].view = r[i].big_endian ? &be : &le;
  }
  const std::size_t last = std::min(b, d.size() - 1);
  for (std::size_t p = a; p < last; ++p) {
    Utf16Reader* pair = &r[(p & 1) * 2];
    // Both readings reject most units at once: neither byte is a possible high byte.
    if (!kRunHigh[d[p]] && !kRunHigh[d[p + 1]]) {
      pair[0].flush(d, p);
      pair[1].flush(d, p);
      continue;
    }
    pair[0].step(d, p);
    pair[1].step(d, p);
  }
  for (auto& reader : r) reader.flush(d, reader.start + 2 * reader.units);
}

// Segments of the data worth a view: runs of 4 KiB blocks whose entropy is at most
// kTranscodeMaxEntropy (text, tables, code), so compressed or random blocks inside a node cost
// nothing and decode into no junk. Double-byte text needs bytes of A1-FE in its block; UTF-16
// text needs a zero byte (ASCII units, terminators, newlines, length prefixes) or the edge of the
// data, so plain ASCII and UTF-8 text is not walked as UTF-16.
struct Segments {
  std::vector<std::pair<std::size_t, std::size_t>> double_byte, utf16;
};

Segments text_segments(ByteView d) {
  constexpr std::size_t kBlock = 4096;
  Segments out;
  auto add = [](std::vector<std::pair<std::size_t, std::size_t>>& list, std::size_t a, std::size_t b) {
    if (!list.empty() && list.back().second == a) list.back().second = b;
    else list.emplace_back(a, b);
  };
  for (std::size_t a = 0; a < d.size(); a += kBlock) {
    const std::size_t b = std::min(d.size(), a + kBlock);
    std::array<std::uint32_t, 256> hist{};
    for (std::size_t i = a; i < b; ++i) ++hist[d[i]];
    double h = 0.0;
    const double n = static_cast<double>(b - a);
    std::uint32_t high = 0;
    for (std::size_t c = 0; c < 256; ++c) {
      if (hist[c] != 0) h -= (hist[c] / n) * std::log2(hist[c] / n);
      if (c >= 0xA1 && c <= 0xFE) high += hist[c];
    }
    if (h > kTranscodeMaxEntropy) continue;
    if (high >= 4) add(out.double_byte, a, b);
    // A UTF-16 run needs a control unit on each side, or the edge of the data.
    if (hist[0] >= 1 || a == 0 || b == d.size()) add(out.utf16, a, b);
  }
  return out;
}

}  // namespace

std::vector<DecodedView> transcode_views(ByteView data, double entropy) {
  std::vector<DecodedView> views;
  if (data.size() < 4 || entropy > kTranscodeMaxEntropy + 0.4) return views;
  const Segments segments = text_segments(data);
  std::array<DecodedView, 4> v;
  const std::array<Encoding, 4> encodings = {Encoding::kGbk, Encoding::kBig5, Encoding::kUtf16le, Encoding::kUtf16be};
  for (std::size_t i = 0; i < 4; ++i) {
    v[i].encoding = encodings[i];
    v[i].name = std::string(encoding_name(encodings[i]));
  }
  for (const auto& [a, b] : segments.double_byte) {
    double_byte_runs(data, a, b, gbk_table(), v[0]);
    double_byte_runs(data, a, b, big5_table(), v[1]);
  }
  for (const auto& [a, b] : segments.utf16) utf16_runs(data, a, b, v[2], v[3]);
  for (auto& view : v) {
    view.origin.push_back(data.size());
    if (view.escapes != 0) views.push_back(std::move(view));
  }
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
