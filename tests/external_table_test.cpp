// The data-driven check over ../shared/corpus-external (issue #4, item 8). tests/data/
// external_samples.json is written by tools/gen_external_table.py from the samples' own
// documentation and from independent readers (Python's tarfile/zipfile/gzip/bz2/lzma,
// unsquashfs), never from fwscan's output. Each sample either yields its members (by SHA-256) or
// at least `min_files` files, or is a listed gap that must carry the diagnostic named for it.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

nlohmann::json table() {
  std::ifstream in(std::filesystem::path(FWSCAN_SOURCE_DIR) / "tests/data/external_samples.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

// A node whose locator ends with ":<member>" or "/<member>" (an entry, whatever the container
// chain above it), with that SHA-256.
bool has_member(const auto& doc, const std::string& member, const std::string& sha) {
  for (const auto& n : doc.tree.nodes()) {
    if (n.sha256 != sha) continue;
    if (member == "*") return n.id != 0;  // any decoded node: single-stream compressions
    const std::string& loc = n.locator;
    if (loc.size() > member.size() && loc.compare(loc.size() - member.size(), member.size(), member) == 0) {
      const char before = loc[loc.size() - member.size() - 1];
      if (before == ':' || before == '/') return true;
    }
  }
  return false;
}

std::size_t file_entries(const auto& doc) {
  std::size_t n = 0;
  for (const auto& node : doc.tree.nodes()) n += node.kind == NodeKind::kEntry && node.meta.kind == EntryKind::kFile ? 1 : 0;
  return n;
}

bool has_problem_diagnostic(const auto& doc) {
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& d : n.diagnostics) {
      if (d.severity != Severity::kInfo) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("external samples: every file system and archive sample yields what the table says", "[external][table]") {
  const auto t = table();
  std::size_t ok = 0, gaps = 0, damaged = 0;
  std::vector<std::string> failures;
  for (const auto& s : t["samples"]) {
    const std::string rel = s["path"].get<std::string>();
    INFO(rel);
    Limits limits;
    if (s.contains("passwords")) limits.passwords = s["passwords"].get<std::vector<std::string>>();
    const Unpacked doc = unpack_path(external_dir() / rel, limits);
    REQUIRE(doc.tree.size() >= 1);
    if (s.contains("gap")) {
      ++gaps;
      // A known gap must say why, with the diagnostic the table names.
      CHECK(has_diagnostic(doc, s["diagnostic"].get<std::string>()));
      continue;
    }
    if (s.value("damaged", false)) {
      ++damaged;
      // Damaged on purpose: any format claimed must come with a diagnostic about the damage.
      bool claimed = false;
      for (const auto& n : doc.tree.nodes()) claimed = claimed || (n.handler.has_value() && n.id != 0) || (n.id == 0 && n.handler.has_value());
      if (claimed) CHECK(has_problem_diagnostic(doc));
      continue;
    }
    bool good = true;
    if (s.contains("members")) {
      for (const auto& [member, sha] : s["members"].items()) {
        INFO(member);
        const bool found = has_member(doc, member, sha.get<std::string>());
        CHECK(found);
        good = good && found;
      }
    }
    if (s.contains("min_files")) {
      const bool enough = file_entries(doc) >= s["min_files"].get<std::size_t>();
      CHECK(enough);
      good = good && enough;
    }
    if (good) ++ok;
    else failures.push_back(rel);
  }
  const double share = 100.0 * static_cast<double>(ok) / static_cast<double>(ok + gaps);
  WARN("external samples: " << ok << " match, " << gaps << " known gaps, " << damaged << " damaged on purpose; " << share
                            << "% of the file-system/archive/compression samples extract completely");
  CHECK(failures.empty());
  // The known-gap list is the table's; this number moves only when a gap is closed (raise it).
  CHECK(ok == 93);
  CHECK(gaps == 4);
}

TEST_CASE("external samples: the table covers every file-system and archive sample the formats list names", "[external][table]") {
  // Samples the table must hold: every file the SOURCES.md of the shared corpus describes as a
  // file system, archive or compression stream. Here: all FACT squashFS/jffs2/yaffs/ubi/generic_fs
  // samples and every patool archive.
  const auto t = table();
  std::set<std::string> listed;
  for (const auto& s : t["samples"]) listed.insert(s["path"].get<std::string>());
  const std::filesystem::path base = external_dir() / "fact_extractor/fact_extractor/plugins/unpacking";
  std::size_t checked = 0;
  for (const char* dir : {"squashFS", "jffs2", "yaffs", "ubi", "generic_fs", "patool", "sevenz"}) {
    for (const auto& e : std::filesystem::directory_iterator(base / dir / "test/data")) {
      if (!e.is_regular_file() || std::filesystem::file_size(e.path()) == 0) continue;  // squashFS/empty is a zero-byte file
      const std::string rel = std::filesystem::relative(e.path(), external_dir()).string();
      INFO(rel);
      CHECK(listed.count(rel) == 1);
      ++checked;
    }
  }
  CHECK(checked > 60);
}
