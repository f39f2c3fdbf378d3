// 7-Zip archive. Signature header (32 bytes, little-endian):
//   00 "7z" bc af 27 1c  06 version (major 0, minor)  08 start header CRC (of bytes 0c..1f)
//   0c next header offset u64 (from byte 32)  14 next header size u64  1c next header CRC
// The extent is 32 + next header offset + next header size. Entries are read by libarchive; when
// it cannot decrypt them (7z AES, with or without encrypted headers) and passwords were given,
// fwscan's own reader (sevenzip_native) decodes the archive and checks every CRC.
#include <algorithm>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/archive/sevenzip_native.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kSig = 32;
constexpr Magic kMagics[] = {{"37 7a bc af 27 1c"}};
constexpr std::string_view kRefs[] = {"7-Zip DOC/7zFormat.txt; 7-Zip's 7zAes coder (key: SHA-256 rounds over salt, UTF-16LE password, counter)"};
constexpr std::string_view kLimits[] = {"encrypted folders using BCJ2 or PPMd are not decoded"};
constexpr HandlerInfo kInfo{"sevenzip", Category::kArchive, "7-Zip archive", kMagics, kRefs, kLimits};

class SevenZipHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto crc = load_le32(at, 8);
    auto off = load_le64(at, 12);
    auto size = load_le64(at, 20);
    auto head = subview(at, 12, 20);
    if (!crc || !off || !size || !head || crc32_ieee(*head) != *crc) return std::nullopt;
    auto end = checked_add(kSig, *off);
    if (end) end = checked_add(*end, *size);
    if (!end) return std::nullopt;
    if (*end > at.size()) return Chunk{start, at.size(), Confidence::kLow, "7-Zip archive, truncated"};
    return Chunk{start, *end, Confidence::kHigh, "7-Zip archive, " + human_size(*end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto ex = extract_archive_entries(chunk, ArchiveFormat::kSevenZip, ctx);
    const auto& passwords = ctx.limits().passwords;
    // Encrypted entries, or an encrypted header (libarchive says so in a "malformed" message).
    const bool encrypted = !ex || std::any_of(ex->diagnostics.begin(), ex->diagnostics.end(), [](const Diagnostic& d) {
      return d.code == DiagCode::kEncrypted || d.message.find("encrypted") != std::string::npos;
    });
    if (!encrypted) return ex;
    // libarchive cannot decrypt 7z AES: the native reader, with the passwords given.
    auto native = extract_7z_native(chunk.bytes(), passwords, ctx);
    // Whenever it parses the archive, its account (which folders opened, and why others did not)
    // is the more exact one.
    return native ? native : ex;
  }
};

}  // namespace

HandlerPtr make_sevenzip_handler() { return std::make_unique<SevenZipHandler>(); }

}  // namespace fwscan
