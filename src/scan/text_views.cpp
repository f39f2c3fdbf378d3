#include "scan/text_views.hpp"

#include <iconv.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <tuple>

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
// character of that code page. Built once from glibc's iconv, the maintained converter. The walk
// asks only whether a pair is one: a bit set of 3 KiB answers that from the L1 cache.
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
        if (!is_cjk(cp)) continue;
        const std::size_t i = index(lead, trail);
        cp_[i] = cp;
        valid_[i / 64] |= std::uint64_t{1} << (i % 64);
      }
    }
    iconv_close(cd);
  }
  bool valid(std::uint8_t lead, std::uint8_t trail) const {
    if (lead < 0x81 || lead > 0xFE || trail < 0x40 || trail > 0xFE) return false;
    const std::size_t i = index(lead, trail);
    return ((valid_[i / 64] >> (i % 64)) & 1U) != 0;
  }
  std::uint32_t at(std::uint8_t lead, std::uint8_t trail) const { return cp_[index(lead, trail)]; }

 private:
  static constexpr std::size_t kPairs = 126 * 191;
  static std::size_t index(int lead, int trail) { return static_cast<std::size_t>((lead - 0x81) * 191 + (trail - 0x40)); }
  std::array<std::uint32_t, kPairs> cp_{};
  std::array<std::uint64_t, (kPairs + 63) / 64> valid_{};
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

// A run's view: an anchor every kAnchorEvery characters bounds the walk that origin_at makes.
constexpr std::size_t kAnchorEvery = 64;

// A text run is bounded by a control byte (NUL, newline, a length byte; a tab is text) or the
// edge of the data on both sides: runs that binary data decodes into rarely are. So a run is
// only tried right after one.
bool run_boundary(std::uint8_t c) { return c < 0x20 && c != '\t'; }

// From s (right after a boundary, or the segment's start), the longest run of printable ASCII
// and CJK characters of the code page below b: its end, and how many CJK characters it holds.
std::size_t double_byte_run(ByteView d, std::size_t s, std::size_t b, const DoubleByteTable& table, std::size_t& cjk) {
  std::size_t q = s;
  cjk = 0;
  while (q < b) {
    if (is_text_ascii(d[q])) {
      ++q;
    } else if (q + 1 < d.size() && table.valid(d[q], d[q + 1])) {
      ++cjk;
      q += 2;
    } else {
      break;
    }
  }
  return std::min(q, d.size());
}

void emit_double_byte_run(ByteView d, std::size_t start, std::size_t end, const DoubleByteTable& table, DecodedView& v) {
  std::size_t chars = 0;
  for (std::size_t i = start; i < end; ++chars) {
    if (chars % kAnchorEvery == 0) v.map_from_here(i, DecodedView::Step::kDoubleByte);
    if (is_text_ascii(d[i])) {
      v.bytes.push_back(d[i]);
      ++i;
    } else {
      put_utf8(v.bytes, table.at(d[i], d[i + 1]));
      i += 2;
    }
  }
  v.map_from_here(end, DecodedView::Step::kSame);
  v.bytes.push_back('\n');
  ++v.escapes;
}

// Byte-class bit sets over a segment of the data, 64 positions a word: bit i is about position
// a + i. They are computed 16 positions at a time (SSE2, which every x86-64 has; elsewhere a
// plain loop gives the same bits), so that the walks below visit only the positions where a run
// can start.
class Bits {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  void reset(std::size_t n) {
    n_ = n;
    words_.assign((n + 63) / 64, 0);
  }
  std::uint64_t* data() { return words_.data(); }
  std::uint64_t word(std::size_t w) const { return w < words_.size() ? words_[w] : 0; }
  std::size_t size() const { return n_; }
  bool test(std::size_t i) const { return ((words_[i / 64] >> (i % 64)) & 1U) != 0; }
  // The lowest set bit of word(w) & mask at or after `from`, below size(); npos when there is
  // none. `mask_of(w)` gives the word to search.
  template <typename MaskOf>
  std::size_t find(std::size_t from, MaskOf mask_of) const {
    for (std::size_t w = from / 64; w * 64 < n_; ++w) {
      std::uint64_t m = mask_of(w);
      if (w == from / 64) m &= ~std::uint64_t{0} << (from % 64);
      if (m != 0) {
        const std::size_t i = w * 64 + static_cast<std::size_t>(std::countr_zero(m));
        return i < n_ ? i : npos;
      }
    }
    return npos;
  }

