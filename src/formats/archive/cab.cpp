// Microsoft Cabinet (MS-CAB, CFHEADER): "MSCF", reserved1 (0), cbCabinet u32 (the whole file),
// reserved2, coffFiles u32, reserved3, versionMinor 3, versionMajor 1, cFolders u16, cFiles u16.
// Entries are read by libarchive (MSZIP, LZX; Quantum is not supported there).
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"4d 53 43 46 00 00 00 00"}};
constexpr std::string_view kRefs[] = {"[MS-CAB] Cabinet File Format, 2.1 CFHEADER"};
constexpr std::string_view kLimits[] = {"Quantum-compressed folders and multi-cabinet sets are not extracted"};
constexpr HandlerInfo kInfo{"cab", Category::kArchive, "Microsoft Cabinet archive", kMagics, kRefs, kLimits};

class CabHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto size = load_le32(at, 8), files_off = load_le32(at, 16);
    auto minor = load_u8(at, 24), major = load_u8(at, 25);
    auto folders = load_le16(at, 26), files = load_le16(at, 28);
    if (!size || !files_off || !minor || !major || !folders || !files || *major != 1 || *minor != 3) return std::nullopt;
    if (*size < 36 || *files_off >= *size || *folders == 0) return std::nullopt;
    const std::string d = "Cabinet, " + std::to_string(*files) + " files in " + std::to_string(*folders) + " folder(s)";
    if (*size > at.size()) return Chunk{start, at.size(), Confidence::kLow, d + ", truncated"};
    return Chunk{start, *size, Confidence::kHigh, d + ", " + human_size(*size)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    return extract_archive_entries(chunk, ArchiveFormat::kCab, ctx);
  }
};

}  // namespace

HandlerPtr make_cab_handler() { return std::make_unique<CabHandler>(); }

}  // namespace fwscan
