#include <cstdio>

#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

void newc_entry(ByteBuilder& b, const std::string& magic, const std::string& name, std::uint32_t mode, const std::string& data) {
  char hdr[111];
  std::snprintf(hdr, sizeof hdr, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic.c_str(), 1U, mode, 0U, 0U, 1U,
                1700000000U, static_cast<unsigned>(data.size()), 0U, 0U, 0U, 0U, static_cast<unsigned>(name.size() + 1), 0U);
  b.str(std::string_view(hdr, 110)).str(name).u8(0).align(4).str(data).align(4);
}

void odc_entry(ByteBuilder& b, const std::string& name, std::uint32_t mode, const std::string& data) {
  char hdr[77];
  std::snprintf(hdr, sizeof hdr, "070707%06o%06o%06o%06o%06o%06o%06o%011o%06o%011o", 0U, 1U, mode, 0U, 0U, 1U, 0U,
                1700000000U, static_cast<unsigned>(name.size() + 1), static_cast<unsigned>(data.size()));
  b.str(std::string_view(hdr, 76)).str(name).u8(0).str(data);
}

void bin_entry(ByteBuilder& b, bool le, const std::string& name, std::uint16_t mode, const std::string& data) {
  auto w = [&](std::uint16_t v) { le ? b.u16le(v) : b.u16be(v); };
  w(070707); w(0); w(1); w(mode); w(0); w(0); w(1); w(0);
  w(static_cast<std::uint16_t>(1700000000U >> 16)); w(static_cast<std::uint16_t>(1700000000U & 0xFFFF));
  w(static_cast<std::uint16_t>(name.size() + 1));
  w(0); w(static_cast<std::uint16_t>(data.size()));
  b.str(name).u8(0).align(2).str(data).align(2);
}

}  // namespace

TEST_CASE("cpio: newc, crc and odc archives with files, dirs and symlinks", "[formats][cpio]") {
  for (const std::string magic : {"070701", "070702", "odc"}) {
    SECTION(magic) {
      ByteBuilder b;
      auto add = [&](const std::string& n, std::uint32_t m, const std::string& d) {
        magic == "odc" ? odc_entry(b, n, m, d) : newc_entry(b, magic, n, m, d);
      };
      add("etc", 040755, "");
      add("etc/inittab", 0100644, "::sysinit:/etc/init.d/rcS\n");
      add("bin/sh", 0120777, "busybox");
      add("TRAILER!!!", 0, "");
      const std::size_t end = b.size();
      b.fill(0, 512 - end % 512);
      auto chunk = Registry::builtin().find("cpio")->identify(b.view(), 0);
      REQUIRE(chunk);
      REQUIRE(chunk->size == end);
      const Unpacked doc = unpack_bytes(b.data(), "r.cpio");
      const Node* inittab = node_at(doc, "r.cpio/cpio@0x0:etc/inittab");
      REQUIRE(inittab != nullptr);
      REQUIRE(std::string(as_chars(inittab->data.bytes())) == "::sysinit:/etc/init.d/rcS\n");
      REQUIRE(inittab->meta.mode == 0644U);
      const Node* sh = node_at(doc, "r.cpio/cpio@0x0:bin/sh");
      REQUIRE(sh->meta.kind == EntryKind::kSymlink);
      REQUIRE(sh->meta.link_target == "busybox");
    }
  }
}

TEST_CASE("cpio: old binary archives in both byte orders", "[formats][cpio]") {
  for (bool le : {true, false}) {
    SECTION(le ? "little-endian" : "big-endian") {
      ByteBuilder b;
      bin_entry(b, le, "hello.txt", 0100644, "hello");
      bin_entry(b, le, "TRAILER!!!", 0, "");
      const Unpacked doc = unpack_bytes(b.data(), "b.cpio");
      const Node* n = node_at(doc, "b.cpio/cpio@0x0:hello.txt");
      REQUIRE(n != nullptr);
      REQUIRE(std::string(as_chars(n->data.bytes())) == "hello");
      REQUIRE(n->meta.mtime == 1700000000);
    }
  }
}

TEST_CASE("cpio: the fact_extractor old-binary vector", "[formats][cpio][external]") {
  const auto p = external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/patool/test/data/test.cpio";
  const Unpacked doc = unpack_path(p);
  const Node* chunk = node_at(doc, "test.cpio/cpio@0x0");
  REQUIRE(chunk != nullptr);
  REQUIRE(chunk->size() == 424);  // the rest of the 512 bytes is zero padding after TRAILER!!!
  const Node* t3 = node_at(doc, "test.cpio/cpio@0x0:get_files_test/generic folder/test file 3_.txt");
  REQUIRE(t3 != nullptr);
  REQUIRE(std::string(as_chars(t3->data.bytes())) == "The third test file!");
  REQUIRE(node_at(doc, "test.cpio/cpio@0x0:get_files_test/testfile1")->size() == 62);
  REQUIRE(node_at(doc, "test.cpio/cpio@0x0:get_files_test/testfile2")->size() == 28);
  REQUIRE(node_at(doc, "test.cpio/cpio@0x0:get_files_test/")->meta.kind == EntryKind::kDirectory);
}

TEST_CASE("cpio: malformed archives end in diagnostics", "[formats][cpio]") {
  SECTION("truncated header") {
    ByteBuilder b;
    b.str("070701000000");
    REQUIRE_FALSE(Registry::builtin().find("cpio")->identify(b.view(), 0));
  }
  SECTION("data past the end") {
    ByteBuilder b;
    newc_entry(b, "070701", "big", 0100644, std::string(100, 'x'));
    b.data().resize(b.size() - 60);
    const Unpacked doc = unpack_bytes(b.data(), "t.cpio");
    REQUIRE(has_diagnostic(doc, "truncated"));
  }
  SECTION("huge name size") {
    ByteBuilder b;
    char hdr[111];
    std::snprintf(hdr, sizeof hdr, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1U, 0100644U, 0U, 0U, 1U, 0U, 0U,
                  0U, 0U, 0U, 0U, 0xFFFFFFFFU, 0U);
    b.str(std::string_view(hdr, 110)).str("x");
    REQUIRE_FALSE(Registry::builtin().find("cpio")->identify(b.view(), 0));
  }
  SECTION("weak binary magic in noise is not a chunk") {
    ByteBuilder b;
    b.bytes(pseudo_random(64, 5)).u8(0xc7).u8(0x71).bytes(pseudo_random(64, 6));
    const Unpacked doc = unpack_bytes(b.data(), "noise.bin");
    REQUIRE(doc.tree.size() == 1);
  }
}