 private:
  std::vector<std::uint64_t> words_;
  std::size_t n_ = 0;
};

bool in(std::uint8_t c, std::uint8_t lo, std::uint8_t hi) { return static_cast<std::uint8_t>(c - lo) <= hi - lo; }

// The classes that the runs start and end on, for positions [a, a + n) of d. UTF-16 units (at p:
// x = d[p], y = d[p + 1]; x | y << 8 little-endian, x << 8 | y big-endian): text (printable
// ASCII, a tab, or CJK) and control (below 0x20, or a BOM). Double-byte: a boundary byte and a
// lead byte (81-FE).
struct Utf16Classes {
  Bits le_text, le_control, be_text, be_control;
  Bits nul_end;  // the unit's second byte is 0: the end of a NUL-terminated string before a run
};
struct DoubleByteClasses {
  Bits boundary, lead;
};

bool unit_text(std::uint8_t hi, std::uint8_t lo) {
  if (hi == 0) return is_text_ascii(lo);
  return (hi == 0x30 && lo < 0x40) || in(hi, 0x34, 0x9F) || (hi == 0xFF && lo < 0xF0);  // is_cjk
}
bool unit_control(std::uint8_t hi, std::uint8_t lo) { return (hi == 0 && lo < 0x20) || (hi == 0xFE && lo == 0xFF); }

#if defined(__SSE2__)
// Unsigned lo <= v <= hi, per byte.
__m128i in_range(__m128i v, std::uint8_t lo, std::uint8_t hi) {
  const __m128i shifted = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>(lo)));
  return _mm_cmpeq_epi8(_mm_min_epu8(shifted, _mm_set1_epi8(static_cast<char>(hi - lo))), shifted);
}
__m128i equal(__m128i v, std::uint8_t k) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(k))); }
std::uint64_t movemask(__m128i v) { return static_cast<std::uint16_t>(_mm_movemask_epi8(v)); }
__m128i text_ascii(__m128i v) { return _mm_or_si128(in_range(v, 0x20, 0x7E), equal(v, '\t')); }
__m128i unit_text(__m128i hi, __m128i lo) {
  const __m128i cjk = _mm_or_si128(_mm_or_si128(_mm_and_si128(equal(hi, 0x30), in_range(lo, 0x00, 0x3F)), in_range(hi, 0x34, 0x9F)),
                                   _mm_and_si128(equal(hi, 0xFF), in_range(lo, 0x00, 0xEF)));
  return _mm_or_si128(_mm_and_si128(equal(hi, 0), text_ascii(lo)), cjk);
}
__m128i unit_control(__m128i hi, __m128i lo) {
  return _mm_or_si128(_mm_and_si128(equal(hi, 0), in_range(lo, 0x00, 0x1F)), _mm_and_si128(equal(hi, 0xFE), equal(lo, 0xFF)));
}
#endif

void classify(ByteView d, std::size_t a, std::size_t n, Utf16Classes& c) {
  const std::array<Bits*, 5> sets{&c.le_text, &c.le_control, &c.be_text, &c.be_control, &c.nul_end};
  for (Bits* b : sets) b->reset(n);
  std::size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= n && a + i + 17 <= d.size(); i += 16) {  // y of the last position exists
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.data() + a + i));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.data() + a + i + 1));
    const std::size_t w = i / 64, shift = i % 64;
    c.le_text.data()[w] |= movemask(unit_text(y, x)) << shift;
    c.le_control.data()[w] |= movemask(unit_control(y, x)) << shift;
    c.be_text.data()[w] |= movemask(unit_text(x, y)) << shift;
    c.be_control.data()[w] |= movemask(unit_control(x, y)) << shift;
    c.nul_end.data()[w] |= movemask(equal(y, 0)) << shift;
  }
