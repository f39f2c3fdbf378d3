#include <fstream>

#include "scan/rule_set.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("rule set: namespace is the folder, matches carry offsets and meta", "[scan]") {
  const TempDir tmp("rules_ok");
  const auto& dir = tmp.path();
  write_text(dir / "alpha/find_hello.yar",
      "rule find_hello { meta: severity = \"high\" score = 70 strings: $h = \"hello\" condition: $h }\n");
  write_text(dir / "top.yar", "rule top_level { condition: filesize > 0 }\n");
  auto rules = RuleSet::compile_dir(dir);
  REQUIRE(rules);
  REQUIRE((*rules)->rule_count() == 2);
  REQUIRE((*rules)->files() == std::vector<std::string>{"alpha/find_hello.yar", "top.yar"});
  ScanSession s(*rules);
  std::vector<Diagnostic> diags;
  const auto data = text_bytes("xx hello yy hello");
  auto m = s.scan({data.data(), data.size()}, ScanContext{}, diags);
  REQUIRE(m);
  REQUIRE(m->size() == 2);
  const RuleMatch& hello = (*m)[0];
  REQUIRE(hello.ns == "alpha");
  REQUIRE(hello.rule == "find_hello");
  REQUIRE(hello.severity() == RuleSeverity::kHigh);
  REQUIRE(hello.strings.size() == 2);
  REQUIRE(hello.strings[0].offset == 3);
  REQUIRE(hello.strings[1].offset == 12);
  REQUIRE(std::string(hello.strings[0].data.begin(), hello.strings[0].data.end()) == "hello");
  REQUIRE((*m)[1].ns == "default");
}

TEST_CASE("rule set: every compile error is reported with file:line", "[scan]") {
  const TempDir tmp("rules_bad");
  const auto& dir = tmp.path();
  write_text(dir / "a/one.yar", "rule one {\n  condition:\n    undefined_identifier\n}\n");
  write_text(dir / "b/two.yar", "rule two {\n  strings: $a = \"x\"\n  condition: $b\n}\n");
  write_text(dir / "c/fine.yar", "rule fine { condition: true }\n");
  auto rules = RuleSet::compile_dir(dir);
  REQUIRE_FALSE(rules);
  const std::string& msg = rules.error().message;
  INFO(msg);
  REQUIRE(msg.find("a/one.yar:3:") != std::string::npos);
  REQUIRE(msg.find("b/two.yar:4: undefined string \"$b\"") != std::string::npos);
  REQUIRE(msg.find("fine.yar") == std::string::npos);
}

TEST_CASE("rule set: external variables describe the node", "[scan]") {
  const TempDir tmp("rules_ext");
  const auto& dir = tmp.path();
  write_text(dir / "x/elf_only.yar", "rule elf_only { condition: fw_is_elf and fw_depth == 2 and fw_name == \"davinci\" }\n");
  auto rules = RuleSet::compile_dir(dir);
  REQUIRE(rules);
  ScanSession s(*rules);
  std::vector<Diagnostic> diags;
  const auto data = text_bytes("\x7f" "ELF....");
  ScanContext ctx;
  ctx.is_elf = true;
  ctx.depth = 2;
  ctx.name = "davinci";
  REQUIRE(s.scan({data.data(), data.size()}, ctx, diags)->size() == 1);
  ctx.depth = 1;
  REQUIRE(s.scan({data.data(), data.size()}, ctx, diags)->empty());
}

TEST_CASE("rule set: a missing folder is an I/O error", "[scan]") {
  auto rules = RuleSet::compile_dir("/nonexistent/rules");
  REQUIRE_FALSE(rules);
  REQUIRE(rules.error().code == Errc::kIo);
}
