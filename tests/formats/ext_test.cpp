#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/reader.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

nlohmann::json expected() {
  std::ifstream in(corpus_dir() / "fs/ext/EXPECTED.json");
  return nlohmann::json::parse(in);
}

std::vector<std::uint8_t> image(const std::string& name) {
  const Unpacked doc = unpack_path(corpus_dir() / "fs/ext" / name);
  const Node* raw = node_at(doc, name + "/xz@0x0:decompressed");
  REQUIRE(raw != nullptr);
  return {raw->data.bytes().begin(), raw->data.bytes().end()};
}

// Offset of the first inode (in 4-aligned positions) with this mode and size.
std::size_t find_inode(const std::vector<std::uint8_t>& img, std::uint16_t mode, std::uint32_t size) {
  for (std::size_t p = 2048; p + 128 <= img.size(); p += 4) {
    if (load_le16({img.data(), img.size()}, p) == mode && load_le32({img.data(), img.size()}, p + 4) == size) return p;
  }
  FAIL("inode not found");
  return 0;
}

}  // namespace

TEST_CASE("ext: the FACT ext2, ext3 and ext4 images yield the standard set", "[formats][ext][external]") {
  for (const char* name : {"ext2", "ext3", "ext4"}) {
    INFO(name);
    const std::string file = std::string(name) + ".img.xz";
    const Unpacked doc = unpack_path(external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/sevenz/test/data" / file);
    const Node* fs = node_at(doc, file + "/xz@0x0:decompressed");
    REQUIRE(fs != nullptr);
    REQUIRE(fs->handler == std::string("ext"));
    CHECK(fs->description.rfind(std::string(name) + ",", 0) == 0);
    const std::string base = file + "/xz@0x0:decompressed/ext@0x0:";
    CHECK(std::string(as_chars(node_at(doc, base + "get_files_test/generic folder/test file 3_.txt")->data.bytes())) == "The third test file!");
    CHECK(node_at(doc, base + "get_files_test/testfile1")->size() == 62);
    CHECK(node_at(doc, base + "get_files_test/testfile2")->size() == 28);
    CHECK(node_at(doc, base + "lost+found")->meta.kind == EntryKind::kDirectory);
    CHECK(node_at(doc, base + "get_files_test")->meta.uid == 1000U);
    CHECK(fs->diagnostics.empty());
  }
}

TEST_CASE("ext: ext2 block maps through single and double indirect blocks, links and devices", "[formats][ext][corpus]") {
  const auto exp = expected()["ext2_indirect.img.xz"];
  const Unpacked doc = unpack_path(corpus_dir() / "fs/ext/ext2_indirect.img.xz");
  const std::string base = "ext2_indirect.img.xz/xz@0x0:decompressed/ext@0x0:";
  for (const auto& [path, sha] : exp["files"].items()) {
    INFO(path);
    const Node* n = node_at(doc, base + path);
    REQUIRE(n != nullptr);
    if (n->meta.kind == EntryKind::kHardlink) n = node_at(doc, base + n->meta.link_target);
    REQUIRE(n != nullptr);
    CHECK(n->sha256 == sha.get<std::string>());
  }
  CHECK(node_at(doc, base + "bin/recorder")->size() == 280 * 1024);
  const Node* bak = node_at(doc, base + "etc/hostname.bak");
  const Node* host = node_at(doc, base + "etc/hostname");
  REQUIRE((bak != nullptr && host != nullptr));
  CHECK((bak->meta.kind == EntryKind::kHardlink) != (host->meta.kind == EntryKind::kHardlink));  // one name carries the data
  for (const auto& [path, target] : exp["symlinks"].items()) {
    INFO(path);
    CHECK(node_at(doc, base + path)->meta.link_target == target.get<std::string>());  // fast (in the inode) and slow (a block)
  }
  const Node* console = node_at(doc, base + "dev/console");
  REQUIRE(console != nullptr);
  CHECK(console->meta.kind == EntryKind::kCharDevice);
  CHECK(console->meta.dev_major == 5U);
  CHECK(console->meta.dev_minor == 1U);
  const Node* mtd = node_at(doc, base + "dev/mtdblock2");
  REQUIRE(mtd != nullptr);
  CHECK(mtd->meta.kind == EntryKind::kBlockDevice);
  CHECK(mtd->meta.dev_major == 31U);
  CHECK(mtd->meta.dev_minor == 2U);
}

TEST_CASE("ext: ext4 extent index nodes, holes, empty files, deep directories", "[formats][ext][corpus]") {
  const auto exp = expected()["ext4_extents.img.xz"];
  const Unpacked doc = unpack_path(corpus_dir() / "fs/ext/ext4_extents.img.xz");
  const std::string base = "ext4_extents.img.xz/xz@0x0:decompressed/ext@0x0:";
  for (const auto& [path, sha] : exp["files"].items()) {
    INFO(path);
    const Node* n = node_at(doc, base + path);
    REQUIRE(n != nullptr);
    CHECK(n->sha256 == sha.get<std::string>());
  }
  CHECK(node_at(doc, base + "app/sparse.bin")->size() == 20 * 1024);
  CHECK(node_at(doc, base + "app/empty")->size() == 0);
  CHECK(node_at(doc, base + "app/deep/a/b/c")->meta.kind == EntryKind::kDirectory);
}

TEST_CASE("ext: damaged images end in diagnostics", "[formats][ext][malformed]") {
  SECTION("a double-indirect pointer past the end of the image") {
    auto img = image("ext2_indirect.img.xz");
    const std::size_t ino = find_inode(img, 0100755, 280 * 1024);
    img[ino + 40 + 13 * 4 + 3] = 0x7F;  // i_block[13]
    const Unpacked doc = unpack_bytes(img, "bad.ext2");
    REQUIRE(doc.tree.at(0).handler == std::string("ext"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("an extent header with a bad magic") {
    auto img = image("ext4_extents.img.xz");
    const std::size_t ino = find_inode(img, 0100644, 20 * 1024);
    img[ino + 40] ^= 0xFF;
    const Unpacked doc = unpack_bytes(img, "bad.ext4");
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("a directory entry pointing back at the root") {
    auto img = image("ext4_extents.img.xz");
    bool patched = false;
    for (std::size_t p = 0; p + 12 <= img.size() && !patched; p += 4) {  // dirent "c": name_len 1, type 2 (directory)
      if (img[p + 6] == 1 && img[p + 7] == 2 && img[p + 8] == 'c' && load_le16({img.data(), img.size()}, p + 4) >= 12) {
        img[p] = 2;
        img[p + 1] = img[p + 2] = img[p + 3] = 0;
        patched = true;
      }
    }
    REQUIRE(patched);
    const Unpacked doc = unpack_bytes(img, "loop.ext4");
    CHECK(has_diagnostic(doc, "loop"));
  }
  SECTION("a directory that declares 512 MiB is listed up to the image's size, and says so") {
    auto img = image("ext2_indirect.img.xz");
    const std::size_t root = find_inode(img, 040755, 1024);  // the root: 1 KiB blocks, one block of entries
    img[root + 4] = 0, img[root + 5] = 0, img[root + 6] = 0, img[root + 7] = 0x20;  // i_size 0x20000000
    const Unpacked doc = unpack_bytes(img, "big_dir.ext2");
    std::string said;
    for (const Diagnostic& d : doc.tree.at(0).diagnostics) said += std::string(diag_code_name(d.code)) + ": " + d.message + "\n";
    INFO(said);
    CHECK(said.find("limit_size: directory '/' declares 536870912 bytes, more than the image (or 256 MiB) holds; only its first " +
                    std::to_string(img.size()) + " are listed") != std::string::npos);
    // Its entries are still listed.
    CHECK(node_at(doc, "big_dir.ext2/ext@0x0:lost+found") != nullptr);
  }
  SECTION("truncated") {
    auto img = image("ext2_indirect.img.xz");
    img.resize(200 * 1024);
    const Unpacked doc = unpack_bytes(img, "cut.ext2");
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("absurd superblock values are not claimed") {
    auto img = image("ext2_indirect.img.xz");
    img[1024 + 24] = 40;  // log_block_size
    CHECK_FALSE(Registry::builtin().find("ext")->identify({img.data(), img.size()}, 0));
  }
}

TEST_CASE("ext: a second name of an inode whose links count says 1 is a hard link, and the lie is said", "[formats][ext][hostile]") {
  const std::string base = "ext2.img/ext@0x0:";
  auto img = image("ext2_indirect.img.xz");
  const Unpacked before = unpack_bytes(img, "ext2.img");
  const Node* host = node_at(before, base + "etc/hostname");
  const Node* bak = node_at(before, base + "etc/hostname.bak");
  REQUIRE((host != nullptr && bak != nullptr));
  const Node* data = host->meta.kind == EntryKind::kHardlink ? bak : host;
  const std::size_t inode = find_inode(img, 0100644, static_cast<std::uint32_t>(data->size()));
  REQUIRE(load_le16({img.data(), img.size()}, inode + 26) == 2);  // i_links_count
  img[inode + 26] = 1;
  const Unpacked after = unpack_bytes(img, "ext2.img");
  const Node* h2 = node_at(after, base + "etc/hostname");
  const Node* b2 = node_at(after, base + "etc/hostname.bak");
  REQUIRE((h2 != nullptr && b2 != nullptr));
  CHECK((h2->meta.kind == EntryKind::kHardlink) != (b2->meta.kind == EntryKind::kHardlink));  // read once
  bool said = false;
  for (const Node& n : after.tree.nodes()) {
    for (const Diagnostic& d : n.diagnostics) {
      said = said || (d.code == DiagCode::kMalformed && d.message.find("whose links count is 1: kept as a hard link") != std::string::npos);
    }
  }
  CHECK(said);
}
