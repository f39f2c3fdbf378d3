// Lists of names read from their shape (verdict/name_list.hpp, docs/verdicts.md "Before
// scoring"): every buffer is built here, so the run each call must find follows from where the
// names were put.
#include <filesystem>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "verdict/name_list.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

// Spanish language names: none is in the English vocabulary of rules/context.
const std::vector<std::string> kNames = {"vasco",   "adigeo",  "tuvano",    "malabar", "arapajó", "genovés", "pashtún",
                                         "siksiká", "cachemiro", "retorrománico", "griego clásico", "kazajo",
                                         "malayo",  "manchú",  "maratí",    "nevarí",  "serbio",  "tayiko", "trukés",
                                         "vótico"};

struct Built {
  std::string bytes;
  std::uint64_t label = 0;               // offset of the label
  std::uint64_t first = 0, last_end = 0; // extent of the items put in the list
};

// `names` with `label` after the `at`-th, NUL-separated, between a binary header and trailer
// that are not names.
Built nul_list(const std::vector<std::string>& names, std::size_t at, const std::string& label) {
  Built b;
  b.bytes = std::string("\x01\x02=%\x00", 5);
  b.first = b.bytes.size();
  for (std::size_t i = 0; i <= names.size(); ++i) {
    if (i == at) {
      b.label = b.bytes.size();
      b.bytes += label;
      b.bytes += '\0';
    }
    if (i == names.size()) break;
    b.bytes += names[i];
    b.last_end = b.bytes.size();
    b.bytes += '\0';
  }
  if (at == names.size()) b.last_end = b.label + label.size();
  b.bytes += std::string("%d=\x03\x00", 5);
  return b;
}

std::string utf16le(const std::string& ascii_or_latin1_utf8) {
  // Decodes the UTF-8 of Latin-1 text (what kNames holds) and writes UTF-16LE.
  std::string out;
  for (std::size_t i = 0; i < ascii_or_latin1_utf8.size(); ++i) {
    unsigned c = static_cast<unsigned char>(ascii_or_latin1_utf8[i]);
    if (c >= 0xC0) c = ((c & 0x1F) << 6) | (static_cast<unsigned char>(ascii_or_latin1_utf8[++i]) & 0x3F);
    out += static_cast<char>(c & 0xFF);
    out += static_cast<char>(c >> 8);
  }
  return out;
}

ByteView view(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

}  // namespace

TEST_CASE("name runs: the names around a label, cut at separators and at the first item that is not a name",
          "[verdict][names]") {
  SECTION("a NUL-separated list in UTF-8") {
    const Built b = nul_list(kNames, 10, "uygur");
    const auto run = verdict::name_run_around(view(b.bytes), b.label, b.label + 5, Encoding::kUtf8, 1024);
    REQUIRE(run);
    CHECK(run->distinct == kNames.size() + 1);
    CHECK(run->begin == b.first);
    CHECK(run->end == b.last_end);
    REQUIRE(run->first.size() == 3);
    CHECK(run->first[0] == "vasco");
    CHECK(run->first[2] == "tuvano");
  }
  SECTION("an ASCII label in UTF-8 text is read as UTF-8") {
    const Built b = nul_list(kNames, 3, "Uighur");
    const auto run = verdict::name_run_around(view(b.bytes), b.label, b.label + 6, Encoding::kAscii, 1024);
    REQUIRE(run);
    CHECK(run->distinct == kNames.size() + 1);
  }
  SECTION("an item that is not a name ends the run") {
    std::vector<std::string> names = kNames;
    names[14] = "%s: %d";  // after the label (put after the 10th)
    names[4] = "key=value";
    const Built b = nul_list(names, 10, "uygur");
    const auto run = verdict::name_run_around(view(b.bytes), b.label, b.label + 5, Encoding::kUtf8, 1024);
    REQUIRE(run);
    CHECK(run->distinct == 10);  // names 5..13 and the label
    CHECK(run->first[0] == "genovés");
  }
  SECTION("repeated names count once") {
    std::vector<std::string> names(12, "vasco");
    const Built b = nul_list(names, 6, "uygur");
    const auto run = verdict::name_run_around(view(b.bytes), b.label, b.label + 5, Encoding::kUtf8, 1024);
    REQUIRE(run);
    CHECK(run->distinct == 2);
  }
  SECTION("an identifier is not a list entry") {
    const Built b = nul_list(kNames, 10, "isUygur");
    CHECK_FALSE(verdict::name_run_around(view(b.bytes), b.label + 2, b.label + 7, Encoding::kUtf8, 1024));
  }
  SECTION("a label inside a longer string is not an item of a name list") {
    const Built b = nul_list(kNames, 10, "uygur: %s");
    CHECK_FALSE(verdict::name_run_around(view(b.bytes), b.label, b.label + 5, Encoding::kUtf8, 1024));
  }
  SECTION("the window bounds the run") {
    std::vector<std::string> many;
    for (int i = 0; i < 400; ++i) many.push_back("name" + std::string(1, static_cast<char>('a' + i % 26)) +
                                                  std::string(1, static_cast<char>('a' + i / 26)));
    const Built b = nul_list(many, 200, "uygur");
    const auto run = verdict::name_run_around(view(b.bytes), b.label, b.label + 5, Encoding::kUtf8, 256);
    REQUIRE(run);
    CHECK(run->begin >= b.label - 256);
    CHECK(run->end <= b.label + 5 + 256);
    CHECK(run->distinct > 60);   // 7 bytes an item: about 36 a side
    CHECK(run->distinct < 80);
  }
  SECTION("UTF-16LE, and the same bytes read as UTF-16BE one byte earlier") {
    std::vector<std::string> wide;
    for (const auto& n : kNames) wide.push_back(utf16le(n));
    std::string sep(2, '\0');
    std::string bytes = std::string("\x01\x00=\x00\x00\x00", 6);  // U+0001 '=' NUL: not a name
    std::uint64_t label = 0;
    for (std::size_t i = 0; i < wide.size(); ++i) {
      if (i == 7) {
        label = bytes.size();
        bytes += utf16le("uygur") + sep;
      }
      bytes += wide[i] + sep;
    }
    bytes += std::string("%\x00\x01\x00", 4);
    const auto le = verdict::name_run_around(view(bytes), label, label + 10, Encoding::kUtf16le, 1024);
    REQUIRE(le);
    CHECK(le->distinct == kNames.size() + 1);
    CHECK(le->first[0] == "vasco");
    const auto be = verdict::name_run_around(view(bytes), label - 1, label + 9, Encoding::kUtf16be, 1024);
    REQUIRE(be);
    CHECK(be->distinct == kNames.size() + 1);
  }
}

