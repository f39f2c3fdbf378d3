#include <algorithm>

#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
// A small YAFFS2 image (512-byte pages, 16-byte spare): dir "etc" (obj 257) holding "motd"
// (obj 258, two data chunks, the first rewritten with a newer sequence number). `motd_size` is
// what its header declares; `far_chunk`, when not 0, adds one more 5-byte chunk at that index.
std::vector<std::uint8_t> build(bool be, std::uint32_t motd_size = 512 + 5, std::uint32_t far_chunk = 0) {
  ByteBuilder b;
  auto u32 = [&](std::uint32_t v) { be ? b.u32be(v) : b.u32le(v); };
  auto header = [&](std::uint32_t seq, std::uint32_t obj, std::uint32_t type, std::uint32_t parent, const std::string& name,
                    std::uint32_t mode, std::uint32_t size) {
    const std::size_t start = b.size();
    u32(type); u32(parent); b.u16le(0xFFFF); b.fixed(name, 256); b.u16le(0xFFFF);
    u32(mode); u32(0); u32(0); u32(0); u32(1700000000); u32(0); u32(size); u32(0xFFFFFFFF);
    b.pad_to(start + 512, 0xFF);
    u32(seq); u32(obj); u32(0); u32(0xFFFF);  // tags
  };
  auto data = [&](std::uint32_t seq, std::uint32_t obj, std::uint32_t chunk, const std::string& text) {
    const std::size_t start = b.size();
    b.str(text);
    b.pad_to(start + 512, 0xFF);
    u32(seq); u32(obj); u32(chunk); u32(static_cast<std::uint32_t>(text.size()));
  };
  header(0x1000, 257, 3, 1, "etc", 040755, 0);
  header(0x1000, 258, 1, 257, "motd", 0100644, motd_size);
  data(0x1000, 258, 1, std::string(512, 'o'));
  data(0x1000, 258, 2, "world");
  data(0x1001, 258, 1, std::string(512, 'n'));  // newer copy of chunk 1
  if (far_chunk != 0) data(0x1001, 258, far_chunk, "later");
  b.fill(0xFF, 2 * (512 + 16));                 // erased pages
  return b.data();
}
}  // namespace

TEST_CASE("yaffs2: the binwalk vector", "[formats][yaffs2][external]") {
  const Unpacked doc = unpack_path(external_dir() / "binwalk/tests/inputs/yaffs2.bin");
  const Node* chunk = node_at(doc, "yaffs2.bin/yaffs2@0x0");
  REQUIRE(chunk != nullptr);
  const Node* h = node_at(doc, "yaffs2.bin/yaffs2@0x0:yutilsenv.h");
  REQUIRE(h != nullptr);
  CHECK(h->size() == 844);
  CHECK(std::string(as_chars(h->data.bytes().subspan(0, 12))) == "/*\n * YAFFS:");
  CHECK(h->meta.mode == 0664U);
  std::size_t files = 0;
  for (const auto& n : doc.tree.nodes()) files += (n.kind == NodeKind::kEntry && n.step.handler == "yaffs2") ? 1 : 0;
  CHECK(files == 13);
}

TEST_CASE("yaffs2: both byte orders, newest chunk wins, geometry detected", "[formats][yaffs2]") {
  for (bool be : {false, true}) {
    SECTION(be ? "big-endian" : "little-endian") {
      const Unpacked doc = unpack_bytes(build(be), "nand.bin");
      const Node* motd = node_at(doc, "nand.bin/yaffs2@0x0:etc/motd");
      REQUIRE(motd != nullptr);
      REQUIRE(motd->size() == 517);
      CHECK(motd->data.bytes()[0] == 'n');
      CHECK(std::string(as_chars(motd->data.bytes().subspan(512))) == "world");
      CHECK(node_at(doc, "nand.bin/yaffs2@0x0:etc")->meta.kind == EntryKind::kDirectory);
    }
  }
}

