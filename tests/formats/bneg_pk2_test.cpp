// INSTAR BNEG and Tenvis PK2 (camera-formats.md 3.7), against fact_extractor's test vectors.
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
const auto kVec = [] { return external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking"; };
std::string text(const Node* n) { return std::string(as_chars(n->data.bytes())); }
}  // namespace

TEST_CASE("bneg: the two partitions of the fact_extractor vector", "[formats][bneg][external]") {
  const Unpacked doc = unpack_path(kVec() / "bneg/test/data/test.bneg");
  REQUIRE(doc.tree.at(0).handler == std::string("bneg"));
  REQUIRE(text(node_at(doc, "test.bneg/bneg@0x0:part1")) == "foobar\n");
  REQUIRE(text(node_at(doc, "test.bneg/bneg@0x0:part2")) == "test123\n");
  REQUIRE(node_at(doc, "test.bneg/bneg@0x0:part2")->root_offset == 27U);
}

TEST_CASE("bneg: truncated partitions and headers", "[formats][bneg]") {
  auto v = read_file(kVec() / "bneg/test/data/test.bneg");
  v.resize(30);
  const Unpacked doc = unpack_bytes(v, "cut.bneg");
  CHECK(has_diagnostic(doc, "truncated"));
  CHECK(node_at(doc, "cut.bneg/bneg@0x0:part2")->size() == 3);
  std::vector<std::uint8_t> hdr(v.begin(), v.begin() + 12);
  CHECK_FALSE(Registry::builtin().find("bneg")->identify({hdr.data(), hdr.size()}, 0));
  ByteBuilder huge;
  huge.str("BNEG").u32le(1).u32le(2).u32le(0xFFFFFFFF).u32le(0xFFFFFFFF).str("x");
  const Unpacked h = unpack_bytes(huge.data(), "huge.bneg");
  CHECK(has_diagnostic(h, "truncated"));
  for (const auto& n : h.tree.nodes()) CHECK(n.size() <= huge.size());
}

TEST_CASE("tenvis_pk2: the command script and both files, decoded", "[formats][tenvis_pk2][external]") {
  const Unpacked doc = unpack_path(kVec() / "tenvis_pk2/test/data/test.pk2");
  REQUIRE(doc.tree.at(0).handler == std::string("tenvis_pk2"));
  CHECK(text(node_at(doc, "test.pk2/tenvis_pk2@0x0:CMD")).rfind("echo \"fo", 0) == 0);
  CHECK(text(node_at(doc, "test.pk2/tenvis_pk2@0x0:foo")) == "foobar\n");
  CHECK(text(node_at(doc, "test.pk2/tenvis_pk2@0x0:bar")) == "test\n1234\n");
  CHECK(doc.tree.at(0).diagnostics.empty());
}

TEST_CASE("tenvis_pk2: the broken vector and absurd counts end in diagnostics", "[formats][tenvis_pk2][external]") {
  const Unpacked doc = unpack_path(kVec() / "tenvis_pk2/test/data/broken.pk2");
  CHECK(has_diagnostic(doc, "truncated"));
  CHECK(node_at(doc, "broken.pk2/tenvis_pk2@0x0:CMD") != nullptr);
  ByteBuilder b;
  b.str(std::string_view("PK2\0", 4)).u32le(1).u32le(2).u32le(0).u64le(0).u32le(0xFFFFFFFF);
  CHECK_FALSE(Registry::builtin().find("tenvis_pk2")->identify(b.view(), 0));
  ByteBuilder c;
  c.str(std::string_view("PK2\0", 4)).u32le(1).u32le(2).u32le(0).u64le(0).u32le(1);
  c.str("FILE").fill(0, 16).u32le(12).u32le(0x7FFFFFFF).str("xxxxxxxx");  // name length past the payload
  const Unpacked d = unpack_bytes(c.data(), "bad.pk2");
  CHECK(has_diagnostic(d, "malformed"));
}