#endif
  for (; i < n; ++i) {
    const std::uint8_t x = d[a + i], y = a + i + 1 < d.size() ? d[a + i + 1] : 0;
    const std::array<bool, 5> v{unit_text(y, x), unit_control(y, x), unit_text(x, y), unit_control(x, y), y == 0};
    for (std::size_t k = 0; k < sets.size(); ++k) sets[k]->data()[i / 64] |= static_cast<std::uint64_t>(v[k]) << (i % 64);
  }
}

void classify(ByteView d, std::size_t a, std::size_t n, DoubleByteClasses& c) {
  c.boundary.reset(n);
  c.lead.reset(n);
  std::size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.data() + a + i));
    c.boundary.data()[i / 64] |= movemask(_mm_andnot_si128(equal(x, '\t'), in_range(x, 0x00, 0x1F))) << (i % 64);
    c.lead.data()[i / 64] |= movemask(in_range(x, 0x81, 0xFE)) << (i % 64);
  }
#endif
  for (; i < n; ++i) {
    const std::uint8_t x = d[a + i];
    c.boundary.data()[i / 64] |= static_cast<std::uint64_t>(run_boundary(x)) << (i % 64);
    c.lead.data()[i / 64] |= static_cast<std::uint64_t>(in(x, 0x81, 0xFE)) << (i % 64);
  }
}

// The GBK and Big5 runs of d[a, b): a run starts after a boundary byte (or at the segment's
// start when the byte before it is below 0x20, a tab included: a run is never widened back
// across a segment's start), holds two CJK characters or more, ends at a boundary and is not
// valid UTF-8 (then it is UTF-8 text, scanned as it is). A walk never passes a boundary byte, so
// each stretch between two boundaries is one try; a stretch with fewer than two lead bytes
// (81-FE) cannot hold two CJK characters and is not walked at all.
void double_byte_runs(ByteView d, std::size_t a, std::size_t b, DoubleByteClasses& c, DecodedView& gbk, DecodedView& big5) {
  const std::array<std::pair<const DoubleByteTable*, DecodedView*>, 2> pages{{{&gbk_table(), &gbk}, {&big5_table(), &big5}}};
  auto try_at = [&](std::size_t s) {
    for (const auto& [table, view] : pages) {
      std::size_t cjk = 0;
      const std::size_t end = double_byte_run(d, s, b, *table, cjk);
      if (cjk >= 2 && (end >= d.size() || d[end] < 0x20) && !utf8_through(d, s, end)) {
        emit_double_byte_run(d, s, end, *table, *view);
      }
    }
  };
  const std::size_t n = b - a;
  classify(d, a, n, c);
  // Per word: each boundary closes the stretch before it; lead bytes are counted up to two.
  auto add_leads = [](std::size_t leads, std::uint64_t m) {
    return m == 0 ? leads : std::min<std::size_t>(2, leads + ((m & (m - 1)) != 0 ? 2 : 1));
  };
  std::size_t start = n != 0 && (a == 0 || d[a - 1] < 0x20) ? 0 : Bits::npos;  // relative to a
  std::size_t leads = 0;
  for (std::size_t w = 0; w * 64 < n; ++w) {
    std::uint64_t boundaries = c.boundary.word(w), lead = c.lead.word(w);
    while (boundaries != 0) {
      const auto i = static_cast<std::size_t>(std::countr_zero(boundaries));
      const std::uint64_t below = i == 0 ? 0 : lead & (~std::uint64_t{0} >> (64 - i));
      leads = add_leads(leads, below);
      if (start != Bits::npos && start < w * 64 + i && leads >= 2) try_at(a + start);
      start = w * 64 + i + 1;
      leads = 0;
      lead = i == 63 ? 0 : lead & (~std::uint64_t{0} << (i + 1));
      boundaries &= boundaries - 1;
    }
    leads = add_leads(leads, lead);
  }
  if (start != Bits::npos && start < n && leads >= 2) try_at(a + start);
}