TEST_CASE("yaffs2: truncated images and non-YAFFS data", "[formats][yaffs2]") {
  auto img = build(false);
  img.resize(512 + 16 + 600);
  const Unpacked doc = unpack_bytes(img, "cut.bin");
  REQUIRE(node_at(doc, "cut.bin/yaffs2@0x0:etc") != nullptr);
  auto noise = pseudo_random(4096, 5);
  noise[0] = 1; noise[1] = noise[2] = noise[3] = 0; noise[4] = 1; noise[5] = noise[6] = noise[7] = 0; noise[8] = noise[9] = 0xFF;
  CHECK_FALSE(Registry::builtin().find("yaffs2")->identify({noise.data(), noise.size()}, 0));
}

TEST_CASE("yaffs2: mkyaffs2image vectors (tags after the bad-block marker) in both byte orders", "[formats][yaffs2][external]") {
  for (const char* name : {"yaffs2_le.img", "yaffs2_be.img"}) {
    INFO(name);
    const Unpacked doc = unpack_path(external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/yaffs/test/data" / name);
    REQUIRE(doc.tree.at(0).handler == std::string("yaffs2"));
    const std::string base = std::string(name) + "/yaffs2@0x0:";
    const Node* t3 = node_at(doc, base + "generic folder/test file 3_.txt");
    REQUIRE(t3 != nullptr);
    CHECK(std::string(as_chars(t3->data.bytes())) == "The third test file!");
    CHECK(node_at(doc, base + "testfile1")->size() == 62);
    CHECK(node_at(doc, base + "testfile2")->size() == 28);
    CHECK(doc.tree.at(0).diagnostics.empty());
  }
}

TEST_CASE("yaffs2: a declared size past the data is cut and said; holes are held as holes, up to the node's cap", "[formats][yaffs2][hostile]") {
  auto named = [](const Unpacked& doc, DiagCode code, const std::string& words) {
    const Node* fs = node_at(doc, "nand.bin/yaffs2@0x0");
    REQUIRE(fs != nullptr);
    return std::any_of(fs->diagnostics.begin(), fs->diagnostics.end(),
                       [&](const Diagnostic& d) { return d.code == code && d.message.find(words) != std::string::npos; });
  };
  // 4 GiB declared, 517 bytes of chunks: the file is its chunks.
  Unpacked doc = unpack_bytes(build(false, 0xFFFFFFF0U), "nand.bin");
  const Node* motd = node_at(doc, "nand.bin/yaffs2@0x0:etc/motd");
  REQUIRE(motd != nullptr);
  CHECK(motd->size() == 517);
  CHECK(named(doc, DiagCode::kTruncated, "'etc/motd' declares 4294967280 bytes but its data ends at 517"));
  // A chunk at index 2^16 (32 MiB in): the file reaches it, and the 32 MiB between are a hole,
  // which takes no memory: only the pages of the chunks are data.
  doc = unpack_bytes(build(false, 0xFFFFFFF0U, 1U << 16), "nand.bin");
  motd = node_at(doc, "nand.bin/yaffs2@0x0:etc/motd");
  REQUIRE(motd != nullptr);
  const std::uint64_t far = ((1U << 16) - 1) * 512ULL;
  REQUIRE(motd->size() == far + 5);
  CHECK(motd->data.bytes()[0] == 'n');
  CHECK(std::string(as_chars(motd->data.bytes().subspan(far))) == "later");
  CHECK(motd->data.has_holes());
  std::uint64_t held = 0;
  for (const Extent& e : motd->data.data_extents()) held += e.size;
  CHECK(held <= 3 * 4096);
  CHECK_FALSE(named(doc, DiagCode::kLimitSize, "etc/motd"));
  // A chunk at index 2^20 (512 MiB in), past the node's cap (64 MiB for a small image): cut there.
  doc = unpack_bytes(build(false, 0xFFFFFFF0U, 1U << 20), "nand.bin");
  motd = node_at(doc, "nand.bin/yaffs2@0x0:etc/motd");
  REQUIRE(motd != nullptr);
  CHECK(motd->size() == 64ULL << 20);
  CHECK(motd->data.bytes()[0] == 'n');
  CHECK(named(doc, DiagCode::kLimitSize, "'etc/motd' is " + std::to_string(((1U << 20) - 1) * 512ULL + 5) + " bytes, past the node's output cap"));
}
