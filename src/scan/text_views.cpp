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

// A text run is bounded by a control byte (NUL, newline, a length byte; a tab is text) or the
// edge of the data on both sides: runs that binary data decodes into rarely are. So a run is
// only tried right after one, and the walk between tries looks at nothing else.
bool run_boundary(std::uint8_t c) { return c < 0x20 && c != '\t'; }

// From s (right after a boundary, or the segment's start), the longest run of printable ASCII
// and CJK characters of the code page below b: its end, and how many CJK characters it holds.
std::size_t double_byte_run(ByteView d, std::size_t s, std::size_t b, const DoubleByteTable& table, std::size_t& cjk) {
  std::size_t q = s;
  cjk = 0;
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
  return std::min(q, d.size());
}

void emit_double_byte_run(ByteView d, std::size_t start, std::size_t end, const DoubleByteTable& table, DecodedView& v) {
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

// The GBK and Big5 runs of d[a, b), in one walk: a run that starts after a boundary, holds two
// CJK characters or more, ends at a boundary and is not valid UTF-8 (then it is UTF-8 text,
// scanned as it is).
void double_byte_runs(ByteView d, std::size_t a, std::size_t b, DecodedView& gbk, DecodedView& big5) {
  const std::array<std::pair<const DoubleByteTable*, DecodedView*>, 2> pages{{{&gbk_table(), &gbk}, {&big5_table(), &big5}}};
  std::array<std::size_t, 2> done{a, a};  // per code page: bytes before this were inside a run already tried
  auto try_at = [&](std::size_t s) {
    for (std::size_t k = 0; k < pages.size(); ++k) {
      if (s < done[k]) continue;
      std::size_t cjk = 0;
      const std::size_t end = double_byte_run(d, s, b, *pages[k].first, cjk);
      done[k] = end;
      if (cjk >= 2 && (end >= d.size() || d[end] < 0x20) && !utf8_through(d, s, end)) {
        emit_double_byte_run(d, s, end, *pages[k].first, *pages[k].second);
      }
    }
  };
  // The segment's first byte starts a run when the byte before it ends one (a tab included:
  // a run is never widened back across a segment's start).
  if (a < b && (a == 0 || d[a - 1] < 0x20)) try_at(a);
  for (std::size_t z = a; z + 1 < b; ++z) {
    if (run_boundary(d[z])) try_at(z + 1);
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

std::uint32_t utf16_unit(ByteView d, std::size_t p, bool big_endian) {
  return big_endian ? (d[p] << 8 | d[p + 1]) : (d[p] | d[p + 1] << 8);
}

// A control unit (NUL, newline, a length) or a BOM bounds a UTF-16 run; so does the data's end.
bool utf16_control(ByteView d, std::size_t p, bool big_endian) {
  if (p + 1 >= d.size()) return true;
  const std::uint32_t u = utf16_unit(d, p, big_endian);
  return u < 0x20 || u == 0xFEFF;
}

// The UTF-16LE and UTF-16BE runs of d[a, b), at both parities. A run is a maximal sequence of
// printable ASCII and CJK units; it is kept when a control unit (or the data's edge) bounds it
// on both sides, it holds two CJK units or four units, and its bytes are not all printable
// ASCII (narrow text read at an odd offset). So a run is only tried right after a control unit,
// found by its high byte (zero, or FE of a BOM), and the walk between tries reads one byte.
void utf16_runs(ByteView d, std::size_t a, std::size_t b, DecodedView& le, DecodedView& be) {
  const std::size_t last = std::min(b, d.size() - 1);  // a unit starts below it
  struct Run {
    std::size_t start, end;
  };
  for (const bool big : {false, true}) {
    std::array<std::size_t, 2> done{a, a};  // per parity: units before this were inside a tried run
    std::vector<Run> runs;
    std::array<std::optional<Run>, 2> cut;  // per parity: the kept run that the segment's end cuts
    auto try_at = [&](std::size_t s) {
      const std::size_t parity = s & 1;
      if (s < done[parity] || s >= last) return;
      std::size_t q = s, units = 0, cjk = 0;
      bool narrow = true;
      while (q < last) {
        if (!kRunHigh[big ? d[q] : d[q + 1]]) break;
        const std::uint32_t u = utf16_unit(d, q, big);
        const bool ascii = u < 0x80 && is_text_ascii(static_cast<std::uint8_t>(u));
        if (!ascii && !is_cjk(u)) break;
        ++units;
        cjk += ascii ? 0 : 1;
        narrow = narrow && is_text_ascii(d[q]) && is_text_ascii(d[q + 1]);
        q += 2;
      }
      done[parity] = q;
      if ((cjk < 2 && units < 4) || narrow || !utf16_control(d, q, big)) return;
      if (q >= last) cut[parity] = Run{s, q};
      else runs.push_back({s, q});
    };
    if (a < 2) {
      try_at(0);
      try_at(1);
    }
    const std::size_t high = big ? 2 : 1;  // the control unit at s - 2 has its high byte at s - high
    // A tab is a control unit that is also text: inside the segment it belongs to the run
    // around it, so a run starts after one only at the segment's start.
    for (std::size_t s = std::max<std::size_t>(a, 2); s < last; ++s) {
      const std::uint8_t c = d[s - high];
      if ((c == 0 || c == 0xFE) && utf16_control(d, s - 2, big) && (s < a + 2 || utf16_unit(d, s - 2, big) != '\t')) {
        try_at(s);
      }
    }
    // Written in the order their ends come, then the runs the segment's end cuts, parity 0
    // first.
    std::sort(runs.begin(), runs.end(), [](const Run& x, const Run& y) { return x.end < y.end; });
    for (const auto& r : cut) {
      if (r) runs.push_back(*r);
    }
    DecodedView& view = big ? be : le;
    for (const Run& r : runs) {
      for (std::size_t i = r.start; i < r.end; i += 2) emit_cp(view, utf16_unit(d, i, big), i);
      view.bytes.push_back('\n');
      view.origin.push_back(r.end);
      ++view.escapes;
    }
  }
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
  for (const auto& [a, b] : segments.double_byte) double_byte_runs(data, a, b, v[0], v[1]);
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

std::vector<DecodedView> decoding_views(const Blob& data, double entropy, bool unescape) {
  std::vector<DecodedView> views;
  auto views_of = [&](ByteView d, double h) {
    std::vector<DecodedView> out;
    if (unescape) {
      if (auto view = unescape_view(d)) out.push_back(std::move(*view));
    }
    for (DecodedView& view : transcode_views(d, h)) out.push_back(std::move(view));
    return out;
  };
  if (!data.has_holes()) return views_of(data.bytes(), entropy);
  for (const Extent& e : data.data_extents()) {
    const ByteView piece = data.bytes().subspan(e.offset, e.size);
    for (DecodedView& v : views_of(piece, shannon_entropy(piece))) {
      auto it = std::find_if(views.begin(), views.end(), [&](const DecodedView& w) { return w.name == v.name; });
      if (it == views.end()) {
        views.push_back(DecodedView{v.name, v.encoding, {}, {}, 0});
        it = std::prev(views.end());
      } else {
        it->bytes.push_back('\n');  // stands for the hole; its origin is the previous piece's end
      }
      it->bytes.insert(it->bytes.end(), v.bytes.begin(), v.bytes.end());
      for (std::uint64_t o : v.origin) it->origin.push_back(o + e.offset);
      it->escapes += v.escapes;
    }
  }
  for (DecodedView& v : views) v.origin.back() = data.size();
  return views;
}

}  // namespace fwscan
