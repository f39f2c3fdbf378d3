#include "unpack/carver.hpp"

#include <exception>

#include "core/checked_math.hpp"
#include "core/hash.hpp"

namespace fwscan {
namespace {
constexpr std::uint64_t kMinPaddingRun = 64;

bool is_pad(std::uint8_t b) { return b == 0x00 || b == 0xFF; }
}  // namespace

std::vector<UnknownRegion> classify_gap(ByteView node, std::uint64_t offset, std::uint64_t size) {
  std::vector<UnknownRegion> out;
  if (size == 0) return out;
  auto push = [&](std::uint64_t off, std::uint64_t len, bool padding) {
    if (len == 0) return;
    if (!out.empty() && out.back().padding == padding && out.back().offset + out.back().size == off) {
      out.back().size += len;
    } else {
      out.push_back({off, len, 0.0, padding});
    }
  };
  // Whole gap of one padding byte value, however short, is padding.
  const std::uint8_t first = node[offset];
  bool uniform = is_pad(first);
  for (std::uint64_t i = offset; uniform && i < offset + size; ++i) uniform = node[i] == first;
  if (uniform) {
    out.push_back({offset, size, 0.0, true});
  } else {
    std::uint64_t data_start = offset;
    std::uint64_t i = offset;
    const std::uint64_t end = offset + size;
    while (i < end) {
      if (!is_pad(node[i])) { ++i; continue; }
      std::uint64_t j = i;
      while (j < end && node[j] == node[i]) ++j;
      if (j - i >= kMinPaddingRun) {
        push(data_start, i - data_start, false);
        push(i, j - i, true);
        data_start = j;
      }
      i = j;
    }
    push(data_start, end - data_start, false);
  }
  for (auto& r : out) r.entropy = shannon_entropy(node.subspan(r.offset, r.size));
  return out;
}

CarveResult carve(ByteView node, const Registry& registry, const Limits& limits) {
  CarveResult result;
  const std::vector<MagicHit> hits = registry.magic_index().find(node);
  std::uint64_t covered_end = 0;  // end of the last accepted chunk
  NodeMemo memo;
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
      std::optional<Chunk> chunk;
      try {
        chunk = h.identify_in(node, start, memo);
      } catch (const std::exception& e) {
        result.diagnostics.push_back({Severity::kError, DiagCode::kInternalError,
                                      std::string("identify threw: ") + e.what(),
                                      std::string(h.info().id), start});
      } catch (...) {
        result.diagnostics.push_back({Severity::kError, DiagCode::kInternalError, "identify threw",
                                      std::string(h.info().id), start});
      }
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
    auto gap = classify_gap(node, pos, c.chunk.offset - pos);
    result.unknown.insert(result.unknown.end(), gap.begin(), gap.end());
    pos = c.chunk.offset + c.chunk.size;
  }
  auto gap = classify_gap(node, pos, node.size() - pos);
  result.unknown.insert(result.unknown.end(), gap.begin(), gap.end());
  return result;
}

}  // namespace fwscan
