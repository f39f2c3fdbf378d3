// ISO 9660 image. The primary volume descriptor sits at 0x8000: type 1, "CD001", version 1;
// volume space size (both-endian u32) at +0x50, logical block size (both-endian u16) at +0x80.
// The extent is volume space size x logical block size. Entries are read by libarchive.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kPvd = 0x8000;
constexpr Magic kMagics[] = {{"01 43 44 30 30 31 01", 0x8000}};
constexpr std::string_view kRefs[] = {"ECMA-119"};
constexpr std::string_view kLimits[] = {"only images with a primary volume descriptor at sector 16"};
constexpr HandlerInfo kInfo{"iso9660", Category::kFilesystem, "ISO 9660 image", kMagics, kRefs, kLimits};

class Iso9660Handler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto vss = load_le32(at, kPvd + 0x50), vss_be = load_be32(at, kPvd + 0x54);
    auto lbs = load_le16(at, kPvd + 0x80), lbs_be = load_be16(at, kPvd + 0x82);
    if (!vss || !vss_be || !lbs || !lbs_be || *vss != *vss_be || *lbs != *lbs_be) return std::nullopt;
    if (*lbs != 512 && *lbs != 1024 && *lbs != 2048 && *lbs != 4096) return std::nullopt;
    const std::uint64_t size = std::uint64_t{*vss} * *lbs;
    if (size <= kPvd) return std::nullopt;
    if (size > at.size()) return Chunk{start, at.size(), Confidence::kLow, "ISO 9660 image, truncated"};
    return Chunk{start, size, Confidence::kHigh, "ISO 9660 image, " + human_size(size)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    return extract_archive_entries(chunk, ArchiveFormat::kIso9660, ctx);
  }
};

}  // namespace

HandlerPtr make_iso9660_handler() { return std::make_unique<Iso9660Handler>(); }

}  // namespace fwscan
