// The mtdparts partition map: dumps built here with a U-Boot environment (or plain text) naming
// their partitions; the partitions expected come from the text written, the byte account from
// what was placed where.
#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

constexpr std::size_t kDump = 0x100000;  // 1 MiB
constexpr std::size_t kEnvAt = 0x10000, kEnvSize = 0x2000;

// A U-Boot environment of kEnvSize bytes with these "name=value" variables and a CRC-32.
std::vector<std::uint8_t> env_block(const std::vector<std::string>& vars) {
  ByteBuilder body;
  for (const auto& v : vars) body.str(v).u8(0);
  body.u8(0).pad_to(kEnvSize - 4, 0x00);
  ByteBuilder env;
  env.u32le(crc32_ieee(body.view())).bytes(body.data());
  return env.data();
}

// A 1 MiB dump of 0xff with `at` holding `bytes`.
std::vector<std::uint8_t> dump_with(std::size_t at, const std::vector<std::uint8_t>& bytes, std::uint8_t fill = 0xFF) {
  std::vector<std::uint8_t> d(kDump, fill);
  std::copy(bytes.begin(), bytes.end(), d.begin() + static_cast<std::ptrdiff_t>(at));
  return d;
}

struct Part {
  std::string name;
  std::uint64_t offset, size;
};

// The node the map claimed: the dump itself when the map runs to its end, else its first chunk.
const Node& map_node(const Unpacked& doc, const std::string& root) {
  const Node* r = node_at(doc, root);
  REQUIRE(r != nullptr);
  if (r->handler != std::string("mtdparts")) r = node_at(doc, root + "/mtdparts@0x0");
  REQUIRE(r != nullptr);
  REQUIRE(r->handler == std::string("mtdparts"));
  return *r;
}

void check_parts(const Unpacked& doc, const std::string& root, const std::vector<Part>& want) {
  const Node* r = &map_node(doc, root);
  REQUIRE(r->children.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const Node& c = doc.tree.at(r->children[i]);
    INFO(want[i].name);
    CHECK(c.locator == root + "/mtdparts@0x0:" + want[i].name);
    CHECK(c.step.offset == want[i].offset);
    CHECK(c.size() == want[i].size);
    CHECK(c.root_offset == std::optional<std::uint64_t>(want[i].offset));
  }
}

}  // namespace

TEST_CASE("mtdparts: bootargs in a U-Boot environment name and bound the partitions", "[formats][mtdparts]") {
  const auto env = env_block({"bootcmd=bootm 0x82000000",
                              "bootargs=console=ttyS0 mtdparts=spi0.0:64K(u-boot)ro,64K(env),512K@0x40000(kernel),-(rootfs) quiet"});
  const Unpacked doc = unpack_bytes(dump_with(kEnvAt, env), "dump.bin");
  check_parts(doc, "dump.bin", {{"u-boot", 0, 0x10000}, {"env", 0x10000, 0x10000}, {"kernel", 0x40000, 0x80000}, {"rootfs", 0xC0000, 0x40000}});
  const Node& r = doc.tree.at(0);
  CHECK(prop(r, "mtd_id") == "spi0.0");
  CHECK(prop(r, "source") == "U-Boot environment at 0x10000 (CRC ok, 8.0 KiB), variable bootargs");
  CHECK(prop(r, "partitions") == "u-boot 0x0+0x10000 ro, env 0x10000+0x10000, kernel 0x40000+0x80000, rootfs 0xc0000+0x40000");
  // The environment is read in its partition, CRC-verified; the gap 0x20000..0x40000 lies outside
  // every partition: padding here; everything else is padding inside partitions.
  const Node* env_node = node_at(doc, "dump.bin/mtdparts@0x0:env/uboot_env@0x0");
  REQUIRE(env_node != nullptr);
  REQUIRE(r.bytes);
  CHECK(r.bytes->verified == kEnvSize);
  CHECK(r.bytes->read == 0);
  CHECK(r.bytes->located == 0);
  CHECK(r.bytes->unknown == 0);
  CHECK(r.bytes->padding == kDump - kEnvSize);
}

