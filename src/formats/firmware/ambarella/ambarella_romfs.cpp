// Ambarella ROMFS (the resource partition of Ambarella-SoC cameras): little-endian.
//   00 file count u32, 04 magic 0x66fc328a, padding (0xff) to 0x800;
//   0x800: count entries of 128 bytes: name[116] (NUL-padded), offset u32, size u32,
//          entry magic 0x2387ab76; file data at the offsets (usually 2 KiB aligned).
// The extent ends at the end of the furthest file.
#include <algorithm>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kEntryMagic = 0x2387AB76;
constexpr std::uint64_t kTable = 0x800, kEntry = 128;
constexpr std::uint32_t kMaxFiles = 65536;
constexpr Magic kMagics[] = {{"8a 32 fc 66", 4}};
constexpr std::string_view kRefs[] = {"fact_extractor plugins/unpacking/ambarella (ROMFS layout)", "Ambarella SDK amba_romfs"};
constexpr std::string_view kLimits[] = {"file names longer than 116 bytes are cut"};
constexpr HandlerInfo kInfo{"ambarella_romfs", Category::kFilesystem, "Ambarella ROMFS", kMagics, kRefs, kLimits};

struct Entry {
  std::string name;
  std::uint32_t offset, size;
};

std::optional<std::vector<Entry>> table(ByteView v, std::uint64_t& end) {
  auto count = load_le32(v, 0);
  if (!count || *count == 0 || *count > kMaxFiles) return std::nullopt;
  std::vector<Entry> out;
  end = kTable + *count * kEntry;
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto e = subview(v, kTable + i * kEntry, kEntry);
    if (!e || load_le32(*e, 124) != kEntryMagic) return std::nullopt;
    std::string_view name = as_chars(e->subspan(0, 116));
    name = name.substr(0, name.find('\0'));
    if (name.empty()) return std::nullopt;
    Entry en{std::string(name), *load_le32(*e, 116), *load_le32(*e, 120)};
    if (en.offset < kTable + *count * kEntry) return std::nullopt;  // data inside the header or table
    end = std::max<std::uint64_t>(end, static_cast<std::uint64_t>(en.offset) + en.size);
    out.push_back(std::move(en));
  }
  return out;
}

class AmbarellaRomfsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    std::uint64_t end = 0;
    auto t = table(at, end);
    if (!t) return std::nullopt;
    const std::string d = "Ambarella ROMFS, " + std::to_string(t->size()) + " files";
    if (end > at.size()) return Chunk{start, at.size(), Confidence::kLow, d + ", truncated"};
    return Chunk{start, end, Confidence::kHigh, d + ", " + human_size(end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    std::uint64_t end = 0;
    auto t = table(chunk.bytes(), end);
    if (!t) return make_error(Errc::kMalformed, "file table", kTable);
    Extraction ex;
    for (const Entry& e : *t) {
      Child c;
      c.name = e.name;
      c.origin = ChildOrigin::kCarved;
      c.offset = e.offset;
      if (!range_fits(e.offset, e.size, chunk.size())) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "'" + e.name + "' runs past the image", "", e.offset});
        if (e.offset >= chunk.size()) continue;
        c.data = *chunk.slice(e.offset, chunk.size() - e.offset);
      } else {
        c.data = *chunk.slice(e.offset, e.size);
      }
      ex.children.push_back(std::move(c));
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_ambarella_romfs_handler() { return std::make_unique<AmbarellaRomfsHandler>(); }

}  // namespace fwscan
