#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::filesystem::path fx(const std::string& rel) { return external_dir() / "fact_extractor/fact_extractor/plugins/unpacking" / rel; }
}  // namespace

TEST_CASE("ambarella_romfs: the FACT ROMFS yields its four warp tables at their offsets", "[formats][ambarella_romfs][external]") {
  const auto raw = read_file(fx("ambarella/test/data/ambarella_rom.fs"));
  const Unpacked doc = unpack_path(fx("ambarella/test/data/ambarella_rom.fs"));
  const char* names[] = {"SuperViewWarpTable_1440p3024_h.bin", "SuperViewWarpTable_1440p3024_v.bin", "SuperViewWarpTable_4kp30_h.bin",
                         "SuperViewWarpTable_4kp30_v.bin"};
  for (int i = 0; i < 4; ++i) {
    INFO(names[i]);
    const Node* n = node_at(doc, std::string("ambarella_rom.fs/ambarella_romfs@0x0:") + names[i]);
    REQUIRE(n != nullptr);
    CHECK(n->size() == 0xC00);
    CHECK(n->root_offset == 0x1000U * static_cast<std::uint64_t>(i + 1));  // entry offsets 0x1000, 0x2000, ...
    CHECK(n->sha256 == sha256_hex({raw.data() + 0x1000 * (i + 1), 0xC00}));
  }
}

TEST_CASE("ambarella_romfs: damaged tables are refused or reported", "[formats][ambarella_romfs][malformed]") {
  const auto good = read_file(fx("ambarella/test/data/ambarella_rom.fs"));
  const Handler* h = Registry::builtin().find("ambarella_romfs");
  auto bad = good;
  bad[0x800 + 124] ^= 1;  // entry magic
  CHECK_FALSE(h->identify({bad.data(), bad.size()}, 0));
  bad = good;
  bad[0x800 + 116] = 0x10;  // first file offset inside the header
  bad[0x800 + 117] = 0;
  CHECK_FALSE(h->identify({bad.data(), bad.size()}, 0));
  bad = good;
  bad[0] = 0xFF;  // absurd count
  bad[1] = 0xFF;
  bad[2] = 0xFF;
  CHECK_FALSE(h->identify({bad.data(), bad.size()}, 0));
  std::vector<std::uint8_t> cut(good.begin(), good.begin() + 0x3800);
  auto c = h->identify({cut.data(), cut.size()}, 0);
  REQUIRE(c);
  CHECK(c->confidence == Confidence::kLow);
  const Unpacked doc = unpack_bytes(cut, "cut.fs");
  CHECK(has_diagnostic(doc, "truncated"));
}

TEST_CASE("avm_fake_squashfs: the payload after the 256-byte header", "[formats][avm_fake_squashfs][external]") {
  const Unpacked doc = unpack_path(fx("avm_sqfs_fake/test/data/fake.sqfs"));
  const Node* n = node_at(doc, "fake.sqfs/avm_fake_squashfs@0x0:image.ext2");
  REQUIRE(n != nullptr);
  CHECK(std::string(as_chars(n->data.bytes())) == "Test File");
  // A real big-endian SquashFS is not taken for the fake one.
  const Unpacked be = unpack_path(external_dir() / "binwalk/tests/inputs/squashfs_v2.bin");
  CHECK(be.tree.at(0).handler == std::string("squashfs"));
}
