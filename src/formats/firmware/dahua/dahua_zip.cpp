// Dahua / Amcrest / Lorex firmware (camera-formats.md 2.1): a PKZIP archive whose first local
// header signature is "DH\x03\x04" instead of "PK\x03\x04"; everything after is standard.
// Members (romfs-x.squashfs.img, user-x.squashfs.img, ...) are uImage-wrapped file systems,
// identified by magic, never by name.
#include <cstring>

#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"44 48 03 04"}};
constexpr std::string_view kRefs[] = {"BotoX/Dahua-Firmware-Mod-Kit extract.py", "binwalk src/signatures/dahua_zip.rs",
                                      "camera-formats.md 2"};
constexpr std::string_view kLimits[] = {"post-2020 encrypted Dahua images (no DH zip) are not opened"};
constexpr HandlerInfo kInfo{"dahua_zip", Category::kFirmware, "Dahua firmware (DH-patched ZIP)", kMagics, kRefs, kLimits};

class DahuaZipHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    NodeMemo memo;
    return identify_in(node, start, memo);
  }

  std::optional<Chunk> identify_in(ByteView node, std::uint64_t start, NodeMemo& memo) const override {
    auto z = find_zip_extent(node, start, memo);
    if (!z) return std::nullopt;
    return Chunk{start, z->size, z->complete ? Confidence::kHigh : Confidence::kLow,
                 "Dahua firmware (DH zip), " + std::to_string(z->entries) + " entries" +
                     (z->complete ? "" : ", truncated")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    std::vector<std::uint8_t> patched(chunk.bytes().begin(), chunk.bytes().end());
    if (patched.size() < 4) return make_error(Errc::kTruncated, "shorter than a local header", 0);
    patched[0] = 'P';
    patched[1] = 'K';
    return extract_zip_entries(Blob::own(std::move(patched)), ctx);
  }
};

}  // namespace

HandlerPtr make_dahua_zip_handler() { return std::make_unique<DahuaZipHandler>(); }

}  // namespace fwscan
