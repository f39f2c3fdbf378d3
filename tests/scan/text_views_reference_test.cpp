// The transcoding views against a reference reader. transcode_views tries a run only where one
// can start (after a boundary byte or a control unit); the reference below reads the rules of
// scan/text_views.hpp literally, one position at a time: it finds a CJK character first and
// widens the run back over text, and it walks every UTF-16 reading (two byte orders, two
// parities) as a state machine over every unit. Both must give the same views, byte for byte,
// with the same origins, on data built to hit every edge: runs cut by a 4 KiB block, BOMs,
// tabs, odd offsets, UTF-8 look-alikes and noise between runs.
#include <iconv.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "scan/text_views.hpp"
#include "support/catch.hpp"

using namespace fwscan;

namespace {

bool is_cjk(std::uint32_t cp) {
  return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}
bool is_text_ascii(std::uint8_t c) { return (c >= 0x20 && c < 0x7F) || c == '\t'; }

void put_utf8(std::vector<std::uint8_t>& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<std::uint8_t>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<std::uint8_t>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<std::uint8_t>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  }
}

// The code page's CJK characters, as iconv converts each pair on its own.
struct Page {
  explicit Page(const char* charset) {
    iconv_t cd = iconv_open("UTF-32LE", charset);
    REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
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
        if (is_cjk(cp)) {
          cp_[static_cast<std::size_t>(lead << 8 | trail)] = cp;
          pairs.push_back({static_cast<std::uint8_t>(lead), static_cast<std::uint8_t>(trail)});
        }
      }
    }
    iconv_close(cd);
  }
  std::uint32_t at(std::uint8_t lead, std::uint8_t trail) const { return cp_[static_cast<std::size_t>(lead << 8 | trail)]; }
  std::vector<std::array<std::uint8_t, 2>> pairs;

 private:
  std::vector<std::uint32_t> cp_ = std::vector<std::uint32_t>(1 << 16, 0);
};

const Page& gb2312() {
  static const Page p("GB2312");
  return p;
}
const Page& big5() {
  static const Page p("BIG5");
  return p;
}

struct View {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint64_t> origin;
  std::uint64_t escapes = 0;
};

void emit(View& v, std::uint32_t cp, std::uint64_t at) {
  const std::size_t before = v.bytes.size();
  put_utf8(v.bytes, cp);
  v.origin.insert(v.origin.end(), v.bytes.size() - before, at);
}
void end_run(View& v, std::uint64_t end) {
  v.bytes.push_back('\n');
  v.origin.push_back(end);
  ++v.escapes;
}

