// The verdict stage (docs/verdicts.md): the policy file, identifier tokens, the transcoding
// views, and the evaluation corpus (corpus/verdict/{dev,eval}, tools/gen_verdict_corpus.py)
// whose expected severities come from how each file was built, never from fwscan.
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "app/pipeline.hpp"
#include "report/document.hpp"
#include "scan/text_views.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "verdict/policy.hpp"
#include "verdict/verdict.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

using Range = std::pair<std::uint64_t, std::uint64_t>;
Range pair(std::uint64_t a, std::uint64_t b) { return {a, b}; }

ByteView view_of(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

bool token(const std::string& data, const std::string& word) {
  const auto at = data.find(word);
  REQUIRE(at != std::string::npos);
  return verdict::identifier_token_ok(view_of(data), at, at + word.size());
}

int rank(const std::string& severity) {
  static const std::map<std::string, int> r = {{"none", 0}, {"info", 0}, {"low", 1}, {"medium", 2}, {"high", 3}, {"critical", 4}};
  return r.at(severity);
}

struct HalfScore {
  int positives = 0, exact = 0, at_least = 0, lone = 0, lone_reported = 0, negatives = 0, negatives_clean = 0;
};

HalfScore score_half(const std::string& half) {
  const auto dir = corpus_dir() / "verdict" / half;
  std::ifstream in(dir / "EXPECTED.json");
  const auto expected = nlohmann::json::parse(in);
  HalfScore s;
  ScanOptions opts;
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  opts.rules = *rules;
  for (const auto& [name, e] : expected["files"].items()) {
    auto blob = Blob::map_file(dir / name);
    REQUIRE(blob);
    const ReportDocument doc = scan_blob(std::move(blob).value(), name, opts);
    int best = 0;
    for (const auto& f : doc.findings) {
      if (f.verdict) best = std::max(best, rank(std::string(rule_severity_name(f.severity))));
    }
    const std::string want = e["expected"];
    INFO(half << "/" << name << ": expected " << want << ", got rank " << best);
    if (want == "none") {
      ++s.negatives;
      s.negatives_clean += best == 0 ? 1 : 0;
      CHECK(best == 0);
      continue;
    }
    ++s.positives;
    s.exact += best == rank(want) ? 1 : 0;
    s.at_least += best >= rank(want) ? 1 : 0;
    if (want == "low") {
      ++s.lone;
      s.lone_reported += best >= 1 ? 1 : 0;
    }
    CHECK(best == rank(want));
  }
  std::printf("verdict corpus %s: %d/%d positives at their expected severity (%.1f%%), %d/%d at or above it; "
              "%d/%d lone labels reported at least low; %d/%d negatives nothing above info\n",
              half.c_str(), s.exact, s.positives, 100.0 * s.exact / std::max(1, s.positives), s.at_least, s.positives,
              s.lone_reported, s.lone, s.negatives_clean, s.negatives);
  return s;
}

}  // namespace

TEST_CASE("verdict: the policy parses, and its errors name the line", "[verdict]") {
  auto p = verdict::Policy::load(rules_dir() / verdict::kPolicyFile);
  REQUIRE(p);
  REQUIRE(p->kind("minority_label") != nullptr);
  REQUIRE(p->kind("minority_label")->role == verdict::Role::kSubject);
  REQUIRE(p->kind("benign_list")->mode == verdict::BenignMode::kList);
  REQUIRE(p->severity_of(0.0) == RuleSeverity::kLow);
  REQUIRE(p->severity_of(-0.5) == RuleSeverity::kInfo);
  const std::string base = "scope string 1\nscope function 1\nscope record 1\nscope file 0.5\nscope image 0.2\nthreshold low 0\n";
  auto bad_role = verdict::Policy::parse(base + "kind x judge weight=1\n", "t.policy");
  REQUIRE_FALSE(bad_role);
  REQUIRE(bad_role.error().message.find("t.policy:7") != std::string::npos);
  REQUIRE_FALSE(verdict::Policy::parse(base + "kind x subject weight=1\n", "t"));           // no ns=, finding=
  REQUIRE_FALSE(verdict::Policy::parse(base + "kind x benign weight=1\n", "t"));            // no mode=
  REQUIRE_FALSE(verdict::Policy::parse(base + "scope file 1.5\n", "t"));                    // factor > 1
  REQUIRE_FALSE(verdict::Policy::parse("scope string 1\nthreshold low 0\n", "t"));          // scopes missing
  REQUIRE_FALSE(verdict::Policy::parse(base + "kind x context weight=-1\n", "t"));
  REQUIRE_FALSE(verdict::Policy::parse(base + "kind x benign mode=covers names=16\n", "t"));  // names= needs mode=list
  REQUIRE_FALSE(verdict::Policy::parse(base + "kind x benign mode=list min=4 names=1\n", "t"));
  REQUIRE(verdict::Policy::parse(base + "kind x benign mode=list min=4 names=16\n", "t")->kind("x")->list_names == 16);
  auto ok = verdict::Policy::parse(base + "kind x context weight=1.5 cap=2\nthreshold high 3\n", "t");
  REQUIRE(ok);
  REQUIRE(ok->severity_of(3.0) == RuleSeverity::kHigh);
  REQUIRE(ok->severity_of(2.9) == RuleSeverity::kLow);
}