TEST_CASE("name runs: a label in a long list of names is explained, one among face attributes is not",
          "[verdict][names]") {
  ScanOptions opts;
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  opts.rules = *rules;
  auto scan = [&](const std::string& text) {
    return scan_blob(Blob::own(std::vector<std::uint8_t>(text.begin(), text.end())), "t.bin", opts);
  };
  auto label_finding = [](const ReportDocument& doc, const std::string& text) -> const Finding* {
    for (const auto& f : doc.findings) {
      if (f.rule == "ETHN_Minority_Label" && f.strings[0].text == text) return &f;
    }
    return nullptr;
  };
  // Face-analytics vocabulary elsewhere in the file: it would raise an unexplained label.
  const std::string far = std::string(3000, '#') + "\n人脸抓拍 性别 年龄段 眼镜 口罩\n";

  SECTION("a label among 21 Spanish names is a list entry") {
    const Built b = nul_list(kNames, 10, "uygur");
    const auto doc = scan(b.bytes + far);
    const Finding* f = label_finding(doc, "uygur");
    REQUIRE(f != nullptr);
    CHECK(f->severity == RuleSeverity::kInfo);
    REQUIRE(f->verdict);
    CHECK(f->verdict->explained_by.find("an entry of a list of 21 names (vasco, adigeo, tuvano, ...)") == 0);
  }
  SECTION("a face attribute among the names makes it a table of attributes: scored, not explained") {
    std::vector<std::string> names = kNames;
    names[12] = "口罩";
    const Built b = nul_list(names, 10, "uygur");
    const auto doc = scan(b.bytes + far);
    const Finding* f = label_finding(doc, "uygur");
    REQUIRE(f != nullptr);
    CHECK(f->verdict->explained_by.empty());
    CHECK(f->severity >= RuleSeverity::kMedium);
  }
  SECTION("a short list is not enough on its own") {
    const Built b = nul_list({"vasco", "adigeo", "tuvano", "malabar", "genovés", "kazajo"}, 3, "uygur");
    const auto doc = scan(b.bytes + far);
    const Finding* f = label_finding(doc, "uygur");
    REQUIRE(f != nullptr);
    CHECK(f->verdict->explained_by.empty());
    CHECK(f->severity >= RuleSeverity::kMedium);
  }
  SECTION("in a file that lists the label among many names, a short list explains another spelling") {
    const Built long_list = nul_list(kNames, 10, "uygur");
    const Built short_list = nul_list({"vasco", "adigeo", "tuvano", "malabar", "genovés", "kazajo"}, 3, "uighur");
    const auto doc = scan(long_list.bytes + std::string(2000, '#') + short_list.bytes + far);
    const Finding* f = label_finding(doc, "uighur");
    REQUIRE(f != nullptr);
    CHECK(f->severity == RuleSeverity::kInfo);
    CHECK(f->verdict->explained_by.find("an entry of a list of 7 names") == 0);
    CHECK(f->verdict->explained_by.find("in a file that lists \"uygur\" among 21 names") != std::string::npos);
  }
}

// Real locale data (a regression test on the file the name runs were built against, not an
// evaluation: docs/verdicts.md "Evaluation" gives the held-out figures): ICU's own data library,
// Debian's libicu72 (scripts/install-deps), holds the label as a language name in about a
// hundred languages, and Unicode's character-name words. Before name runs it raised four
// high findings.
TEST_CASE("name runs: ICU's locale data raises no ethnicity label above info", "[verdict][names][real]") {
  std::filesystem::path icu;
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"}) {
    if (std::filesystem::is_regular_file(std::string(dir) + "/libicudata.so.72.1")) icu = std::string(dir) + "/libicudata.so.72.1";
  }
  REQUIRE_FALSE(icu.empty());  // libicu72, installed by scripts/install-deps
  ScanOptions opts;
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  opts.rules = *rules;
  auto blob = Blob::map_file(icu);
  REQUIRE(blob);
  const ReportDocument doc = scan_blob(std::move(blob).value(), icu.filename().string(), opts);
  std::size_t labels = 0, by_names = 0;
  for (const auto& f : doc.findings) {
    if (f.rule != "ETHN_Minority_Label") continue;
    ++labels;
    INFO(f.strings[0].text << ": " << (f.verdict ? f.verdict->explanation : ""));
    CHECK(f.severity == RuleSeverity::kInfo);
    if (f.verdict && f.verdict->explained_by.find(" names (") != std::string::npos) ++by_names;
  }
  CHECK(labels >= 4);
  CHECK(by_names >= 4);  // uighur, uigur, uygur, UYGHUR; the Chinese spellings are language names (维吾尔文)
}
