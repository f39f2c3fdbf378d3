// UDF: fact_extractor's UDF 2.01 image (mkudffs), a generated UDF 1.02 bridge disc
// (genisoimage), and damaged copies of the former.
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> udf_image() { return external_xz("fact_extractor/fact_extractor/plugins/unpacking/generic_fs/test/data/udf.img.xz"); }

// Rewrites a descriptor tag's CRC (of crcLength bytes after the tag) and checksum, so that a
// patched field is read as the descriptor's own.
void retag(std::vector<std::uint8_t>& b, std::size_t at) {
  const std::size_t len = b[at + 10] | (b[at + 11] << 8);
  const std::uint16_t crc = crc16_xmodem({b.data() + at + 16, len});
  b[at + 8] = static_cast<std::uint8_t>(crc);
  b[at + 9] = static_cast<std::uint8_t>(crc >> 8);
  std::uint8_t sum = 0;
  for (std::size_t i = 0; i < 16; ++i) sum = static_cast<std::uint8_t>(sum + (i == 4 ? 0 : b[at + i]));
  b[at + 4] = sum;
}

// File identifier descriptors (tag 257) whose CS0 name (8-bit) is `name`: their offsets.
std::vector<std::size_t> fids(const std::vector<std::uint8_t>& b, std::string_view name) {
  std::vector<std::size_t> out;
  for (std::size_t p = 0; p + 40 + name.size() < b.size(); p += 4) {
    if (b[p] != 1 || b[p + 1] != 1 || b[p + 19] != name.size() + 1) continue;
    const std::size_t iu = b[p + 36] | (b[p + 37] << 8);
    if (p + 38 + iu + 1 + name.size() > b.size() || b[p + 38 + iu] != 8) continue;
    if (std::memcmp(b.data() + p + 39 + iu, name.data(), name.size()) == 0) out.push_back(p);
  }
  return out;
}

}  // namespace

