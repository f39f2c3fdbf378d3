#include <zlib.h>

#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> zlib_block(const std::string& s) {
  uLongf n = compressBound(s.size());
  std::vector<std::uint8_t> out(n);
  compress2(out.data(), &n, reinterpret_cast<const Bytef*>(s.data()), s.size(), 9);
  out.resize(n);
  return out;
}

// A cramfs image built field by field in either byte order: root dir with hello.txt (one
// zlib block), a symlink, and a sparse file whose first block is a hole.
std::vector<std::uint8_t> build(bool be, bool good_crc = true) {
  auto u32 = [&](ByteBuilder& b, std::uint32_t v) { be ? b.u32be(v) : b.u32le(v); };
  auto inode = [&](ByteBuilder& b, std::uint32_t mode, std::uint32_t size, std::uint32_t namelen4, std::uint32_t off4) {
    if (be) {
      b.u32be((mode << 16) | 0).u32be(size << 8).u32be((namelen4 << 26) | off4);
    } else {
      b.u32le(mode).u32le(size).u32le((off4 << 6) | namelen4);
    }
  };
  const std::string hello = "hello from cramfs\n";
  const auto hz = zlib_block(hello);
  const std::string target = "hello.txt";
  const auto tz = zlib_block(target);
  const auto tail = zlib_block(std::string(100, 'T'));
  // layout: super(76) | root dir entries at 76 | data
  const std::uint32_t dir_at = 76;
  const std::uint32_t dir_size = 3 * 12 + 12 + 4 + 8;  // names: "hello.txt\0"->12, "link"->4, "sparse\0"->8
  std::uint32_t pos = dir_at + dir_size;
  const std::uint32_t hello_at = pos;  pos += 4 + static_cast<std::uint32_t>(hz.size());
  pos = (pos + 3) & ~3U;
  const std::uint32_t link_at = pos;   pos += 4 + static_cast<std::uint32_t>(tz.size());
  pos = (pos + 3) & ~3U;
  const std::uint32_t sparse_at = pos; pos += 8 + static_cast<std::uint32_t>(tail.size());
  const std::uint32_t total = (pos + 3) & ~3U;
  ByteBuilder b;
  u32(b, 0x28CD3D45); u32(b, total); u32(b, 0x1 | 0x2 | 0x100); u32(b, 0);
  b.str("Compressed ROMFS");
  u32(b, 0); u32(b, 1); u32(b, 4); u32(b, 4);
  b.fixed("test", 16);
  inode(b, 040755, dir_size, 0, dir_at / 4);
  inode(b, 0100644, static_cast<std::uint32_t>(hello.size()), 3, hello_at / 4); b.fixed("hello.txt", 12);
  inode(b, 0120777, static_cast<std::uint32_t>(target.size()), 1, link_at / 4); b.fixed("link", 4);
  inode(b, 0100644, 4096 + 100, 2, sparse_at / 4); b.fixed("sparse", 8);
  u32(b, hello_at + 4 + static_cast<std::uint32_t>(hz.size())); b.bytes(hz); b.align(4);
  u32(b, link_at + 4 + static_cast<std::uint32_t>(tz.size())); b.bytes(tz); b.align(4);
  u32(b, sparse_at + 8); u32(b, sparse_at + 8 + static_cast<std::uint32_t>(tail.size())); b.bytes(tail); b.align(4);
  REQUIRE(b.size() == total);
  std::uint32_t crc = crc32_ieee(b.view());
  if (!good_crc) crc ^= 1;
  be ? b.patch_u32be(32, crc) : b.patch_u32le(32, crc);
  return b.data();
}

}  // namespace

TEST_CASE("cramfs: both byte orders, files, symlinks, holes, CRC", "[formats][cramfs]") {
  for (bool be : {false, true}) {
    SECTION(be ? "big-endian" : "little-endian") {
      const auto img = build(be);
      const Unpacked doc = unpack_bytes(img, "fs.cramfs");
      const Node& root = doc.tree.at(0);
      REQUIRE(root.handler == std::string("cramfs"));
      const Node* hello = node_at(doc, "fs.cramfs/cramfs@0x0:hello.txt");
      REQUIRE(hello != nullptr);
      CHECK(std::string(as_chars(hello->data.bytes())) == "hello from cramfs\n");
      CHECK(hello->meta.mode == 0644U);
      const Node* link = node_at(doc, "fs.cramfs/cramfs@0x0:link");
      REQUIRE(link != nullptr);
      CHECK(link->meta.kind == EntryKind::kSymlink);
      CHECK(link->meta.link_target == "hello.txt");
      const Node* sparse = node_at(doc, "fs.cramfs/cramfs@0x0:sparse");
      REQUIRE(sparse != nullptr);
      REQUIRE(sparse->size() == 4096 + 100);
      CHECK(sparse->data.bytes()[0] == 0);
      CHECK(sparse->data.bytes()[4096] == 'T');
      CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
    }
  }
}

TEST_CASE("cramfs: the external vectors", "[formats][cramfs][external]") {
  const Unpacked a = unpack_path(external_dir() / "binwalk/tests/inputs/cramfs.bin");
  const Node* lsb = node_at(a, "cramfs.bin/cramfs@0x0:lsb-release");
  REQUIRE(lsb != nullptr);
  CHECK(lsb->size() == 104);
  CHECK(std::string(as_chars(lsb->data.bytes())).find("DISTRIB_ID") != std::string::npos);
  const Unpacked b = unpack_path(external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/sevenz/test/data/cramfs.img");
  CHECK(std::string(as_chars(node_at(b, "cramfs.img/cramfs@0x0:generic folder/test file 3_.txt")->data.bytes())) == "The third test file!");
  CHECK(node_at(b, "cramfs.img/cramfs@0x0:testfile1")->size() == 62);
  CHECK_FALSE(has_diagnostic(b, "checksum_mismatch"));
}

TEST_CASE("cramfs: damage ends in diagnostics", "[formats][cramfs]") {
  SECTION("bad CRC") {
    const Unpacked doc = unpack_bytes(build(false, false), "crc.cramfs");
    CHECK(has_diagnostic(doc, "checksum_mismatch"));
  }
  SECTION("truncated image") {
    auto img = build(true);
    img.resize(120);
    const Unpacked doc = unpack_bytes(img, "cut.cramfs");
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("a directory that contains itself") {
    auto img = build(false);
    // make hello.txt a directory pointing back at the root directory's entries
    ByteBuilder patch;
    const std::uint32_t w0 = 040755, w1 = 3 * 12 + 12 + 4 + 8, w2 = ((76 / 4) << 6) | 3;
    for (int i = 0; i < 4; ++i) {
      img[76 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(w0 >> (8 * i));
      img[80 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(w1 >> (8 * i));
      img[84 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(w2 >> (8 * i));
    }
    const Unpacked doc = unpack_bytes(img, "loop.cramfs");
    CHECK(has_diagnostic(doc, "loop"));
  }
  SECTION("truncated superblock") {
    auto img = build(false);
    img.resize(40);
    CHECK_FALSE(Registry::builtin().find("cramfs")->identify({img.data(), img.size()}, 0));
  }
}
