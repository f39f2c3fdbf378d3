// `_cfgUpgSecPls` (camera-formats.md 1.7, renaudallard/hikvision_R2_firmware hikfw.py): u32 LE
// enc_len, then enc_len bytes of AES-256-ECB ciphertext (PKCS#7), zero padding to 500 bytes.
// Key: OpenSSL EVP_BytesToKey(MD5, 2 iterations) of the passphrase "h@k8807H$Z5998" followed by
// 17 NUL bytes (31 bytes) with salt "HangZhou". Plaintext: "35KH", SHA-0 of plaintext[24:] at 4,
// file count at 0x1c, total firmware size at 0x3c, entries of 76 bytes at 0xcc: name[32],
// SHA-0[20], size u32, offset u32, 16 unknown bytes.
#include "formats/firmware/hikvision/secpls.hpp"

#include <openssl/evp.h>

#include "core/hash.hpp"
#include "core/reader.hpp"

namespace fwscan::hikvision {

namespace {
constexpr std::uint32_t kMaxCipher = 496;
constexpr std::uint64_t kEntries = 0xCC, kEntry = 76;
}  // namespace

std::optional<Secpls> decode_secpls(ByteView member, std::string& error) {
  auto enc_len = load_le32(member, 0);
  if (!enc_len || *enc_len == 0 || *enc_len > kMaxCipher || *enc_len % 16 != 0 || 4ULL + *enc_len > member.size()) {
    error = "length field out of range";
    return std::nullopt;
  }
  static const unsigned char kPass[31] = {'h', '@', 'k', '8', '8', '0', '7', 'H', '$', 'Z', '5', '9', '9', '8'};
  static const unsigned char kSalt[8] = {'H', 'a', 'n', 'g', 'Z', 'h', 'o', 'u'};
  unsigned char key[32];
  if (EVP_BytesToKey(EVP_aes_256_ecb(), EVP_md5(), kSalt, kPass, sizeof kPass, 2, key, nullptr) != 32) {
    error = "key derivation failed";
    return std::nullopt;
  }
  std::vector<std::uint8_t> plain(*enc_len + 16);
  int n1 = 0, n2 = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_ecb(), nullptr, key, nullptr) == 1 &&
                  EVP_DecryptUpdate(ctx, plain.data(), &n1, member.data() + 4, static_cast<int>(*enc_len)) == 1 &&
                  EVP_DecryptFinal_ex(ctx, plain.data() + n1, &n2) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) {
    error = "AES-256-ECB decryption failed (bad padding: wrong key or not a manifest)";
    return std::nullopt;
  }
  plain.resize(static_cast<std::size_t>(n1 + n2));
  const ByteView p(plain.data(), plain.size());
  if (!has_bytes_at(p, 0, "35KH") || p.size() < kEntries) {
    error = "decrypted data lacks the 35KH magic";
    return std::nullopt;
  }
  Secpls s;
  std::string stored;
  for (int i = 0; i < 20; ++i) stored += hex_u32_fixed(p[4 + static_cast<std::size_t>(i)]).substr(8);
  s.self_hash_ok = sha0_hex(p.subspan(24)) == stored;
  s.total_size = *load_le32(p, 0x3C);
  const std::uint32_t count = *load_le32(p, 0x1C);
  for (std::uint32_t i = 0; i < count && kEntries + (i + 1) * kEntry <= p.size(); ++i) {
    const ByteView e = p.subspan(kEntries + i * kEntry, kEntry);
    SecplsEntry en;
    std::string_view name = as_chars(e.subspan(0, 32));
    en.name = std::string(name.substr(0, name.find('\0')));
    for (int k = 0; k < 20; ++k) en.sha0 += hex_u32_fixed(e[32 + static_cast<std::size_t>(k)]).substr(8);
    en.size = *load_le32(e, 52);
    en.offset = *load_le32(e, 56);
    s.entries.push_back(std::move(en));
  }
  return s;
}

}  // namespace fwscan::hikvision
