#include "formats/common/partition_map.hpp"

#include <algorithm>

#include "core/hash.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan::partition_map {
namespace {

bool all_padding(ByteView v) {
  return v.empty() || ((v[0] == 0x00 || v[0] == 0xFF) && std::all_of(v.begin(), v.end(), [&](std::uint8_t b) { return b == v[0]; }));
}

}  // namespace

std::uint64_t Map::end() const {
  std::uint64_t e = 0;
  for (const Partition& p : parts) e = std::max(e, p.offset + p.size);
  return e;
}

bool describes(const std::vector<Partition>& parts, std::uint64_t device, std::uint64_t source_at) {
  if (parts.empty()) return false;
  std::vector<const Partition*> sorted;
  for (const Partition& p : parts) {
    if (p.size == 0 || p.offset >= device || p.size > device - p.offset || p.size == device) return false;
    sorted.push_back(&p);
  }
  std::sort(sorted.begin(), sorted.end(), [](const Partition* a, const Partition* b) { return a->offset < b->offset; });
  for (std::size_t k = 1; k < sorted.size(); ++k) {
    if (sorted[k]->offset < sorted[k - 1]->offset + sorted[k - 1]->size) return false;
  }
  const std::uint64_t end = sorted.back()->offset + sorted.back()->size;
  const bool inside = std::any_of(sorted.begin(), sorted.end(), [&](const Partition* p) { return source_at >= p->offset && source_at - p->offset < p->size; });
  return end > device / 2 && inside;
}

Extraction extraction(const Blob& chunk, const Map& m, const std::string& device_key) {
  Extraction ex;
  ex.properties = {{device_key, m.device}, {"source", m.source}};
  std::string list;
  for (const Partition& p : m.parts) {
    list += (list.empty() ? "" : ", ") + p.name + " " + hex_u64(p.offset) + "+" + hex_u64(p.size) + (p.read_only ? " ro" : "");
    Child c;
    c.name = p.name;
    c.origin = ChildOrigin::kCarved;
    c.offset = p.offset;
    c.partition = true;
    c.data = *chunk.slice(p.offset, p.size);
    ex.children.push_back(std::move(c));
  }
  ex.properties.emplace_back("partitions", list);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
  for (const Partition& p : m.parts) spans.emplace_back(p.offset, p.offset + p.size);
  std::sort(spans.begin(), spans.end());
  spans.emplace_back(chunk.size(), chunk.size());
  std::uint64_t pos = 0;
  for (const auto& [from, to] : spans) {
    if (from > pos && !all_padding(chunk.bytes().subspan(pos, from - pos))) {
      Child c;
      c.name = "gap-" + hex_u64(pos);
      c.origin = ChildOrigin::kCarved;
      c.offset = pos;
      c.data = *chunk.slice(pos, from - pos);
      ex.children.push_back(std::move(c));
    }
    pos = std::max(pos, to);
  }
  return ex;
}

std::optional<Chunk> MapHandler::identify(ByteView node, std::uint64_t start) const {
  if (start != 0) return std::nullopt;
  auto m = find_(node, false);
  if (!m) return std::nullopt;
  return Chunk{0, m->end(), Confidence::kHigh,
               what_ + " (" + m->device + "), " + std::to_string(m->parts.size()) + " partitions, " + human_size(m->end())};
}

Result<Extraction> MapHandler::extract(const Blob& chunk, ExtractContext&) const {
  auto m = find_(chunk.bytes(), true);
  if (!m) return make_error(Errc::kMalformed, "no partition map describes the chunk", 0);
  return extraction(chunk, *m, device_key_);
}

}  // namespace fwscan::partition_map
