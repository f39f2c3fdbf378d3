// Hikvision "03KH" package (camera-formats.md 1.6): only its first 16 bytes are XOR-obfuscated
// (magic, checksum, header_size, file_count); the rest of the header and every member are
// AES-256-ECB encrypted with per-platform keys derived from published 32-byte seeds:
//   key[i] = (((i*i) & 0xff) + ((c*c) & 0xff) + ((c % 32) & 0xff) + ((c*32*i) & 0xff)) ^ c, c = seed[i]
// The right header key is the one whose decryption makes the header CRC (CRC-32 register from
// 0xffffffff, no final XOR, over header bytes [12, header_size)) equal the u32 at 4. Entries
// then sit at header offset 0x100, 0x40 apart: name[32] (NUL, then garbage), offset, length.
// Members are decrypted with the platform's file key, whole 16-byte blocks only.
// Platforms and seeds: E3S (LiteOS) 0x850000 header / 0x850001 files, published in
// HaToan/Decrypt-Firmware-Hikvision dec_hik.py; R6 0x780000 header / 0x780001 files, published in
// the parser camera-formats.md cites as [IDX-HK30] (the header key they derive equals the spec's
// cross-check value, ccdd2759...870e). Other platforms (G0, newer E3) use keys that are not
// public: those packages are reported encrypted, key unknown. A platform without a file key would
// have its members listed, not decrypted.
#include <openssl/evp.h>

#include <array>
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
constexpr std::string_view kLimits[] = {"decrypted only for E3S and R6, whose seeds are published: other platform keys are not public",
                                        "a member's last partial AES block is left out, as the public decryptors do",
                                        "without a key only the header is claimed: the package has no clear length"};
constexpr HandlerInfo kInfo{"hik_03kh", Category::kFirmware, "Hikvision 03KH package (AES-encrypted)", kMagics, kRefs, kLimits};

using Key = std::array<std::uint8_t, 32>;

Key derive(const Key& seed) {
  Key k{};
  for (unsigned i = 0; i < 32; ++i) {
    const unsigned c = seed[i];
    const unsigned v = ((i * i) & 0xFF) + ((c * c) & 0xFF) + ((c % 32) & 0xFF) + ((c * 32 * i) & 0xFF);
    k[i] = static_cast<std::uint8_t>((v & 0xFF) ^ c);
  }
  return k;
}

struct Platform {
  const char* name;
  Key header;
  std::optional<Key> files;
};

const std::vector<Platform>& platforms() {
  static const std::vector<Platform> p = {
      {"E3S (seeds 0x850000/0x850001)",
       derive({0xE5, 0xBF, 0x66, 0x8F, 0x7D, 0x8C, 0xDB, 0x8D, 0x38, 0x1F, 0xAB, 0x79, 0x77, 0xBB, 0x72, 0x76,
               0x5D, 0x2D, 0x2F, 0xF2, 0xC9, 0xB4, 0xF7, 0x1A, 0xDE, 0xC1, 0xF5, 0x74, 0x3E, 0x42, 0xD0, 0x8E}),
       derive({0x91, 0x8D, 0xA7, 0xB3, 0x26, 0x69, 0x0E, 0x52, 0x71, 0x94, 0x2D, 0x6C, 0xCD, 0x1C, 0xD6, 0x82,
               0x1D, 0xD9, 0x25, 0x51, 0x5E, 0x98, 0x8D, 0xD4, 0x0D, 0x98, 0x75, 0xF1, 0xDA, 0xD0, 0xB1, 0x3D})},
      {"R6 (seeds 0x780000/0x780001)",
       derive({0xB6, 0x4E, 0xC5, 0x08, 0x66, 0xC4, 0x9B, 0x75, 0x7F, 0x1B, 0x27, 0x26, 0xA3, 0x75, 0x5F, 0x22,
               0x52, 0xAB, 0xDF, 0xE9, 0xFB, 0xBB, 0x15, 0x1E, 0x24, 0x7D, 0x0D, 0x80, 0x6A, 0xE4, 0x25, 0xDB}),
       derive({0xBD, 0xDC, 0x07, 0x0B, 0x81, 0xFC, 0x4E, 0x47, 0xD0, 0x3A, 0x7E, 0xD0, 0x4C, 0x5B, 0x58, 0xD0,
               0x72, 0xE7, 0x21, 0x5D, 0x4A, 0xD4, 0x63, 0x47, 0x54, 0xB2, 0xE5, 0xB6, 0x87, 0x32, 0xBD, 0x37})},
  };
  return p;
}

std::vector<std::uint8_t> aes_ecb_decrypt(const Key& key, ByteView in) {
  std::vector<std::uint8_t> out(in.size() + 16);
  int n1 = 0, n2 = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_DecryptInit_ex(ctx, EVP_aes_256_ecb(), nullptr, key.data(), nullptr);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EVP_DecryptUpdate(ctx, out.data(), &n1, in.data(), static_cast<int>(in.size()));
  EVP_DecryptFinal_ex(ctx, out.data() + n1, &n2);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<std::size_t>(n1 + n2));
  return out;
}

struct Decrypted {
  const Platform* platform = nullptr;
  std::vector<std::uint8_t> header;  // clear prefix + decrypted rest
};

