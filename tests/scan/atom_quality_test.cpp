#include <algorithm>
#include <fstream>

#include "scan/atom_quality.hpp"
#include "scan/rule_set.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

constexpr std::uint8_t kKnown[4] = {0xFF, 0xFF, 0xFF, 0xFF};

int q(const AtomPreferences& p, std::initializer_list<std::uint8_t> bytes) {
  const std::vector<std::uint8_t> b(bytes);
  return p.quality(b.data(), kKnown, static_cast<int>(b.size()));
}

bool has(const std::vector<std::uint8_t>& v, std::uint8_t b) { return std::find(v.begin(), v.end(), b) != v.end(); }

// 维族 in UTF-8 (E7 BB B4 E6 97 8F) and 人脸 (E4 BA BA E8 84 B8): the rule says "人脸 within 200
// bytes before or after 维族".
const char* kContextRule =
    "rule ctx { strings:\n"
    "  $a = { ( E4 BA BA E8 84 B8 [0-200] E7 BB B4 E6 97 8F | E7 BB B4 E6 97 8F [0-200] E4 BA BA E8 84 B8 ) }\n"
    "  condition: $a }\n";

}  // namespace

TEST_CASE("atom preferences: words in every encoding, errors with file:line", "[scan][atoms]") {
  auto p = AtomPreferences::parse("# comment\nprefer 维族 維族\navoid 人脸 人臉  # trailing comment\nprefer uyghur\n", "prefs");
  REQUIRE(p);
  REQUIRE(p->word_count() == 3);
  // 维族: UTF-8 window, GBK CE AC D7 E5, Big5 (traditional 維族) BA FB B1 DA, UTF-16LE F4 7E CF 65.
  const AtomPreferences none;
  REQUIRE(q(*p, {0xBB, 0xB4, 0xE6, 0x97}) > q(none, {0xBB, 0xB4, 0xE6, 0x97}));
  REQUIRE(q(*p, {0xCE, 0xAC, 0xD7, 0xE5}) > q(none, {0xCE, 0xAC, 0xD7, 0xE5}));
  REQUIRE(q(*p, {0xBA, 0xFB, 0xB1, 0xDA}) > q(none, {0xBA, 0xFB, 0xB1, 0xDA}));
  REQUIRE(q(*p, {0xF4, 0x7E, 0xCF, 0x65}) > q(none, {0xF4, 0x7E, 0xCF, 0x65}));
  // 人脸 avoided: GBK C8 CB C1 B3, UTF-16BE 4E BA 81 38.
  REQUIRE(q(*p, {0xC8, 0xCB, 0xC1, 0xB3}) < q(none, {0xC8, 0xCB, 0xC1, 0xB3}));
  REQUIRE(q(*p, {0x4E, 0xBA, 0x81, 0x38}) < q(none, {0x4E, 0xBA, 0x81, 0x38}));
  // ASCII words in any case, narrow and wide.
  REQUIRE(q(*p, {'Y', 'G', 'H', 'U'}) > q(none, {'Y', 'G', 'H', 'U'}));
  REQUIRE(q(*p, {'y', 0, 'g', 0}) > q(none, {'y', 0, 'g', 0}));
  // An atom that only overlaps a word is not inside it.
  REQUIRE(q(*p, {0x8F, 'x', 'y', 'z'}) == q(none, {0x8F, 'x', 'y', 'z'}));

  auto bad_verb = AtomPreferences::parse("prefer 维族 維族\nfavour 人脸\n", "atom-preferences.txt");
  REQUIRE_FALSE(bad_verb);
  REQUIRE(bad_verb.error().message.find("atom-preferences.txt:2:") != std::string::npos);
  auto no_word = AtomPreferences::parse("avoid\n", "p");
  REQUIRE_FALSE(no_word);
  REQUIRE(no_word.error().message.find("p:1:") != std::string::npos);
  // 维 has no Big5 form: the traditional form must be given.
  auto no_big5 = AtomPreferences::parse("prefer 维吾尔\n", "p");
  REQUIRE_FALSE(no_big5);
  REQUIRE(no_big5.error().message.find("BIG5") != std::string::npos);
  REQUIRE_FALSE(AtomPreferences::parse("prefer x\n", "p"));
}

TEST_CASE("atom quality: common first bytes and padding lose, quality stays inside libyara's range", "[scan][atoms]") {
  const AtomPreferences none;
  REQUIRE(q(none, {'x', 'm', 'e', 'y'}) > q(none, {'e', 'y', 'e', '.'}));   // x is rarer than e
  REQUIRE(q(none, {0xBB, 0xB4, 0xE6, 0x97}) > q(none, {0xE7, 0xBB, 0xB4, 0xE6}));  // UTF-8 lead byte E7 is common
  REQUIRE(q(none, {0x12, 0x34, 0x56, 0x78}) > q(none, {0x00, 0x00, 0x00, 0x00}));
  const std::uint8_t any[4] = {0x00, 0x00, 0x00, 0x00};
  const std::uint8_t ff[4] = {0xFF, 0xFF, 0xFF, 0xFF};
  auto p = AtomPreferences::parse("prefer 维族 維族\navoid 人脸 人臉\n", "p");
  REQUIRE(p);
  for (const auto* bytes : {ff, any}) {
    for (int len = 0; len <= 4; ++len) {
      for (const auto* mask : {kKnown, any}) {
        const int v = p->quality(bytes, mask, len);
        REQUIRE(v >= 1);
        REQUIRE(v <= 254);
      }
    }
  }
}

