// File systems and archives fwscan recognises but cannot read yet. Each is identified by its own
// superblock signature so that the report says exactly what is there and that its contents were
// not examined (an `unsupported` diagnostic), instead of leaving an anonymous unknown region.
// For file systems only the superblock area is claimed, so the carver still searches the rest
// (files stored contiguously inside an unread file system keep being found); archives and streams
// are claimed to the end of their node.
//   ReiserFS "ReIsEr2Fs"/"ReIsEr3Fs"/"ReIsErFs" @0x10034, blocks u32 @0x10000, blocksize u16 @0x1002c
//   JFS "JFS1" @0x8000
//   minix v1/v2 magic @0x410 (0x137f, 0x138f, 0x2468, 0x2478) with a zero first-data-zone check
//   StuffIt X "StuffIt!" @0
//   ZPAQ "7kSt" @0
#include <algorithm>
#include <cstring>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {
    {"52 65 49 73 45 72", 0x10034},        // ReiserFS
    {"4a 46 53 31 01 00 00 00", 0x8000},   // JFS
    {"7f 13", 0x410, true}, {"8f 13", 0x410, true}, {"68 24", 0x410, true}, {"78 24", 0x410, true},  // minix
    {"53 74 75 66 66 49 74 21", 0},        // StuffIt X
    {"37 6b 53 74", 0, true},              // ZPAQ locator tag
};
constexpr std::string_view kRefs[] = {"the superblock layouts of each format (linux fs/*/ headers, format documentation)"};
constexpr std::string_view kLimits[] = {"recognised only: the contents of these formats are not read"};
constexpr HandlerInfo kInfo{"unsupported", Category::kDisk, "recognised file systems and archives fwscan does not read yet", kMagics, kRefs, kLimits};

struct Found {
  std::string_view name;
  std::optional<std::uint64_t> size;  // from the superblock
  std::uint64_t header = 0;           // file systems: the superblock area only is claimed
};

std::optional<Found> recognise(ByteView v) {
  if (has_bytes_at(v, 0x10034, "ReIsEr")) {
    auto blocks = load_le32(v, 0x10000);
    auto bs = load_le16(v, 0x1002C);
    if (blocks && bs && *bs >= 512) return Found{"ReiserFS", static_cast<std::uint64_t>(*blocks) * *bs, 0x11000};
    return std::nullopt;
  }
  if (has_bytes_at(v, 0x8000, std::string_view("JFS1\1\0\0\0", 8))) return Found{"JFS", std::nullopt, 0x9000};
  if (auto m = load_le16(v, 0x410); m && (*m == 0x137F || *m == 0x138F || *m == 0x2468 || *m == 0x2478)) {
    auto ninodes = load_le16(v, 0x400), first_zone = load_le16(v, 0x408), log_zone = load_le16(v, 0x40A);
    if (ninodes && first_zone && log_zone && *ninodes > 0 && *first_zone > 0 && *log_zone == 0) return Found{"minix", std::nullopt, 0x800};
    return std::nullopt;
  }
  if (has_bytes_at(v, 0, "StuffIt!")) return Found{"StuffIt X archive", std::nullopt};
  if (has_bytes_at(v, 0, "7kSt")) return Found{"ZPAQ archive", std::nullopt};
  return std::nullopt;
}

class UnsupportedHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto f = recognise(at);
    if (!f) return std::nullopt;
    const std::string d = std::string(f->name) + " (recognised, not read)";
    if (f->header != 0) {
      // A file system: only its superblock area is claimed, so the carver still looks at the rest
      // (contiguous files inside an unread file system are found by their own signatures).
      const std::string total = f->size && *f->size != 0 ? ", " + human_size(*f->size) + " file system" : "";
      return Chunk{start, std::min<std::uint64_t>(f->header, at.size()), Confidence::kMedium, d + total + "; superblock area claimed, the rest carved"};
    }
    if (!f->size || *f->size == 0) return Chunk{start, at.size(), Confidence::kLow, d + ", extent unknown: rest of the data"};
    if (*f->size > at.size()) return Chunk{start, at.size(), Confidence::kLow, d + ", truncated"};
    return Chunk{start, *f->size, Confidence::kMedium, d + ", " + human_size(*f->size)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto f = recognise(chunk.bytes());
    Extraction ex;
    ex.complete = false;
    ex.description = std::string(f ? f->name : "unknown") + " (recognised, not read)";
    ex.diagnostics.push_back({Severity::kWarning, DiagCode::kUnsupported,
                              std::string(f ? f->name : "this format") + " is recognised but fwscan has no reader for it: its contents were not examined",
                              "", std::nullopt});
    return ex;
  }
};

}  // namespace

HandlerPtr make_unsupported_handler() { return std::make_unique<UnsupportedHandler>(); }

}  // namespace fwscan