TEST_CASE("udf: fact_extractor's UDF 2.01 image yields the standard set", "[formats][udf][external]") {
  const Unpacked doc = unpack_bytes(udf_image(), "udf.img");
  REQUIRE(doc.tree.at(0).handler == std::string("udf"));
  CHECK(prop(doc.tree.at(0), "udf_revision") == "2.01");
  CHECK(prop(doc.tree.at(0), "label") == "LinuxUDF");
  CHECK(doc.tree.at(0).size() == 10 * 1024 * 1024);  // to the closing anchor in the last sector
  const std::string base = "udf.img/udf@0x0:get_files_test/";
  const Node* third = node_at(doc, base + "generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(std::string(as_chars(third->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(node_at(doc, base + "testfile2")->meta.mtime == 1442312440);  // 2015-09-15 10:20:40 UTC, as in test.tar
  CHECK(node_at(doc, "udf.img/udf@0x0:lost+found")->meta.kind == EntryKind::kDirectory);
  CHECK(doc.tree.at(0).diagnostics.empty());
}

TEST_CASE("udf: genisoimage's bridge disc is read through its UDF side", "[formats][udf]") {
  std::ifstream in(corpus_dir() / "fs/udf/EXPECTED.json");
  const auto e = nlohmann::json::parse(in)["bridge.iso.xz"];
  const Unpacked doc = unpack_path(corpus_dir() / "fs/udf/bridge.iso.xz");
  const Node* vol = node_at(doc, "bridge.iso.xz/xz@0x0:decompressed");
  REQUIRE(vol != nullptr);
  CHECK(vol->handler == std::string("udf"));
  CHECK(prop(*vol, "udf_revision") == e["udf_revision"].get<std::string>());
  CHECK(prop(*vol, "label") == e["label"].get<std::string>());
  for (const auto& [name, sha] : e["files"].items()) {
    INFO(name);
    const Node* f = node_at(doc, "bridge.iso.xz/xz@0x0:decompressed/udf@0x0:" + name);
    REQUIRE(f != nullptr);
    CHECK(f->sha256 == sha.get<std::string>());
  }
  CHECK(vol->diagnostics.empty());
}

TEST_CASE("udf: damaged images end in diagnostics", "[formats][udf][malformed]") {
  const auto good = udf_image();
  const auto folder = fids(good, "generic folder");
  const auto third = fids(good, "test file 3_.txt");
  const auto top = fids(good, "get_files_test");
  REQUIRE(folder.size() == 1);
  REQUIRE(third.size() == 1);
  REQUIRE(top.size() == 1);

  SECTION("a file identifier pointing back at a directory above it is a loop") {
    auto bad = good;
    std::memcpy(bad.data() + folder[0] + 20, bad.data() + top[0] + 20, 16);  // generic folder -> get_files_test's ICB
    retag(bad, folder[0]);
    retag(bad, folder[0] & ~std::size_t{2047});  // the directory's File Entry, which embeds it
    const Unpacked doc = unpack_bytes(bad, "loop.img");
    REQUIRE(doc.tree.at(0).handler == std::string("udf"));
    CHECK(has_diagnostic(doc, "loop"));
    CHECK(node_at(doc, "loop.img/udf@0x0:get_files_test/testfile1") != nullptr);
  }
  SECTION("a file identifier whose ICB lies past the partition") {
    auto bad = good;
    const std::uint32_t far = 0x7FFFFFF0;
    std::memcpy(bad.data() + third[0] + 24, &far, 4);
    retag(bad, third[0]);
    retag(bad, third[0] & ~std::size_t{2047});
    const Unpacked doc = unpack_bytes(bad, "far.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(node_at(doc, "far.img/udf@0x0:get_files_test/testfile2") != nullptr);
  }
  SECTION("a file identifier with a broken CRC") {
    auto bad = good;
    bad[third[0] + 40] ^= 0x01;  // inside the name: the tag's CRC no longer holds
    const Unpacked doc = unpack_bytes(bad, "crc.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(nodes_ending_with(doc, "test file 3_.txt").empty());
  }
  SECTION("the anchor at sector 256 destroyed") {
    auto bad = good;
    std::fill_n(bad.begin() + 256 * 2048, 512, 0xEE);
    const Unpacked doc = unpack_bytes(bad, "noanchor.img");
    REQUIRE(doc.tree.at(0).handler == std::string("udf"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("the volume cut short") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 300 * 2048);
    const Unpacked doc = unpack_bytes(cut, "cut.img");
    REQUIRE(doc.tree.at(0).handler == std::string("udf"));
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("bytes flipped across the descriptors: every scan finishes") {
    const auto noise = pseudo_random(400, 19);
    const std::size_t from = std::min({folder[0], third[0], top[0]}) & ~std::size_t{2047};
    std::size_t flagged = 0;
    for (int round = 0; round < 200; ++round) {
      auto bad = good;
      const std::size_t at = from + (noise[static_cast<std::size_t>(round) * 2] * 263U + static_cast<std::size_t>(round) * 31U) % (6 * 2048);
      bad[at] ^= static_cast<std::uint8_t>(1U << (noise[static_cast<std::size_t>(round) * 2 + 1] % 8));
      auto r = run_handler("udf", bad);  // must finish (under ASan: without a memory error)
      flagged += r && !r->diagnostics.empty() ? 1 : 0;
    }
    CHECK(flagged > 0);  // some flips are caught by the reader's own checks
  }
}

// testfile1's Extended File Entry in FACT's image (its 62 bytes embedded in the ICB) rewritten to
// one short allocation descriptor of 60 MiB, allocated but not recorded (extent type 1, ECMA-167
// 4/14.14.1.1), the tag resealed: the file is 60 MiB of a hole, held as a hole (OutputBuffer),
// so the unpack grows far less than 60 MiB.
TEST_CASE("udf: an extent not recorded is a hole, never held", "[formats][udf][holes]") {
  auto img = udf_image();
  constexpr std::uint64_t kSize = 60ULL << 20;
  std::size_t patched = 0;
  for (std::size_t p = 0; p + 2048 <= img.size(); p += 2048) {
    std::uint16_t tag = 0;
    std::uint64_t length = 0;
    std::uint32_t lad = 0;
    std::memcpy(&tag, img.data() + p, 2);
    std::memcpy(&length, img.data() + p + 56, 8);
    std::memcpy(&lad, img.data() + p + 212, 4);
    // An Extended File Entry (266) of 62 bytes, embedded (ICB tag flags @34, allocation type 3).
    if (tag != 266 || length != 62 || (img[p + 34] & 7) != 3 || lad != 62) continue;
    img[p + 34] = static_cast<std::uint8_t>(img[p + 34] & ~7);  // short_ad
    std::memcpy(img.data() + p + 56, &kSize, 8);
    const std::uint32_t new_lad = 8, extent = static_cast<std::uint32_t>(kSize) | (1U << 30), block = 0;
    std::memcpy(img.data() + p + 212, &new_lad, 4);
    std::memset(img.data() + p + 216, 0, 62);
    std::memcpy(img.data() + p + 216, &extent, 4);
    std::memcpy(img.data() + p + 220, &block, 4);
    const std::uint16_t crc_length = 216 + 8 - 16;
    std::memcpy(img.data() + p + 10, &crc_length, 2);
    retag(img, p);
    ++patched;
  }
  REQUIRE(patched == 1);
  const long before = status_mib("VmRSS");
  reset_peak();
  const Unpacked doc = unpack_bytes(img, "sparse.img");
  const long grown = status_mib("VmHWM") - before;
  const Node* f = node_at(doc, "sparse.img/udf@0x0:get_files_test/testfile1");
  REQUIRE(f != nullptr);
  CHECK(f->size() == kSize);
  CHECK(f->data.has_holes());
  CHECK(f->data.data_extents().empty());
  CHECK_FALSE(has_diagnostic(doc, "malformed"));
  CHECK(before >= 0);
  CHECK(grown < 30);
}
