// UBI images (linux drivers/mtd/ubi/ubi-media.h; camera-formats.md 4.6): the volumes rebuilt from
// the physical erase blocks (PEBs). All header words are big-endian.
//   EC header, at every PEB start (64 bytes): "UBI#", version 1, 3 pad, ec u64, vid_hdr_offset,
//     data_offset, image_seq, 32 pad, hdr_crc (over the first 60 bytes).
//   VID header, at vid_hdr_offset (64 bytes): "UBI!", version, vol_type (1 dynamic, 2 static),
//     copy_flag, compat, vol_id, lnum, 4 pad, data_size, used_ebs, data_pad, data_crc, 4 pad,
//     sqnum u64, 12 pad, hdr_crc. A PEB without one is free.
//   The layout volume (vol_id 0x7fffefff) holds the volume table: 172-byte records of
//     reserved_pebs, alignment, data_pad, vol_type, upd_marker, name_len u16, name[128], flags,
//     23 pad, crc (over the first 168 bytes).
// CRC: CRC-32 register initialised to 0xffffffff, no final XOR.
// When several PEBs hold the same (volume, LEB), the highest sqnum wins; a copy whose data CRC
// fails (copy_flag set) loses to the older copy, as in the kernel's attach code.
#include <algorithm>
#include <map>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/give_later.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kLayoutVolume = 0x7FFFEFFF;
constexpr std::uint64_t kMaxPeb = 16ULL << 20;     // largest erase block considered
constexpr std::uint64_t kMinPeb = 512;
constexpr std::uint32_t kMaxVolumes = 128;
constexpr std::uint32_t kVtblRecord = 172;
constexpr std::uint32_t kMaxBlankRun = 4096;       // erased or unreadable PEBs tolerated inside an image
constexpr Magic kMagics[] = {{"55 42 49 23 01 00 00 00"}};
constexpr std::string_view kRefs[] = {"linux drivers/mtd/ubi/ubi-media.h, drivers/mtd/ubi/attach.c", "camera-formats.md 4.6"};
constexpr std::string_view kLimits[] = {"fastmap anchors are not used: every PEB is read, which gives the same volumes"};
constexpr HandlerInfo kInfo{"ubi", Category::kFilesystem, "UBI image (volumes rebuilt from erase blocks)", kMagics, kRefs, kLimits};

std::uint32_t ubi_crc(ByteView v) { return crc32_ieee(v) ^ 0xFFFFFFFFU; }

struct EcHeader {
  std::uint32_t vid_offset = 0, data_offset = 0, image_seq = 0;
};

std::optional<EcHeader> ec_header(ByteView v, std::uint64_t off) {
  auto h = subview(v, off, 64);
  if (!h || !has_bytes_at(*h, 0, "UBI#") || (*h)[4] != 1) return std::nullopt;
  if (ubi_crc(h->subspan(0, 60)) != *load_be32(*h, 60)) return std::nullopt;
  EcHeader e{*load_be32(*h, 16), *load_be32(*h, 20), *load_be32(*h, 24)};
  if (e.vid_offset < 64 || e.data_offset < e.vid_offset + 64 || e.data_offset >= kMaxPeb) return std::nullopt;
  return e;
}

bool blank(ByteView v, std::uint64_t off) {
  auto h = subview(v, off, 64);
  return h && std::all_of(h->begin(), h->end(), [](std::uint8_t b) { return b == 0xFF; });
}

// The PEB size: the distance to the next EC header of the same image. Tried in increasing
// distances that are multiples of 512, so data that merely contains "UBI#" does not fool it.
std::optional<std::uint64_t> peb_size(ByteView v, std::uint64_t start, const EcHeader& first) {
  for (std::uint64_t d = std::max<std::uint64_t>(kMinPeb, align_up(first.data_offset, kMinPeb)); d <= kMaxPeb && start + d + 64 <= v.size(); d += kMinPeb) {
    if (!has_bytes_at(v, start + d, "UBI#")) continue;
    auto e = ec_header(v, start + d);
    if (e && e->image_seq == first.image_seq && e->data_offset == first.data_offset) return d;
  }
  return std::nullopt;
}

struct Geometry {
  std::uint64_t peb = 0, pebs = 0, end = 0;
  EcHeader ec;
};

