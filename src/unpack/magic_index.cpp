#include "unpack/magic_index.hpp"

#include <algorithm>
#include <cassert>
#include <cstdlib>

#include "core/hash.hpp"
#include "core/worker_pool.hpp"

namespace fwscan {

CompiledMagic compile_magic(std::string_view pattern) {
  CompiledMagic m;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == ' ') { ++i; continue; }
    if (i + 1 >= pattern.size()) std::abort();
    if (pattern[i] == '?' && pattern[i + 1] == '?') {
      m.bytes.push_back(0);
      m.mask.push_back(0);
    } else {
      const int hi = hex_digit_value(pattern[i]);
      const int lo = hex_digit_value(pattern[i + 1]);
      if (hi < 0 || lo < 0) std::abort();
      m.bytes.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
      m.mask.push_back(0xFF);
    }
    i += 2;
  }
  // The anchor is the first pair of adjacent fixed bytes with the fewest 00/FF bytes: padding and
  // erased flash are runs of those, and an anchor on "00 00" would test the pattern at every
  // position of a zero-filled file-system image.
  int best = 3;
  for (std::size_t a = 0; a + 1 < m.bytes.size(); ++a) {
    if (m.mask[a] != 0xFF || m.mask[a + 1] != 0xFF) continue;
    const int common = (m.bytes[a] == 0x00 || m.bytes[a] == 0xFF ? 1 : 0) + (m.bytes[a + 1] == 0x00 || m.bytes[a + 1] == 0xFF ? 1 : 0);
    if (common < best) {
      best = common;
      m.anchor = a;
    }
  }
  if (best == 3) std::abort();  // every magic needs two adjacent fixed bytes
  return m;
}

MagicIndex::MagicIndex(const std::vector<HandlerPtr>& handlers) : buckets_(65536) {
  for (std::size_t h = 0; h < handlers.size(); ++h) {
    for (const Magic& magic : handlers[h]->info().magics) {
      CompiledMagic m = compile_magic(magic.pattern);
      m.header_offset = magic.header_offset;
      m.at_start_only = magic.at_start_only;
      m.handler = h;
      const std::uint32_t key = (std::uint32_t{m.bytes[m.anchor]} << 8) | m.bytes[m.anchor + 1];
      buckets_[key].push_back(static_cast<std::uint32_t>(patterns_.size()));
      used_.set(key);
      patterns_.push_back(std::move(m));
    }
  }
}

std::vector<MagicHit> MagicIndex::find(ByteView data) const {
  const Extent all{0, data.size()};
  return find(data, {&all, 1});
}

std::vector<MagicHit> MagicIndex::find(ByteView data, std::span<const Extent> extents, WorkerPool* pool) const {
  constexpr std::uint64_t kPiece = 8ULL << 20;
  std::uint64_t total = 0;
  for (const Extent& e : extents) total += e.size;
  if (pool == nullptr || pool->jobs() < 2 || total <= kPiece) return find(data, extents);
  std::vector<Extent> pieces;
  for (const Extent& e : extents) {
    for (std::uint64_t at = 0; at < e.size; at += kPiece) pieces.push_back({e.offset + at, std::min(kPiece, e.size - at)});
  }
  std::vector<std::vector<MagicHit>> found(pieces.size());
  pool->run(pieces.size(), [&](std::size_t i, unsigned) { found[i] = find(data, {&pieces[i], 1}); });
  std::vector<MagicHit> hits;
  for (auto& f : found) hits.insert(hits.end(), f.begin(), f.end());
  std::sort(hits.begin(), hits.end(), [](const MagicHit& a, const MagicHit& b) {
    return a.chunk_start != b.chunk_start ? a.chunk_start < b.chunk_start : a.handler < b.handler;
  });
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  return hits;
}

std::vector<MagicHit> MagicIndex::find(ByteView data, std::span<const Extent> extents) const {
  std::vector<MagicHit> hits;
  if (data.size() < 2 || patterns_.empty()) return hits;
  const std::uint8_t* d = data.data();
  const std::size_t n = data.size();
  for (const Extent& e : extents) {
    const std::size_t last = static_cast<std::size_t>(std::min<std::uint64_t>(e.offset + e.size, n));
    for (std::size_t i = static_cast<std::size_t>(e.offset); i < last && i + 1 < n; ++i) {
      const std::uint32_t key = (std::uint32_t{d[i]} << 8) | d[i + 1];
      if (!used_.test(key)) continue;
      for (std::uint32_t pi : buckets_[key]) {
        const CompiledMagic& m = patterns_[pi];
        if (i < m.anchor) continue;
        const std::size_t pos = i - m.anchor;
        if (m.bytes.size() > n - pos) continue;
        bool ok = true;
        for (std::size_t k = 0; k < m.bytes.size(); ++k) {
          if ((d[pos + k] & m.mask[k]) != m.bytes[k]) { ok = false; break; }
        }
        if (!ok || pos < m.header_offset) continue;
        const std::uint64_t start = pos - m.header_offset;
        if (m.at_start_only && start != 0) continue;
        hits.push_back({start, m.handler});
      }
    }
  }
  std::sort(hits.begin(), hits.end(), [](const MagicHit& a, const MagicHit& b) {
    return a.chunk_start != b.chunk_start ? a.chunk_start < b.chunk_start : a.handler < b.handler;
  });
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  return hits;
}

}  // namespace fwscan
