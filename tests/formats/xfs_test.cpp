// XFS: fact_extractor's v4 image, generated v4 and v5 images (mkfs.xfs -p), and damaged copies.
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> xfs_image() { return external_xz("fact_extractor/fact_extractor/plugins/unpacking/generic_fs/test/data/xfs.img.xz"); }

// The short-form directory entry for `name` (namelen u8, offset u16, name, inode u32) among the
// inodes from the root's inode chunk on (the image also holds stale copies before it): the
// offset of its inode number.
std::size_t sf_entry_inode(const std::vector<std::uint8_t>& img, std::string_view name) {
  const std::uint64_t root = (std::uint64_t{img[60]} << 24) | (std::uint64_t{img[61]} << 16) | (std::uint64_t{img[62]} << 8) | img[63];
  const std::uint64_t block = (std::uint64_t{img[4]} << 24) | (std::uint64_t{img[5]} << 16) | (std::uint64_t{img[6]} << 8) | img[7];
  const std::size_t chunk = static_cast<std::size_t>((root >> img[123]) * block);  // AG 0: AG block << inopblog
  for (std::size_t p = chunk + 3; p + name.size() + 4 < img.size(); ++p) {
    if (img[p - 3] == name.size() && std::memcmp(img.data() + p, name.data(), name.size()) == 0) return p + name.size();
  }
  return 0;
}

std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}
void put_be32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

}  // namespace

TEST_CASE("xfs: fact_extractor's v4 image yields the standard set", "[formats][xfs][external]") {
  const Unpacked doc = unpack_bytes(xfs_image(), "xfs.img");
  // The image is 512 bytes longer than the volume: the volume is a chunk of it.
  const Node* vol = node_at(doc, "xfs.img/xfs@0x0");
  REQUIRE(vol != nullptr);
  CHECK(prop(*vol, "version") == "4");
  const std::string base = "xfs.img/xfs@0x0:get_files_test/";
  const Node* third = node_at(doc, base + "generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(std::string(as_chars(third->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(vol->diagnostics.empty());
}

TEST_CASE("xfs: mkfs.xfs images, v4 and v5: files, a leaf directory, symlink, device, owners", "[formats][xfs]") {
  std::ifstream in(corpus_dir() / "fs/xfs/EXPECTED.json");
  const auto e = nlohmann::json::parse(in);
  for (const auto& [image, meta] : e["images"].items()) {
    INFO(image);
    const Unpacked doc = unpack_path(corpus_dir() / "fs/xfs" / image);
    const std::string base = image + "/xz@0x0:decompressed/xfs@0x0:";
    const Node* vol = node_at(doc, image + "/xz@0x0:decompressed");
    REQUIRE(vol != nullptr);
    CHECK(vol->handler == std::string("xfs"));
    CHECK(prop(*vol, "version") == meta["version"].get<std::string>());
    for (const auto& [name, sha] : e["files"].items()) {
      const Node* f = node_at(doc, base + name);
      REQUIRE(f != nullptr);
      CHECK(f->sha256 == sha.get<std::string>());
    }
    CHECK(nodes_ending_with(doc, ".cfg").size() == e["big_entries"].get<std::size_t>() + 1);
    CHECK(node_at(doc, base + "link")->meta.link_target == e["symlinks"]["link"].get<std::string>());
    const Node* dev = node_at(doc, base + "console");
    CHECK(dev->meta.kind == EntryKind::kCharDevice);
    CHECK(dev->meta.dev_major == e["devices"]["console"][1].get<std::uint32_t>());
    CHECK(dev->meta.dev_minor == e["devices"]["console"][2].get<std::uint32_t>());
    const Node* owned = node_at(doc, base + "sub/face.cfg");
    CHECK(owned->meta.uid == e["owners"]["sub/face.cfg"][0].get<std::uint32_t>());
    CHECK(owned->meta.mode == e["owners"]["sub/face.cfg"][2].get<std::uint32_t>());
    CHECK(vol->diagnostics.empty());
  }
}

TEST_CASE("xfs: damaged images end in diagnostics", "[formats][xfs][malformed]") {
  const auto good = xfs_image();
  const std::size_t folder = sf_entry_inode(good, "generic folder");
  REQUIRE(folder != 0);
  const std::uint32_t root = static_cast<std::uint32_t>(be32(good, 56) == 0 ? be32(good, 60) : 0);
  REQUIRE(root != 0);

  SECTION("a short-form entry pointing at the root is a loop") {
    auto bad = good;
    put_be32(bad, folder, root);
    const Unpacked doc = unpack_bytes(bad, "loop.img");
    REQUIRE(node_at(doc, "loop.img/xfs@0x0") != nullptr);
    CHECK(has_diagnostic(doc, "loop"));
    CHECK(node_at(doc, "loop.img/xfs@0x0:get_files_test/testfile1") != nullptr);
  }
  SECTION("an inode number past the last allocation group") {
    auto bad = good;
    put_be32(bad, folder, 0xFFFFFFF0);
    const Unpacked doc = unpack_bytes(bad, "far.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(node_at(doc, "far.img/xfs@0x0:get_files_test/testfile2") != nullptr);
  }
  SECTION("a short-form directory whose count runs past its fork") {
    auto bad = good;
    bad[folder - 3 - 14 - 6 - 0] = 0xFF;  // the count byte of get_files_test's short-form header
    const Unpacked doc = unpack_bytes(bad, "count.img");
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("the volume cut short") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 4 * 1024 * 1024);
    const Unpacked doc = unpack_bytes(cut, "cut.img");
    REQUIRE(doc.tree.at(0).handler == std::string("xfs"));  // cut inside the volume: the whole input
    CHECK(has_diagnostic(doc, "truncated"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("bytes flipped across the inodes: every scan finishes") {
    const auto noise = pseudo_random(400, 23);
    const std::size_t from = folder & ~std::size_t{4095};
    std::size_t flagged = 0;
    for (int round = 0; round < 200; ++round) {
      auto bad = good;
      const std::size_t at = from + (noise[static_cast<std::size_t>(round) * 2] * 131U + static_cast<std::size_t>(round) * 37U) % 8192;
      bad[at] ^= static_cast<std::uint8_t>(1U << (noise[static_cast<std::size_t>(round) * 2 + 1] % 8));
      auto r = run_handler("xfs", bad);  // must finish (under ASan: without a memory error)
      flagged += r && !r->diagnostics.empty() ? 1 : 0;
    }
    CHECK(flagged > 0);  // some flips are caught by the reader's own checks
  }
}

// Every file of fact_extractor's v4 image made sparse: its inode's size set to 60 MiB, its
// extents left as they are, so all past them is a hole. The holes stay holes (OutputBuffer): the
// unpack grows by far less than the files declare, and each file's data is still its extents'.
TEST_CASE("xfs: what no extent covers is a hole, never held", "[formats][xfs][holes]") {
  auto img = xfs_image();
  constexpr std::uint64_t kSize = 60ULL << 20;
  std::size_t files = 0;
  for (std::size_t p = 0; p + 64 <= img.size(); p += 256) {  // v4 inodes are 256 bytes, aligned
    const bool file = img[p] == 'I' && img[p + 1] == 'N' && (img[p + 4] == 1 || img[p + 4] == 2) && (img[p + 2] & 0xF0) == 0x80;
    if (!file) continue;
    for (int i = 0; i < 8; ++i) img[p + 56 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(kSize >> (56 - 8 * i));
    ++files;
  }
  REQUIRE(files >= 3);
  check_sparse_get_files_test(img, "xfs.img", "xfs", kSize);
}
