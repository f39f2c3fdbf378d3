// TP-Link Tapo signed (and usually encrypted) camera images (camera-formats.md 3.4; watchfulip/
// tp-link-decrypt): big-endian u32 at 0 = RSA size code (0x200: RSA-2048, 256-byte signature;
// 0x100: RSA-1024), signature at 0x20; router-style images carry "fw-type:" at 0x14 instead and
// are not this handler's. The AES-128-CBC key and IV come out of the RSA-PSS salt, which needs
// the vendor public key fwscan does not have: an encrypted image is reported as such, with its
// entropy; a 20-byte plaintext marker (aa 55 9d d1 ... 55 aa) at 0x240 means "not encrypted",
// and then the signed data after the signature is handed to the carver.
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"00 00 02 00", 0, true}, {"00 00 01 00", 0, true}};
constexpr std::string_view kRefs[] = {"camera-formats.md 3.4", "watchfulip/tp-link-decrypt src/tp-link-decrypt.c"};
constexpr std::string_view kLimits[] = {"not decrypted: the RSA public key that yields the AES key is the vendor's"};
constexpr HandlerInfo kInfo{"tapo", Category::kFirmware, "TP-Link Tapo signed image", kMagics, kRefs, kLimits};
constexpr std::uint64_t kSig = 0x20, kMarker = 0x240;
constexpr std::uint64_t kProbe = 64 * 1024;

struct Tapo {
  std::uint32_t rsa_bits = 0;
  std::uint64_t data = 0;  // after the signature
  bool plaintext = false;
  double entropy = 0;
};

std::optional<Tapo> parse(ByteView v) {
  auto code = load_be32(v, 0);
  if (!code || (*code != 0x200 && *code != 0x100) || has_bytes_at(v, 0x14, "fw-type:")) return std::nullopt;
  Tapo t;
  t.rsa_bits = *code == 0x200 ? 2048 : 1024;
  t.data = kSig + t.rsa_bits / 8;
  if (v.size() < t.data + 4096) return std::nullopt;
  const auto sig = v.subspan(kSig, t.rsa_bits / 8);
  if (shannon_entropy(sig) < 6.5) return std::nullopt;  // an RSA signature looks random
  t.plaintext = load_u8(v, kMarker) == 0xAA && load_u8(v, kMarker + 1) == 0x55 && load_u8(v, kMarker + 18) == 0x55 && load_u8(v, kMarker + 19) == 0xAA;
  t.entropy = shannon_entropy(v.subspan(t.data, std::min<std::uint64_t>(kProbe, v.size() - t.data)));
  if (!t.plaintext && t.entropy < 7.9) return std::nullopt;  // neither marked plaintext nor ciphertext
  return t;
}

class TapoHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto t = parse(at);
    if (!t) return std::nullopt;
    return Chunk{start, at.size(), Confidence::kMedium,
                 "TP-Link signed image, RSA-" + std::to_string(t->rsa_bits) + (t->plaintext ? ", not encrypted" : ", encrypted")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto t = parse(chunk.bytes());
    if (!t) return make_error(Errc::kMalformed, "header", 0);
    Extraction ex;
    ex.properties = {{"rsa", std::to_string(t->rsa_bits) + " bits"}, {"signature", "not verified (vendor public key needed)"}};
    if (!t->plaintext) {
      ex.complete = false;
      char e[16];
      std::snprintf(e, sizeof e, "%.3f", t->entropy);
      ex.properties.emplace_back("entropy", e);
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kEncrypted,
                                "AES-128-CBC payload (entropy " + std::string(e) + " bits/byte): its key is in the RSA-PSS salt, which needs the vendor public key; contents not examined",
                                "", t->data});
      return ex;
    }
    Child c;
    c.name = "signed_data";
    c.origin = ChildOrigin::kCarved;
    c.offset = t->data;
    c.data = *chunk.slice(t->data, chunk.size() - t->data);
    ex.children.push_back(std::move(c));
    return ex;
  }
};

}  // namespace

HandlerPtr make_tapo_handler() { return std::make_unique<TapoHandler>(); }

}  // namespace fwscan
