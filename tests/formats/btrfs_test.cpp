// btrfs: fact_extractor's image, a generated one (mkfs.btrfs --rootdir, a two-level file tree),
// and damaged copies whose node checksums are recomputed so that the damage reaches the reader.
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> btrfs_image() { return external_xz("fact_extractor/fact_extractor/plugins/unpacking/generic_fs/test/data/btrfs.img.xz"); }

// DIR_ITEM / DIR_INDEX items naming `name` (location key @0, data_len @25, name_len u16 @27,
// type @29, name @30): their offsets.
std::vector<std::size_t> dir_items(const std::vector<std::uint8_t>& img, std::string_view name) {
  std::vector<std::size_t> out;
  for (std::size_t p = 30; p + name.size() <= img.size(); ++p) {
    if (std::memcmp(img.data() + p, name.data(), name.size()) != 0) continue;
    const std::size_t item = p - 30;
    if (static_cast<std::size_t>(img[item + 27] | (img[item + 28] << 8)) == name.size() && img[item + 8] == 1) out.push_back(item);
  }
  return out;
}

// Recomputes the CRC-32C of the 4 KiB tree node holding byte `at`.
void reseal(std::vector<std::uint8_t>& img, std::size_t at) {
  const std::size_t node = at & ~std::size_t{4095};
  const std::uint32_t c = crc32c({img.data() + node + 32, 4096 - 32});
  std::memcpy(img.data() + node, &c, 4);
}

}  // namespace