TEST_CASE("verdict: identifier tokens keep byRace and \"race\", drop trace and prose", "[verdict]") {
  CHECK(token("BYTE byRace;", "Race"));
  CHECK(token("{\"race\": 1}", "race"));
  CHECK(token("EM_RACE_YELLOW", "RACE"));
  CHECK(token("int raceType;", "race"));
  CHECK(token(std::string("\0race\0", 6), "race"));
  CHECK(token("nComplexion", "Complexion"));
  CHECK_FALSE(token("void trace(void)", "race"));
  CHECK_FALSE(token("embrace", "race"));
  CHECK_FALSE(token("a data race here", "race"));
  CHECK_FALSE(token("race condition", "race"));
  CHECK_FALSE(token("RACETRACK", "RACE"));
  // Length-prefixed strings (pyc marshal: type, length, bytes, next type letter).
  CHECK(token(std::string("\xda\x0bis_minorityz\x05", 14), "is_minority"));
  CHECK_FALSE(token("is_minorityz", "is_minority"));
}

TEST_CASE("verdict: transcoding views decode GBK, Big5 and UTF-16 runs with offsets mapped back", "[verdict][scan]") {
  auto bytes = [](const std::string& s) { return std::vector<std::uint8_t>(s.begin(), s.end()); };
  // "x=" then 维族 in GBK, a NUL, then 維族 in Big5, then UTF-16LE 维族 and UTF-16BE 人脸.
  std::vector<std::uint8_t> d = bytes("x=");
  for (std::uint8_t b : {0xCE, 0xAC, 0xD7, 0xE5, 0x00, 0xBA, 0xFB, 0xB1, 0xDA, 0x00, 0x00}) d.push_back(b);
  const std::size_t le = d.size();
  for (std::uint8_t b : {0xF4, 0x7E, 0xCF, 0x65, 0x00, 0x00}) d.push_back(b);
  const std::size_t be = d.size();
  for (std::uint8_t b : {0x4E, 0xBA, 0x81, 0x38, 0x00, 0x00}) d.push_back(b);
  const auto views = transcode_views({d.data(), d.size()}, 4.0);
  std::map<Encoding, const DecodedView*> by;
  for (const auto& v : views) {
    REQUIRE(v.encoding);
    CHECK(v.name == encoding_name(*v.encoding));
    by[*v.encoding] = &v;
  }
  auto find_in = [&](Encoding enc, const std::string& text) -> std::pair<std::uint64_t, std::uint64_t> {
    REQUIRE(by.count(enc) == 1);
    const DecodedView& v = *by[enc];
    const std::string s(v.bytes.begin(), v.bytes.end());
    const auto at = s.find(text);
    INFO(enc << " view: " << s);
    REQUIRE(at != std::string::npos);
    return v.original_range(at, text.size());
  };
  CHECK(find_in(Encoding::kGbk, "x=维族") == pair(0, 6));
  CHECK(find_in(Encoding::kBig5, "維族") == pair(7, 11));
  CHECK(find_in(Encoding::kUtf16le, "维族") == pair(le, le + 4));
  CHECK(find_in(Encoding::kUtf16be, "人脸") == pair(be, be + 4));
  // A UTF-16LE run right after a byte string that ends at an odd offset, as a linker packs
  // .rodata: the unit before it is (0xF0, NUL), neither text nor a control, and still bounds it.
  std::vector<std::uint8_t> packed = {'x', 0xCA, 0xB6, 0xB1, 0xF0, 0x00};
  const std::size_t run = packed.size();
  for (std::uint8_t b : {0xF4, 0x7E, 0xCF, 0x65, 0xBA, 0x4E, 0x58, 0x54, 0x00, 0x00}) packed.push_back(b);  // 维族人员
  bool packed_found = false;
  for (const auto& v : transcode_views({packed.data(), packed.size()}, 4.0)) {
    const std::string s(v.bytes.begin(), v.bytes.end());
    const auto at = s.find("维族人员");
    if (v.encoding == Encoding::kUtf16le && at != std::string::npos) {
      packed_found = true;
      CHECK(v.original_range(at, std::string("维族人员").size()) == pair(run, run + 8));
    }
  }
  CHECK(packed_found);
  // Plain ASCII and UTF-8 text is scanned as it is: no view repeats it.
  const std::string text = "plain ascii text, 维族 in UTF-8, and more ascii text";
  for (const auto& v : transcode_views(view_of(text), 4.0)) {
    const std::string s(v.bytes.begin(), v.bytes.end());
    INFO(v.name << ": " << s);
    CHECK(s.find("ascii text") == std::string::npos);
  }
  // Compressed or encrypted data has no text views.
  const auto noise = pseudo_random(1 << 16, 7);
  CHECK(transcode_views({noise.data(), noise.size()}, 7.99).empty());
}

