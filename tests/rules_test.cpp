// The rule pack's lint and samples (DESIGN.md 8): the tree compiles, the meta is complete,
// file name == rule name, folder == namespace, every match/ sample matches its rule and no
// nomatch/ sample raises anything above info.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "report/document.hpp"
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

std::vector<RuleMatch> scan_file(const std::filesystem::path& p) {
  ScanSession s(bundled());
  std::vector<Diagnostic> diags;
  const auto bytes = read_file(p);
  auto m = s.scan({bytes.data(), bytes.size()}, ScanContext{}, diags);
  REQUIRE(m);
  return *m;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("rules: the bundled tree compiles without warnings", "[rules]") {
  REQUIRE(bundled()->rule_count() >= 4);
  for (const auto& w : bundled()->warnings()) {
    INFO(w.file << ":" << w.line << ": " << w.message);
    CHECK(false);
  }
}

TEST_CASE("rules: lint: one rule per file, names, namespaces and meta", "[rules]") {
  const std::set<std::string> severities = {"info", "low", "medium", "high", "critical"};
  const std::regex rule_re(R"(^\s*rule\s+([A-Za-z0-9_]+))");
  for (const auto& rel : bundled()->files()) {
    INFO(rel);
    const auto path = rules_dir() / rel;
    const std::string text = slurp(path);
    std::vector<std::string> names;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (std::regex_search(line, m, rule_re)) names.push_back(m[1]);
    }
    REQUIRE(names.size() == 1);
    REQUIRE(names[0] == path.stem().string());
    const std::string ns = path.parent_path().filename().string();
    for (const char* key : {"description", "author", "date", "severity", "score", "category", "reference", "evidence"}) {
      INFO(key);
      REQUIRE(std::regex_search(text, std::regex(std::string("\\b") + key + "\\s*=")));
    }
    std::smatch sev;
    REQUIRE(std::regex_search(text, sev, std::regex(R"(severity\s*=\s*"([a-z]+)\")")));
    REQUIRE(severities.count(sev[1]) == 1);
    std::smatch cat;
    REQUIRE(std::regex_search(text, cat, std::regex(R"(category\s*=\s*"([a-z_]+)\")")));
    REQUIRE(cat[1] == ns);
  }
}

TEST_CASE("rules: every match sample matches its rule, in every encoding", "[rules]") {
  const auto base = corpus_dir() / "rules";
  std::size_t checked = 0;
  for (const auto& rule_dir : std::filesystem::directory_iterator(base)) {
    const std::string rule = rule_dir.path().filename().string();
    std::set<std::string> encodings;
    for (const auto& f : std::filesystem::directory_iterator(rule_dir.path() / "match")) {
      INFO(f.path());
      bool hit = false;
      for (const auto& m : scan_file(f.path())) hit = hit || m.rule == rule;
      REQUIRE(hit);
      ++checked;
      const std::string stem = f.path().stem().string();
      for (const char* e : {"utf8", "gbk", "utf16le"}) {
        if (stem.find(e) != std::string::npos) encodings.insert(e);
      }
    }
    // CJK rules carry samples in all three encodings of issue #2.
    if (rule.rfind("ETHN_CN_", 0) == 0) {
      INFO(rule);
      REQUIRE(encodings == std::set<std::string>{"utf8", "gbk", "utf16le"});
    }
  }
  REQUIRE(checked >= 10);
}

TEST_CASE("rules: no nomatch sample raises anything above info", "[rules]") {
  const auto base = corpus_dir() / "rules";
  std::size_t checked = 0;
  for (const auto& rule_dir : std::filesystem::directory_iterator(base)) {
    for (const auto& f : std::filesystem::directory_iterator(rule_dir.path() / "nomatch")) {
      for (const auto& m : scan_file(f.path())) {
        INFO(f.path() << " matched " << m.ns << "/" << m.rule);
        REQUIRE(m.severity() <= RuleSeverity::kInfo);
      }
      ++checked;
    }
  }
  REQUIRE(checked >= 8);
}

TEST_CASE("rules: random bytes raise nothing", "[rules]") {
  ScanSession s(bundled());
  std::vector<Diagnostic> diags;
  const auto noise = pseudo_random(16 << 20, 12345);
  auto m = s.scan({noise.data(), noise.size()}, ScanContext{}, diags);
  REQUIRE(m);
  REQUIRE(m->empty());
}
