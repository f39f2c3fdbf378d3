// Several inputs in one run (two firmware versions, "we removed it"): each input is unpacked
// with its own budget and duplicate map and reports all of its findings; content the inputs
// share is reported as shared, never dropped.
#include <catch2/catch.hpp>

#include <set>
#include <tuple>

#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

using Key = std::tuple<std::string, std::string, std::string, std::uint64_t>;  // rule, locator below the root, id, offset

// The findings of one input, keyed without the root's name.
std::set<Key> findings_of(const ReportDocument& doc, const std::string& root) {
  std::set<Key> out;
  for (const auto& f : doc.findings) {
    if (f.locator != root && f.locator.rfind(root + "/", 0) != 0) continue;
    for (const auto& s : f.strings) out.emplace(f.ns + "/" + f.rule, f.locator.substr(root.size()), s.id, s.offset);
  }
  return out;
}

}  // namespace

TEST_CASE("pipeline: two versions of a firmware in one run each show all their findings", "[app][inputs]") {
  const auto bytes = read_file(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  ScanOptions opts;
  opts.rules = bundled_rules();
  // Alone: what one version finds (the expectation comes from a run that holds nothing else).
  const ReportDocument alone = scan_blob(Blob::copy_of({bytes.data(), bytes.size()}), "v5.5.0.dav", opts);
  const auto expected = findings_of(alone, "v5.5.0.dav");
  REQUIRE(expected.size() >= 5);

  Pipeline p(opts);
  p.add_blob(Blob::copy_of({bytes.data(), bytes.size()}), "v5.5.0.dav");
  p.add_blob(Blob::copy_of({bytes.data(), bytes.size()}), "v5.7.1.dav");
  const ReportDocument both = p.finish();
  CHECK(findings_of(both, "v5.5.0.dav") == expected);
  CHECK(findings_of(both, "v5.7.1.dav") == expected);
  // No node of the second version is a duplicate of the first's.
  for (const auto& n : both.tree.nodes()) {
    if (!n.duplicate_of) continue;
    CHECK(both.tree.root_of(n.id) == both.tree.root_of(*n.duplicate_of));
  }
  // Each finding names the same content in the other version.
  for (const auto& f : both.findings) {
    INFO(f.locator);
    REQUIRE(f.shared_with.size() == 1);
    const bool first = f.locator.rfind("v5.5.0.dav/", 0) == 0;
    CHECK(f.shared_with[0].rfind(first ? "v5.7.1.dav/" : "v5.5.0.dav/", 0) == 0);
    CHECK(f.shared_with[0].substr(11) == f.locator.substr(11));
  }
  // A single input has nothing to share with.
  for (const auto& f : alone.findings) CHECK(f.shared_with.empty());
}

TEST_CASE("pipeline: each input has its own extraction budget", "[app][inputs]") {
  const std::vector<std::uint8_t> a(1 << 20, 'a'), b(1 << 20, 'b');
  Limits limits;
  limits.max_total_bytes = 3 << 19;  // 1.5 MiB: each input's 1 MiB fits, both together would not
  Pipeline p(ScanOptions{limits, nullptr});
  const auto ga = gzip_bytes(a), gb = gzip_bytes(b);
  p.add_blob(Blob::copy_of({ga.data(), ga.size()}), "a.gz");
  p.add_blob(Blob::copy_of({gb.data(), gb.size()}), "b.gz");
  const ReportDocument doc = p.finish();
  for (const char* loc : {"a.gz/gzip@0x0:decompressed", "b.gz/gzip@0x0:decompressed"}) {
    INFO(loc);
    const NodeRecord* n = node_at(doc, loc);
    REQUIRE(n != nullptr);
    CHECK(n->size() == (1U << 20));
    CHECK(n->diagnostics.empty());
  }
}