// PEBs from `start` while EC headers continue (runs of erased PEBs allowed between them).
std::optional<Geometry> geometry(ByteView v, std::uint64_t start) {
  auto first = ec_header(v, start);
  if (!first) return std::nullopt;
  auto peb = peb_size(v, start, *first);
  if (!peb) return std::nullopt;
  Geometry g{*peb, 0, start, *first};
  std::uint32_t blanks = 0;
  for (std::uint64_t off = start; off + 64 <= v.size(); off += *peb) {
    auto e = ec_header(v, off);
    if (e && e->image_seq == first->image_seq) {
      blanks = 0;
      g.pebs = (off - start) / *peb + 1;
      g.end = std::min<std::uint64_t>(off + *peb, v.size());  // a dump may end inside its last PEB
    } else if (blank(v, off) && ++blanks <= kMaxBlankRun) {
      continue;
    } else {
      break;
    }
  }
  g.end -= start;
  return g;
}

struct Leb {
  std::uint64_t peb_offset = 0;
  std::uint64_t sqnum = 0;
  std::uint32_t data_size = 0, used_ebs = 0, data_pad = 0, data_crc = 0;
  std::uint8_t vol_type = 0;
  bool copy = false;
};

struct VolumeInfo {
  std::string name;
  std::uint8_t type = 0;  // 1 dynamic, 2 static
  std::uint32_t reserved_pebs = 0, data_pad = 0;
  bool in_table = false;
};

std::string vol_type_name(std::uint8_t t) { return t == 2 ? "static" : t == 1 ? "dynamic" : "type " + std::to_string(t); }

// A volume to read: its winning copy of each mapped LEB, and how many LEBs it spans.
struct VolumePlan {
  std::string name;
  bool is_static = false;
  std::uint64_t count = 0, usable = 0;
  std::map<std::uint32_t, Leb> lebs;  // lnum -> the copy that wins
};

// What reading the volumes needs, kept by the continuation that gives their bytes later.
struct Image {
  Blob chunk;
  std::uint64_t data_offset = 0;
  std::vector<VolumePlan> volumes;
  std::size_t next = 0;
};

// A volume's bytes: its LEBs in order, an unmapped LEB of a dynamic volume read as erased
// (0xff), no more than the node's output cap.
Blob read_volume(const Image& im, const VolumePlan& plan, ExtractContext& ctx, MoreBytes& out) {
  const ByteView v = im.chunk.bytes();
  const std::uint64_t cap = ctx.budget().max_output(v.size());
  std::vector<std::uint8_t> data;
  data.reserve(std::min(cap, plan.count * plan.usable));
  std::uint32_t missing = 0, bad_crc = 0;
  for (std::uint64_t lnum = 0; lnum < plan.count && data.size() < cap; ++lnum) {
    auto it = plan.lebs.find(static_cast<std::uint32_t>(lnum));
    if (it == plan.lebs.end()) {
      ++missing;
      if (!plan.is_static) data.insert(data.end(), std::min(plan.usable, cap - data.size()), 0xFF);
      continue;
    }
    const Leb& l = it->second;
    const std::uint64_t want = plan.is_static ? std::min<std::uint64_t>(l.data_size, plan.usable) : plan.usable;
    const std::uint64_t from = l.peb_offset + im.data_offset;
    const std::uint64_t have = std::min<std::uint64_t>(want, v.size() - std::min<std::uint64_t>(from, v.size()));
    const ByteView bytes = v.subspan(from, have);
    if (plan.is_static && ubi_crc(bytes) != l.data_crc) ++bad_crc;
    data.insert(data.end(), bytes.begin(), bytes.end());
  }
  if (data.size() > cap) data.resize(cap);
  if (plan.is_static && missing > 0) {
    out.complete = false;
    out.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "static volume '" + plan.name + "': " + std::to_string(missing) + " of " + std::to_string(plan.count) + " LEBs missing", "", std::nullopt});
  }
  if (bad_crc > 0) {
    out.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "static volume '" + plan.name + "': " + std::to_string(bad_crc) + " LEB data CRC mismatch(es)", "", std::nullopt});
  }
  if (!ctx.budget().charge(data.size())) {
    out.complete = false;
    out.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitTotal, "total extraction budget exhausted: volume '" + plan.name + "' not read", "", std::nullopt});
    return {};
  }
  return Blob::own(std::move(data));
}

// The next volumes' bytes, about ctx.batch_bytes() of them (one at least), in order.
MoreBytes next_volumes(Image& im, ExtractContext& ctx) {
  MoreBytes out;
  std::uint64_t bytes = 0;
  while (im.next < im.volumes.size() && (out.bytes.empty() || bytes + im.volumes[im.next].count * im.volumes[im.next].usable <= ctx.batch_bytes())) {
    const VolumePlan& plan = im.volumes[im.next];
    Blob b = read_volume(im, plan, ctx, out);
    bytes += b.size();
    out.bytes.emplace_back(im.next, std::move(b));
    ++im.next;
  }
  return out;
}

class UbiHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    auto g = geometry(node, start);
    if (!g || g->pebs < 2) return std::nullopt;
    return Chunk{start, g->end, Confidence::kHigh,
                 "UBI image, " + std::to_string(g->pebs) + " PEBs of " + human_size(g->peb) + ", image_seq " + hex_u32_fixed(g->ec.image_seq)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const ByteView v = chunk.bytes();
    Extraction ex;
    auto g = geometry(v, 0);
    if (!g) return make_error(Errc::kMalformed, "no UBI erase-counter header at the chunk start", 0);
    const std::uint64_t leb_size = g->peb - g->ec.data_offset;
    std::uint32_t bad_vid = 0, free_pebs = 0, bad_ec = 0, bad_copies = 0;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<Leb>> lebs;  // (vol_id, lnum) -> copies
    for (std::uint64_t i = 0; i < g->pebs; ++i) {
      const std::uint64_t off = i * g->peb;
      auto ec = ec_header(v, off);
      if (!ec) { ++bad_ec; continue; }
      auto h = subview(v, off + ec->vid_offset, 64);
      if (!h || !has_bytes_at(*h, 0, "UBI!")) { ++free_pebs; continue; }
      if (ubi_crc(h->subspan(0, 60)) != *load_be32(*h, 60)) { ++bad_vid; continue; }
      Leb l;
      l.peb_offset = off;
      l.vol_type = (*h)[5];
      l.copy = (*h)[6] != 0;
      const std::uint32_t vol_id = *load_be32(*h, 8), lnum = *load_be32(*h, 12);
      l.data_size = *load_be32(*h, 20);
      l.used_ebs = *load_be32(*h, 24);
      l.data_pad = *load_be32(*h, 28);
      l.data_crc = *load_be32(*h, 32);
      l.sqnum = *load_be64(*h, 40);
      if (ec->data_offset != g->ec.data_offset || l.data_pad >= leb_size || (vol_id >= kMaxVolumes && vol_id != kLayoutVolume)) { ++bad_vid; continue; }
      lebs[{vol_id, lnum}].push_back(l);
    }
    // The winning copy of every LEB: newest first; a copy whose data CRC fails loses.
    auto pick = [&](std::vector<Leb>& copies) -> const Leb* {
      std::sort(copies.begin(), copies.end(), [](const Leb& a, const Leb& b) { return a.sqnum > b.sqnum; });
      for (const Leb& l : copies) {
        if (!l.copy) return &l;
        auto data = subview(v, l.peb_offset + g->ec.data_offset, l.data_size);
        if (data && ubi_crc(*data) == l.data_crc) return &l;
        ++bad_copies;
      }
      return copies.empty() ? nullptr : &copies.back();
    };

    std::map<std::uint32_t, VolumeInfo> volumes;
    if (auto it = lebs.find({kLayoutVolume, 0}); it != lebs.end()) {
      const Leb* l = pick(it->second);
      const ByteView table = v.subspan(l->peb_offset + g->ec.data_offset, std::min<std::uint64_t>(leb_size, v.size() - l->peb_offset - g->ec.data_offset));
      std::uint32_t bad_records = 0;
      for (std::uint32_t i = 0; i < kMaxVolumes && (i + 1) * kVtblRecord <= table.size(); ++i) {
        const ByteView rec = table.subspan(i * kVtblRecord, kVtblRecord);
        const std::uint32_t reserved = *load_be32(rec, 0);
        if (reserved == 0) continue;
        if (ubi_crc(rec.subspan(0, 168)) != *load_be32(rec, 168)) { ++bad_records; continue; }
        const std::uint16_t name_len = std::min<std::uint16_t>(*load_be16(rec, 14), 127);
        VolumeInfo vi;
        vi.name = std::string(as_chars(rec.subspan(16, name_len)));
        vi.type = rec[12];
        vi.reserved_pebs = reserved;
        vi.data_pad = *load_be32(rec, 8);
        vi.in_table = true;
        volumes[i] = vi;
      }
      if (bad_records > 0) {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, std::to_string(bad_records) + " volume table record(s) fail their CRC and were skipped", "", std::nullopt});
      }
    } else {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "no layout volume: volumes named by id", "", std::nullopt});
    }
    // Volumes that have LEBs but no table record are still rebuilt.
    for (const auto& [key, copies] : lebs) {
      if (key.first == kLayoutVolume || volumes.count(key.first)) continue;
      VolumeInfo vi;
      vi.type = copies.front().vol_type;
      volumes[key.first] = vi;
    }

    ex.properties = {{"peb_size", std::to_string(g->peb)},
                     {"leb_size", std::to_string(leb_size)},
                     {"pebs", std::to_string(g->pebs)},
                     {"image_seq", hex_u32_fixed(g->ec.image_seq)},
                     {"vid_header_offset", std::to_string(g->ec.vid_offset)},
                     {"data_offset", std::to_string(g->ec.data_offset)},
                     {"free_pebs", std::to_string(free_pebs)}};
    if (bad_vid > 0 || bad_ec > 0) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch,
                                std::to_string(bad_ec) + " erase-counter and " + std::to_string(bad_vid) + " volume-id header(s) damaged; those PEBs were skipped", "", std::nullopt});
    }

    // Each volume's plan now; its bytes when the unpacker reaches it (Extraction::more), one
    // volume a batch or more, so the decoded volumes are not all in memory at once. Without
    // batches, every volume now, through the same reader.
    auto image = std::make_shared<Image>();
    image->chunk = chunk;
    image->data_offset = g->ec.data_offset;
    for (auto& [vol_id, vi] : volumes) {
      const std::string name = vi.name.empty() ? "volume_" + std::to_string(vol_id) : vi.name;
      const std::uint64_t usable = leb_size - std::min<std::uint64_t>(vi.data_pad, leb_size);
      // Highest mapped LEB, and for static volumes the LEB count their headers state.
      std::uint32_t max_lnum = 0, used_ebs = 0;
      std::uint64_t mapped = 0;
      bool any = false;
      VolumePlan plan{name, vi.type == 2, 0, usable, {}};
      for (auto it = lebs.lower_bound({vol_id, 0}); it != lebs.end() && it->first.first == vol_id; ++it) {
        max_lnum = it->first.second;
        any = true;
        ++mapped;
        used_ebs = std::max(used_ebs, it->second.front().used_ebs);
        if (const Leb* l = pick(it->second)) plan.lebs.emplace(it->first.second, *l);
      }
      std::uint64_t& count = plan.count;
      count = plan.is_static ? used_ebs : (any ? max_lnum + 1ULL : 0);
      if (plan.is_static && count > g->pebs) count = g->pebs;
      if (vi.in_table && count > vi.reserved_pebs) {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "volume '" + name + "' maps LEB " + std::to_string(count - 1) + " beyond its " + std::to_string(vi.reserved_pebs) + " reserved PEBs", "", std::nullopt});
      }
      ex.properties.emplace_back("volume " + std::to_string(vol_id), name + " (" + vol_type_name(vi.type) + ", " + std::to_string(count) + " LEBs)");
      // Unmapped LEBs of a dynamic volume read as erased, but no more of them than the
      // expansion ratio allows for the LEBs the image holds (one LEB mapped at 2^31 is not a
      // 256 TiB volume).
      const auto most = static_cast<std::uint64_t>(static_cast<double>(std::max<std::uint64_t>(mapped, 1)) * ctx.limits().max_expansion_ratio);
      if (!plan.is_static && count > most) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitFile,
                                  "volume '" + name + "' maps LEB " + std::to_string(count - 1) + " with " + std::to_string(mapped) +
                                      " LEBs in the image: the erased LEBs between are past the expansion ratio; read as its first " + std::to_string(most) + " LEBs",
                                  "", std::nullopt});
        count = most;
      }
      const std::uint64_t cap = ctx.budget().max_output(chunk.size());
      if (count * usable > cap) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize,
                                  "volume '" + name + "' (" + std::to_string(count * usable) + " bytes) is past the node's output cap: cut to " + std::to_string(cap), "", std::nullopt});
      }
      Child c;
      c.name = name;
      c.origin = ChildOrigin::kDecoded;
      c.later = true;
      ex.children.push_back(std::move(c));
      image->volumes.push_back(std::move(plan));
    }
    if (bad_copies > 0) {
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kChecksumMismatch, std::to_string(bad_copies) + " interrupted LEB copies ignored (data CRC)", "", std::nullopt});
    }
    ex.description = "UBI image, " + std::to_string(g->pebs) + " PEBs of " + human_size(g->peb) + ", " + std::to_string(ex.children.size()) + " volume(s)";
    if (image->volumes.empty()) return ex;
    return give_later(std::move(ex), [image](ExtractContext& next) { return next_volumes(*image, next); }, ctx);
  }
};

}  // namespace

HandlerPtr make_ubi_handler() { return std::make_unique<UbiHandler>(); }

}  // namespace fwscan
