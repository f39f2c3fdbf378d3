// Reolink / Swann PAK (camera-formats.md 3.3; pakler structure.py, hn/reolink-camera):
//   magic u32 0x32725913 (or 0x32725923), CRC u32, type u32, then N section entries {name[32],
//   version[24], start u32, len u32} and N partition entries {name[32], a i32, mtd[32], start u32,
//   len u32}. N is not stored: sections are read until a name repeats the first one (that entry is
//   the first partition). PAK64 widens magic/CRC/type and the section start/len to 8 bytes (the
//   high words at 4, 12 and 20 are zero).
// CRC (32-bit PAK): CRC-32 register from 0, no final XOR, over the section data (end of header to
// end of file), then the type with its byte 1 zeroed, then the section table.
// PAKS variant ("SKAP" on disk, u32 0x50414b53): a 104-byte header (magic, ?, file_size, 1, 0, bdid,
// ?, hwver[32], fwver[32], data_size, section count, 0), then the sections inline, each behind an
// 88-byte header (imgs, checksum, name[32], version[32], len, 3 unknown words). Its checksum
// algorithm is not documented: reported, not verified.
#include <algorithm>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"13 59 72 32"}, {"23 59 72 32"}, {"53 4b 41 50"}};
constexpr std::string_view kRefs[] = {"camera-formats.md 3.3", "vmallet/pakler pakler/structure.py", "hn/reolink-camera unpack-novatek-firmware.pl"};
constexpr std::string_view kLimits[] = {"PAK64: the CRC is not verified (its input order is not documented)",
                                        "PAKS: section checksums are reported, not verified (algorithm undocumented)"};
constexpr HandlerInfo kInfo{"reolink_pak", Category::kFirmware, "Reolink/Swann PAK firmware", kMagics, kRefs, kLimits};
constexpr std::uint32_t kMaxSections = 64;

struct Section {
  std::string name, version;
  std::uint64_t start = 0, len = 0;
};
struct Partition {
  std::string name, mtd;
  std::uint32_t start = 0, len = 0;
};
struct Pak {
  bool wide = false;
  std::uint32_t crc = 0, type = 0;
  std::vector<Section> sections;
  std::vector<Partition> partitions;
  std::uint64_t header = 0, end = 0, table_at = 0, table_len = 0;
};

std::string cstr(ByteView v) {
  std::string_view s = as_chars(v);
  return std::string(s.substr(0, s.find('\0')));
}

std::optional<Pak> parse(ByteView v) {
  Pak p;
  p.wide = load_le32(v, 4) == 0U && load_le32(v, 12) == 0U && load_le32(v, 20) == 0U;
  const std::uint64_t w = p.wide ? 8 : 4;
  const std::uint64_t entry = 32 + 24 + 2 * w;
  p.table_at = 3 * w;
  auto crc = load_le32(v, w), type = load_le32(v, 2 * w);
  if (!crc || !type) return std::nullopt;
  p.crc = *crc;
  p.type = *type;
  std::string first;
  for (std::uint32_t i = 0; i < kMaxSections; ++i) {
    auto e = subview(v, p.table_at + i * entry, entry);
    if (!e) return std::nullopt;
    const std::string name = cstr(e->subspan(0, 32));
    if (i == 0) first = name;
    else if (name == first) break;  // the first partition entry
    if (name.empty() || std::any_of(name.begin(), name.end(), [](char c) { return c < 0x20 || c > 0x7E; })) return std::nullopt;
    Section s{name, cstr(e->subspan(32, 24)), 0, 0};
    s.start = p.wide ? *load_le64(*e, 56) : *load_le32(*e, 56);
    s.len = p.wide ? *load_le64(*e, 64) : *load_le32(*e, 60);
    p.sections.push_back(std::move(s));
  }
  const std::uint64_t n = p.sections.size();
  if (n < 2 || n >= kMaxSections) return std::nullopt;
  p.table_len = n * entry;
  const std::uint64_t parts_at = p.table_at + p.table_len;
  for (std::uint64_t i = 0; i < n; ++i) {
    auto e = subview(v, parts_at + i * 76, 76);
    if (!e) return std::nullopt;
    p.partitions.push_back({cstr(e->subspan(0, 32)), cstr(e->subspan(36, 32)), *load_le32(*e, 68), *load_le32(*e, 72)});
  }
  p.header = parts_at + n * 76;
  p.end = p.header;
  for (const Section& s : p.sections) {
    if (s.len == 0) continue;
    if (s.start < p.header) return std::nullopt;  // data inside the header
    p.end = std::max(p.end, s.start + s.len);
  }
  return p;
}

struct PaksSection {
  std::string name, version;
  std::uint64_t data = 0, len = 0;
  std::uint32_t checksum = 0;
};
struct Paks {
  std::string hw, fw;
  std::vector<PaksSection> sections;
  std::uint64_t end = 0;
};