// A control unit (NUL, newline, a length, a tab) or a BOM bounds a UTF-16 run; so does the
// data's end.
bool utf16_control(ByteView d, std::size_t p, bool big_endian) {
  if (p + 1 >= d.size()) return true;
  return big_endian ? unit_control(d[p], d[p + 1]) : unit_control(d[p + 1], d[p]);
}

}  // namespace

bool utf16_bound_before(ByteView d, std::size_t p, bool big_endian) {
  if (utf16_control(d, p, big_endian)) return true;
  const bool text = big_endian ? unit_text(d[p], d[p + 1]) : unit_text(d[p + 1], d[p]);
  return d[p + 1] == 0 && !text;
}

namespace {

// The UTF-16LE and UTF-16BE runs of d[a, b), at both parities. In each reading (a byte order,
// a parity) a run is a maximal sequence of text units. It is kept when a control unit (or the
// data's edge) bounds it on both sides, it holds two CJK units or four units, and its bytes are
// not all printable ASCII (narrow text read at an odd offset). Before it, a unit that is not
// text and ends in a zero byte bounds it too: the NUL of a byte string that ends at an odd
// offset just before the run ("...\xf0\0" then the run), as the linker packs .rodata; such a
// run needs two CJK units (wide ASCII there reads the same in the other byte order). So only
// two kinds of start are visited: the reading's first unit, and a text unit right after such a
// bound that is not text (a tab is both, and a run goes on through it). Runs come out in the order their ends
// come, then the runs that the segment's end cuts, parity 0 first.
void utf16_runs(ByteView d, std::size_t a, std::size_t b, Utf16Classes& c, DecodedView& le, DecodedView& be) {
  if (d.size() < 2) return;
  const std::size_t last = std::min(b, d.size() - 1);  // a unit starts below it
  if (last <= a) return;
  const std::size_t n = last - a;
  classify(d, a, n, c);
  struct Run {
    std::size_t start, end;
    bool cut;
    std::size_t parity;
  };
  for (const bool big : {false, true}) {
    const Bits& text = big ? c.be_text : c.le_text;
    const Bits& control = big ? c.be_control : c.le_control;
    // Bit i: a text unit whose unit two before bounds a run (a control, or a zero second byte)
    // and is not text.
    auto starts = [&](std::size_t w) {
      auto lone_control = [&](std::size_t k) { return (control.word(k) | c.nul_end.word(k)) & ~text.word(k); };
      const std::uint64_t before = (lone_control(w) << 2) | (w > 0 ? lone_control(w - 1) >> 62 : 0);
      return text.word(w) & before;
    };
    std::vector<Run> runs;
    auto take = [&](std::size_t s) {  // a run starts at relative s; returns where it stops
      const std::uint64_t pattern = (s & 1U) != 0 ? 0xAAAAAAAAAAAAAAAAULL : 0x5555555555555555ULL;
      std::size_t e = text.find(s, [&](std::size_t w) { return ~text.word(w) & pattern; });
      const bool cut = e == Bits::npos;
      if (cut) e = n + ((n - s) & 1U);  // the first unit of this parity at or after last
      const std::size_t start = a + s, end = a + e, units = (e - s) / 2;
      if (units >= 2 && (start < 2 || utf16_bound_before(d, start - 2, big)) && utf16_control(d, end, big)) {
        std::size_t cjk = 0;
        bool narrow = true;
        for (std::size_t i = start; i < end; i += 2) {
          cjk += d[big ? i : i + 1] != 0 ? 1 : 0;  // a text unit with a high byte is CJK
          narrow = narrow && is_text_ascii(d[i]) && is_text_ascii(d[i + 1]);
        }
        // After a byte string's NUL (not a control unit), wide ASCII is as much the other byte
        // order at the other parity ("\0U\0y" is U, y either way): only a run with two CJK
        // units says which reading it is.
        const bool after_nul = start >= 2 && !utf16_control(d, start - 2, big);
        if ((cjk >= 2 || (units >= 4 && !after_nul)) && !narrow) runs.push_back({start, end, cut, (a + s) & 1U});
      }
      return cut ? n : e;
    };
    for (std::size_t first = 0; first < 2 && first < n; ++first) {
      if (text.test(first)) take(first);
    }
    // Starts never fall inside a run of their parity (the unit before a start is no text).
    for (std::size_t w = 0; w * 64 < n; ++w) {
      std::uint64_t m = starts(w);
      if (w == 0) m &= ~std::uint64_t{3};  // the first units were taken above
      for (; m != 0; m &= m - 1) {
        const std::size_t s = w * 64 + static_cast<std::size_t>(std::countr_zero(m));
        if (s < n) take(s);
      }
    }
    std::sort(runs.begin(), runs.end(), [](const Run& x, const Run& y) {
      return std::tuple(x.cut, x.cut ? x.parity : 0, x.end) < std::tuple(y.cut, y.cut ? y.parity : 0, y.end);
    });
    DecodedView& view = big ? be : le;
    for (const Run& r : runs) {
      std::size_t chars = 0;
      for (std::size_t i = r.start; i < r.end; i += 2, ++chars) {
        if (chars % kAnchorEvery == 0) view.map_from_here(i, DecodedView::Step::kUtf16);
        put_utf8(view.bytes, big ? (d[i] << 8 | d[i + 1]) : (d[i] | d[i + 1] << 8));
      }
      view.map_from_here(r.end, DecodedView::Step::kSame);
      view.bytes.push_back('\n');
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

constexpr std::size_t kBlock = 4096;

// The entropy of a block of at most kBlock bytes from its byte counts, as log2(n) - sum(c log2 c)/n
// with c log2 c from a table: one log per block, not one per byte value (256 per 4 KiB block
// were a third of the views' time). It equals shannon_entropy up to rounding.
double block_entropy(const std::array<std::uint64_t, 256>& counts, std::size_t n) {
  static const auto* table = [] {
    auto* t = new std::array<double, kBlock + 1>{};
    for (std::size_t c = 1; c <= kBlock; ++c) (*t)[c] = static_cast<double>(c) * std::log2(static_cast<double>(c));
    return t;
  }();
  if (n == 0) return 0.0;
  double sum = 0.0;
  for (const std::uint64_t c : counts) sum += (*table)[c];
  return std::log2(static_cast<double>(n)) - sum / static_cast<double>(n);
}

Segments text_segments(ByteView d) {
  Segments out;
  auto add = [](std::vector<std::pair<std::size_t, std::size_t>>& list, std::size_t a, std::size_t b) {
    if (!list.empty() && list.back().second == a) list.back().second = b;
    else list.emplace_back(a, b);
  };
  for (std::size_t a = 0; a < d.size(); a += kBlock) {
    const std::size_t b = std::min(d.size(), a + kBlock);
    std::array<std::uint64_t, 256> counts{};
    add_byte_counts(d.subspan(a, b - a), counts);
    const double h = block_entropy(counts, b - a);
    std::uint64_t high = 0;
    for (std::size_t c = 0xA1; c <= 0xFE; ++c) high += counts[c];
    const std::uint64_t zeros = counts[0];
    if (h > kTranscodeMaxEntropy) continue;
    if (high >= 4) add(out.double_byte, a, b);
    // A UTF-16 run needs a control unit on each side, or the edge of the data.
    if (zeros >= 1 || a == 0 || b == d.size()) add(out.utf16, a, b);
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
  DoubleByteClasses double_byte;
  for (const auto& [a, b] : segments.double_byte) double_byte_runs(data, a, b, double_byte, v[0], v[1]);
  Utf16Classes utf16;
  for (const auto& [a, b] : segments.utf16) utf16_runs(data, a, b, utf16, v[2], v[3]);
  for (auto& view : v) {
    view.finish(data.size());
    if (view.escapes != 0) views.push_back(std::move(view));
  }
  return views;
}

void DecodedView::map_from_here(std::uint64_t original, Step step) {
  const std::uint64_t at = bytes.size();
  if (!anchors_.empty() && anchors_.back().view == at) anchors_.pop_back();  // nothing mapped by it
  anchors_.push_back({at, original, step});
}

void DecodedView::finish(std::uint64_t original_size) { map_from_here(original_size, Step::kSame); }

void DecodedView::append_piece(const DecodedView& piece, std::uint64_t shift) {
  if (!anchors_.empty()) bytes.push_back('\n');  // mapped by the previous piece's end
  const std::uint64_t base = bytes.size();
  for (const Anchor& x : piece.anchors_) anchors_.push_back({x.view + base, x.original + shift, x.step});
  bytes.insert(bytes.end(), piece.bytes.begin(), piece.bytes.end());
  escapes += piece.escapes;
}

std::uint64_t DecodedView::origin_at(std::uint64_t view_offset) const {
  auto it = std::upper_bound(anchors_.begin(), anchors_.end(), view_offset,
                             [](std::uint64_t v, const Anchor& x) { return v < x.view; });
  if (it == anchors_.begin()) return 0;
  const Anchor& x = *std::prev(it);
  switch (x.step) {
    case Step::kSame: return x.original;
    case Step::kBytes: return x.original + (view_offset - x.view);
    case Step::kUtf16:
    case Step::kDoubleByte: break;
  }
  // Step over the UTF-8 characters from the anchor (at most kAnchorEvery of them).
  std::uint64_t at = x.view, original = x.original;
  while (at < bytes.size()) {
    const std::uint8_t c = bytes[at];
    const std::uint64_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (view_offset < at + n) break;
    at += n;
    original += x.step == Step::kUtf16 || c >= 0x80 ? 2 : 1;
  }
  return original;
}

std::pair<std::uint64_t, std::uint64_t> DecodedView::original_range(std::uint64_t offset, std::uint64_t length) const {
  const std::uint64_t n = bytes.size();
  const std::uint64_t b = origin_at(std::min(offset, n));
  const std::uint64_t e = origin_at(std::min(offset + length, n));
  return {b, std::max(b, e)};
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
  v.map_from_here(0, DecodedView::Step::kBytes);
  std::vector<std::uint8_t> decoded;
  std::size_t p = 0;
  while (p < data.size()) {
    const std::uint8_t c = data[p];
    decoded.clear();
    const std::size_t used = (c == '\\' || c == '&' || c == '%') ? decode_at(data, p, decoded) : 0;
    if (used == 0) {
      v.bytes.push_back(c);
      ++p;
      continue;
    }
    // The decoded bytes map to the escape's start; the text after it, byte for byte again.
    ++v.escapes;
    v.map_from_here(p, DecodedView::Step::kSame);
    v.bytes.insert(v.bytes.end(), decoded.begin(), decoded.end());
    p += used;
    v.map_from_here(p, DecodedView::Step::kBytes);
  }
  v.finish(data.size());
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
        DecodedView joined;
        joined.name = v.name;
        joined.encoding = v.encoding;
        views.push_back(std::move(joined));
        it = std::prev(views.end());
      }
      it->append_piece(v, e.offset);  // a newline stands for the hole before the piece
    }
  }
  for (DecodedView& v : views) v.finish(data.size());
  return views;
}

}  // namespace fwscan
