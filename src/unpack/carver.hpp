#pragma once
// The carver: magic hits → validated chunks with exact extents → unknown regions.
#include <cstdint>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/limits.hpp"
#include "unpack/handler.hpp"
#include "unpack/registry.hpp"

namespace fwscan {

class WorkerPool;

struct CarvedChunk {
  std::size_t handler = 0;
  Chunk chunk;
};

struct UnknownRegion {
  std::uint64_t offset = 0, size = 0;
  double entropy = 0.0;
  bool padding = false;        // all 0x00 or all 0xFF
};

struct CarveResult {
  std::vector<CarvedChunk> chunks;     // sorted by offset, non-overlapping
  std::vector<UnknownRegion> unknown;  // every byte not in a chunk, split into padding/data runs
                                       // (their entropy only when there are chunks)
  std::vector<Diagnostic> diagnostics;
};

CarveResult carve(ByteView node, const Registry& registry, const Limits& limits);
// The same over a blob with holes (Blob::data_extents): magics are looked for in its data
// alone, and a hole is zero padding that is never read.
// With a pool, the magics of a large node are looked for on it (MagicIndex::find).
CarveResult carve(const Blob& node, const Registry& registry, const Limits& limits, WorkerPool* pool = nullptr);

// Splits [offset, offset+size) of `node` into padding runs (>= kMinPaddingRun bytes of 0x00
// or 0xFF) and data runs. `data`: the node's data extents; the rest is holes (zero padding).
std::vector<UnknownRegion> classify_gap(ByteView node, std::uint64_t offset, std::uint64_t size);
// `with_entropy` false: the regions' entropy is left 0 (a caller that keeps only their sizes).
std::vector<UnknownRegion> classify_gap(ByteView node, std::uint64_t offset, std::uint64_t size, std::span<const Extent> data,
                                       bool with_entropy = true);

}  // namespace fwscan