TEST_CASE("mtdparts: what no reader reads inside a partition is located; outside every partition, unknown", "[formats][mtdparts]") {
  const auto env = env_block({"bootargs=mtdparts=sfc:64K(boot),64K(env),640K(data)"});  // ends at 0xC0000, past the middle
  auto d = dump_with(kEnvAt, env);
  const auto noise = pseudo_random(0x3000, 5);
  std::copy(noise.begin(), noise.end(), d.begin() + 0x100);    // in "boot"
  std::copy(noise.begin(), noise.end(), d.begin() + 0x50000);  // in "data"
  const auto outside = pseudo_random(0x1000, 6);
  std::copy(outside.begin(), outside.end(), d.begin() + 0xD0000);  // after the last partition
  const Unpacked doc = unpack_bytes(d, "dump.bin");
  check_parts(doc, "dump.bin", {{"boot", 0, 0x10000}, {"env", 0x10000, 0x10000}, {"data", 0x20000, 0xA0000}});
  const Node& r = doc.tree.at(0);
  REQUIRE(r.bytes);
  CHECK(r.bytes->located == 2 * 0x3000);
  CHECK(r.bytes->unknown == 0x1000);
  CHECK(r.bytes->verified == kEnvSize);
  CHECK(r.bytes->total() == kDump);
  const Node* boot = node_at(doc, "dump.bin/mtdparts@0x0:boot");
  REQUIRE(boot->bytes);
  CHECK(boot->bytes->located == 0x3000);
  CHECK(boot->bytes->padding == 0x10000 - 0x3000);
}

TEST_CASE("mtdparts: other spellings: U-Boot's mtdparts variable, several devices, plain text", "[formats][mtdparts]") {
  SECTION("mtdparts=mtdparts=... and a first device that does not fit the dump") {
    const auto env = env_block({"mtdids=nor0=spi0", "mtdparts=mtdparts=nand0:64M(big);spi0:0x10000(boot),0x10000(env),0xe0000(rest)"});
    const Unpacked doc = unpack_bytes(dump_with(kEnvAt, env), "d.bin");
    check_parts(doc, "d.bin", {{"boot", 0, 0x10000}, {"env", 0x10000, 0x10000}, {"rest", 0x20000, 0xE0000}});
    CHECK(prop(map_node(doc, "d.bin"), "mtd_id") == "spi0");
    CHECK(prop(map_node(doc, "d.bin"), "source").find("variable mtdparts") != std::string::npos);
  }
  SECTION("a kernel command line as plain text, no environment") {
    ByteBuilder text;
    text.str("console=ttyAMA0 mtdparts=hi_sfc:512K(boot),-(fs),-(none)").u8(0);
    const Unpacked doc = unpack_bytes(dump_with(0x200, text.data()), "t.bin");
    check_parts(doc, "t.bin", {{"boot", 0, 0x80000}, {"fs", 0x80000, 0x80000}});  // a "-" at the device's end is empty: skipped
    CHECK(prop(map_node(doc, "t.bin"), "source") == "text at 0x210");
  }
  SECTION("octal and decimal sizes, unnamed partitions") {
    ByteBuilder text;
    text.str("mtdparts=x:0400000@0,524288").u8(0);  // 0400000 octal = 128 KiB; 524288 = 512 KiB
    const Unpacked doc = unpack_bytes(dump_with(0x10, text.data()), "o.bin");
    check_parts(doc, "o.bin", {{"part0", 0, 0x20000}, {"part1", 0x20000, 0x80000}});
  }
}

