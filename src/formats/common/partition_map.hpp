#pragma once
// What every partition-map handler (HandlerInfo::maps_node) shares, whatever holds the map (a
// U-Boot environment's mtdparts=, a device tree's partitions node): when a map describes the node
// that holds it, and the extraction it gives (DESIGN.md 4.9).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/blob.hpp"
#include "unpack/handler.hpp"

namespace fwscan::partition_map {

struct Partition {
  std::string name;
  std::uint64_t offset = 0, size = 0;
  bool read_only = false;
};

struct Map {
  std::uint64_t source_at = 0;  // where the map itself sits in the node
  std::string device;           // the map's name for the device (mtd-id, device-tree node path)
  std::string source;           // what held it, for the report
  std::vector<Partition> parts;
  std::uint64_t end() const;    // the end of the last partition
};

// Whether `parts` describe a device of `device` bytes whose map sits at `source_at`: every
// partition inside the device and smaller than it, none overlapping another, the last ending
// past the device's middle, and the map's own bytes inside one of them.
bool describes(const std::vector<Partition>& parts, std::uint64_t device, std::uint64_t source_at);

// The chunk's extraction: each partition a carved child (Child::partition) named by the map;
// what lies between partitions, unless it is padding, a carved child named "gap-<offset>"; the
// properties `device`-key, "source" and "partitions" (name offset+size [ro], ...).
Extraction extraction(const Blob& chunk, const Map& m, const std::string& device_key);

// A partition-map handler: `find` gives the first map in a node that describes it (with
// `exact`, one that also ends at the node's end: extract() sees only the chunk identify()
// claimed, which ends where the map ends). identify() claims [0, the map's end) at offset 0;
// extract() gives extraction() of the same map.
class MapHandler final : public Handler {
 public:
  using Find = std::optional<Map> (*)(ByteView node, bool exact);
  MapHandler(const HandlerInfo& info, Find find, std::string what, std::string device_key)
      : info_(info), find_(find), what_(std::move(what)), device_key_(std::move(device_key)) {}
  const HandlerInfo& info() const override { return info_; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override;
  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override;

 private:
  const HandlerInfo& info_;
  Find find_;
  std::string what_, device_key_;
};

}  // namespace fwscan::partition_map
