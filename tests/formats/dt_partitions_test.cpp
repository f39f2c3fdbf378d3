// Flash partition maps from a device tree: DTBs written here with libfdt's sequential-write API
// (the partitions expected come from what was written), placed inside a 1 MiB dump.
#include <libfdt.h>

#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

constexpr std::size_t kDump = 0x100000;

struct Part {
  std::string name;
  std::uint64_t offset, size;
  bool read_only = false;
};

void be_cells(std::vector<std::uint8_t>& out, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    const auto c = static_cast<std::uint32_t>(v >> (32 * i));
    for (int k = 3; k >= 0; --k) out.push_back(static_cast<std::uint8_t>(c >> (8 * k)));
  }
}

// /flash@0 { [partitions { compatible = "fixed-partitions";] #address-cells; #size-cells;
// partition@X { label; reg; [read-only;] } ... }: with `fixed`, under a partitions node, else
// directly under the flash node (the older binding).
std::vector<std::uint8_t> dtb(const std::vector<Part>& parts, bool fixed, int cells = 1) {
  std::vector<std::uint8_t> buf(16384);
  void* fdt = buf.data();
  REQUIRE(fdt_create(fdt, static_cast<int>(buf.size())) == 0);
  REQUIRE(fdt_finish_reservemap(fdt) == 0);
  REQUIRE(fdt_begin_node(fdt, "") == 0);
  REQUIRE(fdt_property_string(fdt, "model", "fwscan test camera") == 0);
  REQUIRE(fdt_begin_node(fdt, "flash@0") == 0);
  REQUIRE(fdt_property_string(fdt, "compatible", "jedec,spi-nor") == 0);
  if (fixed) {
    REQUIRE(fdt_begin_node(fdt, "partitions") == 0);
    REQUIRE(fdt_property_string(fdt, "compatible", "fixed-partitions") == 0);
  }
  REQUIRE(fdt_property_u32(fdt, "#address-cells", static_cast<std::uint32_t>(cells)) == 0);
  REQUIRE(fdt_property_u32(fdt, "#size-cells", static_cast<std::uint32_t>(cells)) == 0);
  for (const Part& p : parts) {
    char name[64];
    std::snprintf(name, sizeof name, "partition@%llx", static_cast<unsigned long long>(p.offset));
    REQUIRE(fdt_begin_node(fdt, name) == 0);
    REQUIRE(fdt_property_string(fdt, "label", p.name.c_str()) == 0);
    std::vector<std::uint8_t> reg;
    be_cells(reg, p.offset, cells);
    be_cells(reg, p.size, cells);
    REQUIRE(fdt_property(fdt, "reg", reg.data(), static_cast<int>(reg.size())) == 0);
    if (p.read_only) REQUIRE(fdt_property(fdt, "read-only", nullptr, 0) == 0);
    REQUIRE(fdt_end_node(fdt) == 0);
  }
  if (fixed) REQUIRE(fdt_end_node(fdt) == 0);
  REQUIRE(fdt_end_node(fdt) == 0);
  REQUIRE(fdt_end_node(fdt) == 0);
  REQUIRE(fdt_finish(fdt) == 0);
  buf.resize(fdt_totalsize(fdt));
  return buf;
}

std::vector<std::uint8_t> dump_with(std::size_t at, const std::vector<std::uint8_t>& bytes) {
  std::vector<std::uint8_t> d(kDump, 0xFF);
  std::copy(bytes.begin(), bytes.end(), d.begin() + static_cast<std::ptrdiff_t>(at));
  return d;
}

const std::vector<Part> kLayout = {{"uboot", 0, 0x40000, true}, {"kernel", 0x40000, 0x80000}, {"rootfs", 0xC0000, 0x40000}};

void check(const Unpacked& doc, const std::vector<Part>& want, const std::string& node_path) {
  const Node& r = doc.tree.at(0);
  REQUIRE(r.handler == std::string("dt_partitions"));
  CHECK(prop(r, "device_node") == node_path);
  CHECK(prop(r, "source") == "device tree at 0x60000, node " + node_path);
  REQUIRE(r.children.size() == want.size());
  std::string list;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const Node& c = doc.tree.at(r.children[i]);
    CHECK(c.locator == "d.bin/dt_partitions@0x0:" + want[i].name);
    CHECK(c.step.offset == want[i].offset);
    CHECK(c.size() == want[i].size);
    list += (list.empty() ? "" : ", ") + want[i].name + " " + hex_u64(want[i].offset) + "+" + hex_u64(want[i].size) + (want[i].read_only ? " ro" : "");
  }
  CHECK(prop(r, "partitions") == list);
  // The DTB, inside "kernel", is still read there.
  CHECK(node_at(doc, "d.bin/dt_partitions@0x0:kernel/fdt@0x20000") != nullptr);
}

}  // namespace

TEST_CASE("dt_partitions: a fixed-partitions node names and bounds the dump's partitions", "[formats][dt_partitions]") {
  check(unpack_bytes(dump_with(0x60000, dtb(kLayout, true)), "d.bin"), kLayout, "/flash@0");
}

TEST_CASE("dt_partitions: the older binding, and 64-bit cells", "[formats][dt_partitions]") {
  check(unpack_bytes(dump_with(0x60000, dtb(kLayout, false)), "d.bin"), kLayout, "/flash@0");
  check(unpack_bytes(dump_with(0x60000, dtb(kLayout, true, 2)), "d.bin"), kLayout, "/flash@0");
}

TEST_CASE("dt_partitions: maps that do not describe the dump, and damaged trees, are not applied", "[formats][dt_partitions][malformed]") {
  auto not_mapped = [](const std::vector<std::uint8_t>& bytes) {
    const Unpacked doc = unpack_bytes(bytes, "x.bin");
    for (const auto& n : doc.tree.nodes()) CHECK(n.handler != std::string("dt_partitions"));
  };
  not_mapped(dump_with(0x60000, dtb({{"a", 0, 0x40000}, {"b", 0x40000, 0x800000}}, true)));  // past the end
  not_mapped(dump_with(0x60000, dtb({{"a", 0, 0x40000}, {"b", 0x20000, 0x80000}}, true)));   // overlapping
  not_mapped(dump_with(0x60000, dtb({{"a", 0x80000, 0x80000}}, true)));                      // the DTB outside it
  auto bad = dump_with(0x60000, dtb(kLayout, true));
  bad[0x60000 + 8 + 3] ^= 0xFF;  // off_dt_struct: fdt_check_full refuses the tree
  not_mapped(bad);
  auto cut = dtb(kLayout, true);
  cut.resize(cut.size() / 2);
  not_mapped(dump_with(0x60000, cut));
}