TEST_CASE("mtdparts: maps that do not describe the node are not applied", "[formats][mtdparts][malformed]") {
  auto not_mapped = [](const std::vector<std::uint8_t>& bytes) {
    const Unpacked doc = unpack_bytes(bytes, "x.bin");
    for (const auto& n : doc.tree.nodes()) CHECK(n.handler != std::string("mtdparts"));
    return doc;
  };
  SECTION("partitions past the dump's end") {
    const Unpacked doc = not_mapped(dump_with(kEnvAt, env_block({"bootargs=mtdparts=sfc:64K(boot),64K(env),4M(rootfs)"})));
    CHECK(node_at(doc, "x.bin/uboot_env@0x10000") != nullptr);  // the environment is still read
  }
  SECTION("one partition that is the whole dump") {
    ByteBuilder t;
    t.str("mtdparts=a:1M(all)").u8(0);
    not_mapped(dump_with(0x100, t.data()));
  }
  SECTION("a map that ends before the dump's middle") {
    not_mapped(dump_with(kEnvAt, env_block({"bootargs=mtdparts=sfc:64K(boot),64K(env)"})));
  }
  SECTION("overlapping partitions") {
    not_mapped(dump_with(kEnvAt, env_block({"bootargs=mtdparts=sfc:64K(boot),64K(env),512K@0x8000(a),512K(b)"})));
  }
  SECTION("the map's own text outside every partition") {
    not_mapped(dump_with(kEnvAt, env_block({"bootargs=mtdparts=sfc:768K@0x40000(rootfs)"})));
  }
  SECTION("a text file smaller than the device it names") {
    ByteBuilder t;
    t.str("setenv bootargs mtdparts=hi_sfc:256K(boot),64K(env),1M(kernel)\n");
    not_mapped(t.data());
  }
  SECTION("numbers that overflow, sizes without digits, an unclosed name, too many partitions") {
    for (const std::string& bad : {std::string("mtdparts=a:99999999999999999999999K(x)"), std::string("mtdparts=a:0xK(x),-(y)"),
                                   std::string("mtdparts=a:16EB(x)")}) {
      INFO(bad);
      ByteBuilder t;
      t.str(bad).u8(0);
      not_mapped(dump_with(0x100, t.data()));
    }
    std::string many = "mtdparts=a:";
    for (int i = 0; i < 200; ++i) many += "4K,";
    many += "-";
    ByteBuilder t;
    t.str(many).u8(0);
    not_mapped(dump_with(0x100, t.data()));
  }
  SECTION("a thousand map strings: a bounded number is tried, the scan finishes") {
    ByteBuilder t;
    for (int i = 0; i < 1000; ++i) t.str("mtdparts=a:8M(x) ");
    not_mapped(dump_with(0, t.data()));
  }
}

TEST_CASE("mtdparts: the map hides nothing: data between partitions and after the map is carved", "[formats][mtdparts]") {
  // Partitions at 0, 0x10000 and @0x40000; noise in the gap 0x20000..0x40000; a uImage after the
  // map's end at 0xC0000.
  auto d = dump_with(kEnvAt, env_block({"bootargs=mtdparts=sfc:64K(boot),64K(env),512K@0x40000(kernel)"}));
  const auto noise = pseudo_random(0x800, 9);
  std::copy(noise.begin(), noise.end(), d.begin() + 0x30000);
  const auto payload = pseudo_random(3000, 10);
  const auto img = uimage_bytes(payload, 2, 0, "after");
  std::copy(img.begin(), img.end(), d.begin() + 0xC8000);
  const Unpacked doc = unpack_bytes(d, "dump.bin");
  const Node& map = map_node(doc, "dump.bin");
  CHECK(map.size() == 0xC0000);
  const Node* gap = node_at(doc, "dump.bin/mtdparts@0x0:gap-0x20000");
  REQUIRE(gap != nullptr);
  CHECK(gap->size() == 0x20000);
  CHECK(gap->root_offset == std::optional<std::uint64_t>(0x20000));
  bool found = false;
  for (const auto& n : doc.tree.nodes()) found = found || (n.sha256 == sha256_hex(ByteView(payload)) && n.root_offset == 0xC8000 + 64);
  CHECK(found);
  const Node& r = doc.tree.at(0);
  REQUIRE(r.bytes);
  CHECK(r.bytes->unknown == 0x800);                     // the gap's noise: the map does not bound it
  CHECK(r.bytes->verified == kEnvSize + img.size());    // the environment, and the uImage's CRCs
  CHECK(r.bytes->located == 0);
  CHECK(r.bytes->total() == kDump);
}

TEST_CASE("mtdparts: an environment that is not where its own map puts it refuses the map", "[formats][mtdparts][malformed]") {
  // The map says env is at 0x10000; the environment sits at 0x10840, as in a NAND dump whose
  // out-of-band bytes (64 per 2 KiB page) are interleaved.
  const auto env = env_block({"bootargs=mtdparts=nand:64K(boot),64K(env),-(rootfs)"});
  const Unpacked doc = unpack_bytes(dump_with(0x10840, env), "nand.bin");
  for (const auto& n : doc.tree.nodes()) CHECK(n.handler != std::string("mtdparts"));
  CHECK(node_at(doc, "nand.bin/uboot_env@0x10840") != nullptr);
}