TEST_CASE("atom preferences: a context string is searched through its rare label's atom", "[scan][atoms]") {
  const TempDir tmp("atoms_ctx");
  write_text(tmp.path() / "x/ctx.yar", kContextRule);
  auto plain = RuleSet::compile_dir(tmp.path());
  REQUIRE(plain);
  write_text(tmp.path() / kAtomPreferencesFile, "prefer 维族 維族\navoid 人脸 人臉\n");
  auto steered = RuleSet::compile_dir(tmp.path());
  REQUIRE(steered);
  const auto empty = ByteView();
  // Without preferences the alternative 人脸 … 维族 is searched through 人脸 (its bytes E4/BA/
  // BA/E8/84/B8 start the atom); with them both alternatives use a window of 维族.
  const auto plain_roots = (*plain)->profile(empty).root_bytes;
  const auto steered_roots = (*steered)->profile(empty).root_bytes;
  INFO("plain roots " << plain_roots.size() << ", steered " << steered_roots.size());
  REQUIRE(std::any_of(plain_roots.begin(), plain_roots.end(), [](std::uint8_t b) { return b == 0xE4 || b == 0xBA || b == 0xE8 || b == 0x84; }));
  REQUIRE(steered_roots.size() == 1);
  REQUIRE((steered_roots[0] == 0xBB || steered_roots[0] == 0xB4 || steered_roots[0] == 0xE7));
  // Matching is the same either way: context before and after the label.
  const std::string before = "人脸抓拍 x 维族";
  const std::string after = "维族 y 人脸";
  const std::string far = "人脸" + std::string(300, '.') + "维族";
  for (const auto& set : {*plain, *steered}) {
    ScanSession s(set);
    std::vector<Diagnostic> diags;
    for (const auto& [text, expect] : {std::pair{before, true}, std::pair{after, true}, std::pair{far, false}}) {
      const auto data = text_bytes(text);
      auto m = s.scan({data.data(), data.size()}, ScanContext{}, diags);
      REQUIRE(m);
      REQUIRE(m->size() == (expect ? 1U : 0U));
    }
  }
  // A bad preferences file fails the compile, naming the line.
  write_text(tmp.path() / kAtomPreferencesFile, "prefer 维族 維族\nprefer\n");
  auto broken = RuleSet::compile_dir(tmp.path());
  REQUIRE_FALSE(broken);
  REQUIRE(broken.error().message.find(std::string(kAtomPreferencesFile) + ":2:") != std::string::npos);
}

TEST_CASE("rule pack: its automaton leaves the root on few byte values, none of them padding", "[rules][atoms]") {
  // The scan cost of the pack over an empty rule set grows with the byte values on which the
  // automaton leaves its root (atom_quality.hpp; figures: bench rules-atoms). The pack had 100
  // before its atoms were steered; a rule whose strings add many new first bytes should be
  // rewritten (context next to a label, a preferred shared word), not let in silently.
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  const auto roots = (*rules)->profile(ByteView()).root_bytes;
  INFO("root bytes: " << roots.size());
  REQUIRE(roots.size() <= 40);
  REQUIRE_FALSE(has(roots, 0x00));
  REQUIRE_FALSE(has(roots, 0xFF));
  REQUIRE_FALSE(has(roots, 0x20));
}

TEST_CASE("atom preferences: the avoided words as a quality table for the yara command", "[scan][atoms]") {
  auto p = AtomPreferences::parse("prefer 维族 維族\navoid 人脸 人臉\navoid idcard\n", "p");
  REQUIRE(p);
  const std::string table = p->yara_quality_table();
  REQUIRE(table.size() % 5 == 0);
  std::vector<std::string> atoms;
  for (std::size_t i = 0; i < table.size(); i += 5) {
    REQUIRE(static_cast<std::uint8_t>(table[i + 4]) < 128);  // low quality
    atoms.push_back(table.substr(i, 4));
  }
  // Sorted by unsigned bytes, as libyara's binary search needs, without duplicates.
  REQUIRE(std::is_sorted(atoms.begin(), atoms.end(), [](const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return static_cast<std::uint8_t>(x) < static_cast<std::uint8_t>(y); });
  }));
  REQUIRE(std::adjacent_find(atoms.begin(), atoms.end()) == atoms.end());
  auto in = [&](const std::string& a) { return std::find(atoms.begin(), atoms.end(), a) != atoms.end(); };
  REQUIRE(in("\xC8\xCB\xC1\xB3"));                   // 人脸 GBK
  REQUIRE(in("\xA4\x48\xC1\x79"));                   // 人臉 Big5
  REQUIRE(in(std::string("\xBA\x4E\x38\x81", 4)));  // 人脸 UTF-16LE
  REQUIRE(in("\xBA\xBA\xE8\x84"));                   // inside 人脸 UTF-8
  REQUIRE(in("idca"));
  REQUIRE(in("IDCA"));
  REQUIRE(in("Idca"));
  REQUIRE(in(std::string("d\0c\0", 4)));
  REQUIRE_FALSE(in("\xCE\xAC\xD7\xE5"));  // 维族 is preferred, not avoided
  // 人脸: 3 windows of its 6 UTF-8 bytes + 1 of each 4-byte form = 7. idcard: lower and upper case
  // give 3 narrow + 9 wide windows each; "Idcard" adds only its first narrow and first wide window.
  REQUIRE(atoms.size() == 7 + 2 * (3 + 9) + 2);
}
