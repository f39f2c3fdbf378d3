// F2FS: fact_extractor's image, a generated one (mkfs.f2fs + sload.f2fs), and damaged copies.
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> f2fs_image() { return external_xz("fact_extractor/fact_extractor/plugins/unpacking/generic_fs/test/data/f2fs.img.xz"); }

std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b[at] | (std::uint32_t{b[at + 1]} << 8) | (std::uint32_t{b[at + 2]} << 16) | (std::uint32_t{b[at + 3]} << 24);
}
void put_le32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) { std::memcpy(b.data() + at, &v, 4); }

// The 4 KiB inode block whose i_name (@92, length @88) is `name`.
std::size_t inode_block(const std::vector<std::uint8_t>& img, std::string_view name) {
  for (std::size_t b = 0; b + 4096 <= img.size(); b += 4096) {
    if (le32(img, b + 88) == name.size() && std::memcmp(img.data() + b + 92, name.data(), name.size()) == 0) return b;
  }
  return 0;
}

}  // namespace

TEST_CASE("f2fs: fact_extractor's image yields the standard set", "[formats][f2fs][external]") {
  const Unpacked doc = unpack_bytes(f2fs_image(), "f2fs.img");
  REQUIRE(doc.tree.at(0).handler == std::string("f2fs"));
  const std::string base = "f2fs.img/f2fs@0x0:get_files_test/";
  const Node* third = node_at(doc, base + "generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(std::string(as_chars(third->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(node_at(doc, base + "generic folder")->meta.kind == EntryKind::kDirectory);
  CHECK(doc.tree.at(0).diagnostics.empty());
}

TEST_CASE("f2fs: sload.f2fs image: block and inline files, a 300-entry directory, links", "[formats][f2fs]") {
  std::ifstream in(corpus_dir() / "fs/f2fs/EXPECTED.json");
  const auto e = nlohmann::json::parse(in)["sload.img.xz"];
  const Unpacked doc = unpack_path(corpus_dir() / "fs/f2fs/sload.img.xz");
  const Node* vol = node_at(doc, "sload.img.xz/xz@0x0:decompressed");
  REQUIRE(vol != nullptr);
  CHECK(vol->handler == std::string("f2fs"));
  CHECK(prop(*vol, "label") == e["label"].get<std::string>());
  const std::string base = "sload.img.xz/xz@0x0:decompressed/f2fs@0x0:";
  std::size_t with_data = 0;
  for (const auto& [name, sha] : e["files"].items()) {
    const Node* f = node_at(doc, base + name);
    REQUIRE(f != nullptr);
    if (f->meta.kind == EntryKind::kHardlink) continue;  // notes.txt may be the second name of hard.txt
    CHECK(f->sha256 == sha.get<std::string>());
    ++with_data;
  }
  CHECK(with_data >= e["files"].size() - 1);
  CHECK(nodes_ending_with(doc, ".cfg").size() == e["big_entries"].get<std::size_t>() + 1);
  CHECK(node_at(doc, base + "link")->meta.link_target == e["symlinks"]["link"].get<std::string>());
  const Node* hard = node_at(doc, base + "hard.txt");
  const Node* notes = node_at(doc, base + "notes.txt");
  CHECK(((hard->meta.kind == EntryKind::kHardlink && hard->meta.link_target == "notes.txt") ||
         (notes->meta.kind == EntryKind::kHardlink && notes->meta.link_target == "hard.txt")));
  CHECK(vol->diagnostics.empty());
}

TEST_CASE("f2fs: damaged images end in diagnostics", "[formats][f2fs][malformed]") {
  const auto good = f2fs_image();
  const std::size_t top = inode_block(good, "get_files_test");
  const std::size_t folder = inode_block(good, "generic folder");
  REQUIRE(top != 0);
  REQUIRE(folder != 0);
  const std::uint32_t top_ino = le32(good, top + 4076), folder_ino = le32(good, folder + 4076);

  SECTION("an inline dentry pointing back at its own directory is a loop") {
    auto bad = good;
    bool patched = false;
    // Inline dentries: hash u32, ino u32, name_len u16, type u8 (2: directory).
    for (std::size_t k = top + 360; k + 11 < top + 4052 && !patched; ++k) {
      if (le32(bad, k + 4) == folder_ino && bad[k + 8] == 14 && bad[k + 9] == 0 && bad[k + 10] == 2) {
        put_le32(bad, k + 4, top_ino);
        patched = true;
      }
    }
    REQUIRE(patched);
    const Unpacked doc = unpack_bytes(bad, "loop.img");
    REQUIRE(doc.tree.at(0).handler == std::string("f2fs"));
    CHECK(has_diagnostic(doc, "loop"));
    CHECK(node_at(doc, "loop.img/f2fs@0x0:get_files_test/testfile1") != nullptr);
  }
  SECTION("a node block whose footer names another node") {
    auto bad = good;
    put_le32(bad, folder + 4072, 0x00FFFFFF);
    const Unpacked doc = unpack_bytes(bad, "footer.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(nodes_ending_with(doc, "test file 3_.txt").empty());
    CHECK(node_at(doc, "footer.img/f2fs@0x0:get_files_test/testfile2") != nullptr);
  }
  SECTION("both checkpoint packs destroyed") {
    auto bad = good;
    const std::uint32_t cp = le32(good, 1024 + 76), per_seg = 1U << le32(good, 1024 + 20);
    put_le32(bad, cp * 4096ULL, 0xDEAD);
    put_le32(bad, (cp + per_seg) * 4096ULL, 0xBEEF);
    const Unpacked doc = unpack_bytes(bad, "nocp.img");
    REQUIRE(doc.tree.at(0).handler == std::string("f2fs"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("the volume cut short") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 8 * 1024 * 1024);
    const Unpacked doc = unpack_bytes(cut, "cut.img");
    REQUIRE(doc.tree.at(0).handler == std::string("f2fs"));
    CHECK(has_diagnostic(doc, "truncated"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("bytes flipped across the inode blocks: every scan finishes") {
    const auto noise = pseudo_random(400, 31);
    const std::size_t from = std::min(top, folder);
    std::size_t flagged = 0;
    for (int round = 0; round < 200; ++round) {
      auto bad = good;
      const std::size_t at = from + (noise[static_cast<std::size_t>(round) * 2] * 263U + static_cast<std::size_t>(round) * 53U) % (2 * 4096);
      bad[at] ^= static_cast<std::uint8_t>(1U << (noise[static_cast<std::size_t>(round) * 2 + 1] % 8));
      auto r = run_handler("f2fs", bad);  // must finish (under ASan: without a memory error)
      flagged += r && !r->diagnostics.empty() ? 1 : 0;
    }
    CHECK(flagged > 0);  // some flips are caught by the reader's own checks
  }
}

TEST_CASE("f2fs: a stray superblock magic in code is not a volume", "[formats][f2fs]") {
  auto noise = pseudo_random(0x2000, 18);
  const std::uint8_t magic[] = {0x10, 0x20, 0xF5, 0xF2};
  std::copy_n(magic, 4, noise.begin() + 0x400);
  CHECK_FALSE(run_handler("f2fs", noise).has_value());
}

// notes.txt of the sload.f2fs image (70,000 bytes in 18 blocks) made 60 MiB in its inode: every
// block past its addresses is a hole (address 0, node id 0), held as a hole (OutputBuffer): the
// file keeps its text, holds its 18 blocks, and the unpack grows by its copy of the image and
// far less than the 60 MiB more.
TEST_CASE("f2fs: blocks no address covers are holes, never held", "[formats][f2fs][holes]") {
  const Unpacked outer = unpack_path(corpus_dir() / "fs/f2fs/sload.img.xz");
  const Node* vol = node_at(outer, "sload.img.xz/xz@0x0:decompressed");
  REQUIRE(vol != nullptr);
  std::vector<std::uint8_t> img(vol->data.bytes().begin(), vol->data.bytes().end());
  constexpr std::uint64_t kSize = 60ULL << 20, kText = 70000;
  std::size_t patched = 0;
  for (std::size_t p = 0; p + 4096 <= img.size(); p += 4096) {  // inode blocks: i_mode at 0, i_size at 16
    std::uint64_t size = 0;
    for (int i = 0; i < 8; ++i) size |= std::uint64_t{img[p + 16 + static_cast<std::size_t>(i)]} << (8 * i);
    if ((img[p + 1] & 0xF0) != 0x80 || size != kText) continue;
    for (int i = 0; i < 8; ++i) img[p + 16 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(kSize >> (8 * i));
    ++patched;
  }
  REQUIRE(patched >= 1);
  const long before = status_mib("VmRSS");
  reset_peak();
  const Unpacked doc = unpack_bytes(img, "sparse.img");
  const long grown = status_mib("VmHWM") - before;
  const Node* notes = nullptr;
  for (const char* name : {"notes.txt", "hard.txt"}) {
    const Node* n = node_at(doc, std::string("sparse.img/f2fs@0x0:") + name);
    if (n != nullptr && n->meta.kind == EntryKind::kFile) notes = n;
  }
  REQUIRE(notes != nullptr);
  CHECK(notes->size() == kSize);
  CHECK(notes->data.has_holes());
  std::uint64_t held = 0;
  for (const Extent& e : notes->data.data_extents()) held += e.size;
  CHECK(held >= kText);
  CHECK(held <= 18 * 4096);
  CHECK(before >= 0);
  // The unpack holds its own copy of the 64 MiB image; the 60 MiB file adds its 18 blocks.
  CHECK(grown < static_cast<long>(img.size() >> 20) + 30);
}
