#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("tiandy_box: records by target path, each unpacked by magic", "[formats][tiandy_box]") {
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/tiandy_demo/TC-NC9401S3E.box");
  REQUIRE(doc.tree.at(0).handler == std::string("tiandy_box"));
  const Node* pm = node_at(doc, "TC-NC9401S3E.box/tiandy_box@0x0:nvs/ProductModule");
  REQUIRE(pm != nullptr);
  CHECK(std::string(as_chars(pm->data.bytes())).rfind("[start]", 0) == 0);
  CHECK(pm->root_offset == 40U + 136);
  CHECK(node_at(doc, "TC-NC9401S3E.box/tiandy_box@0x0:dev/mtdblock1/uimage@0x0:Linux-3.0.8") != nullptr);
}

TEST_CASE("tiandy_box: truncated records and disagreeing sizes", "[formats][tiandy_box]") {
  auto v = read_file(corpus_dir() / "firmware/tiandy_demo/TC-NC9401S3E.box");
  auto bad = v;
  bad[40 + 132] ^= 1;  // second size field of the first record
  CHECK(has_diagnostic(unpack_bytes(bad, "b.box"), "malformed"));
  v.resize(300);
  const Unpacked cut = unpack_bytes(v, "c.box");
  CHECK(cut.tree.at(0).confidence == Confidence::kLow);
  CHECK(has_diagnostic(cut, "truncated"));
}

TEST_CASE("longse_fls: the flash dump is carved to its erase-block layout", "[formats][longse_fls]") {
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/longse_demo/N1-DEMO.FLS");
  REQUIRE(doc.tree.at(0).handler == std::string("longse_fls"));
  const Node* flash = node_at(doc, "N1-DEMO.FLS/longse_fls@0x0:flash.bin");
  REQUIRE(flash != nullptr);
  const Node* k = node_at(doc, "N1-DEMO.FLS/longse_fls@0x0:flash.bin/uimage@0x10000");
  REQUIRE(k != nullptr);
  CHECK(k->root_offset == 44U + 0x10000);
  CHECK(node_at(doc, "N1-DEMO.FLS/longse_fls@0x0:flash.bin/squashfs@0x20000:etc/passwd") != nullptr);
  REQUIRE(flash->coverage.has_value());
  // Only the 1 KiB boot-loader stub is unexplained.
  std::uint64_t unknown_data = 0;
  for (const auto& r : flash->unknown) unknown_data += r.padding ? 0 : r.size;
  CHECK(unknown_data == 0x423);
}

TEST_CASE("longse_fls: a size field past the end", "[formats][longse_fls]") {
  auto v = read_file(corpus_dir() / "firmware/longse_demo/N1-DEMO.FLS");
  v.resize(1000);
  auto c = Registry::builtin().find("longse_fls")->identify({v.data(), v.size()}, 0);
  REQUIRE(c);
  CHECK(c->confidence == Confidence::kLow);
  CHECK(c->size == v.size());
}
