#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::vector<std::uint8_t> minix_image() { return external_xz("fact_extractor/fact_extractor/plugins/unpacking/generic_fs/test/data/minix.img.xz"); }
}  // namespace

TEST_CASE("minix: FACT's v1 image (30-character names) yields the standard set", "[formats][minix][external]") {
  const Unpacked doc = unpack_bytes(minix_image(), "minix.img");
  REQUIRE(doc.tree.at(0).handler == std::string("minix"));
  CHECK(prop(doc.tree.at(0), "name_length") == "30");
  const std::string base = "minix.img/minix@0x0:get_files_test/";
  CHECK(std::string(as_chars(node_at(doc, base + "generic folder/test file 3_.txt")->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(node_at(doc, base + "testfile2")->meta.uid == 1000U);
  CHECK(doc.tree.at(0).diagnostics.empty());
}

TEST_CASE("minix: damaged images end in diagnostics", "[formats][minix][malformed]") {
  const auto good = minix_image();
  // The inode table starts after the boot block, the superblock and both bitmaps.
  const std::size_t imap = good[1024 + 4] | (good[1024 + 5] << 8), zmap = good[1024 + 6] | (good[1024 + 7] << 8);
  const std::size_t table = (2 + imap + zmap) * 1024;
  SECTION("a zone number far past the volume") {
    auto bad = good;
    for (std::size_t ino = 1; ino < 16; ++ino) {  // every file inode: first zone -> 0xffff
      const std::size_t at = table + (ino - 1) * 32;
      if ((bad[at + 1] & 0xF0) == 0x80) {
        bad[at + 14] = 0xFF;
        bad[at + 15] = 0xFF;
      }
    }
    const Unpacked doc = unpack_bytes(bad, "bad.img");
    REQUIRE(doc.tree.at(0).handler == std::string("minix"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("a directory entry pointing at the root") {
    auto bad = good;
    bool patched = false;
    for (std::size_t p = table; p + 32 <= bad.size() && !patched; p += 32) {  // entry "generic folder"
      if (std::string_view(reinterpret_cast<const char*>(bad.data() + p + 2), 14) == "generic folder") {
        bad[p] = 1;
        bad[p + 1] = 0;
        patched = true;
      }
    }
    REQUIRE(patched);
    CHECK(has_diagnostic(unpack_bytes(bad, "loop.img"), "loop"));
  }
  SECTION("truncated and unrecognisable") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 64 * 1024);
    auto c = Registry::builtin().find("minix")->identify({cut.data(), cut.size()}, 0);
    REQUIRE(c);
    CHECK(c->confidence == Confidence::kLow);
    auto bad = good;
    bad[1024 + 10] = 1;  // log_zone_size other than 0
    CHECK_FALSE(Registry::builtin().find("minix")->identify({bad.data(), bad.size()}, 0));
  }
}

// Every file of FACT's image made sparse: 60 MiB declared, its first zone kept, the other eight
// zone pointers 0 (holes). The holes stay holes (OutputBuffer): the unpack grows by far less
// than the 600 MiB and more the files declare, and each file's data is still its first zone.
TEST_CASE("minix: a file's zero zones are holes, never held", "[formats][minix][holes]") {
  const auto good = minix_image();
  const std::size_t imap = good[1024 + 4] | (good[1024 + 5] << 8), zmap = good[1024 + 6] | (good[1024 + 7] << 8);
  const std::size_t table = (2 + imap + zmap) * 1024;
  const std::uint32_t kSize = 60U << 20;
  auto sparse = good;
  std::size_t files = 0;
  for (std::size_t ino = 1; ino < 16; ++ino) {
    const std::size_t at = table + (ino - 1) * 32;
    if ((sparse[at + 1] & 0xF0) != 0x80) continue;  // regular files only
    for (int i = 0; i < 4; ++i) sparse[at + 4 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(kSize >> (8 * i));
    for (std::size_t z = 1; z < 9; ++z) sparse[at + 14 + 2 * z] = sparse[at + 15 + 2 * z] = 0;
    ++files;
  }
  REQUIRE(files >= 3);
  check_sparse_get_files_test(sparse, "sparse.img", "minix", kSize);
}
