#include <zlib.h>

#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::uint32_t jcrc(const std::vector<std::uint8_t>& v, std::size_t from, std::size_t n) {
  return static_cast<std::uint32_t>(crc32(0xFFFFFFFFUL, v.data() + from, static_cast<uInt>(n))) ^ 0xFFFFFFFFU;
}

class Jffs2Builder {
 public:
  explicit Jffs2Builder(bool be) : be_(be) {}
  void dirent(std::uint32_t pino, std::uint32_t version, std::uint32_t ino, std::uint8_t type, const std::string& name) {
    const std::size_t start = b_.size();
    u16(0x1985); u16(0xE001); u32(static_cast<std::uint32_t>(40 + name.size())); u32(0);
    u32(pino); u32(version); u32(ino); u32(0); b_.u8(static_cast<std::uint8_t>(name.size())).u8(type).u8(0).u8(0);
    u32(0); u32(0); b_.str(name);
    finish(start, 32);
  }
  void inode(std::uint32_t ino, std::uint32_t version, std::uint32_t mode, std::uint32_t isize, std::uint32_t offset,
             std::uint8_t compr, const std::vector<std::uint8_t>& data, std::uint32_t dsize) {
    const std::size_t start = b_.size();
    u16(0x1985); u16(0xE002); u32(static_cast<std::uint32_t>(68 + data.size())); u32(0);
    u32(ino); u32(version); u32(mode); u16(0); u16(0); u32(isize); u32(0); u32(1700000000); u32(0);
    u32(offset); u32(static_cast<std::uint32_t>(data.size())); u32(dsize); b_.u8(compr).u8(0); u16(0); u32(0); u32(0);
    b_.bytes(data);
    finish(start, 60);
  }
  std::vector<std::uint8_t> image() {
    b_.align(4, 0xFF);
    b_.pad_to(8192, 0xFF);
    return b_.data();
  }
  void corrupt_last_data() { b_.data().back() ^= 0xFF; }

 private:
  void u16(std::uint16_t v) { be_ ? b_.u16be(v) : b_.u16le(v); }
  void u32(std::uint32_t v) { be_ ? b_.u32be(v) : b_.u32le(v); }
  void put32(std::size_t at, std::uint32_t v) { be_ ? b_.patch_u32be(at, v) : b_.patch_u32le(at, v); }
  void finish(std::size_t start, std::size_t node_crc_at) {
    put32(start + 8, jcrc(b_.data(), start, 8));
    put32(start + node_crc_at, jcrc(b_.data(), start, node_crc_at));
    b_.align(4, 0xFF);
  }
  bool be_;
  ByteBuilder b_;
};

