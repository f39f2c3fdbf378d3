// DOS/MBR partition table: boot signature 55 aa at 510 and four 16-byte entries at 446
// (status 00/80, CHS, type, CHS, LBA start u32, sector count u32). Partitions are carved.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kSector = 512;
constexpr Magic kMagics[] = {{"55 aa", 510, true}};
constexpr std::string_view kRefs[] = {"IBM PC MBR partition table"};
constexpr std::string_view kLimits[] = {"only at the start of a node; extended partitions are carved whole"};
constexpr HandlerInfo kInfo{"mbr", Category::kDisk, "DOS/MBR partition table", kMagics, kRefs, kLimits};

struct Part {
  std::uint8_t type;
  std::uint64_t start, sectors;
};

std::optional<std::vector<Part>> parse(ByteView v) {
  std::vector<Part> parts;
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t e = 446 + 16ULL * static_cast<std::uint64_t>(i);
    auto status = load_u8(v, e), type = load_u8(v, e + 4);
    auto lba = load_le32(v, e + 8), count = load_le32(v, e + 12);
    if (!status || !type || !lba || !count) return std::nullopt;
    if (*status != 0x00 && *status != 0x80) return std::nullopt;
    if (*type == 0) continue;
    if (*count == 0 || *lba == 0) return std::nullopt;
    parts.push_back({*type, *lba, *count});
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

class MbrHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    auto parts = parse(v);
    if (!parts) return std::nullopt;
    std::uint64_t end = kSector;
    for (const Part& p : *parts) end = std::max(end, (p.start + p.sectors) * kSector);
    const std::string desc = "MBR, " + std::to_string(parts->size()) + " partition(s)";
    if (end > v.size()) return Chunk{start, v.size(), Confidence::kLow, desc + ", disk image truncated"};
    return Chunk{start, end, Confidence::kMedium, desc};
  }
  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto parts = parse(chunk.bytes());
    if (!parts) return make_error(Errc::kMalformed, "partition table does not parse", 446);
    Extraction ex;
    for (std::size_t i = 0; i < parts->size(); ++i) {
      const Part& p = (*parts)[i];
      const std::uint64_t off = p.start * kSector;
      std::uint64_t len = p.sectors * kSector;
      if (off >= chunk.size()) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "partition " + std::to_string(i) + " starts past the end", "", 446 + 16 * i});
        continue;
      }
      len = std::min(len, chunk.size() - off);
      char name[48];
      std::snprintf(name, sizeof name, "partition%u_type%02x", static_cast<unsigned>(i), static_cast<unsigned>(p.type));
      ex.children.push_back({name, *chunk.slice(off, len), ChildOrigin::kCarved, off, {}});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_mbr_handler() { return std::make_unique<MbrHandler>(); }

}  // namespace fwscan
