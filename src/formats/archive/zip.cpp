// PKZIP archive. Local file header:
//   00: 50 4b 03 04   04: version needed u16   06: flags u16   08: method u16
//   0e: crc32  12: compressed size  16: uncompressed size  1a: name length  1c: extra length
// The extent runs to the end of the end-of-central-directory record (50 4b 05 06) whose
// central-directory offset and size agree with the start. Entries are read by libarchive.
#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"50 4b 03 04"}};
constexpr std::string_view kRefs[] = {"PKWARE APPNOTE.TXT 6.3.10"};
constexpr std::string_view kLimits[] = {"encrypted entries (PKWARE, WinZip AES) are opened with the passwords given (--password, --password-file); without the right one they are listed, not examined",
                                        "without an end-of-central-directory the extent ends at the last whole local entry"};
constexpr HandlerInfo kInfo{"zip", Category::kArchive, "ZIP archive", kMagics, kRefs, kLimits};

class ZipHandler final : public Handler {
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
                 "ZIP archive, " + std::to_string(z->entries) + " entries" +
                     (z->complete ? "" : ", no end of central directory (truncated)")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    return extract_zip_entries(chunk, ctx);
  }
};

}  // namespace

HandlerPtr make_zip_handler() { return std::make_unique<ZipHandler>(); }

}  // namespace fwscan