std::vector<std::uint8_t> rtime_encode(const std::string& s) {  // every byte literal, no repeats
  std::vector<std::uint8_t> out;
  for (char c : s) {
    out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

std::vector<std::uint8_t> zlib_of(const std::string& s) {
  uLongf n = compressBound(s.size());
  std::vector<std::uint8_t> out(n);
  compress2(out.data(), &n, reinterpret_cast<const Bytef*>(s.data()), s.size(), 9);
  out.resize(n);
  return out;
}

}  // namespace

TEST_CASE("jffs2: the fact_extractor vectors in both byte orders", "[formats][jffs2][external]") {
  for (const char* name : {"jffs2_le.img", "jffs2_be.img"}) {
    INFO(name);
    const Unpacked doc = unpack_path(external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/jffs2/test/data" / name);
    const std::string base = std::string(name) + "/jffs2@0x0:";
    const Node* t3 = node_at(doc, base + "generic folder/test file 3_.txt");
    REQUIRE(t3 != nullptr);
    CHECK(std::string(as_chars(t3->data.bytes())) == "The third test file!");
    CHECK(node_at(doc, base + "testfile1")->size() == 62);
    CHECK(node_at(doc, base + "generic folder")->meta.kind == EntryKind::kDirectory);
    CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
  }
}

TEST_CASE("jffs2: newest versions win, deleted names vanish, rtime and zlib decode", "[formats][jffs2]") {
  for (bool be : {false, true}) {
    SECTION(be ? "big-endian" : "little-endian") {
      Jffs2Builder j(be);
      j.dirent(1, 1, 2, 4, "etc");
      j.dirent(2, 2, 3, 8, "config");
      j.inode(3, 1, 0100644, 9, 0, 0, text_bytes("old value"), 9);
      j.inode(3, 5, 0100600, 9, 0, 2, rtime_encode("new value"), 9);  // newer, rtime
      j.dirent(1, 3, 4, 8, "gone");
      j.inode(4, 1, 0100644, 4, 0, 0, text_bytes("gone"), 4);
      j.dirent(1, 4, 0, 8, "gone");  // deletion
      j.dirent(1, 5, 5, 10, "link");
      j.inode(5, 1, 0120777, 10, 0, 6, zlib_of("etc/config"), 10);
      const Unpacked doc = unpack_bytes(j.image(), "fs.jffs2");
      const Node* cfg = node_at(doc, "fs.jffs2/jffs2@0x0:etc/config");
      REQUIRE(cfg != nullptr);
      CHECK(std::string(as_chars(cfg->data.bytes())) == "new value");
      CHECK(cfg->meta.mode == 0600U);
      CHECK(node_at(doc, "fs.jffs2/jffs2@0x0:gone") == nullptr);
      const Node* link = node_at(doc, "fs.jffs2/jffs2@0x0:link");
      REQUIRE(link != nullptr);
      CHECK(link->meta.link_target == "etc/config");
    }
  }
}

TEST_CASE("jffs2: CRC errors and damaged nodes end in diagnostics", "[formats][jffs2]") {
  Jffs2Builder j(false);
  j.dirent(1, 1, 2, 8, "f");
  j.inode(2, 1, 0100644, 5, 0, 0, text_bytes("hello"), 5);
  auto img = j.image();
  auto bad = img;
  bad[12 + 4] ^= 1;  // dirent version: node CRC no longer matches
  CHECK(has_diagnostic(unpack_bytes(bad, "crc.jffs2"), "checksum_mismatch"));
  Jffs2Builder k(false);
  k.dirent(1, 1, 2, 8, "z");
  k.inode(2, 1, 0100644, 50, 0, 6, text_bytes("not zlib at all, just text"), 50);
  CHECK(has_diagnostic(unpack_bytes(k.image(), "z.jffs2"), "malformed"));
  std::vector<std::uint8_t> tiny(img.begin(), img.begin() + 10);
  CHECK_FALSE(Registry::builtin().find("jffs2")->identify({tiny.data(), tiny.size()}, 0));
}

namespace {
const Diagnostic* diagnostic_naming(const Unpacked& doc, DiagCode code, const std::string& words) {
  for (const Node& n : doc.tree.nodes()) {
    for (const Diagnostic& d : n.diagnostics) {
      if (d.code == code && d.message.find(words) != std::string::npos) return &d;
    }
  }
  return nullptr;
}
}  // namespace

TEST_CASE("jffs2: a declared size past the data, and holes past the node's cap, are cut and said", "[formats][jffs2][hostile]") {
  Jffs2Builder j(false);
  j.dirent(1, 1, 2, 8, "big");
  j.inode(2, 1, 0100644, 0xFFFFFFF0U, 0, 0, text_bytes("hello"), 5);  // claims 4 GiB, holds 5 bytes
  j.dirent(1, 2, 3, 8, "sparse");
  j.inode(3, 1, 0100644, 0xF0000001U, 0, 0, text_bytes("head"), 4);
  j.inode(3, 2, 0100644, 0xF0000001U, 0xF0000000U, 0, text_bytes("t"), 1);  // 3.75 GiB of holes
  const Unpacked doc = unpack_bytes(j.image(), "lies.jffs2");
  const Node* big = node_at(doc, "lies.jffs2/jffs2@0x0:big");
  REQUIRE(big != nullptr);
  CHECK(std::string(as_chars(big->data.bytes())) == "hello");
  CHECK(diagnostic_naming(doc, DiagCode::kTruncated, "'big' declares 4294967280 bytes but its data ends at 5") != nullptr);
  const Node* sparse = node_at(doc, "lies.jffs2/jffs2@0x0:sparse");
  REQUIRE(sparse != nullptr);
  CHECK(sparse->size() == 64ULL << 20);  // the node's cap for a small image; the rest a hole
  CHECK(std::string(as_chars(sparse->data.bytes().subspan(0, 4))) == "head");
  CHECK(sparse->data.has_holes());
  CHECK(diagnostic_naming(doc, DiagCode::kLimitSize, "'sparse' is 4026531841 bytes, past the node's output cap") != nullptr);
}
