// Hikvision "03KH" package (camera-formats.md 1.6): only its first 16 bytes are XOR-obfuscated
// (magic, checksum, header_size, file_count); the rest of the header and every member are
// AES-256-ECB encrypted with a per-platform key. fwscan has no key here, so it reports the
// package as encrypted, with what the clear prefix and the ciphertext say, and never as empty.
#include <cstdio>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/firmware/hikvision/hik_xor.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxHeader = 1U << 20;
constexpr Magic kMagics[] = {{"8a fe f7 b6"}};  // "03KH" XOR key[0..3]
constexpr std::string_view kRefs[] = {"camera-formats.md 1.6 ([HATOAN] dec_hik.py, [IDX-HK30])"};
constexpr std::string_view kLimits[] = {"not decrypted: no platform AES key is bundled; the whole package is one encrypted chunk"};
constexpr HandlerInfo kInfo{"hik_03kh", Category::kFirmware, "Hikvision 03KH package (AES-encrypted)", kMagics, kRefs, kLimits};

class Hik03khHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto first = subview(at, 0, 16);
    if (!first) return std::nullopt;
    const auto p = hikvision::xor_decode(*first);
    const ByteView d(p.data(), p.size());
    if (!has_bytes_at(d, 0, "03KH")) return std::nullopt;
    const std::uint32_t size = *load_le32(d, 8), count = *load_le32(d, 12);
    // 0x10 clear + 0xF0 body + 0x40 per entry (camera-formats.md 1.6, item 4).
    if (count == 0 || count > 4096 || size < 0x100 || size > kMaxHeader || size > at.size()) return std::nullopt;
    // The package has no clear length: it runs to the end of its node (a 02KH entry gives the
    // exact slice).
    return Chunk{start, at.size(), Confidence::kMedium,
                 "Hikvision 03KH package, " + std::to_string(count) + " members, AES-encrypted (key unknown)"};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto first = subview(chunk.bytes(), 0, 16);
    if (!first) return make_error(Errc::kTruncated, "03KH prefix truncated", 0);
    const auto p = hikvision::xor_decode(*first);
    const ByteView d(p.data(), p.size());
    Extraction ex;
    const std::uint32_t size = *load_le32(d, 8), count = *load_le32(d, 12);
    const ByteView body = chunk.bytes().subspan(std::min<std::uint64_t>(16, chunk.size()));
    char entropy[16];
    std::snprintf(entropy, sizeof entropy, "%.3f", shannon_entropy(body));
    ex.properties = {{"magic", "03KH"},
                     {"header_size", std::to_string(size)},
                     {"file_count", std::to_string(count)},
                     {"encryption", "AES-256-ECB, key unknown"},
                     {"ciphertext_entropy", entropy}};
    ex.diagnostics.push_back({Severity::kInfo, "encrypted",
                              "03KH package: header body and members are AES-encrypted with a platform key fwscan "
                              "does not have; contents not scanned (entropy " + std::string(entropy) + " bits/byte)",
                              "", 16});
    ex.complete = false;
    return ex;
  }
};

}  // namespace

HandlerPtr make_hik_03kh_handler() { return std::make_unique<Hik03khHandler>(); }

}  // namespace fwscan
