#include <fstream>
#include <nlohmann/json.hpp>

#include "core/reader.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> image(const std::string& name) {
  const Unpacked doc = unpack_path(corpus_dir() / "fs/fat" / name);
  const Node* raw = node_at(doc, name + "/xz@0x0:decompressed");
  REQUIRE(raw != nullptr);
  return {raw->data.bytes().begin(), raw->data.bytes().end()};
}

}  // namespace

TEST_CASE("fat: FAT12 and FAT32 images from mkfs.fat and mtools, long UTF-8 names", "[formats][fat][corpus]") {
  std::ifstream in(corpus_dir() / "fs/fat/EXPECTED.json");
  const auto exp = nlohmann::json::parse(in);
  for (const auto& [name, want] : exp.items()) {
    INFO(name);
    const Unpacked doc = unpack_path(corpus_dir() / "fs/fat" / name);
    const Node* fs = node_at(doc, name + "/xz@0x0:decompressed");
    REQUIRE(fs != nullptr);
    REQUIRE(fs->handler == std::string("fat"));
    CHECK(prop(*fs, "fat_type") == want["fat_type"].get<std::string>());
    for (const auto& [path, sha] : want["files"].items()) {
      INFO(path);
      const Node* n = node_at(doc, name + "/xz@0x0:decompressed/fat@0x0:" + path);
      REQUIRE(n != nullptr);
      CHECK(n->sha256 == sha.get<std::string>());
      CHECK(n->meta.mtime == 1700000000);
    }
    CHECK(fs->diagnostics.empty());
  }
}

TEST_CASE("fat: the FACT FAT16 image yields the standard set", "[formats][fat][external]") {
  const Unpacked doc = unpack_path(external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/sevenz/test/data/fat.img.xz");
  const std::string base = "fat.img.xz/xz@0x0:decompressed/fat@0x0:get_files_test/";
  CHECK(std::string(as_chars(node_at(doc, base + "generic folder/test file 3_.txt")->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(prop(*node_at(doc, "fat.img.xz/xz@0x0:decompressed"), "fat_type") == "FAT16");
}

TEST_CASE("fat: looping cluster chains and directories end in diagnostics", "[formats][fat][malformed]") {
  SECTION("a file's chain that points back at itself") {
    auto img = image("fat12_sd.img.xz");
    // FAT12 at sector 1 (512-byte sectors, 1 reserved): make cluster 3 point to cluster 3.
    const std::size_t fat = 512, c = 3;
    const std::size_t at = fat + c + c / 2;
    img[at] = static_cast<std::uint8_t>((img[at] & 0x0F) | 0x30);  // odd cluster: high 12 bits of the word
    img[at + 1] = 0x00;
    const Unpacked doc = unpack_bytes(img, "loop.fat");
    REQUIRE(doc.tree.at(0).handler == std::string("fat"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("a subdirectory entry pointing at its parent") {
    auto img = image("fat32_card.img.xz");
    bool patched = false;
    for (std::size_t p = 0; p + 32 <= img.size() && !patched; p += 32) {  // "CONFIG     " directory entry
      if (std::string_view(reinterpret_cast<const char*>(img.data() + p), 11) == "CONFIG     " && (img[p + 11] & 0x10)) {
        // point it at the cluster of "SYSTEM" (its parent): found by the entry before it in the root
        for (std::size_t q = 0; q + 32 <= img.size(); q += 32) {
          if (std::string_view(reinterpret_cast<const char*>(img.data() + q), 11) == "SYSTEM     " && (img[q + 11] & 0x10)) {
            std::copy(img.begin() + static_cast<std::ptrdiff_t>(q + 20), img.begin() + static_cast<std::ptrdiff_t>(q + 22), img.begin() + static_cast<std::ptrdiff_t>(p + 20));
            std::copy(img.begin() + static_cast<std::ptrdiff_t>(q + 26), img.begin() + static_cast<std::ptrdiff_t>(q + 28), img.begin() + static_cast<std::ptrdiff_t>(p + 26));
            patched = true;
            break;
          }
        }
      }
    }
    REQUIRE(patched);
    const Unpacked doc = unpack_bytes(img, "loop32.fat");
    CHECK(has_diagnostic(doc, "loop"));
  }
  SECTION("a file that declares more than its chain holds: cut and said, what the chain holds kept, no zeros made up") {
    auto img = image("fat12_sd.img.xz");
    const Unpacked whole = unpack_bytes(img, "sd.fat");
    const Node* before = node_at(whole, "sd.fat/fat@0x0:README.TXT");
    REQUIRE(before != nullptr);
    bool patched = false;
    for (std::size_t p = 0; p + 32 <= img.size() && !patched; p += 32) {  // "README  TXT": size at +28
      if (std::string_view(reinterpret_cast<const char*>(img.data() + p), 11) == "README  TXT") {
        img[p + 28] = 0xFF, img[p + 29] = 0xFF, img[p + 30] = 0xFF, img[p + 31] = 0x7F;
        patched = true;
      }
    }
    REQUIRE(patched);
    const Unpacked doc = unpack_bytes(img, "lie.fat");
    const Node* readme = node_at(doc, "lie.fat/fat@0x0:README.TXT");
    REQUIRE(readme != nullptr);
    // The chain's clusters, the file's bytes first: no 2 GiB (or cap) of zeros.
    CHECK(readme->size() < (1u << 20));
    CHECK(readme->size() >= before->size());
    CHECK(std::equal(before->data.bytes().begin(), before->data.bytes().end(), readme->data.bytes().begin()));
    std::string said;
    for (const Diagnostic& d : doc.tree.at(0).diagnostics) said += std::string(diag_code_name(d.code)) + ": " + d.message + "\n";
    INFO(said);
    CHECK(said.find("limit_file: 'README.TXT' declares 2147483647 bytes") != std::string::npos);
    CHECK(said.find("malformed: 1 cluster chain(s) loop, end early or leave the volume; each file keeps what its chain holds (first: 'README.TXT' (") != std::string::npos);
  }
  SECTION("truncated") {
    auto img = image("fat12_sd.img.xz");
    img.resize(300 * 1024);
    const Unpacked doc = unpack_bytes(img, "cut.fat");
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("impossible geometry is not claimed") {
    auto img = image("fat12_sd.img.xz");
    img[13] = 3;  // sectors per cluster not a power of two
    CHECK_FALSE(Registry::builtin().find("fat")->identify({img.data(), img.size()}, 0));
  }
}
