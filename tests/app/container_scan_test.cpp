// A container is scanned by YARA over its own bytes: the bytes of a carved child are the child's
// to scan, and the container's pass reaches only the longest possible match into each child, so
// a match across the child's edge is still found, at the container.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("yara: a container's scan finds a match across a carved child's edge, and leaves the child's inside to the child", "[app][yara]") {
  const TempDir tmp("container_scan");
  write_text(tmp.path() / "t/marker.yar",
             "rule marker { meta: severity = \"high\" strings: $edge = \"EDGE-MARKER-7Q\" $deep = \"DEEP-MARKER-9Z\" condition: any of them }\n");
  auto rules = RuleSet::compile_dir(tmp.path());
  REQUIRE(rules);
  // A uImage whose payload (a carved child) holds one marker far from its edges and ends with
  // the first half of the other, whose second half follows the uImage in the file.
  std::vector<std::uint8_t> payload = pseudo_random(600 << 10, 11);
  const std::string deep = "DEEP-MARKER-9Z", edge = "EDGE-MARKER-7Q";
  const std::size_t deep_at = 300 << 10;
  std::copy(deep.begin(), deep.end(), payload.begin() + static_cast<std::ptrdiff_t>(deep_at));
  const std::size_t half = 7;
  std::copy(edge.begin(), edge.begin() + half, payload.end() - static_cast<std::ptrdiff_t>(half));
  std::vector<std::uint8_t> file = uimage_bytes(payload, 7, 0, "rootfs");
  const std::size_t image_size = file.size();
  file.insert(file.end(), edge.begin() + half, edge.end());
  const auto tail = pseudo_random(8 << 10, 12);
  file.insert(file.end(), tail.begin(), tail.end());

  ScanOptions opts;
  opts.rules = *rules;
  const ReportDocument doc = scan_blob(Blob::copy_of({file.data(), file.size()}), "fw.bin", opts);
  REQUIRE(doc.tree.at(0).children.size() >= 1);
  const NodeRecord& chunk = doc.tree.at(doc.tree.at(0).children[0]);
  REQUIRE(chunk.step.handler == "uimage");
  REQUIRE(chunk.size() == image_size);
  REQUIRE(image_size - 64 > 2 * (64U << 10));  // the child is larger than the margins on both sides

  std::vector<std::pair<std::string, std::uint64_t>> edge_at, deep_in;
  for (const auto& f : doc.findings) {
    if (f.rule != "marker") continue;
    for (const auto& s : f.strings) (s.id == "$edge" ? edge_at : deep_in).emplace_back(f.locator, s.offset);
  }
  // The edge marker: once, at the file, where it was put.
  REQUIRE(edge_at.size() == 1);
  CHECK(edge_at[0].first == "fw.bin");
  CHECK(edge_at[0].second == image_size - half);
  // The deep one: once, in the payload (the uImage's carved child), at its offset there.
  REQUIRE(deep_in.size() == 1);
  CHECK(deep_in[0].first == "fw.bin/uimage@0x0:rootfs");
  CHECK(deep_in[0].second == deep_at);
}
