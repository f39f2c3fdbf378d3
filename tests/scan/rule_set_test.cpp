#include <algorithm>
#include <fstream>
#include <tuple>

#include "core/hash.hpp"
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

namespace {

// Every match of `id` in `m`, as (offset, length, bytes).
std::vector<std::tuple<std::uint64_t, std::uint32_t, std::string>> matches_of(const std::vector<RuleMatch>& m, const std::string& id) {
  std::vector<std::tuple<std::uint64_t, std::uint32_t, std::string>> out;
  for (const RuleMatch& r : m) {
    for (const StringMatch& s : r.strings) {
      if (s.id == id) out.emplace_back(s.offset, s.length, std::string(s.data.begin(), s.data.end()));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool has_rule(const std::vector<RuleMatch>& m, const std::string& rule) {
  return std::any_of(m.begin(), m.end(), [&](const RuleMatch& r) { return r.rule == rule; });
}

}  // namespace

TEST_CASE("rule set: a scan in blocks finds every match once, across block boundaries, as a scan in one piece", "[scan]") {
  const TempDir tmp("rules_blocks");
  write_text(tmp.path() / "b/blocks.yar",
             "rule lit { strings: $lit = \"boundary\" ascii wide nocase condition: $lit }\n"
             "rule hex { strings: $hex = { E7 BB B4 [0-4] E6 97 8F } condition: $hex }\n"
             "rule re { strings: $re = /minorit(y|ies)_?[a-z]*/ condition: $re }\n"
             "rule counted { strings: $c = \"boundary\" nocase condition: #c == 7 }\n"
             "rule read_across { condition: uint32(2105342) == 0x44434241 }\n");
  auto rules = RuleSet::compile_dir(tmp.path());
  REQUIRE(rules);
  // Filler that none of the strings matches, then each string planted where a block of 1 MiB,
  // of 777 bytes or the overlap cuts it.
  constexpr std::uint64_t kMiB = 1 << 20;
  std::vector<std::uint8_t> data(3 * kMiB + 500, '.');
  auto plant = [&](std::uint64_t at, std::string_view s) { std::copy(s.begin(), s.end(), data.begin() + static_cast<std::ptrdiff_t>(at)); };
  const std::vector<std::uint64_t> lit_at = {10, kMiB - 3, kMiB + 5000, kMiB + 8190, 2 * kMiB + 4000, 3 * kMiB + 100, 3 * kMiB + 491};
  for (std::uint64_t at : lit_at) plant(at, at % 2 == 0 ? "boundary" : "BoUnDaRy");
  const std::string wide("b\0o\0u\0n\0d\0a\0r\0y\0", 16);
  plant(2 * kMiB - 9, wide);  // the wide form, across the second boundary
  plant(kMiB + 700, "\xE7\xBB\xB4\x01\x02\xE6\x97\x8F");
  plant(2 * kMiB + 100 - 4, "\xE7\xBB\xB4\xE6\x97\x8F");
  plant(3 * kMiB - 2, "minorities_attribute");
  plant(500, "minority");
  plant(2 * kMiB + 8190, "ABCD");  // the four bytes uint32(2105342) reads, across the end of the second block
  std::vector<std::vector<RuleMatch>> runs;
  for (const std::uint64_t block : {std::uint64_t{0}, kMiB, std::uint64_t{777}}) {
    ScanSession s(*rules);
    s.set_block_bytes(block);
    std::vector<Diagnostic> diags;
    auto m = s.scan({data.data(), data.size()}, ScanContext{}, diags);
    REQUIRE(m);
    REQUIRE(diags.empty());
    INFO("block " << block);
    std::vector<std::tuple<std::uint64_t, std::uint32_t, std::string>> lit;
    for (std::uint64_t at : lit_at) lit.emplace_back(at, 8, std::string(reinterpret_cast<const char*>(&data[at]), 8));
    lit.emplace_back(2 * kMiB - 9, 16, wide);
    std::sort(lit.begin(), lit.end());
    for (const auto& [at, len, bytes] : matches_of(*m, "$lit")) UNSCOPED_INFO("$lit at " << at << " length " << len);
    REQUIRE(matches_of(*m, "$lit") == lit);
    using M = std::vector<std::tuple<std::uint64_t, std::uint32_t, std::string>>;
    REQUIRE(matches_of(*m, "$hex") == M{{kMiB + 700, 8, "\xE7\xBB\xB4\x01\x02\xE6\x97\x8F"}, {2 * kMiB + 96, 6, "\xE7\xBB\xB4\xE6\x97\x8F"}});
    REQUIRE(matches_of(*m, "$re") == M{{500, 8, "minority"}, {3 * kMiB - 2, 20, "minorities_attribute"}});
    REQUIRE(has_rule(*m, "counted"));
    REQUIRE(has_rule(*m, "read_across"));
    runs.push_back(std::move(*m));
  }
  REQUIRE(runs[0].size() == runs[1].size());
  REQUIRE(runs[1].size() == runs[2].size());
}

TEST_CASE("rule set: a string matched past the cap is no longer searched, and says so; other strings are not affected", "[scan]") {
  const TempDir tmp("rules_storm");
  write_text(tmp.path() / "s/storm.yar",
             "rule storm { strings: $s = \"storm\" $label = \"label_at_end\" condition: any of them }\n");
  auto rules = RuleSet::compile_dir(tmp.path());
  REQUIRE(rules);
  constexpr std::uint64_t kRepeats = 600'000;
  std::string text;
  for (std::uint64_t i = 0; i < kRepeats; ++i) text += "storm ";
  const std::uint64_t label_at = text.size();
  text += "label_at_end";
  const auto data = text_bytes(text);
  constexpr std::uint32_t kCap = ScanSession::kMaxMatchesPerString;
  for (const bool blocks : {true, false}) {
    INFO("blocks " << blocks);
    ScanSession s(*rules);
    if (!blocks) s.set_block_bytes(0);
    std::vector<Diagnostic> diags;
    auto m = s.scan({data.data(), data.size()}, ScanContext{}, diags);
    REQUIRE(m);
    const auto storm = matches_of(*m, "$s");
    REQUIRE(storm.size() == kCap);
    for (std::uint32_t i = 0; i < kCap; ++i) REQUIRE(std::get<0>(storm[i]) == 6ULL * i);  // the first ones, in order
    const auto label = matches_of(*m, "$label");
    REQUIRE(label.size() == 1);
    REQUIRE(std::get<0>(label[0]) == label_at);
    REQUIRE(diags.size() == 1);
    REQUIRE(diags[0].code == DiagCode::kYaraTooManyMatches);
    INFO(diags[0].message);
    REQUIRE(diags[0].message.find("rule storm string $s matched more than 1024 times") != std::string::npos);
    // In blocks, matching $s stops at the end of the first block (1 MiB and its overlap): far
    // fewer than the 600,000 a scan in one piece records.
    if (blocks) {
      const std::uint64_t first_block = s.block_bytes() + s.block_overlap();
      const std::uint64_t in_first_block = (first_block - 5) / 6 + 1;  // "storm" at 6i, whole in the block
      REQUIRE(diags[0].message.find("(" + std::to_string(in_first_block) + " recorded)") != std::string::npos);
      REQUIRE(diags[0].message.find("not searched past offset " + hex_u64(first_block)) != std::string::npos);
    } else {
      REQUIRE(diags[0].message.find("(600000 recorded)") != std::string::npos);
    }
  }
}
