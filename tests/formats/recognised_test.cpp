#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("recognised: an unread file system is named, and the carver still searches its data", "[formats][unsupported]") {
  // A JFS superblock, then a gzip stream stored contiguously, as files often are.
  ByteBuilder b;
  b.pad_to(0x8000).str("JFS1").u32le(1);
  b.pad_to(0x10000);
  const std::size_t at = b.size();
  b.bytes(gzip_bytes(text_bytes("config of a camera stored on a JFS volume\n")));
  b.pad_to(0x20000);
  const Unpacked doc = unpack_bytes(b.data(), "stick.img");
  const Node* fs = node_at(doc, "stick.img/jfs@0x0");
  REQUIRE(fs != nullptr);
  CHECK(fs->description.rfind("JFS (recognised, not read)", 0) == 0);
  CHECK(has_diagnostic(doc, "unsupported"));
  CHECK(node_at(doc, "stick.img/gzip@" + std::string("0x10000")) != nullptr);
  CHECK(at == 0x10000);
}

TEST_CASE("recognised: each unread format has its own handler, status and diagnostic", "[formats][unsupported]") {
  // A ReiserFS superblock at 64 KiB stating 40 blocks of 4 KiB, a StuffIt X and a ZPAQ header.
  ByteBuilder r;
  r.pad_to(0x10000).u32le(40);
  r.pad_to(0x1002C).u16le(4096);
  r.pad_to(0x10034).str("ReIsEr2Fs");
  r.pad_to(0x12000);
  ByteBuilder sit;
  sit.str("StuffIt!").fill(0x55, 200);
  ByteBuilder zp;
  zp.str("7kSt").fill(0x33, 100);
  struct Case {
    ByteBuilder* bytes;
    const char* id;
    const char* description;
  };
  for (const Case& c : {Case{&r, "reiserfs", "ReiserFS (recognised, not read), 160.0 KiB file system"},
                        Case{&sit, "stuffitx", "StuffIt X archive (recognised, not read), extent unknown"},
                        Case{&zp, "zpaq", "ZPAQ archive (recognised, not read), extent unknown"}}) {
    INFO(c.id);
    const Handler* h = Registry::builtin().find(c.id);
    REQUIRE(h != nullptr);
    CHECK(h->info().support == Support::kRecognised);
    const Unpacked doc = unpack_bytes(c.bytes->data(), "x.bin");
    // A file system is claimed up to its superblock area (a chunk); an archive whole (the root).
    const NodeRecord* n = nullptr;
    for (const auto& x : doc.tree.nodes()) {
      if (x.handler == c.id) n = &x;
    }
    REQUIRE(n != nullptr);
    CHECK(n->locator == (n->id == 0 ? std::string("x.bin") : "x.bin/" + std::string(c.id) + "@0x0"));
    CHECK(n->description.rfind(c.description, 0) == 0);
    CHECK(has_diagnostic(doc, "unsupported"));
  }
  // Every handler that reads nothing says so, and only those do.
  std::size_t recognised = 0;
  for (std::size_t i = 0; i < Registry::builtin().size(); ++i) {
    const HandlerInfo& info = Registry::builtin().at(i).info();
    const bool says = std::string_view(info.description).find("(recognised, not read)") != std::string_view::npos;
    INFO(info.id);
    CHECK(says == (info.support == Support::kRecognised));
    recognised += info.support == Support::kRecognised ? 1 : 0;
  }
  CHECK(recognised == 4);  // JFS, ReiserFS, StuffIt X, ZPAQ
}

TEST_CASE("jpeg: SOI followed by EOI in a byte table is not an image", "[formats][jpeg]") {
  ByteBuilder b;
  for (int i = 0xD8; i <= 0xDF; ++i) b.u8(0xFF).u8(static_cast<std::uint8_t>(i));  // ff d8 ff d9 ff da ...
  b.fill(0x20, 64);
  CHECK_FALSE(Registry::builtin().find("jpeg")->identify(b.view(), 0));
}
