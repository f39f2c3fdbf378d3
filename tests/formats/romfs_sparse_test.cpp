#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
// romfs built field by field: root "." and "..", a directory "etc" with "passwd", and a symlink.
std::vector<std::uint8_t> build_romfs(bool loop = false) {
  ByteBuilder b;
  b.str("-rom1fs-").u32be(0).u32be(0).fixed("vol", 16);  // 0x00..0x1f
  auto header = [&](std::uint32_t next, std::uint32_t type, std::uint32_t spec, std::uint32_t size, const std::string& name) {
    b.u32be(next | type).u32be(spec).u32be(size).u32be(0).fixed(name, (name.size() / 16 + 1) * 16);
  };
  // 0x20 "."  -> next 0x40 ; 0x40 ".." -> next 0x60 ; 0x60 "etc" dir (spec 0x80) -> next 0xC0
  header(0x40, 1, 0x20, 0, ".");
  header(0x60, 0, 0x20, 0, "..");
  header(0xB0, 1, 0x80, 0, "etc");
  // 0x80 "passwd" file, next 0 (or back to 0x20 to make a loop)
  header(loop ? 0x20 : 0, 2, 0, 5, "passwd");
  b.str("root\n").align(16);
  // 0xB0 "sh" symlink, next 0
  header(0, 3, 0, 7, "sh");
  b.str("busybox").align(16);
  b.patch_u32be(8, static_cast<std::uint32_t>(b.size()));
  // superblock checksum: the first 512 bytes (or fewer) sum to 0 as big-endian words
  std::uint32_t sum = 0;
  for (std::size_t o = 0; o + 4 <= std::min<std::size_t>(512, b.size()); o += 4) {
    sum += (std::uint32_t{b.data()[o]} << 24) | (std::uint32_t{b.data()[o + 1]} << 16) | (std::uint32_t{b.data()[o + 2]} << 8) | b.data()[o + 3];
  }
  b.patch_u32be(12, 0U - sum);
  return b.data();
}
}  // namespace

TEST_CASE("romfs: directories, files, symlinks; . and .. skipped", "[formats][romfs]") {
  const Unpacked doc = unpack_bytes(build_romfs(), "r.romfs");
  REQUIRE(doc.tree.at(0).handler == std::string("romfs"));
  const Node* pw = node_at(doc, "r.romfs/romfs@0x0:etc/passwd");
  REQUIRE(pw != nullptr);
  CHECK(std::string(as_chars(pw->data.bytes())) == "root\n");
  CHECK(pw->root_offset == 0x80U + 32);
  const Node* sh = node_at(doc, "r.romfs/romfs@0x0:sh");
  REQUIRE(sh != nullptr);
  CHECK(sh->meta.link_target == "busybox");
  CHECK(node_at(doc, "r.romfs/romfs@0x0:.") == nullptr);
  CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
}

TEST_CASE("romfs: the binwalk vector and damaged images", "[formats][romfs][external]") {
  const Unpacked a = unpack_path(external_dir() / "binwalk/tests/inputs/romfs.bin");
  const Node* lsb = node_at(a, "romfs.bin/romfs@0x0:lsb-release");
  REQUIRE(lsb != nullptr);
  CHECK(lsb->size() == 104);
  const Unpacked loop = unpack_bytes(build_romfs(true), "loop.romfs");
  CHECK(has_diagnostic(loop, "loop"));
  auto cut = build_romfs();
  cut.resize(0x90);
  const Unpacked t = unpack_bytes(cut, "cut.romfs");
  CHECK(has_diagnostic(t, "truncated"));
  auto bad = build_romfs();
  bad[12] ^= 1;
  CHECK(has_diagnostic(unpack_bytes(bad, "sum.romfs"), "checksum_mismatch"));
}

TEST_CASE("android_sparse: the FACT vector unsparses to its full size", "[formats][android_sparse][external]") {
  const Unpacked doc = unpack_path(external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/android_simg/test/data/simg.img");
  REQUIRE(doc.tree.at(0).handler == std::string("android_sparse"));
  const Node* img = node_at(doc, "simg.img/android_sparse@0x0:unsparsed.img");
  REQUIRE(img != nullptr);
  CHECK(img->size() == 10U << 20);
  CHECK_FALSE(has_diagnostic(doc, "truncated"));
}

TEST_CASE("android_sparse: fill, don't-care, truncation and unknown chunks", "[formats][android_sparse]") {
  ByteBuilder b;
  b.u32le(0xED26FF3A).u16le(1).u16le(0).u16le(28).u16le(12).u32le(4096).u32le(3).u32le(3).u32le(0);
  b.u16le(0xCAC1).u16le(0).u32le(1).u32le(12 + 4096).fill('R', 4096);
  b.u16le(0xCAC2).u16le(0).u32le(1).u32le(16).u32le(0x41424344);
  b.u16le(0xCAC3).u16le(0).u32le(1).u32le(12);
  const Unpacked doc = unpack_bytes(b.data(), "s.img");
  const Node* out = node_at(doc, "s.img/android_sparse@0x0:unsparsed.img");
  REQUIRE(out != nullptr);
  REQUIRE(out->size() == 3 * 4096);
  CHECK(out->data.bytes()[0] == 'R');
  CHECK(out->data.bytes()[4096] == 0x44);
  CHECK(out->data.bytes()[8191] == 0x41);
  CHECK(out->data.bytes()[8192] == 0);
  auto cut = b.data();
  cut.resize(100);
  CHECK(has_diagnostic(unpack_bytes(cut, "cut.img"), "truncated"));
  auto odd = b.data();
  odd[28] = 0x99;  // first chunk type unknown
  const Unpacked o = unpack_bytes(odd, "odd.img");
  CHECK(o.tree.at(0).handler != std::string("android_sparse"));
}