bool utf8_through(ByteView d, std::size_t begin, std::size_t end) {
  std::size_t i = begin;
  while (i < end) {
    const std::uint8_t c = d[i];
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > d.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((d[i + k] & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// A run of a double-byte page: found at a CJK character, widened back over text bytes, then
// forward; kept when control bytes (or the data's edges) bound it.
void reference_double_byte(ByteView d, std::size_t a, std::size_t b, const Page& page, View& v) {
  auto pair_at = [&](std::size_t q) { return q + 1 < d.size() && d[q] >= 0x81 && page.at(d[q], d[q + 1]) != 0; };
  std::size_t p = a, last_end = a;
  while (p < b) {
    if (!pair_at(p)) {
      ++p;
      continue;
    }
    std::size_t start = p;
    while (start > last_end && is_text_ascii(d[start - 1])) --start;
    std::size_t q = p, cjk = 0;
    while (q < b) {
      if (is_text_ascii(d[q])) {
        ++q;
      } else if (pair_at(q)) {
        ++cjk;
        q += 2;
      } else {
        break;
      }
    }
    const std::size_t end = std::min(q, d.size());
    const bool bounded = (start == 0 || d[start - 1] < 0x20) && (end >= d.size() || d[end] < 0x20);
    if (cjk >= 2 && bounded && !utf8_through(d, start, end)) {
      for (std::size_t i = start; i < end;) {
        if (is_text_ascii(d[i])) {
          emit(v, d[i], i);
          ++i;
        } else {
          emit(v, page.at(d[i], d[i + 1]), i);
          i += 2;
        }
      }
      end_run(v, end);
    }
    last_end = end;
    p = end + 1;
  }
}

// One UTF-16 reading, stepped over every unit of its parity.
struct Reading {
  bool big = false;
  View* view = nullptr;
  std::size_t start = 0, units = 0, cjk = 0;
  bool narrow = true;
  std::uint32_t unit(ByteView d, std::size_t p) const { return big ? (d[p] << 8 | d[p + 1]) : (d[p] | d[p + 1] << 8); }
  bool control(ByteView d, std::size_t p) const {
    if (p + 1 >= d.size()) return true;
    const std::uint32_t u = unit(d, p);
    return u < 0x20 || u == 0xFEFF;
  }
  void flush(ByteView d, std::size_t end) {
    if (units == 0) return;
    // Before the run: a control unit, or a unit that is not text and ends in a zero byte (the
    // NUL that ends a byte string there).
    auto text_unit = [&](std::size_t p) {
      const std::uint32_t u = unit(d, p);
      return (u < 0x80 && is_text_ascii(static_cast<std::uint8_t>(u))) || is_cjk(u);
    };
    const bool after_control = start < 2 || control(d, start - 2);
    const bool after_nul = !after_control && d[start - 1] == 0 && !text_unit(start - 2);
    const bool bounded = (after_control || after_nul) && control(d, end);
    // After a byte string's NUL, only two CJK units tell the byte order: wide ASCII reads the
    // same in the other one at the other parity.
    if ((cjk >= 2 || (units >= 4 && after_control)) && !narrow && bounded) {
      for (std::size_t i = start; i < end; i += 2) emit(*view, unit(d, i), i);
      end_run(*view, end);
    }
    units = cjk = 0;
    narrow = true;
  }
  void step(ByteView d, std::size_t p) {
    const std::uint32_t u = unit(d, p);
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

void reference_utf16(ByteView d, std::size_t a, std::size_t b, View& le, View& be) {
  std::array<Reading, 4> r{};  // [parity * 2 + big_endian]
  for (std::size_t i = 0; i < 4; ++i) {
    r[i].big = (i & 1) != 0;
    r[i].view = r[i].big ? &be : &le;
  }
  const std::size_t last = std::min(b, d.size() - 1);
  for (std::size_t p = a; p < last; ++p) {
    r[(p & 1) * 2].step(d, p);
    r[(p & 1) * 2 + 1].step(d, p);
  }
  for (auto& reading : r) reading.flush(d, reading.start + 2 * reading.units);
}

// The 4 KiB blocks of text-like entropy, merged into segments, as text_views.hpp describes.
std::array<View, 4> reference_views(ByteView d) {
  std::vector<std::pair<std::size_t, std::size_t>> double_byte, utf16;
  auto add = [](auto& list, std::size_t a, std::size_t b) {
    if (!list.empty() && list.back().second == a) list.back().second = b;
    else list.emplace_back(a, b);
  };
  for (std::size_t a = 0; a < d.size(); a += 4096) {
    const std::size_t b = std::min(d.size(), a + 4096);
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
    if (high >= 4) add(double_byte, a, b);
    if (hist[0] >= 1 || a == 0 || b == d.size()) add(utf16, a, b);
  }
  std::array<View, 4> v;
  for (const auto& [a, b] : double_byte) {
    reference_double_byte(d, a, b, gb2312(), v[0]);
    reference_double_byte(d, a, b, big5(), v[1]);
  }
  for (const auto& [a, b] : utf16) reference_utf16(d, a, b, v[2], v[3]);
  return v;
}

// Data made of the pieces that text views meet in firmware, in random order.
std::vector<std::uint8_t> make_data(std::mt19937& rng) {
  std::vector<std::uint8_t> d;
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto cjk_cp = [&]() -> std::uint32_t {
    switch (pick(4)) {
      case 0: return 0x3000 + static_cast<std::uint32_t>(pick(0x40));
      case 1: return 0xFF00 + static_cast<std::uint32_t>(pick(0xF0));
      default: return 0x4E00 + static_cast<std::uint32_t>(pick(0x5000));
    }
  };
  auto ascii = [&]() { return static_cast<std::uint8_t>(pick(8) == 0 ? '\t' : 0x20 + pick(0x5F)); };
  auto control = [&]() { return static_cast<std::uint8_t>(pick(3) == 0 ? 0 : pick(0x20)); };
  const std::size_t target = 16 + pick(pick(4) == 0 ? 12000 : 3000);
  while (d.size() < target) {
    const std::size_t n = 1 + pick(12);
    switch (pick(11)) {
      case 0:  // noise, which can look like anything for a byte or two
        for (std::size_t i = 0; i < n; ++i) d.push_back(static_cast<std::uint8_t>(rng()));
        break;
      case 1:
        for (std::size_t i = 0; i < n; ++i) d.push_back(control());
        break;
      case 2:
        for (std::size_t i = 0; i < 3 * n; ++i) d.push_back(ascii());
        break;
      case 3:
      case 4: {  // UTF-16, either order, CJK and ASCII units, sometimes a BOM first
        const bool big = pick(2) == 1;
        if (pick(4) == 0) {
          d.push_back(big ? 0xFE : 0xFF);
          d.push_back(big ? 0xFF : 0xFE);
        }
        for (std::size_t i = 0; i < n; ++i) {
          const std::uint32_t u = pick(2) == 0 ? ascii() : cjk_cp();
          d.push_back(static_cast<std::uint8_t>(big ? u >> 8 : u & 0xFF));
          d.push_back(static_cast<std::uint8_t>(big ? u & 0xFF : u >> 8));
        }
        if (pick(2) == 0) {
          d.push_back(0);
          d.push_back(0);
        }
        break;
      }
      case 5:
      case 6: {  // GB2312 or Big5 text with ASCII between the characters
        const Page& page = pick(2) == 0 ? gb2312() : big5();
        for (std::size_t i = 0; i < n; ++i) {
          if (pick(3) == 0) {
            d.push_back(ascii());
          } else {
            const auto& pr = page.pairs[pick(page.pairs.size())];
            d.insert(d.end(), pr.begin(), pr.end());
          }
        }
        break;
      }
      case 7:  // UTF-8 CJK, valid, which a double-byte reading must leave alone
        for (std::size_t i = 0; i < n; ++i) put_utf8(d, cjk_cp());
        break;
      case 8:  // one stray byte shifts the parity of what follows
        d.push_back(static_cast<std::uint8_t>(0x80 + pick(0x80)));
        break;
      case 9:  // a run of zeros, or of one byte, as padding is
        d.insert(d.end(), n * 8, pick(2) == 0 ? 0 : static_cast<std::uint8_t>(rng()));
        break;
      default:  // a high byte a UTF-16 unit can have, then text: a near-miss
        d.push_back(static_cast<std::uint8_t>(pick(2) == 0 ? 0xFE : 0x30 + pick(0x70)));
        d.push_back(ascii());
        break;
    }
  }
  return d;
}

}  // namespace

TEST_CASE("transcoding views equal the per-position reference reader", "[views]") {
  const std::array<Encoding, 4> order = {Encoding::kGbk, Encoding::kBig5, Encoding::kUtf16le, Encoding::kUtf16be};
  std::mt19937 rng(20261204);
  std::array<std::size_t, 4> runs{};
  for (int round = 0; round < 1500; ++round) {
    const std::vector<std::uint8_t> d = make_data(rng);
    const ByteView data{d.data(), d.size()};
    std::array<View, 4> expected = reference_views(data);
    std::vector<DecodedView> got = transcode_views(data, 4.0);
    std::size_t k = 0;
    for (std::size_t e = 0; e < 4; ++e) {
      INFO("round " << round << ", size " << d.size() << ", encoding " << encoding_name(order[e]));
      if (expected[e].escapes == 0) {
        CHECK((k >= got.size() || got[k].encoding != order[e]));
        continue;
      }
      REQUIRE(k < got.size());
      const DecodedView& g = got[k++];
      CHECK(g.encoding == order[e]);
      expected[e].origin.push_back(d.size());
      CHECK(g.escapes == expected[e].escapes);
      CHECK(g.bytes == expected[e].bytes);
      std::vector<std::uint64_t> origin(g.bytes.size() + 1);
      for (std::size_t i = 0; i < origin.size(); ++i) origin[i] = g.origin_at(i);
      CHECK(origin == expected[e].origin);
      runs[e] += expected[e].escapes;
    }
    CHECK(k == got.size());
  }
  // The data reached every reading, many times.
  for (std::size_t e = 0; e < 4; ++e) CHECK(runs[e] > 500);
}

// The unescaped view, built by construction: plain text and escapes whose decoded bytes are
// known, each decoded byte mapped to its escape's first byte, each plain byte to itself.
TEST_CASE("the unescaped view maps every byte back to its escape or itself", "[views]") {
  struct Escape {
    const char* text;
    std::vector<std::uint8_t> decoded;
  };
  const std::vector<Escape> escapes = {
      {"\\u7ef4", {0xE7, 0xBB, 0xB4}},               // 维
      {"\\u65cf", {0xE6, 0x97, 0x8F}},               // 族
      {"\\ud83d\\ude00", {0xF0, 0x9F, 0x98, 0x80}},  // a surrogate pair
      {"\\xe7\\xbb", {0xE7, 0xBB}},                  // two \xNN escapes, one byte each
      {"&#32500;", {0xE7, 0xBB, 0xB4}},
      {"&#x65CF;", {0xE6, 0x97, 0x8F}},
      {"%E7%BB%B4", {0xE7, 0xBB, 0xB4}},                // three escapes
  };
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string data;
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint64_t> origin;
    for (int piece = 0; piece < 40; ++piece) {
      if (rng() % 2 == 0) {
        const std::size_t n = 1 + rng() % 20;
        for (std::size_t i = 0; i < n; ++i) {
          origin.push_back(data.size());
          const char c = static_cast<char>('a' + rng() % 26);
          data.push_back(c);
          bytes.push_back(static_cast<std::uint8_t>(c));
        }
      } else {
        const Escape& e = escapes[rng() % escapes.size()];
        // \xNN and %HH escapes decode one byte each: every byte maps to its own escape.
        const std::size_t stride = e.text[1] == 'x' ? 4 : e.text[0] == '%' ? 3 : 0;
        for (std::size_t i = 0; i < e.decoded.size(); ++i) origin.push_back(data.size() + stride * i);
        data += e.text;
        bytes.insert(bytes.end(), e.decoded.begin(), e.decoded.end());
      }
    }
    origin.push_back(data.size());
    const ByteView in{reinterpret_cast<const std::uint8_t*>(data.data()), data.size()};
    auto view = unescape_view(in, 1);
    if (bytes.size() == data.size()) {
      CHECK(!view);
      continue;
    }
    REQUIRE(view);
    CHECK(view->bytes == bytes);
    for (std::size_t i = 0; i < origin.size(); ++i) {
      INFO("round " << round << ", view byte " << i);
      CHECK(view->origin_at(i) == origin[i]);
    }
  }
}
