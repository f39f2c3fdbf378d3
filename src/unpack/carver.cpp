#include "unpack/carver.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <set>

#include "core/checked_math.hpp"
#include "core/hash.hpp"

namespace fwscan {
namespace {
constexpr std::uint64_t kMinPaddingRun = 64;

bool is_pad(std::uint8_t b) { return b == 0x00 || b == 0xFF; }

using Regions = std::vector<UnknownRegion>;

void push_region(Regions& out, std::uint64_t off, std::uint64_t len, bool padding) {
  if (len == 0) return;
  if (!out.empty() && out.back().padding == padding && out.back().offset + out.back().size == off) {
    out.back().size += len;
  } else {
    out.push_back({off, len, 0.0, padding});
  }
}

// The padding and data runs of [offset, offset + size), which is all data (no hole).
void classify_data(Regions& out, ByteView node, std::uint64_t offset, std::uint64_t size) {
  if (size == 0) return;
  // Whole gap of one padding byte value, however short, is padding.
  const std::uint8_t first = node[offset];
  bool uniform = is_pad(first);
  for (std::uint64_t i = offset; uniform && i < offset + size; ++i) uniform = node[i] == first;
  if (uniform) {
    push_region(out, offset, size, true);
    return;
  }
  // A padding run is a maximal run of one pad byte, kMinPaddingRun long or more: it holds one
  // of every kMinPaddingRun-th position, so only those are probed, and a probe that lands on a
  // pad byte is widened both ways to its run. Shorter runs of pad bytes are data.
  const std::uint64_t end = offset + size;
  std::uint64_t data_start = offset;
  for (std::uint64_t q = offset + kMinPaddingRun - 1; q < end; q += kMinPaddingRun) {
    const std::uint8_t b = node[q];
    if (!is_pad(b)) continue;
    std::uint64_t s = q, e = q + 1;
    while (s > data_start && node[s - 1] == b) --s;
    while (e < end && node[e] == b) ++e;
    if (e - s < kMinPaddingRun) continue;
    push_region(out, data_start, s - data_start, false);
    push_region(out, s, e - s, true);
    data_start = e;
    // The next run starts at e or later and holds a probe there or after.
    q = e + (kMinPaddingRun - 1 - (e - offset) % kMinPaddingRun) - kMinPaddingRun;
  }
  push_region(out, data_start, end - data_start, false);
}

}  // namespace

std::vector<UnknownRegion> classify_gap(ByteView node, std::uint64_t offset, std::uint64_t size) {
  const Extent all{0, node.size()};
  return classify_gap(node, offset, size, {&all, 1});
}

std::vector<UnknownRegion> classify_gap(ByteView node, std::uint64_t offset, std::uint64_t size, std::span<const Extent> data,
                                       bool with_entropy) {
  Regions out;
  const std::uint64_t end = offset + size;
  std::uint64_t pos = offset;
  for (const Extent& e : data) {
    const std::uint64_t b = std::max(e.offset, pos), x = std::min(e.offset + e.size, end);
    if (b >= x) continue;
    push_region(out, pos, b - pos, true);  // a hole: zeros, never read
    classify_data(out, node, b, x - b);
    pos = x;
  }
  push_region(out, pos, end - pos, true);
  if (!with_entropy) return out;
  // Entropy over each region, its holes counted as the zeros they read as (a padding region may
  // join runs of 0x00 and 0xFF).
  for (auto& r : out) {
    std::array<std::uint64_t, 256> counts{};
    std::uint64_t seen = 0;
    for (const Extent& e : data) {
      const std::uint64_t b = std::max(e.offset, r.offset), x = std::min(e.offset + e.size, r.offset + r.size);
      if (b >= x) continue;
      add_byte_counts(node.subspan(b, x - b), counts);
      seen += x - b;
    }
    counts[0] += r.size - seen;
    r.entropy = shannon_entropy(counts, r.size);
  }
  return out;
}

namespace {

// A handler's identify(), its exceptions turned into diagnostics.
std::optional<Chunk> try_identify(const Handler& h, ByteView node, std::uint64_t start, NodeMemo& memo, CarveResult& result) {
  try {
    return h.identify_in(node, start, memo);
  } catch (const std::exception& e) {
    result.diagnostics.push_back({Severity::kError, DiagCode::kInternalError, std::string("identify threw: ") + e.what(), std::string(h.info().id), start});
  } catch (...) {
    result.diagnostics.push_back({Severity::kError, DiagCode::kInternalError, "identify threw", std::string(h.info().id), start});
  }
  return std::nullopt;
}

// The carve over the data extents of a node (the rest is holes).
CarveResult carve_extents(ByteView node, std::span<const Extent> data, const Registry& registry, const Limits& limits, WorkerPool* pool) {
  CarveResult result;
  const std::vector<MagicHit> hits = registry.magic_index().find(node, data, pool);
  NodeMemo memo;
  // A partition map found anywhere in the node claims the whole node, or nothing
  // (HandlerInfo::maps_node): asked once per map handler, in registry order, before any chunk.
  std::set<std::size_t> maps;
  for (const MagicHit& h : hits) {
    if (registry.at(h.handler).info().maps_node) maps.insert(h.handler);
  }
  std::uint64_t covered_end = 0;  // end of the last accepted chunk
  for (const std::size_t m : maps) {
    auto map = try_identify(registry.at(m), node, 0, memo, result);
    if (!map || map->offset != 0 || map->size <= node.size() / 2 || map->size > node.size()) continue;
    covered_end = map->size;
    result.chunks.push_back({m, std::move(*map)});
    if (covered_end == node.size()) return result;
    break;  // carving goes on after the map's end
  }
  std::size_t i = 0;
  while (i < hits.size()) {
    const std::uint64_t start = hits[i].chunk_start;
    std::size_t j = i;
    while (j < hits.size() && hits[j].chunk_start == start) ++j;
    if (start < covered_end) { i = j; continue; }  // inside an accepted chunk
    if (result.chunks.size() >= limits.max_chunks_per_node) {
      result.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChunks,
                                    "more than " + std::to_string(limits.max_chunks_per_node) +
                                        " chunks; the rest of the node is left unknown",
                                    "", start});
      break;
    }
    // Same start offset: registry order decides (hits are sorted by handler index).
    for (std::size_t k = i; k < j; ++k) {
      const Handler& h = registry.at(hits[k].handler);
      if (h.info().maps_node) continue;  // asked above, at offset 0
      std::optional<Chunk> chunk = try_identify(h, node, start, memo, result);
      if (!chunk) continue;
      // A handler must return an extent inside the node, starting where it was asked.
      if (chunk->offset != start || chunk->size == 0 ||
          !range_fits(chunk->offset, chunk->size, node.size())) {
        result.diagnostics.push_back({Severity::kError, DiagCode::kInternalError,
                                      "identify returned an extent outside the node",
                                      std::string(h.info().id), start});
        continue;
      }
      result.chunks.push_back({hits[k].handler, std::move(*chunk)});
      covered_end = result.chunks.back().chunk.offset + result.chunks.back().chunk.size;
      break;
    }
    i = j;
  }
  std::uint64_t pos = 0;
  for (const auto& c : result.chunks) {
    auto gap = classify_gap(node, pos, c.chunk.offset - pos, data);
    result.unknown.insert(result.unknown.end(), gap.begin(), gap.end());
    pos = c.chunk.offset + c.chunk.size;
  }
  // A node without chunks keeps only how much of it is padding (its byte account): the
  // entropy of its regions, a second pass over all its bytes, is left out.
  auto gap = classify_gap(node, pos, node.size() - pos, data, !result.chunks.empty());
  result.unknown.insert(result.unknown.end(), gap.begin(), gap.end());
  return result;
}

}  // namespace

CarveResult carve(ByteView node, const Registry& registry, const Limits& limits) {
  const Extent all{0, node.size()};
  return carve_extents(node, {&all, 1}, registry, limits, nullptr);
}

CarveResult carve(const Blob& node, const Registry& registry, const Limits& limits, WorkerPool* pool) {
  const std::vector<Extent> data = node.data_extents();
  return carve_extents(node.bytes(), data, registry, limits, pool);
}

}  // namespace fwscan
