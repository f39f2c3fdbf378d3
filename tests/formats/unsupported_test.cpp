#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("unsupported: an unread file system is named, and the carver still searches its data", "[formats][unsupported]") {
  // An NTFS boot sector, then a gzip stream stored contiguously, as files often are.
  ByteBuilder b;
  b.u8(0xEB).u8(0x52).u8(0x90).str("NTFS    ").u16le(512).u8(8).fill(0, 0x28 - 14).u32le(0x4000).u32le(0);
  b.pad_to(510).u8(0x55).u8(0xAA);
  b.pad_to(0x10000);
  const std::size_t at = b.size();
  b.bytes(gzip_bytes(text_bytes("config of a camera stored on an NTFS stick\n")));
  b.pad_to(0x20000);
  const ReportDocument doc = unpack_bytes(b.data(), "stick.img");
  const Node* fs = node_at(doc, "stick.img/unsupported@0x0");
  REQUIRE(fs != nullptr);
  CHECK(fs->description.rfind("NTFS (recognised, not read)", 0) == 0);
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

TEST_CASE("unsupported: a stray HFS+ or F2FS signature in code is not a file system", "[formats][unsupported]") {
  auto noise = pseudo_random(0x2000, 17);
  std::copy_n("H+\0\4", 4, noise.begin() + 0x400);  // the signature, but no sane volume header after it
  CHECK_FALSE(Registry::builtin().find("unsupported")->identify({noise.data(), noise.size()}, 0));
  auto f2 = pseudo_random(0x2000, 18);
  const std::uint8_t magic[] = {0x10, 0x20, 0xF5, 0xF2};
  std::copy_n(magic, 4, f2.begin() + 0x400);
  CHECK_FALSE(Registry::builtin().find("unsupported")->identify({f2.data(), f2.size()}, 0));
}
