// HFS+: fact_extractor's image, and damaged copies of it (the catalog's leaf chain, its record
// offsets, its extents and the volume itself cut or rewritten) that must end in diagnostics.
#include <cstring>

#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> hfs_image() { return external_xz("fact_extractor/fact_extractor/plugins/unpacking/sevenz/test/data/hfs.img.xz"); }

std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}
void put_be32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// Byte offsets of the catalog B-tree and its first leaf node (volume header @1024: blockSize @40,
// catalog fork @272 with its first extent's start block @288; header node @14: firstLeaf @10,
// nodeSize @18).
struct Catalog {
  std::size_t start, node_size, first_leaf;
};
Catalog catalog(const std::vector<std::uint8_t>& img) {
  const std::size_t block = be32(img, 1024 + 40);
  const std::size_t start = be32(img, 1024 + 288) * block;
  const std::size_t node = (std::size_t{img[start + 32]} << 8) | img[start + 33];
  return {start, node, start + be32(img, start + 24) * node};
}

}  // namespace

TEST_CASE("hfsplus: fact_extractor's image yields the standard set", "[formats][hfsplus][external]") {
  const Unpacked doc = unpack_bytes(hfs_image(), "hfs.img");
  REQUIRE(doc.tree.at(0).handler == std::string("hfsplus"));
  CHECK(prop(doc.tree.at(0), "block_size") == "4096");
  const std::string base = "hfs.img/hfsplus@0x0:get_files_test/";
  const Node* third = node_at(doc, base + "generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(std::string(as_chars(third->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(node_at(doc, base + "testfile2")->meta.kind == EntryKind::kFile);
  CHECK(node_at(doc, base + "generic folder")->meta.kind == EntryKind::kDirectory);
  CHECK(doc.tree.at(0).diagnostics.empty());
}

TEST_CASE("hfsplus: damaged images end in diagnostics", "[formats][hfsplus][malformed]") {
  const auto good = hfs_image();
  const Catalog cat = catalog(good);
  REQUIRE(cat.node_size == 4096);
  REQUIRE(static_cast<std::int8_t>(good[cat.first_leaf + 8]) == -1);

  SECTION("a leaf node whose forward link points at itself") {
    auto bad = good;
    put_be32(bad, cat.first_leaf, be32(good, cat.start + 24));
    const Unpacked doc = unpack_bytes(bad, "loop.img");
    REQUIRE(doc.tree.at(0).handler == std::string("hfsplus"));
    CHECK(has_diagnostic(doc, "loop"));
    CHECK(node_at(doc, "loop.img/hfsplus@0x0:get_files_test/testfile1") != nullptr);
  }
  SECTION("record offsets out of order") {
    auto bad = good;
    const std::size_t end = cat.first_leaf + cat.node_size;
    bad[end - 4] = 0xFF;  // record 1 starts past the node's free space
    bad[end - 3] = 0xF0;
    const Unpacked doc = unpack_bytes(bad, "offsets.img");
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("the first leaf link points past the catalog") {
    auto bad = good;
    put_be32(bad, cat.start + 24, 0x00FFFFFF);
    const Unpacked doc = unpack_bytes(bad, "far.img");
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("the catalog's extent lies outside the volume") {
    auto bad = good;
    put_be32(bad, 1024 + 288, 0x7FFFFFF0);
    const Unpacked doc = unpack_bytes(bad, "ext.img");
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("a folder made its own parent is a loop, its files are not listed") {
    auto bad = good;
    // The folder record for "generic folder" (key: parentID, name; record: type 1, folderID @8):
    // rewrite the key's parentID to the folder's own ID.
    const std::vector<std::uint8_t> name = {0, 'g', 0, 'e', 0, 'n', 0, 'e', 0, 'r', 0, 'i', 0, 'c', 0, ' ', 0, 'f'};
    bool patched = false;
    for (std::size_t p = cat.first_leaf; p + 64 < cat.first_leaf + cat.node_size && !patched; ++p) {
      if (std::memcmp(bad.data() + p, name.data(), name.size()) != 0) continue;
      const std::size_t key = p - 8;  // keyLength u16, parentID u32, name length u16
      const std::size_t rec = key + 2 + ((std::size_t{bad[key]} << 8) | bad[key + 1]);
      if (bad[rec] == 0 && bad[rec + 1] == 1) {
        put_be32(bad, key + 2, be32(bad, rec + 8));
        patched = true;
      }
    }
    REQUIRE(patched);
    const Unpacked doc = unpack_bytes(bad, "cycle.img");
    CHECK(has_diagnostic(doc, "loop"));
    CHECK(nodes_ending_with(doc, "test file 3_.txt").empty());
    CHECK(node_at(doc, "cycle.img/hfsplus@0x0:get_files_test/testfile2") != nullptr);
  }
  SECTION("the volume cut short") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 64 * 1024);
    const Unpacked doc = unpack_bytes(cut, "cut.img");
    REQUIRE(doc.tree.at(0).handler == std::string("hfsplus"));
    CHECK(has_diagnostic(doc, "truncated"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("bytes flipped across the catalog: every scan finishes") {
    const auto noise = pseudo_random(4 * 200, 13);
    std::size_t flagged = 0;
    for (int round = 0; round < 200; ++round) {
      auto bad = good;
      for (int k = 0; k < 4; ++k) {
        const std::size_t r = static_cast<std::size_t>(round) * 4 + static_cast<std::size_t>(k);
        const std::size_t at = cat.start + (noise[r] * 131U + static_cast<std::size_t>(round) * 977U) % (2 * cat.node_size);
        bad[at] ^= static_cast<std::uint8_t>(1U << (noise[r] % 8));
      }
      auto r = run_handler("hfsplus", bad);  // must finish (under ASan: without a memory error)
      flagged += r && !r->diagnostics.empty() ? 1 : 0;
    }
    CHECK(flagged > 0);  // some flips are caught by the reader's own checks
  }
}

TEST_CASE("hfsplus: a stray signature in code is not a volume", "[formats][hfsplus]") {
  auto noise = pseudo_random(0x2000, 21);
  std::copy_n("H+\0\4", 4, noise.begin() + 0x400);
  CHECK_FALSE(Registry::builtin().find("hfsplus")->identify({noise.data(), noise.size()}, 0));
}
