#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("uimage: gzip kernel is decoded, CRCs verified", "[formats][uimage]") {
  const auto kernel = text_bytes("Linux version 3.0.8 " + std::string(2000, 'k'));
  const auto img = uimage_bytes(gzip_bytes(kernel), 2, 1, "Linux-3.0.8");
  ByteBuilder b;
  b.bytes(img).fill(0xFF, 100);
  auto chunk = Registry::builtin().find("uimage")->identify(b.view(), 0);
  REQUIRE(chunk);
  REQUIRE(chunk->size == img.size());
  REQUIRE(chunk->confidence == Confidence::kHigh);
  REQUIRE(chunk->description.find("ARM kernel (gzip)") != std::string::npos);
  const Unpacked doc = unpack_bytes(b.data(), "k.img");
  const Node* k = node_at(doc, "k.img/uimage@0x0:Linux-3.0.8");
  REQUIRE(k != nullptr);
  REQUIRE(k->size() == kernel.size());
  REQUIRE(k->step.origin == ChildOrigin::kDecoded);
  REQUIRE_FALSE(has_diagnostic(doc, "checksum_mismatch"));
}

TEST_CASE("uimage: uncompressed filesystem payload is carved with its offset", "[formats][uimage]") {
  const auto payload = pseudo_random(300, 4);
  const auto img = uimage_bytes(payload, 7, 0, "rootfs");
  const Unpacked doc = unpack_bytes(img, "r.img");
  const Node* p = node_at(doc, "r.img/uimage@0x0:rootfs");
  REQUIRE(p != nullptr);
  REQUIRE(p->step.origin == ChildOrigin::kCarved);
  REQUIRE(p->root_offset == 64U);
}

TEST_CASE("uimage: header and data CRC mismatches are diagnostics, not rejections", "[formats][uimage]") {
  auto img = uimage_bytes(pseudo_random(200, 8), 7, 0, "fs");
  img[100] ^= 0xFF;  // data
  const Unpacked doc = unpack_bytes(img, "bad.img");
  REQUIRE(doc.tree.at(0).handler == std::string("uimage"));
  REQUIRE(has_diagnostic(doc, "checksum_mismatch"));
  img[0x20] ^= 0x01;  // name byte: header CRC now wrong too
  const Unpacked doc2 = unpack_bytes(img, "bad2.img");
  REQUIRE(doc2.tree.at(0).handler == std::string("uimage"));
  REQUIRE(doc2.tree.at(0).confidence == Confidence::kLow);
}

TEST_CASE("uimage: size past the end, truncated header", "[formats][uimage]") {
  auto img = uimage_bytes(pseudo_random(200, 8), 7, 0, "fs");
  img.resize(150);
  const Unpacked doc = unpack_bytes(img, "t.img");
  REQUIRE(has_diagnostic(doc, "truncated"));
  REQUIRE(node_at(doc, "t.img/uimage@0x0:fs")->size() == 150 - 64);
  std::vector<std::uint8_t> hdr(img.begin(), img.begin() + 40);
  REQUIRE_FALSE(Registry::builtin().find("uimage")->identify({hdr.data(), hdr.size()}, 0));
}

TEST_CASE("uimage: multi-file images split into parts", "[formats][uimage]") {
  ByteBuilder body;
  body.u32be(5).u32be(3).u32be(0).str("AAAAA").align(4).str("BBB");
  const auto img = uimage_bytes(body.data(), 4, 0, "multi");
  const Unpacked doc = unpack_bytes(img, "m.img");
  const Node* p0 = node_at(doc, "m.img/uimage@0x0:multi.part0");
  const Node* p1 = node_at(doc, "m.img/uimage@0x0:multi.part1");
  REQUIRE(p0 != nullptr);
  REQUIRE(p1 != nullptr);
  REQUIRE(std::string(as_chars(p0->data.bytes())) == "AAAAA");
  REQUIRE(std::string(as_chars(p1->data.bytes())) == "BBB");
}

TEST_CASE("uimage: the fact_extractor vectors", "[formats][uimage][external]") {
  const auto base = external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/uboot/test/data";
  const Unpacked good = unpack_path(base / "uboot.image_with_header");
  const Node* chunk = node_at(good, "uboot.image_with_header/uimage@0x0");
  REQUIRE(chunk != nullptr);
  REQUIRE(chunk->size() == 64 + 32753);
  REQUIRE(chunk->description.find("MIPS firmware (lzma)") != std::string::npos);
  for (const auto& n : good.tree.nodes()) {
    for (const auto& d : n.diagnostics) REQUIRE(d.code != DiagCode::kChecksumMismatch);
  }
  const Unpacked bad = unpack_path(base / "uboot.dtb");
  REQUIRE(bad.tree.at(0).handler == std::string("uimage"));
  REQUIRE(has_diagnostic(bad, "truncated"));
}
