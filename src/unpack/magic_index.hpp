#pragma once
// Multi-pattern matcher over every handler's magics. Patterns are bucketed by their first
// two fixed bytes and verified with a masked compare. The find() interface allows a later
// swap for Aho-Corasick or Hyperscan.
#include <array>
#include <bitset>
#include <cstdint>
#include <string_view>
#include <vector>

#include "unpack/handler.hpp"

namespace fwscan {

class WorkerPool;

struct MagicHit {
  std::uint64_t chunk_start;   // hit offset minus the magic's header_offset
  std::size_t handler;         // index in the registry
  bool operator==(const MagicHit&) const = default;
};

struct CompiledMagic {
  std::vector<std::uint8_t> bytes, mask;  // mask 0xFF = fixed byte, 0x00 = wildcard
  std::size_t anchor = 0;                  // position of the two fixed bytes used as bucket key
  std::uint32_t header_offset = 0;
  bool at_start_only = false;
  std::size_t handler = 0;
};

// Parses "1f 8b ?? 08" into bytes and mask; aborts on a malformed pattern (our own data).
CompiledMagic compile_magic(std::string_view pattern);

class MagicIndex {
 public:
  MagicIndex() = default;
  explicit MagicIndex(const std::vector<HandlerPtr>& handlers);
  // Sorted by (chunk_start, handler); duplicates removed.
  std::vector<MagicHit> find(ByteView data) const;
  // Only magics whose anchor lies in one of `extents` (a blob's data; the rest is holes).
  std::vector<MagicHit> find(ByteView data, std::span<const Extent> extents) const;
  // The same hits, the extents cut into pieces searched on the pool: a pattern is tested where
  // its anchor pair starts, reading the data on both sides, so any cut gives the same hits.
  std::vector<MagicHit> find(ByteView data, std::span<const Extent> extents, WorkerPool* pool) const;
  std::size_t pattern_count() const { return patterns_.size(); }

 private:
  std::vector<CompiledMagic> patterns_;
  std::vector<std::vector<std::uint32_t>> buckets_;  // 65536 buckets of pattern indexes
  std::bitset<65536> used_;
};

}  // namespace fwscan
