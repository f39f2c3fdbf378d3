#include "verdict/name_list.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "report/text_encoding.hpp"

namespace fwscan::verdict {
namespace {

constexpr std::size_t kMinNameChars = 2;
constexpr std::size_t kMaxNameChars = 48;
constexpr std::size_t kShownNames = 3;

bool is_letter(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  if (c < 0xC0 || c == 0xD7 || c == 0xF7) return false;
  // Punctuation, symbols, arrows, shapes and dingbats; CJK punctuation; surrogates and private
  // use; compatibility ideographs and presentation forms (which names are not written in, and
  // which binary data decodes to); fullwidth punctuation; specials; emoji and the planes above.
  struct Range {
    char32_t lo, hi;
  };
  static constexpr Range kNotLetters[] = {{0x2000, 0x2BFF}, {0x2E00, 0x2E7F}, {0x3000, 0x303F},
                                          {0xD800, 0xFEFF}, {0xFF00, 0xFF20}, {0xFF3B, 0xFF40},
                                          {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF}, {0x1F000, 0x10FFFF}};
  return std::none_of(std::begin(kNotLetters), std::end(kNotLetters),
                      [c](const Range& r) { return c >= r.lo && c <= r.hi; });
}

bool is_joiner(char32_t c) {
  return c == ' ' || c == '-' || c == '\'' || c == '.' || c == '(' || c == ')' || c == 0xB7 || c == 0x2019 ||
         (c >= '0' && c <= '9');
}

// UTF-8 to code points; false on a malformed sequence.
bool utf8_code_points(std::string_view s, std::vector<char32_t>& out) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = static_cast<std::uint8_t>(s[i]);
    std::size_t n = 1;
    if (cp >= 0x80 && (n = utf8_code_point_at(s, i, cp)) == 0) return false;
    out.push_back(static_cast<char32_t>(cp));
    i += n;
  }
  return true;
}

class Units {
 public:
  Units(ByteView bytes, Encoding e) : bytes_(bytes), enc_(e), width_(is_utf16(e) ? 2 : 1) {}
  std::uint64_t width() const { return width_; }
  std::uint32_t at(std::uint64_t pos) const {
    if (width_ == 1) return bytes_[pos];
    return enc_ == Encoding::kUtf16le ? static_cast<std::uint32_t>(bytes_[pos] | (bytes_[pos + 1] << 8))
                                      : static_cast<std::uint32_t>((bytes_[pos] << 8) | bytes_[pos + 1]);
  }
  bool separator(std::uint64_t pos) const {
    const auto u = at(pos);
    return u == 0 || u == '\n' || u == '\r';
  }
  // The item's text as code points, or false when it does not decode.
  bool code_points(std::uint64_t begin, std::uint64_t end, std::vector<char32_t>& out) const {
    out.clear();
    if (width_ == 2) {
      for (std::uint64_t p = begin; p < end; p += 2) {
        const std::uint32_t u = at(p);
        if (u >= 0xD800 && u <= 0xDBFF && p + 2 < end) {
          const std::uint32_t v = at(p + 2);
          if (v < 0xDC00 || v > 0xDFFF) return false;
          out.push_back(static_cast<char32_t>(0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00)));
          p += 2;
        } else if (u >= 0xD800 && u <= 0xDFFF) {
          return false;
        } else {
          out.push_back(static_cast<char32_t>(u));
        }
      }
      return true;
    }
    const ByteView item = bytes_.subspan(begin, end - begin);
    if (enc_ == Encoding::kGbk || enc_ == Encoding::kBig5) {
      const DecodedText t = decode_text(enc_, item);
      return t.encoding == enc_ && utf8_code_points(t.text, out);
    }
    return utf8_code_points(as_chars(item), out);  // ASCII labels sit in UTF-8 text as often as in ASCII
  }
  std::string utf8(std::uint64_t begin, std::uint64_t end) const {
    return decode_text(enc_ == Encoding::kAscii ? Encoding::kUtf8 : enc_, bytes_.subspan(begin, end - begin)).text;
  }

 private:
  ByteView bytes_;
  Encoding enc_;
  std::uint64_t width_;
};

bool is_name(const std::vector<char32_t>& cps) {
  if (cps.size() < kMinNameChars || cps.size() > kMaxNameChars || !is_letter(cps.front())) return false;
  std::size_t letters = 0;
  for (char32_t c : cps) {
    if (is_letter(c)) ++letters;
    else if (!is_joiner(c)) return false;
  }
  return letters >= kMinNameChars;
}

