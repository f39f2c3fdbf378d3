#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("dahua_zip: the fact_extractor DH vector yields its members", "[formats][dahua_zip][external]") {
  const auto p = external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/dahua/test/data/dh.bin";
  const ReportDocument doc = unpack_path(p);
  REQUIRE(doc.tree.at(0).handler == std::string("dahua_zip"));
  const Node* f1 = node_at(doc, "dh.bin/dahua_zip@0x0:get_files_test/testfile1");
  const Node* f2 = node_at(doc, "dh.bin/dahua_zip@0x0:get_files_test/testfile2");
  const Node* f3 = node_at(doc, "dh.bin/dahua_zip@0x0:get_files_test/generic folder/test file 3_.txt");
  REQUIRE(f1 != nullptr);
  REQUIRE(f2 != nullptr);
  REQUIRE(f3 != nullptr);
  REQUIRE(std::string(as_chars(f3->data.bytes())) == "The third test file!");
  REQUIRE(f1->size() == 62);
  REQUIRE(node_at(doc, "dh.bin/dahua_zip@0x0:get_files_test/")->meta.kind == EntryKind::kDirectory);
}

TEST_CASE("zip: the binwalk vectors, whole and truncated", "[formats][zip][external]") {
  const ReportDocument whole = unpack_path(external_dir() / "binwalk/tests/inputs/zip.bin");
  const bool zip_whole = whole.tree.at(0).handler == std::string("zip") || node_at(whole, "zip.bin/zip@0x0") != nullptr;
  REQUIRE(zip_whole);
  const ReportDocument cut = unpack_path(external_dir() / "binwalk/tests/inputs/zip_truncated.bin");
  bool zip_at_0 = cut.tree.at(0).handler == std::string("zip") || node_at(cut, "zip_truncated.bin/zip@0x0") != nullptr;
  REQUIRE(zip_at_0);
}

TEST_CASE("zip: end-of-central-directory must agree with the start", "[formats][zip]") {
  ByteBuilder b;
  b.str("PK\x03\x04").u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(3).u32le(3).u16le(1).u16le(0).str("a").str("abc");
  const std::size_t cd = b.size();
  b.str("PK\x01\x02").u16le(20).u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(3).u32le(3).u16le(1)
      .u16le(0).u16le(0).u16le(0).u16le(0).u32le(0).u32le(0).str("a");
  const std::size_t cd_size = b.size() - cd;
  b.str("PK\x05\x06").u16le(0).u16le(0).u16le(1).u16le(1).u32le(static_cast<std::uint32_t>(cd_size))
      .u32le(static_cast<std::uint32_t>(cd)).u16le(0);
  const std::size_t end = b.size();
  b.fill(0, 100);
  auto chunk = Registry::builtin().find("zip")->identify(b.view(), 0);
  REQUIRE(chunk);
  REQUIRE(chunk->size == end);
  REQUIRE(chunk->confidence == Confidence::kHigh);
  b.patch_u32le(end - 6, 7);  // central directory offset now points into the local header
  auto bad = Registry::builtin().find("zip")->identify(b.view(), 0);
  REQUIRE(bad);
  REQUIRE(bad->confidence == Confidence::kLow);  // falls back to walking local headers
  REQUIRE(bad->size == cd);
}

TEST_CASE("zip: a bare local-header magic in noise is not a chunk", "[formats][zip]") {
  ByteBuilder b;
  b.bytes(pseudo_random(100, 1)).str("PK\x03\x04").bytes(pseudo_random(100, 2));
  const ReportDocument doc = unpack_bytes(b.data(), "n.bin");
  for (const auto& n : doc.tree.nodes()) REQUIRE(n.handler != std::string("zip"));
}
