// SquashFS vendor variants (tools/gen_squashfs_variants.py): one tree written in the LZMA framings
// vendors used (13-byte and 5-byte headers, raw streams, their own lc/lp/pb) and under vendor
// magics. The generator checked its writer against unsquashfs and each block against the
// properties it was written with; the files expected are the tree it wrote.
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("squashfs variants: every vendor framing and magic extracts completely", "[formats][squashfs][variants]") {
  std::ifstream in(corpus_dir() / "fs/squashfs_variants/EXPECTED.json");
  const auto e = nlohmann::json::parse(in);
  REQUIRE(e["images"].size() == 6);
  for (const auto& [name, meta] : e["images"].items()) {
    INFO(name << ": " << meta["variant"].get<std::string>());
    const Unpacked doc = unpack_path(corpus_dir() / "fs/squashfs_variants" / name);
    const std::string base = name + "/squashfs@0x0:";
    const Node* vol = node_at(doc, name + "/squashfs@0x0");
    REQUIRE(vol != nullptr);
    CHECK(vol->diagnostics.empty());
    std::size_t files = 0;
    for (const auto& [path, sha] : e["files"].items()) {
      const Node* f = node_at(doc, base + path);
      REQUIRE(f != nullptr);
      CHECK(f->sha256 == sha.get<std::string>());
      ++files;
    }
    CHECK(files == 306);
    for (const auto& [path, target] : e["symlinks"].items()) {
      const Node* l = node_at(doc, base + path);
      REQUIRE(l != nullptr);
      CHECK(l->meta.kind == EntryKind::kSymlink);
      CHECK(l->meta.link_target == target.get<std::string>());
    }
    const std::string compression = prop(*vol, "compression");
    if (name.rfind("lzma_5byte", 0) == 0 || name == "lzma_lc1_lp2_pb0.sqfs" || name == "hsqt_lzma_5byte.sqfs") CHECK(compression == "lzma (5-byte header)");
    if (name == "lzma_standard.sqfs") CHECK(compression == "lzma (13-byte header)");
    if (name == "lzma_raw_lc0_lp2_pb0.sqfs") CHECK(compression == "raw lzma1 lc=0 lp=2 pb=0");
    if (name.rfind("shsq", 0) == 0) CHECK(prop(*vol, "magic") == "shsq (vendor)");
    if (name.rfind("hsqt", 0) == 0) CHECK(prop(*vol, "magic") == "hsqt (vendor)");
  }
}

TEST_CASE("squashfs variants: big-endian vendor magics on a 3.x image", "[formats][squashfs][variants][external]") {
  // fact_extractor's big-endian 3.x image, its magic swapped for each big-endian vendor magic:
  // the same files as under "sqsh" (FACT's get_files_test set).
  const auto good = read_file(external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/squashFS/test/data/zlib_be.sqfs3");
  const Unpacked plain = unpack_bytes(good, "be.img");
  std::size_t want = 0;
  for (const auto& n : plain.tree.nodes()) want += n.is_content() && n.size() > 0 && n.id != 0 ? 1 : 0;
  REQUIRE(want >= 3);
  const Node* third = node_at(plain, "be.img/squashfs@0x0:generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(std::string(as_chars(third->data.bytes())) == "The third test file!");  // as in FACT's test (and tests/formats/xfs_test.cpp)
  for (const char* magic : {"sqlz", "qshs", "tqsh"}) {
    INFO(magic);
    auto v = good;
    std::copy(magic, magic + 4, v.begin());
    const Unpacked doc = unpack_bytes(v, "be.img");
    const Node* f = node_at(doc, "be.img/squashfs@0x0:generic folder/test file 3_.txt");
    REQUIRE(f != nullptr);
    CHECK(f->sha256 == third->sha256);
    CHECK(prop(*node_at(doc, "be.img/squashfs@0x0"), "magic") == std::string(magic) + " (vendor)");
  }
}

TEST_CASE("squashfs variants: damaged vendor images end in diagnostics", "[formats][squashfs][variants][malformed]") {
  const auto good = read_file(corpus_dir() / "fs/squashfs_variants/lzma_raw_lc0_lp2_pb0.sqfs");
  SECTION("cut in the middle: the tables are past the end") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
    const Unpacked doc = unpack_bytes(cut, "cut.sqfs");
    CHECK((has_diagnostic(doc, "truncated") || has_diagnostic(doc, "malformed")));
  }
  SECTION("bytes flipped across the image: every scan finishes, damage is said") {
    const auto noise = pseudo_random(600, 31);
    std::size_t flagged = 0;
    for (int round = 0; round < 300; ++round) {
      auto bad = good;
      const std::size_t at = 96 + (noise[static_cast<std::size_t>(round) * 2] * 263U + static_cast<std::size_t>(round) * 67U) % (good.size() - 96);
      bad[at] ^= static_cast<std::uint8_t>(1U << (noise[static_cast<std::size_t>(round) * 2 + 1] % 8));
      auto r = run_handler("squashfs", bad);  // must finish (under ASan: without a memory error)
      flagged += r && !r->diagnostics.empty() ? 1 : 0;
    }
    CHECK(flagged > 0);
  }
}
