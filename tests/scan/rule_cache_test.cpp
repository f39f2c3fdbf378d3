// The compiled-pack cache (RuleSet::compile_dir with a cache folder): a second compile of the
// same tree reads the pack back and scans exactly as the compiled one; a damaged, foreign,
// shared-writable or linked cache file is compiled again, never trusted; a changed rule is a
// new key.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scan/rule_set.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::filesystem::path> cache_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".fwrules") out.push_back(e.path());
  }
  return out;
}

// What a scan of `text` with the pack's scanning set finds: namespace/rule@offset of each string.
std::vector<std::string> scan_text(const std::shared_ptr<const RuleSet>& rules, const std::string& text) {
  ScanSession s(rules->scan_set_ptr(rules));
  std::vector<Diagnostic> diags;
  const auto data = text_bytes(text);
  auto m = s.scan({data.data(), data.size()}, ScanContext{}, diags);
  REQUIRE(m);
  std::vector<std::string> out;
  for (const auto& r : *m) {
    for (const auto& str : r.strings) out.push_back(r.ns + "/" + r.rule + "@" + std::to_string(str.offset));
  }
  return out;
}

void same_pack(const std::shared_ptr<const RuleSet>& a, const std::shared_ptr<const RuleSet>& b) {
  CHECK(a->digest() == b->digest());
  CHECK(a->rule_count() == b->rule_count());
  CHECK(a->rule_names() == b->rule_names());
  CHECK(a->files() == b->files());
  CHECK(a->warnings().size() == b->warnings().size());
  CHECK((a->context() == nullptr) == (b->context() == nullptr));
  CHECK((a->policy() == nullptr) == (b->policy() == nullptr));
}

}  // namespace

TEST_CASE("rule cache: the bundled pack read back scans as the compiled one", "[scan][cache]") {
  const TempDir tmp("rule_cache");
  const auto cache = tmp.path() / "cache";
  auto first = RuleSet::compile_dir(rules_dir(), AtomChoice::kSteered, &cache);
  REQUIRE(first);
  CHECK_FALSE((*first)->from_cache());
  const auto files = cache_files(cache);
  REQUIRE(files.size() == 1);
  struct stat st {};
  REQUIRE(::stat(cache.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat(files[0].c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto second = RuleSet::compile_dir(rules_dir(), AtomChoice::kSteered, &cache);
  REQUIRE(second);
  CHECK((*second)->from_cache());
  same_pack(*first, *second);
  // Labels of the rules brief, and context words, in one text: both sets match, as compiled.
  const std::string text = "\xE6\x98\xAF\xE5\x90\xA6\xE5\xB0\x91\xE6\x95\xB0\xE6\xB0\x91\xE6\x97\x8F uyghur face_detect gender skin color";
  const auto want = scan_text(*first, text);
  CHECK_FALSE(want.empty());
  CHECK(scan_text(*second, text) == want);

  SECTION("a damaged cache file is compiled again and replaced") {
    std::string bytes;
    {
      std::ifstream in(files[0], std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5A);
    std::ofstream(files[0], std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    auto again = RuleSet::compile_dir(rules_dir(), AtomChoice::kSteered, &cache);
    REQUIRE(again);
    CHECK_FALSE((*again)->from_cache());
    same_pack(*first, *again);
    CHECK(scan_text(*again, text) == want);
    auto after = RuleSet::compile_dir(rules_dir(), AtomChoice::kSteered, &cache);
    REQUIRE(after);
    CHECK((*after)->from_cache());
  }
  SECTION("a truncated cache file is compiled again") {
    std::filesystem::resize_file(files[0], std::filesystem::file_size(files[0]) / 3);
    auto again = RuleSet::compile_dir(rules_dir(), AtomChoice::kSteered, &cache);
    REQUIRE(again);
    CHECK_FALSE((*again)->from_cache());
  }
  SECTION("a cache file that others may write is not trusted") {
    std::filesystem::permissions(files[0], std::filesystem::perms::group_write | std::filesystem::perms::others_write,
                                 std::filesystem::perm_options::add);
    auto again = RuleSet::compile_dir(rules_dir(), AtomChoice::kSteered, &cache);
    REQUIRE(again);
    CHECK_FALSE((*again)->from_cache());
  }
  SECTION("a cache folder that others may write is neither read nor written") {
    std::filesystem::permissions(cache, std::filesystem::perms::others_write, std::filesystem::perm_options::add);
    auto again = RuleSet::compile_dir(rules_dir(), AtomChoice::kSteered, &cache);
    REQUIRE(again);
    CHECK_FALSE((*again)->from_cache());
    CHECK(cache_files(cache).size() == 1);
  }
  SECTION("a link in place of the cache file is not followed, and its target is not written") {
    const auto target = tmp.path() / "elsewhere.fwrules";
    std::filesystem::rename(files[0], target);
    std::filesystem::create_symlink(target, files[0]);
    const auto before = std::filesystem::file_size(target);
    std::filesystem::resize_file(target, before / 2);  // a target that would not load anyway
    auto again = RuleSet::compile_dir(rules_dir(), AtomChoice::kSteered, &cache);
    REQUIRE(again);
    CHECK_FALSE((*again)->from_cache());
    CHECK(std::filesystem::file_size(target) == before / 2);       // not written through the link
    CHECK_FALSE(std::filesystem::is_symlink(files[0]));            // the link replaced by a file
  }
}

TEST_CASE("rule cache: a changed rule is another key; a tree with include is never cached", "[scan][cache]") {
  const TempDir tmp("rule_cache_key");
  const auto cache = tmp.path() / "cache";
  const auto dir = tmp.path() / "rules";
  write_text(dir / "a/find.yar", "rule find_one { strings: $a = \"needle\" condition: $a }\n");
  auto one = RuleSet::compile_dir(dir, AtomChoice::kSteered, &cache);
  REQUIRE(one);
  CHECK(scan_text(*one, "a needle here").size() == 1);
  write_text(dir / "a/find.yar", "rule find_one { strings: $a = \"pin\" condition: $a }\n");
  auto two = RuleSet::compile_dir(dir, AtomChoice::kSteered, &cache);
  REQUIRE(two);
  CHECK_FALSE((*two)->from_cache());
  CHECK(scan_text(*two, "a needle here").empty());
  CHECK(scan_text(*two, "a pin here").size() == 1);
  CHECK(cache_files(cache).size() == 2);

  // What an include brings is not in the key: such a tree is compiled every time.
  write_text(tmp.path() / "included.txt", "rule from_include { strings: $a = \"hay\" condition: $a }\n");
  write_text(dir / "a/other.yar", "include \"" + (tmp.path() / "included.txt").string() + "\"\nrule uses_include { condition: false }\n");
  auto inc = RuleSet::compile_dir(dir, AtomChoice::kSteered, &cache);
  REQUIRE(inc);
  CHECK(scan_text(*inc, "some hay").size() == 1);
  auto inc2 = RuleSet::compile_dir(dir, AtomChoice::kSteered, &cache);
  REQUIRE(inc2);
  CHECK_FALSE((*inc2)->from_cache());
  CHECK(cache_files(cache).size() == 2);
}