bool has_camel_step(const std::vector<char32_t>& cps) {
  for (std::size_t i = 1; i < cps.size(); ++i) {
    if (cps[i - 1] >= 'a' && cps[i - 1] <= 'z' && cps[i] >= 'A' && cps[i] <= 'Z') return true;
  }
  return false;
}

std::optional<NameRun> run_in_reading(ByteView bytes, std::uint64_t begin, std::uint64_t end, Encoding encoding,
                                      std::uint64_t window) {
  if (encoding == Encoding::kBinary || begin >= end || end > bytes.size()) return std::nullopt;
  const Units units(bytes, encoding);
  const std::uint64_t w = units.width();
  if ((end - begin) % w != 0) return std::nullopt;
  // The window, in whole units aligned with the label.
  const std::uint64_t lo = begin - std::min(begin, window) / w * w;
  const std::uint64_t hi = end + std::min<std::uint64_t>(bytes.size() - end, window) / w * w;

  // The label's own item: from the separator before it to the one after it, both inside the window.
  std::uint64_t item_begin = begin;
  while (item_begin > lo && !units.separator(item_begin - w)) item_begin -= w;
  // The node's own start and end bound an item; the window's edges cut one.
  const auto cut_left = [&](std::uint64_t s) { return s == lo && lo != 0; };
  const auto cut_right = [&](std::uint64_t e) { return e == hi && hi != bytes.size(); };
  if (cut_left(item_begin)) return std::nullopt;
  std::uint64_t item_end = end;
  while (item_end < hi && !units.separator(item_end)) item_end += w;
  if (cut_right(item_end)) return std::nullopt;
  for (std::uint64_t p = begin; p < end; p += w) {
    if (units.separator(p)) return std::nullopt;  // the label itself spans a separator
  }

  std::vector<char32_t> cps;
  if (!units.code_points(item_begin, item_end, cps) || !is_name(cps) || has_camel_step(cps)) return std::nullopt;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> items{{item_begin, item_end}};

  // Leftwards: skip the separators, read the item before them; stop at a non-name or the window.
  for (std::uint64_t p = item_begin;;) {
    while (p > lo && units.separator(p - w)) p -= w;
    std::uint64_t s = p;
    while (s > lo && !units.separator(s - w)) s -= w;
    if (cut_left(s) || s == p || !units.code_points(s, p, cps) || !is_name(cps)) break;
    items.emplace_back(s, p);
    p = s;
  }
  // Rightwards, the same.
  for (std::uint64_t p = item_end;;) {
    while (p < hi && units.separator(p)) p += w;
    std::uint64_t e = p;
    while (e < hi && !units.separator(e)) e += w;
    if (cut_right(e) || e == p || !units.code_points(p, e, cps) || !is_name(cps)) break;
    items.emplace_back(p, e);
    p = e;
  }

  std::sort(items.begin(), items.end());
  NameRun run;
  run.begin = items.front().first;
  run.end = items.back().second;
  std::set<std::string> distinct;
  for (const auto& [s, e] : items) {
    std::string raw(as_chars(bytes.subspan(s, e - s)));
    if (!distinct.insert(std::move(raw)).second) continue;
    if (run.first.size() < kShownNames) run.first.push_back(units.utf8(s, e));
  }
  run.distinct = distinct.size();
  return run;
}

}  // namespace

std::optional<NameRun> name_run_around(ByteView bytes, std::uint64_t begin, std::uint64_t end, Encoding encoding,
                                       std::uint64_t window) {
  auto run = run_in_reading(bytes, begin, end, encoding, window);
  if (!is_utf16(encoding) || begin == 0 || end >= bytes.size()) return run;
  // UTF-16 text of Latin-1 letters reads the same in the other byte order one byte over: "u\0i\0"
  // is UTF-16LE at its first byte and UTF-16BE one byte before. The matcher may report either;
  // the list is read in the one whose code units its other names decode in.
  const bool le = encoding == Encoding::kUtf16le;
  for (std::uint64_t p = begin; p < end; p += 2) {
    if (bytes[le ? p + 1 : p] != 0) return run;  // a unit above U+00FF: one reading only
  }
  auto other = le ? run_in_reading(bytes, begin - 1, end - 1, Encoding::kUtf16be, window)
                  : run_in_reading(bytes, begin + 1, end + 1, Encoding::kUtf16le, window);
  if (other && (!run || other->distinct > run->distinct)) return other;
  return run;
}

}  // namespace fwscan::verdict