// Tries every published header key; the CRC decides.
std::optional<Decrypted> decrypt_header(ByteView chunk, ByteView prefix, std::uint32_t size) {
  if (size < 0x100 || (size - 16) % 16 != 0 || size > chunk.size()) return std::nullopt;
  const std::uint32_t stored = *load_le32(prefix, 4);
  for (const Platform& p : platforms()) {
    Decrypted d{&p, std::vector<std::uint8_t>(prefix.begin(), prefix.end())};
    const auto body = aes_ecb_decrypt(p.header, chunk.subspan(16, size - 16));
    d.header.insert(d.header.end(), body.begin(), body.end());
    const ByteView h(d.header.data(), d.header.size());
    if ((crc32_ieee(h.subspan(12)) ^ 0xFFFFFFFFU) == stored) return d;
  }
  return std::nullopt;
}

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
    // The package has no clear length. With a known key the decrypted header gives it: the end
    // of the last member that fits (its tail block encrypted whole), or the package length at
    // 0x24 when that covers the members (camera-formats.md 1.6, item 5). Without a key only the
    // header is claimed (what was checked): the ciphertext after it stays unknown data, and
    // whatever follows the package is still carved.
    const auto dec = decrypt_header(at, d, size);
    std::uint64_t end = size;
    if (dec) {
      const ByteView h(dec->header.data(), dec->header.size());
      for (std::uint32_t i = 0; i < count; ++i) {
        auto e = subview(h, 0x100 + 0x40ULL * i, 0x40);
        if (!e) break;
        const std::uint64_t off = *load_le32(*e, 32), len = *load_le32(*e, 36);
        if (off < size || !range_fits(off, len, at.size())) continue;
        end = std::max<std::uint64_t>(end, std::min<std::uint64_t>(off + len + (16 - len % 16) % 16, at.size()));
      }
      const std::uint64_t declared = *load_le32(h, 0x24);
      if (declared >= end && declared <= at.size()) end = declared;
    }
    return Chunk{start, end, Confidence::kMedium,
                 "Hikvision 03KH package, " + std::to_string(count) + " members, AES-encrypted" +
                     (dec ? "" : " (key unknown: header only)")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto first = subview(chunk.bytes(), 0, 16);
    if (!first) return make_error(Errc::kTruncated, "03KH prefix truncated", 0);
    const auto p = hikvision::xor_decode(*first);
    const ByteView d(p.data(), p.size());
    Extraction ex;
    const std::uint32_t size = *load_le32(d, 8), count = *load_le32(d, 12);
    const ByteView body = chunk.bytes().subspan(std::min<std::uint64_t>(16, chunk.size()));
    char entropy[16];
    std::snprintf(entropy, sizeof entropy, "%.3f", shannon_entropy(body));
    ex.properties = {{"magic", "03KH"}, {"header_size", std::to_string(size)}, {"file_count", std::to_string(count)}};
    auto dec = decrypt_header(chunk.bytes(), d, size);
    // Key unknown: identify() claimed the header only, so the chunk holds no member data.
    if (!dec) {
      ex.properties.emplace_back("encryption", "AES-256-ECB, key unknown");
      ex.properties.emplace_back("ciphertext_entropy", entropy);
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kEncrypted,
                                "03KH package: header body and members are AES-encrypted with a platform key fwscan "
                                "does not have; only the header is claimed (entropy " + std::string(entropy) +
                                    " bits/byte), the ciphertext after it is reported as unknown data",
                                "", 16});
      ex.complete = false;
      return ex;
    }
    ex.properties.emplace_back("encryption", std::string("AES-256-ECB, platform ") + dec->platform->name + ", header CRC ok");
    const ByteView h(dec->header.data(), dec->header.size());
    std::uint32_t locked = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
      auto e = subview(h, 0x100 + 0x40ULL * i, 0x40);
      if (!e) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "entry " + std::to_string(i) + " lies past the header", "", std::nullopt});
        break;
      }
      std::string_view raw = as_chars(e->subspan(0, 32));
      const std::string name(raw.substr(0, raw.find('\0')));
      const std::uint32_t off = *load_le32(*e, 32), len = *load_le32(*e, 36);
      if (name.empty()) continue;
      if (!dec->platform->files) {
        ++locked;
        ex.properties.emplace_back("member " + name, std::to_string(len) + " bytes at " + hex_u64(off) + ", encrypted (file key not published)");
        continue;
      }
      if (off < size || !range_fits(off, len, chunk.size())) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "member '" + name + "' lies in the header or past the data", "", off});
        continue;
      }
      const std::uint64_t whole = len - len % 16;
      auto plain = aes_ecb_decrypt(*dec->platform->files, chunk.bytes().subspan(off, whole));
      if (!ctx.budget().charge(plain.size())) return make_error(Errc::kLimitExceeded, "total extraction budget exhausted");
      if (whole < len) {
        ex.diagnostics.push_back({Severity::kInfo, DiagCode::kTruncated, "member '" + name + "': the last " + std::to_string(len - whole) +
                                  " bytes are not a whole AES block and are left out (as the public decryptors do)", "", off + whole});
      }
      Child c;
      c.name = name;
      c.origin = ChildOrigin::kDecoded;
      c.data = Blob::own(std::move(plain));
      ex.children.push_back(std::move(c));
    }
    if (locked > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kEncrypted, std::to_string(locked) + " member(s) listed but not decrypted: the file key of this platform is not published", "", std::nullopt});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_hik_03kh_handler() { return std::make_unique<Hik03khHandler>(); }

}  // namespace fwscan