TEST_CASE("verdict: scopes raise, benign context explains, every finding says why", "[verdict]") {
  ScanOptions opts;
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  opts.rules = *rules;
  auto scan_text = [&](const std::string& text) {
    return scan_blob(Blob::own(std::vector<std::uint8_t>(text.begin(), text.end())), "t.txt", opts);
  };
  auto only = [](const ReportDocument& doc, const std::string& rule) -> const Finding* {
    const Finding* hit = nullptr;
    for (const auto& f : doc.findings) {
      if (f.rule == rule) hit = &f;
    }
    return hit;
  };
  SECTION("a lone label is low, with its reason") {
    const auto doc = scan_text("tag=维族\n");
    const Finding* f = only(doc, "ETHN_Minority_Label");
    REQUIRE(f != nullptr);
    CHECK(f->severity == RuleSeverity::kLow);
    REQUIRE(f->verdict);
    CHECK(f->verdict->signals.empty());
    CHECK(f->verdict->explanation.find("lone label") != std::string::npos);
  }
  SECTION("attribute and value in one record: high, scope record") {
    const auto doc = scan_text("{\"attr\":\"是否少数民族\",\n \"values\":[\"未知\",\"维吾尔族\"]}\n");
    const Finding* f = only(doc, "ETHN_Minority_Label");
    REQUIRE(f != nullptr);
    CHECK(f->severity == RuleSeverity::kHigh);
    CHECK(f->verdict->scope == "record");
    REQUIRE(f->verdict->signals.size() == 1);
    CHECK(f->verdict->signals[0].kind == "classification_attribute");
    CHECK(f->verdict->signals[0].text == "是否少数民族");
  }
  SECTION("the same pair kilobytes apart: still high, at file scope") {
    const auto doc = scan_text("a=是否少数民族\n" + std::string(4000, '#') + "\nb=维吾尔族\n");
    const Finding* f = only(doc, "ETHN_Minority_Label");
    REQUIRE(f != nullptr);
    CHECK(f->severity == RuleSeverity::kHigh);
    CHECK(f->verdict->scope == "file");
  }
  SECTION("a province list explains 新疆维吾尔自治区, face words or not") {
    const auto doc = scan_text("location: 新疆维吾尔自治区 乌鲁木齐市 人脸抓拍 抓拍地点 年龄段\n");
    for (const auto& f : doc.findings) CHECK(f.severity == RuleSeverity::kInfo);
    const Finding* f = only(doc, "ETHN_Minority_Label");
    REQUIRE(f != nullptr);
    CHECK(f->verdict->explained_by.find("维吾尔自治") != std::string::npos);
  }
  SECTION("an ID-card nationality table explains 维吾尔族") {
    const auto doc = scan_text("民族: 汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 人脸比对\n");
    for (const auto& f : doc.findings) CHECK(f.severity == RuleSeverity::kInfo);
  }
  SECTION("a language or script name holding the label explains it; the people's name does not") {
    // Locale display names (ICU, CLDR): 维吾尔语 is the Uyghur language, 維吾爾文 its script.
    const auto doc = scan_text("乌尔都语\n维吾尔语\n維吾爾文\nOld_Uyghur Ougr\n人脸抓拍 年龄段\n");
    for (const auto& f : doc.findings) CHECK(f.severity == RuleSeverity::kInfo);
    const auto person = scan_text("人脸抓拍: 维吾尔族\n");
    const Finding* f = only(person, "ETHN_Minority_Label");
    REQUIRE(f != nullptr);
    CHECK(f->severity >= RuleSeverity::kMedium);
  }
  SECTION("a language table explains the label wherever it sits in the alphabet") {
    // gettext's table of ISO 639 names: the neighbours of Uighur are T, U and V languages.
    const auto doc = scan_text(std::string("Tsonga\0Tumbuka\0Tahitian\0Uighur\0Ukrainian\0Umbundu\0Urdu\0Uzbek\0Venda\0"
                                           "Vietnamese\0face_detect\0gender\0", 96));
    const Finding* f = only(doc, "ETHN_Minority_Label");
    REQUIRE(f != nullptr);
    CHECK(f->severity == RuleSeverity::kInfo);
    CHECK(f->verdict->explained_by.find("list") != std::string::npos);
  }
  SECTION("a short signal word in random bytes is chance; a long label there is not") {
    // 4 MiB of random bytes: "rACe" is expected there by chance (4 MiB x 16 / 2^32 = 0.016);
    // 维吾尔 (9 fixed bytes) never is, and it is kept wherever it sits.
    auto bytes = pseudo_random(4 << 20, 99);
    const std::string race = "\x01rACe\x02", label = "\x01维吾尔\x02";
    std::copy(race.begin(), race.end(), bytes.begin() + (1 << 20));
    std::copy(label.begin(), label.end(), bytes.begin() + (3 << 20));
    const auto doc = scan_blob(Blob::own(std::move(bytes)), "random.bin", opts);
    bool race_signal = false, label_signal = false;
    for (const auto& g : doc.signals) {
      for (const auto& e : g.strings) {
        race_signal = race_signal || e.offset == (1 << 20) + 1;
        label_signal = label_signal || e.offset == (3 << 20) + 1;
      }
    }
    CHECK_FALSE(race_signal);
    CHECK(label_signal);
    // The same word in text is kept.
    const auto text = scan_text("face_detect: race=1 gender=2\n");
    CHECK(only(text, "FACE_Race_Attribute") != nullptr);
  }
  SECTION("a UTF-16LE label is found by its UTF-8 string, offsets in the file") {
    std::string t = "\xFF\xFE";
    for (char16_t c : std::u16string(u"人脸属性: 是否维族, 年龄段")) {
      t += static_cast<char>(c & 0xFF);
      t += static_cast<char>(c >> 8);
    }
    const auto doc = scan_text(t);
    const Finding* f = only(doc, "ETHN_Minority_Classification_Attribute");
    REQUIRE(f != nullptr);
    CHECK(f->severity == RuleSeverity::kHigh);
    CHECK(f->strings[0].encoding == Encoding::kUtf16le);
    CHECK(f->strings[0].offset == 2 + 2 * 6);
    CHECK(f->strings[0].length == 8);
    CHECK(f->strings[0].hex == "2f662654f47ecf65");
  }
}

TEST_CASE("verdict: the evaluation corpus meets its targets (dev and eval halves)", "[verdict][corpus]") {
  for (const std::string half : {"dev", "eval"}) {
    const HalfScore s = score_half(half);
    REQUIRE(s.positives >= 20);
    REQUIRE(s.negatives >= 8);
    CHECK(s.exact * 100 >= s.positives * 98);
    CHECK(s.lone_reported == s.lone);
    CHECK(s.negatives_clean == s.negatives);
  }
}

TEST_CASE("verdict: the shared external corpus raises nothing above info", "[verdict][corpus]") {
  ScanOptions opts;
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  opts.rules = *rules;
  std::size_t files = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(external_dir(), ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || it->is_symlink()) continue;
    auto blob = Blob::map_file(it->path());
    if (!blob) continue;
    ++files;
    const ReportDocument doc = scan_blob(std::move(blob).value(), it->path().filename().string(), opts);
    for (const auto& f : doc.findings) {
      INFO(it->path().string() << ": " << f.rule << " " << rule_severity_name(f.severity));
      CHECK(f.severity <= RuleSeverity::kInfo);
    }
  }
  REQUIRE(files >= 100);
}
