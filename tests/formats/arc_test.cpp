#include <set>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

nlohmann::json expected() {
  std::ifstream in(corpus_dir() / "archives/arc/EXPECTED.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("arc: stored, packed, squeezed, crunched and squashed members decode, CRC-16 checked", "[formats][arc]") {
  const auto want = expected();
  std::set<int> methods;
  for (const auto& [archive, members] : want.items()) {
    INFO(archive);
    const ReportDocument doc = unpack_path(corpus_dir() / "archives/arc" / archive);
    REQUIRE(doc.tree.at(0).handler == std::string("arc"));
    for (const auto& [name, m] : members.items()) {
      INFO(name);
      const Node* n = node_at(doc, archive + "/arc@0x0:" + name);
      REQUIRE(n != nullptr);
      CHECK(n->sha256 == m["sha256"].get<std::string>());
      methods.insert(m["method"].get<int>());
    }
    CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
    CHECK_FALSE(has_diagnostic(doc, "malformed"));
  }
  CHECK(methods == std::set<int>{2, 3, 4, 8, 9});
}

TEST_CASE("arc: damage ends in diagnostics; no end marker is a truncation", "[formats][arc]") {
  const auto good = read_file(corpus_dir() / "archives/arc/mixed.arc");
  // The end marker cut off: still read, reported truncated.
  std::vector<std::uint8_t> cut(good.begin(), good.end() - 2);
  const ReportDocument t = unpack_bytes(cut, "cut.arc");
  REQUIRE(node_at(t, "cut.arc/arc@0x0:tiny.txt") != nullptr);
  CHECK(has_diagnostic(t, "truncated"));
  // Flipped bytes inside each member's data: a CRC mismatch or a decode error, never a crash.
  std::uint32_t seed = 12345;
  int reported = 0;
  for (int round = 0; round < 200; ++round) {
    auto bad = good;
    seed = seed * 1664525U + 1013904223U;
    const std::size_t at = 29 + (seed >> 8) % (bad.size() - 60);
    bad[at] ^= static_cast<std::uint8_t>(1U << (seed % 8));
    const ReportDocument d = unpack_bytes(bad, "bad.arc");
    bool noted = false;
    for (const auto& n : d.tree.nodes()) noted = noted || !n.diagnostics.empty();
    reported += noted ? 1 : 0;
  }
  INFO(reported << " of 200 damaged archives reported");
  CHECK(reported > 150);  // the rest flipped a header byte arc ignores (a date) or a stored byte's twin
  // A header whose size runs past the data is not an ARC at all.
  auto huge = good;
  huge[15] = 0xFF;
  huge[16] = 0xFF;
  huge[17] = 0xFF;
  const ReportDocument h = unpack_bytes(huge, "huge.arc");
  CHECK(h.tree.at(0).handler != std::string("arc"));
}
