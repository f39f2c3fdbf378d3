// Flash partition map from a device tree (linux Documentation/devicetree/bindings/mtd/partitions/
// fixed-partitions.yaml, partition.yaml), as a dump holds it in a DTB (appended to a kernel, in a
// FIT, in its own partition): a "partitions" node (compatible "fixed-partitions"), or a flash
// node with "partition@<offset>" subnodes directly under it (the older binding), each with
// reg = <offset size> in the parent's #address-cells/#size-cells (default 1 and 1), an optional
// label (else the node's name) and read-only. Read through libfdt after fdt_check_full().
// Applied like mtdparts= (formats/common/partition_map.hpp): the whole node, when the map
// describes it and the DTB itself lies inside one of its partitions.
#include <libfdt.h>

#include <algorithm>
#include <cstring>

#include "core/reader.hpp"
#include "formats/common/partition_map.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

using partition_map::Map;
using partition_map::Partition;

constexpr std::size_t kMaxTrees = 64;        // DTBs tried per node
constexpr std::uint32_t kMaxTree = 4U << 20;
constexpr std::size_t kMaxPartitions = 128;
constexpr Magic kMagics[] = {{"d0 0d fe ed", 0}};
constexpr std::string_view kRefs[] = {"linux Documentation/devicetree/bindings/mtd/partitions/fixed-partitions.yaml, partition.yaml",
                                      "linux drivers/mtd/parsers/ofpart_core.c"};
constexpr std::string_view kLimits[] = {"partitions of a flash other than the dump (another chip, NAND with out-of-band bytes) are not applied unless they fit it",
                                        "partition tables a parser reads at run time (\"brcm,bcm4908-partitions\", \"qcom,smem-part\") are not read"};
constexpr HandlerInfo kInfo{"dt_partitions", Category::kFirmware, "Flash partition map from a device tree (fixed-partitions)", kMagics, kRefs,
                            kLimits, Support::kRead, true};

// A cells value (1 or 2 big-endian u32) at `p`.
std::uint64_t cells(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 32) | *load_be32({p + 4 * i, 4}, 0);
  return v;
}

int cell_count(const void* fdt, int node, const char* name) {
  int len = 0;
  const void* p = fdt_getprop(fdt, node, name, &len);
  if (p == nullptr || len != 4) return 1;
  return static_cast<int>(*load_be32({static_cast<const std::uint8_t*>(p), 4}, 0));
}

// The partitions under `node`: its "partition@..." subnodes (or, for a fixed-partitions node, all
// subnodes with a reg). Empty when they do not parse.
std::vector<Partition> partitions_under(const void* fdt, int node, bool fixed) {
  std::vector<Partition> parts;
  const int ac = cell_count(fdt, node, "#address-cells"), sc = cell_count(fdt, node, "#size-cells");
  if (ac < 1 || ac > 2 || sc < 1 || sc > 2) return {};
  int child = 0;
  fdt_for_each_subnode(child, fdt, node) {
    const char* name = fdt_get_name(fdt, child, nullptr);
    if (name == nullptr) return {};
    if (!fixed && std::strncmp(name, "partition@", 10) != 0) continue;
    int len = 0;
    const auto* reg = static_cast<const std::uint8_t*>(fdt_getprop(fdt, child, "reg", &len));
    if (reg == nullptr) continue;
    if (len != 4 * (ac + sc) || parts.size() >= kMaxPartitions) return {};
    Partition p;
    p.offset = cells(reg, ac);
    p.size = cells(reg + 4 * ac, sc);
    int llen = 0;
    const auto* label = static_cast<const char*>(fdt_getprop(fdt, child, "label", &llen));
    p.name = label != nullptr && llen > 0 ? std::string(label, strnlen(label, static_cast<std::size_t>(llen))) : std::string(name);
    if (p.name.empty()) p.name = name;
    p.read_only = fdt_getprop(fdt, child, "read-only", nullptr) != nullptr;
    parts.push_back(std::move(p));
  }
  return parts;
}

// The first partition map of the DTB at `at` that describes the node (exact: ends at its end).
std::optional<Map> map_in_tree(ByteView node, std::uint64_t at, bool exact) {
  auto total = load_be32(node, at + 4);
  if (!total || *total < 40 || *total > kMaxTree || *total > node.size() - at) return std::nullopt;
  const void* fdt = node.data() + at;
  if (fdt_check_full(fdt, *total) != 0) return std::nullopt;
  int n = -1, depth = 0;
  while ((n = fdt_next_node(fdt, n, &depth)) >= 0) {
    const char* name = fdt_get_name(fdt, n, nullptr);
    const bool fixed = fdt_node_check_compatible(fdt, n, "fixed-partitions") == 0 || (name != nullptr && std::strcmp(name, "partitions") == 0);
    auto parts = partitions_under(fdt, n, fixed);
    if (parts.empty() || !partition_map::describes(parts, node.size(), at)) continue;
    Map m;
    m.source_at = at;
    m.parts = std::move(parts);
    if (exact && m.end() != node.size()) continue;
    char path[256] = {};
    m.device = fdt_get_path(fdt, fixed ? fdt_parent_offset(fdt, n) : n, path, sizeof path) == 0 ? path : "?";
    m.source = "device tree at " + hex_u64(at) + ", node " + m.device;
    return m;
  }
  return std::nullopt;
}

std::optional<Map> find_map(ByteView node, bool exact) {
  static constexpr std::uint8_t kFdt[] = {0xd0, 0x0d, 0xfe, 0xed};
  std::size_t tried = 0;
  for (auto it = std::search(node.begin(), node.end(), std::begin(kFdt), std::end(kFdt)); it != node.end() && tried < kMaxTrees;
       it = std::search(it + 1, node.end(), std::begin(kFdt), std::end(kFdt)), ++tried) {
    if (auto m = map_in_tree(node, static_cast<std::uint64_t>(it - node.begin()), exact)) return m;
  }
  return std::nullopt;
}

}  // namespace

HandlerPtr make_dt_partitions_handler() { return std::make_unique<partition_map::MapHandler>(kInfo, find_map, "flash partition map from a device tree", "device_node"); }

}  // namespace fwscan