TEST_CASE("btrfs: fact_extractor's image yields the standard set", "[formats][btrfs][external]") {
  const Unpacked doc = unpack_bytes(btrfs_image(), "btrfs.img");
  REQUIRE(doc.tree.at(0).handler == std::string("btrfs"));
  const std::string base = "btrfs.img/btrfs@0x0:get_files_test/";
  const Node* third = node_at(doc, base + "generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(std::string(as_chars(third->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(node_at(doc, base + "testfile2")->meta.mtime == 1442312440);  // as in test.tar
  CHECK(doc.tree.at(0).diagnostics.empty());
}

TEST_CASE("btrfs: mkfs.btrfs --rootdir image with a two-level file tree, symlink and hard link", "[formats][btrfs]") {
  std::ifstream in(corpus_dir() / "fs/btrfs/EXPECTED.json");
  const auto e = nlohmann::json::parse(in)["rootdir.img.xz"];
  const Unpacked doc = unpack_path(corpus_dir() / "fs/btrfs/rootdir.img.xz");
  const Node* vol = node_at(doc, "rootdir.img.xz/xz@0x0:decompressed");
  REQUIRE(vol != nullptr);
  CHECK(vol->handler == std::string("btrfs"));
  const std::string base = "rootdir.img.xz/xz@0x0:decompressed/btrfs@0x0:";
  for (const auto& [name, sha] : e["files"].items()) {
    const Node* f = node_at(doc, base + name);
    REQUIRE(f != nullptr);
    CHECK(f->sha256 == sha.get<std::string>());
  }
  CHECK(nodes_ending_with(doc, ".cfg").size() == e["big_entries"].get<std::size_t>() + 1);
  CHECK(node_at(doc, base + "link")->meta.link_target == e["symlinks"]["link"].get<std::string>());
  const Node* hard = node_at(doc, base + "hard.txt");
  const Node* first = node_at(doc, base + "notes.txt");
  // One of the two names carries the data, the other is a hard link to it.
  CHECK(((hard->meta.kind == EntryKind::kHardlink && hard->meta.link_target == "notes.txt") ||
         (first->meta.kind == EntryKind::kHardlink && first->meta.link_target == "hard.txt")));
  CHECK(vol->diagnostics.empty());
}

TEST_CASE("btrfs: damaged images end in diagnostics", "[formats][btrfs][malformed]") {
  const auto good = btrfs_image();
  const auto folder = dir_items(good, "generic folder");
  REQUIRE(folder.size() >= 2);  // DIR_ITEM and DIR_INDEX

  SECTION("a directory entry pointing back at its parent is a loop") {
    auto bad = good;
    for (std::size_t item : folder) {
      bad[item] = 1;  // location objectid 257: get_files_test, generic folder's parent
      bad[item + 1] = 1;
      reseal(bad, item);
    }
    const Unpacked doc = unpack_bytes(bad, "loop.img");
    REQUIRE(doc.tree.at(0).handler == std::string("btrfs"));
    CHECK(has_diagnostic(doc, "loop"));
    CHECK(node_at(doc, "loop.img/btrfs@0x0:get_files_test/testfile1") != nullptr);
  }
  SECTION("a leaf whose checksum fails is reported, not read") {
    auto bad = good;
    bad[folder[0] + 31] ^= 0x20;  // a name byte; the node's CRC-32C no longer holds
    const Unpacked doc = unpack_bytes(bad, "crc.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(nodes_ending_with(doc, "testfile1").empty());
  }
  SECTION("an entry naming an inode that does not exist") {
    auto bad = good;
    for (std::size_t item : folder) {
      bad[item + 6] = 0x7F;  // objectid 0x7f00...0102
      reseal(bad, item);
    }
    const Unpacked doc = unpack_bytes(bad, "noinode.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(node_at(doc, "noinode.img/btrfs@0x0:get_files_test/testfile2") != nullptr);
  }
  SECTION("the volume cut short") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 2 * 1024 * 1024);
    const Unpacked doc = unpack_bytes(cut, "cut.img");
    REQUIRE(doc.tree.at(0).handler == std::string("btrfs"));
    CHECK(has_diagnostic(doc, "truncated"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("bytes flipped in the file tree, checksums resealed: every scan finishes") {
    const auto noise = pseudo_random(400, 29);
    const std::size_t node = folder[0] & ~std::size_t{4095};
    std::size_t flagged = 0;
    for (int round = 0; round < 200; ++round) {
      auto bad = good;
      const std::size_t at = node + 101 + (noise[static_cast<std::size_t>(round) * 2] * 263U + static_cast<std::size_t>(round) * 41U) % (4096 - 101);
      bad[at] ^= static_cast<std::uint8_t>(1U << (noise[static_cast<std::size_t>(round) * 2 + 1] % 8));
      reseal(bad, at);
      auto r = run_handler("btrfs", bad);  // must finish (under ASan: without a memory error)
      flagged += r && !r->diagnostics.empty() ? 1 : 0;
    }
    CHECK(flagged > 0);  // some flips are caught by the reader's own checks
  }
}

// notes.txt of the mkfs.btrfs image (69,999 bytes in its extents: tools/gen_fs_corpus.py's
// text_block joins its words one byte short of 70,000 for this seed) made 60 MiB in its inode item
// (size @16; mode @52 says a regular file), the leaf resealed: every byte past its extents is a
// hole, held as a hole (OutputBuffer), so the file keeps its text and holds about its extents,
// and the unpack grows by its copy of the image and far less than the 60 MiB more.
TEST_CASE("btrfs: what no extent holds is a hole, never held", "[formats][btrfs][holes]") {
  const Unpacked outer = unpack_path(corpus_dir() / "fs/btrfs/rootdir.img.xz");
  const Node* vol = node_at(outer, "rootdir.img.xz/xz@0x0:decompressed");
  REQUIRE(vol != nullptr);
  std::vector<std::uint8_t> img(vol->data.bytes().begin(), vol->data.bytes().end());
  constexpr std::uint64_t kSize = 60ULL << 20, kText = 69999;
  std::size_t patched = 0;
  for (std::size_t p = 16; p + 64 <= img.size(); p += 1) {
    std::uint64_t size = 0;
    std::memcpy(&size, img.data() + p, 8);
    std::uint32_t mode = 0;
    std::memcpy(&mode, img.data() + p + 36, 4);
    if (size != kText || (mode & 0170000) != 0100000) continue;
    std::memcpy(img.data() + p, &kSize, 8);
    reseal(img, p);
    ++patched;
  }
  REQUIRE(patched >= 1);
  const long before = status_mib("VmRSS");
  reset_peak();
  const Unpacked doc = unpack_bytes(img, "sparse.img");
  const long grown = status_mib("VmHWM") - before;
  const Node* notes = nullptr;
  for (const char* name : {"notes.txt", "hard.txt"}) {
    const Node* n = node_at(doc, std::string("sparse.img/btrfs@0x0:") + name);
    if (n != nullptr && n->meta.kind == EntryKind::kFile) notes = n;
  }
  REQUIRE(notes != nullptr);
  CHECK(notes->size() == kSize);
  CHECK(notes->data.has_holes());
  std::uint64_t held = 0;
  for (const Extent& e : notes->data.data_extents()) held += e.size;
  CHECK(held >= kText);
  CHECK(held <= kText + 3 * 4096);
  // The text is the generator's, byte for byte, from the start (EXPECTED.json's digest).
  std::ifstream in(corpus_dir() / "fs/btrfs/EXPECTED.json");
  const auto e = nlohmann::json::parse(in)["rootdir.img.xz"];
  CHECK(sha256_hex(notes->data.bytes().subspan(0, kText)) == e["files"]["notes.txt"].get<std::string>());
  CHECK(before >= 0);
  CHECK(grown < static_cast<long>(img.size() >> 20) + 30);
}
