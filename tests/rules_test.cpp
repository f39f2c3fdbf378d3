// The rule pack's lint and samples (DESIGN.md 8): the tree compiles without warnings, the linter
// passes (meta, names, namespaces, string lengths, bounded regexes), every match/ sample raises
// its rule through the whole pipeline and no nomatch/ sample raises anything above info.
#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "app/rule_check.hpp"
#include "report/document.hpp"
#include "scan/rule_lint.hpp"
#include "scan/text_views.hpp"
#include "scan/rule_set.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::shared_ptr<const RuleSet> bundled() {
  static auto rules = [] {
    auto r = RuleSet::compile_dir(rules_dir());
    if (!r) FAIL(r.error().message);
    return r.value();
  }();
  return rules;
}


}  // namespace

TEST_CASE("rules: the bundled tree compiles without warnings", "[rules]") {
  REQUIRE(bundled()->rule_count() >= 4);
  for (const auto& w : bundled()->warnings()) {
    INFO(w.file << ":" << w.line << ": " << w.message);
    CHECK(false);
  }
}

TEST_CASE("rules: the bundled pack passes the linter", "[rules]") {
  const auto issues = lint_rule_tree(rules_dir(), *bundled());
  for (const auto& i : issues) {
    INFO(i.file << ":" << i.line << ": " << i.message);
    CHECK(false);
  }
  REQUIRE(issues.empty());
}

TEST_CASE("rules: the samples pass through the whole pipeline", "[rules]") {
  SampleStats stats;
  const auto issues = check_rule_samples(corpus_dir() / "rules", bundled(), &stats);
  for (const auto& i : issues) {
    INFO(i.file << ": " << i.message);
    CHECK(false);
  }
  REQUIRE(issues.empty());
  REQUIRE(stats.match_files >= 100);
  REQUIRE(stats.nomatch_files >= 20);
}

TEST_CASE("rules: every namespace is covered in every encoding that applies", "[rules]") {
  // Sample file stems end with their encoding; the CJK namespaces need all of them.
  const std::set<std::string> cjk = {"utf8", "gbk", "big5", "utf16le", "utf16be", "jsesc", "jsescupper",
                                     "htmldec", "htmlhex", "percent"};
  std::map<std::string, std::set<std::string>> seen;  // namespace -> encodings
  for (const auto& rule_dir : std::filesystem::directory_iterator(corpus_dir() / "rules")) {
    const std::string rule = rule_dir.path().filename().string();
    const std::string ns = rule.rfind("SIG_", 0) == 0 ? "signals" : "other";
    for (const auto& f : std::filesystem::directory_iterator(rule_dir.path() / "match")) {
      const std::string stem = f.path().stem().string();
      const auto us = stem.rfind('_');
      if (us != std::string::npos) seen[ns].insert(stem.substr(us + 1));
    }
  }
  for (const auto& ns : {"signals"}) {
    for (const auto& e : cjk) {
      INFO(ns << " lacks a match sample in " << e);
      REQUIRE(seen[ns].count(e) == 1);
    }
  }
}

TEST_CASE("rules: lint catches short strings, unbounded regexes, bad meta and names", "[rules]") {
  REQUIRE(hex_string_min_length("E7 BB ( 28 | EF BC 88 ) E6") == 4);
  REQUIRE(hex_string_min_length("AA [2-4] BB") == 4);
  REQUIRE(hex_string_min_length("AA ?? BB") == 3);
  REQUIRE(hex_string_min_length("AA ( BB") == -1);
  REQUIRE(text_string_length("ab\\x00c") == 4);
  REQUIRE(regex_is_unbounded("abc.*def"));
  REQUIRE(regex_is_unbounded("a[xy]+"));
  REQUIRE(regex_is_unbounded("a{2,}"));
  REQUIRE_FALSE(regex_is_unbounded("ab[*+]{0,16}c\\+"));
  const TempDir tmp("lint");
  std::filesystem::create_directories(tmp.path() / "ns");
  std::ofstream(tmp.path() / "ns" / "wrong_name.yar")
      << "rule other_name\n{\n    meta:\n        description = \"d\"\n        severity = \"severe\"\n"
         "        category = \"elsewhere\"\n        date = \"26/11/2026\"\n\n    strings:\n"
         "        $short = \"abc\"\n        $hex = { AA ?? }\n        $re = /ab.*cd/\n\n    condition:\n        any of them\n}\n";
  auto set = RuleSet::compile_dir(tmp.path());
  REQUIRE(set);
  const auto issues = lint_rule_tree(tmp.path(), **set);
  auto has = [&](const std::string& needle) {
    return std::any_of(issues.begin(), issues.end(), [&](const LintIssue& i) { return i.message.find(needle) != std::string::npos; });
  };
  REQUIRE(has("must be named like its file"));
  REQUIRE(has("severity 'severe'"));
  REQUIRE(has("category 'elsewhere' must equal the namespace"));
  REQUIRE(has("date '26/11/2026'"));
  REQUIRE(has("$short is 3 bytes"));
  REQUIRE(has("$hex can match 2 bytes"));
  REQUIRE(has("$re: unbounded regex"));
  REQUIRE(has("meta 'author' is missing"));
  REQUIRE(has("meta 'reference' is missing"));
}

TEST_CASE("rules: escaped text is decoded by the unescaped view, with offsets mapped back", "[rules][scan]") {
  const std::string js = "x=\"\\u7ef4\\u65CF&#20154;&#x5458;%E5%AE%9E\\xe6\\x97\\xb6\";";
  const auto view = unescape_view({reinterpret_cast<const std::uint8_t*>(js.data()), js.size()});
  REQUIRE(view);
  REQUIRE(std::string(view->bytes.begin(), view->bytes.end()) == "x=\"维族人员实时\";");
  REQUIRE(view->escapes == 10);
  const auto [b, e] = view->original_range(3, 6);  // 维族
  REQUIRE(js.substr(b, e - b) == "\\u7ef4\\u65CF");
  // Binary data is not a text view candidate.
  const auto noise = pseudo_random(4096, 3);
  REQUIRE_FALSE(unescape_view({noise.data(), noise.size()}));
}

TEST_CASE("rules: 256 MiB of random bytes raise nothing", "[rules]") {
  ScanSession s(bundled());
  std::vector<Diagnostic> diags;
  const auto noise = pseudo_random(256U << 20, 12345);
  auto m = s.scan({noise.data(), noise.size()}, ScanContext{}, diags);
  REQUIRE(m);
  REQUIRE(m->empty());
}
