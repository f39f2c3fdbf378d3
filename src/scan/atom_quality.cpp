#include "scan/atom_quality.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace fwscan {
namespace {

constexpr int kPreferBonus = 150;
constexpr int kAvoidPenalty = 150;
constexpr int kFirstBytePenaltyPerClass = 2;
// Any root byte costs a scan of random or compressed data the same (1/256 of its bytes), so a
// first byte the automaton does not have yet costs this much on top of its frequency.
constexpr int kNewRootPenalty = 24;

// Converts UTF-8 text to `charset` with glibc's iconv; nullopt when it does not encode.
std::optional<std::string> convert(const std::string& utf8, const char* charset) {
  iconv_t cd = iconv_open(charset, "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(utf8.size() * 4 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  const std::size_t r = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  if (r == static_cast<std::size_t>(-1) || in_left != 0) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// YARA's own heuristic (libyara atoms.c, yr_atoms_heuristic_quality), restated without its
// offset: known bytes score 20, letters 18, the common 00/20/CC/FF 12; unknown bytes cost 10;
// nibble masks score 4; distinct bytes add 2 each; an atom of one repeated common byte is
// heavily penalised. Range [-80, 88] for atoms of up to 4 bytes.
int heuristic(const std::uint8_t* bytes, const std::uint8_t* mask, int length) {
  int q = 0;
  std::bitset<256> seen;
  for (int i = 0; i < length; ++i) {
    if (mask[i] == 0x00) {
      q -= 10;
    } else if (mask[i] != 0xFF) {
      q += 4;
    } else {
      const std::uint8_t b = bytes[i];
      if (b == 0x00 || b == 0x20 || b == 0xCC || b == 0xFF) q += 12;
      else if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') q += 18;
      else q += 20;
      seen.set(b);
    }
  }
  const auto unique = static_cast<int>(seen.count());
  if (unique == 1 && (seen[0x00] || seen[0x20] || seen[0x90] || seen[0xCC] || seen[0xFF])) q -= 10 * length;
  else q += 2 * unique;
  return q;
}

// libyara stops looking at a string's other windows once one reaches its maximum quality
// (255), and keeps no atom at all when every candidate is at or below its minimum (0), so
// the score is mapped into [1, 254] keeping its order (steps under 3 points may merge).
constexpr int kScoreMin = -80 - kNewRootPenalty - 2 * 100 - kAvoidPenalty;
constexpr int kScoreMax = 88 + kPreferBonus;
int to_yara_quality(int score) {
  score = std::clamp(score, kScoreMin, kScoreMax);
  return 254 - (kScoreMax - score) / 3;
}
static_assert(254 - (kScoreMax - kScoreMin) / 3 >= 1, "the score range must map into libyara's (0, 255)");

}  // namespace

int AtomPreferences::byte_frequency(std::uint8_t b) {
  // Classes, not measurements of one corpus: erased flash and zero fill dominate; then the
  // bytes of ASCII strings and text (common lower-case letters, digits, path and identifier
  // punctuation); then the lead bytes of CJK characters in UTF-8 (E4-E9: every Chinese UI
  // string); then small integers in code and data. A uniformly random byte is about 4.
  if (b == 0x00 || b == 0xFF) return 100;
  if (b == 0x20 || b == 0x0A) return 30;
  if (b >= 'a' && b <= 'z') {
    // Letter frequencies of the printable strings (6+ characters) of four static firmware
    // executables (ARM, MIPS, PowerPC; FACT_core's test set): e 10.5%, t l n o a 7%, ... k 1.1%,
    // q 0.1%. No byte is rarer than in random or compressed data, hence the floor of 4.
    static constexpr std::array<std::uint8_t, 26> kLower = {15, 4, 12, 10, 23, 6, 4, 4, 14, 4, 4, 16, 7,
                                                            16, 15, 8, 4, 14, 14, 16, 7, 4, 4, 4, 4, 4};
    return kLower[b - 'a'];
  }
  if (b >= 'A' && b <= 'Z') return 4;  // upper case: 16% of the letters in those strings
  if (b >= '0' && b <= '2') return 15;
  if (b >= '3' && b <= '9') return 10;
  if (b != 0 && std::strchr("/_.-:\",=", b) != nullptr) return 15;
  if (b > 0x20 && b < 0x7F) return 5;
  if (b == 0x01 || b == 0x02 || b == 0x03 || b == 0x04 || b == 0x08 || b == 0x10) return 12;
  if (b < 0x20 || b == 0x7F) return 8;
  if (b >= 0xE4 && b <= 0xE9) return 20;
  if (b >= 0x80 && b <= 0xBF) return 4;
  return 3;
}

double AtomPreferences::root_cost(const std::vector<std::uint8_t>& roots) {
  double cost = 0;
  for (const auto b : roots) cost += byte_frequency(b);
  return cost;
}

bool AtomPreferences::mark_paid(const std::vector<std::uint8_t>& roots) {
  std::array<bool, 256> next = word_paid_;
  for (const auto b : roots) next[b] = true;
  const bool changed = next != paid_;
  paid_ = next;
  return changed;
}

bool AtomPreferences::inside(const std::vector<Form>& forms, const std::uint8_t* bytes, int length) {
  if (length <= 0) return false;
  const std::string raw(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
  const std::string folded = lower_ascii(raw);
  return std::any_of(forms.begin(), forms.end(), [&](const Form& f) {
    return f.bytes.find(f.fold ? folded : raw) != std::string::npos;
  });
}

int AtomPreferences::quality(const std::uint8_t* bytes, const std::uint8_t* mask, int length) const {
  return to_yara_quality(score(bytes, mask, length));
}

int AtomPreferences::score(const std::uint8_t* bytes, const std::uint8_t* mask, int length) const {
  length = std::clamp(length, 0, 4);
  int q = heuristic(bytes, mask, length);
  if (length > 0 && mask[0] == 0xFF) q -= paid_[bytes[0]] ? 0 : kNewRootPenalty + kFirstBytePenaltyPerClass * byte_frequency(bytes[0]);
  else q -= kNewRootPenalty + kFirstBytePenaltyPerClass * 100;  // a first byte that is not known enters on many bytes
  const bool known = length > 0 && std::all_of(mask, mask + length, [](std::uint8_t m) { return m == 0xFF; });
  if (known && length >= 2) {
    if (inside(prefer_, bytes, length)) q += kPreferBonus;
    if (inside(avoid_, bytes, length)) q -= kAvoidPenalty;
  }
  return q;
}

// The atom libyara would pick for the word alone (its best window), before any root is paid.
void AtomPreferences::note_paid_root(const Form& form) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(form.bytes.data());
  const int n = static_cast<int>(form.bytes.size());
  const int len = std::min(n, 4);
  static constexpr std::uint8_t kKnown[4] = {0xFF, 0xFF, 0xFF, 0xFF};
  int best = -1, best_score = 0;
  for (int i = 0; i + len <= n; ++i) {
    const int s = score(data + i, kKnown, len);
    if (best < 0 || s > best_score) {
      best = i;
      best_score = s;
    }
  }
  if (best < 0) return;
  paid_[data[best]] = true;
}

Result<AtomPreferences> AtomPreferences::parse(const std::string& text, const std::string& origin) {
  AtomPreferences prefs;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string verb, word, traditional, extra;
    if (!(words >> verb)) continue;
    const std::string where = origin + ":" + std::to_string(line_no) + ": ";
    if (verb != "prefer" && verb != "avoid") return make_error(Errc::kMalformed, where + "expected 'prefer' or 'avoid', got '" + verb + "'");
    if (!(words >> word)) return make_error(Errc::kMalformed, where + "'" + verb + "' needs a word");
    words >> traditional;
    if (words >> extra) return make_error(Errc::kMalformed, where + "too many words (a word, then optionally its traditional form)");
    std::vector<Form>& forms = verb == "prefer" ? prefs.prefer_ : prefs.avoid_;
    if (verb == "avoid" && is_ascii(word)) prefs.avoid_words_.push_back(word);
    if (is_ascii(word)) {
      if (word.size() < 2) return make_error(Errc::kMalformed, where + "an ASCII word needs at least 2 characters");
      if (!traditional.empty()) return make_error(Errc::kMalformed, where + "a traditional form only follows a CJK word");
      std::string wide;
      for (char c : lower_ascii(word)) {
        wide.push_back(c);
        wide.push_back('\0');
      }
      forms.push_back({lower_ascii(word), true});
      forms.push_back({wide, true});
    } else {
      const std::string& trad = traditional.empty() ? word : traditional;
      struct Enc { const std::string* text; const char* charset; };
      for (const Enc e : {Enc{&word, "UTF-8"}, Enc{&word, "GBK"}, Enc{&trad, "BIG5"}, Enc{&word, "UTF-16LE"}, Enc{&word, "UTF-16BE"}}) {
        auto bytes = convert(*e.text, e.charset);
        if (!bytes) return make_error(Errc::kMalformed, where + "'" + *e.text + "' does not encode in " + e.charset +
                                                            (std::string(e.charset) == "BIG5" ? " (give its traditional form)" : ""));
        forms.push_back({*bytes, false});
      }
    }
    ++prefs.words_;
  }
  // Only the exact (CJK) forms: an ASCII word's strings may use either case, so its atoms' first
  // bytes are not known here.
  for (const Form& f : prefs.prefer_) {
    if (!f.fold) prefs.note_paid_root(f);
  }
  prefs.word_paid_ = prefs.paid_;
  return prefs;
}

std::string AtomPreferences::yara_quality_table() const {
  constexpr std::uint8_t kLowQuality = 20;
  std::vector<std::string> forms;
  for (const Form& f : avoid_) {
    if (!f.fold) forms.push_back(f.bytes);
  }
  for (const std::string& w : avoid_words_) {
    std::string upper = w, capital = lower_ascii(w);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    capital[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capital[0])));
    for (const std::string& v : {lower_ascii(w), upper, capital}) {
      std::string wide;
      for (char c : v) {
        wide.push_back(c);
        wide.push_back('\0');
      }
      forms.push_back(v);
      forms.push_back(wide);
    }
  }
  std::vector<std::string> atoms;
  for (const std::string& f : forms) {
    for (std::size_t i = 0; i + 4 <= f.size(); ++i) atoms.push_back(f.substr(i, 4));
  }
  std::sort(atoms.begin(), atoms.end(), [](const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return static_cast<std::uint8_t>(x) < static_cast<std::uint8_t>(y); });
  });
  atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
  std::string table;
  for (const std::string& a : atoms) {
    table += a;
    table.push_back(static_cast<char>(kLowQuality));
  }
  return table;
}

Result<AtomPreferences> AtomPreferences::load(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return AtomPreferences{};
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(Errc::kIo, "cannot read " + file.string());
  std::ostringstream body;
  body << in.rdbuf();
  return parse(body.str(), file.filename().string());
}

}  // namespace fwscan