std::optional<Paks> parse_paks(ByteView v) {
  if (!has_bytes_at(v, 0, "SKAP")) return std::nullopt;
  auto count = load_le32(v, 96);
  if (!count || *count == 0 || *count > kMaxSections || v.size() < 104) return std::nullopt;
  Paks p;
  p.hw = cstr(v.subspan(28, 32));
  p.fw = cstr(v.subspan(60, 32));
  std::uint64_t pos = 104;
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto h = subview(v, pos, 88);
    if (!h) return i == 0 ? std::nullopt : std::optional<Paks>(p);
    PaksSection s{cstr(h->subspan(8, 32)), cstr(h->subspan(40, 32)), pos + 88, *load_le32(*h, 72), *load_le32(*h, 4)};
    if (s.name.empty() || std::any_of(s.name.begin(), s.name.end(), [](char c) { return c < 0x20 || c > 0x7E; })) return std::nullopt;
    pos = s.data + s.len;
    p.sections.push_back(std::move(s));
  }
  p.end = pos;
  return p;
}

std::uint32_t pak_crc(ByteView v, const Pak& p) {
  std::uint32_t c = crc32_ieee(v.subspan(p.header, p.end - p.header), 0xFFFFFFFFU);
  std::uint8_t type[4];
  for (int i = 0; i < 4; ++i) type[i] = static_cast<std::uint8_t>(p.type >> (8 * i));
  type[1] = 0;
  c = crc32_ieee({type, 4}, c);
  c = crc32_ieee(v.subspan(p.table_at, p.table_len), c);
  return c ^ 0xFFFFFFFFU;
}

class ReolinkPakHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    if (has_bytes_at(at, 0, "SKAP")) {
      auto k = parse_paks(at);
      if (!k) return std::nullopt;
      const std::string d = "Reolink PAKS, " + std::to_string(k->sections.size()) + " sections";
      if (k->end > at.size()) return Chunk{start, at.size(), Confidence::kLow, d + ", truncated"};
      return Chunk{start, k->end, Confidence::kHigh, d + ", " + human_size(k->end)};
    }
    auto p = parse(at);
    if (!p) return std::nullopt;
    const std::string d = std::string(p->wide ? "Reolink PAK64" : "Reolink PAK") + ", " + std::to_string(p->sections.size()) + " sections";
    if (p->end > at.size()) return Chunk{start, at.size(), Confidence::kLow, d + ", truncated"};
    return Chunk{start, p->end, Confidence::kHigh, d + ", " + human_size(p->end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    const ByteView v = chunk.bytes();
    if (has_bytes_at(v, 0, "SKAP")) return extract_paks(chunk);
    auto p = parse(v);
    if (!p) return make_error(Errc::kMalformed, "PAK header", 0);
    Extraction ex;
    ex.properties.emplace_back("type", hex_u32_fixed(p->type));
    if (p->wide) {
      ex.properties.emplace_back("crc", "not verified (PAK64)");
    } else if (p->end <= v.size()) {
      const std::uint32_t got = pak_crc(v, *p);
      ex.properties.emplace_back("crc", got == p->crc ? "ok" : "mismatch");
      if (got != p->crc) {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "PAK CRC is " + hex_u32_fixed(got) + ", the header says " + hex_u32_fixed(p->crc), "", 4});
      }
    }
    for (const Partition& part : p->partitions) {
      ex.properties.emplace_back("partition " + part.name, part.mtd + " [" + hex_u64(part.start) + ", " + hex_u64(static_cast<std::uint64_t>(part.start) + part.len) + ")");
    }
    for (const Section& s : p->sections) {
      if (!s.version.empty()) ex.properties.emplace_back("version " + s.name, s.version);
      if (s.len != 0) add_section(ex, chunk, s.name, s.start, s.len);
    }
    return ex;
  }

 private:
  // One section as a carved child, or a `truncated` diagnostic when it runs past the data.
  static void add_section(Extraction& ex, const Blob& chunk, const std::string& name, std::uint64_t start, std::uint64_t len) {
    if (!range_fits(start, len, chunk.size())) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "section '" + name + "' runs past the data", "", start});
      return;
    }
    Child c;
    c.name = name;
    c.origin = ChildOrigin::kCarved;
    c.offset = start;
    c.data = *chunk.slice(start, len);
    ex.children.push_back(std::move(c));
  }

  static Result<Extraction> extract_paks(const Blob& chunk) {
    auto k = parse_paks(chunk.bytes());
    if (!k) return make_error(Errc::kMalformed, "PAKS header", 0);
    Extraction ex;
    ex.properties = {{"variant", "PAKS"}, {"hardware", k->hw}, {"firmware", k->fw}};
    for (const PaksSection& s : k->sections) {
      ex.properties.emplace_back("section " + s.name, s.version + ", checksum " + hex_u32_fixed(s.checksum) + " (not verified)");
      add_section(ex, chunk, s.name, s.data, s.len);
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_reolink_pak_handler() { return std::make_unique<ReolinkPakHandler>(); }

}  // namespace fwscan
