#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("unsupported: an unread file system is named, and the carver still searches its data", "[formats][unsupported]") {
  // A JFS superblock, then a gzip stream stored contiguously, as files often are.
  ByteBuilder b;
  b.pad_to(0x8000).str("JFS1").u32le(1);
  b.pad_to(0x10000);
  const std::size_t at = b.size();
  b.bytes(gzip_bytes(text_bytes("config of a camera stored on a JFS volume\n")));
  b.pad_to(0x20000);
  const Unpacked doc = unpack_bytes(b.data(), "stick.img");
  const Node* fs = node_at(doc, "stick.img/unsupported@0x0");
  REQUIRE(fs != nullptr);
  CHECK(fs->description.rfind("JFS (recognised, not read)", 0) == 0);
  CHECK(has_diagnostic(doc, "unsupported"));
  CHECK(node_at(doc, "stick.img/gzip@" + std::string("0x10000")) != nullptr);
  CHECK(at == 0x10000);
}

TEST_CASE("jpeg: SOI followed by EOI in a byte table is not an image", "[formats][jpeg]") {
  ByteBuilder b;
  for (int i = 0xD8; i <= 0xDF; ++i) b.u8(0xFF).u8(static_cast<std::uint8_t>(i));  // ff d8 ff d9 ff da ...
  b.fill(0x20, 64);
  CHECK_FALSE(Registry::builtin().find("jpeg")->identify(b.view(), 0));
}
