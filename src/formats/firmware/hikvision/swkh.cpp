// Hikvision / EZVIZ / HiWatch digicap.dav "SWKH" package (camera-formats.md 1.2-1.4).
// The header (and only the header) is XOR-obfuscated with a 16-byte key that rotates by one
// every 16 bytes: plain[i] = raw[i] ^ key[(i + (i >> 4)) & 15], i relative to the header start.
// Decoded header (little-endian):
//   00 magic "SWKH"  04 header_checksum (byte-sum of [0x0c, header_length))
//   08 header_length (= 0x40 + 44 * file_count)  0c file_count  10 language
//   14 device_class  18 oem_code  1c..3f generation-specific (reported as hex)
//   40 + 44*k: name[32], offset (from the header start), length, checksum (byte-sum of member)
// Bytes after the last member (EZVIZ's 256-byte tail) are not part of the chunk.
#include <algorithm>
#include <array>
#include <cstdio>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/firmware/hikvision/hik_xor.hpp"
#include "formats/firmware/hikvision/secpls.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

using hikvision::byte_sum;
using hikvision::xor_decode;
constexpr std::uint32_t kFixedHeader = 0x40;
constexpr std::uint32_t kEntrySize = 44;
constexpr std::uint32_t kMaxFiles = 256;  // 32 in Hikvision's own struct; headroom for NVR images
constexpr Magic kMagics[] = {{"e9 9a f7 b6"}};  // "SWKH" XOR key[0..3]
constexpr std::string_view kRefs[] = {"renaudallard/hikvision_R2_firmware hikfw.py", "MatrixEditor/hiktools digicap.py",
                                      "camera-formats.md 1"};
constexpr std::string_view kLimits[] = {"the EZVIZ 256-byte tail after the last member is left outside the chunk",
                                        "_cfgUpgSecPls signatures (RSA) are not verified; its SHA-0 member hashes are"};
constexpr HandlerInfo kInfo{"swkh", Category::kFirmware, "Hikvision digicap.dav (SWKH package)", kMagics, kRefs, kLimits};


struct Entry {
  std::string name;
  std::uint32_t offset, length, checksum;
};

struct Header {
  std::uint32_t checksum, length, count, language, device_class, oem;
  std::vector<std::uint8_t> decoded;
  std::vector<Entry> entries;
  std::uint32_t computed_checksum = 0;
};

// Decodes and validates the geometry; nullopt when this is not an SWKH header.
std::optional<Header> parse(ByteView at) {
  auto first = subview(at, 0, 16);
  if (!first) return std::nullopt;
  const std::vector<std::uint8_t> probe = xor_decode(*first);
  const ByteView p(probe.data(), probe.size());
  if (!has_bytes_at(p, 0, "SWKH")) return std::nullopt;
  Header h{};
  h.length = *load_le32(p, 8);
  h.count = *load_le32(p, 12);
  if (h.count == 0 || h.count > kMaxFiles || h.length != kFixedHeader + kEntrySize * h.count) return std::nullopt;
  auto raw = subview(at, 0, h.length);
  if (!raw) return std::nullopt;
  h.decoded = xor_decode(*raw);
  const ByteView d(h.decoded.data(), h.decoded.size());
  h.checksum = *load_le32(d, 4);
  h.language = *load_le32(d, 0x10);
  h.device_class = *load_le32(d, 0x14);
  h.oem = *load_le32(d, 0x18);
  h.computed_checksum = byte_sum(d.subspan(0x0C));
  for (std::uint32_t k = 0; k < h.count; ++k) {
    const std::uint64_t e = kFixedHeader + std::uint64_t{kEntrySize} * k;
    Reader r(d.subspan(e, kEntrySize), Endian::kLittle);
    Entry entry;
    entry.name = std::string(*r.fixed_string(32));
    entry.offset = *r.u32();
    entry.length = *r.u32();
    entry.checksum = *r.u32();
    h.entries.push_back(std::move(entry));
  }
  return h;
}

std::string printable(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back((c >= 0x20 && c < 0x7F && c != '/' && c != '\\') ? c : '_');
  return out.empty() ? std::string("member") : out;
}

std::string language_name(std::uint32_t v) {
  switch (v) {
    case 1: return "1 (English/multi-language)";
    case 2: return "2 (Chinese)";
    default: return std::to_string(v);
  }
}

std::string device_class_name(std::uint32_t v) {
  switch (v) {
    case 1: return "1 (DS9000 DVR)";
    case 2: return "2 (IP camera)";
    default: return std::to_string(v);
  }
}

// `_cfgUpgSecPls`, when present, lists SHA-0 hashes of the other members: check each one.
void verify_manifest(Extraction& ex) {
  const auto m = std::find_if(ex.children.begin(), ex.children.end(), [](const Child& c) { return c.name == "_cfgUpgSecPls"; });
  if (m == ex.children.end()) return;
  std::string error;
  auto manifest = hikvision::decode_secpls(m->data.bytes(), error);
  if (!manifest) {
    ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "_cfgUpgSecPls: " + error, "", m->offset});
    return;
  }
  ex.properties.emplace_back("secpls", std::string(manifest->self_hash_ok ? "decrypted, self-hash ok" : "decrypted, self-hash MISMATCH") + ", " +
                                           std::to_string(manifest->entries.size()) + " members listed");
  if (!manifest->self_hash_ok) ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "_cfgUpgSecPls: its own SHA-0 does not match", "", m->offset});
  for (const auto& e : manifest->entries) {
    const auto c = std::find_if(ex.children.begin(), ex.children.end(), [&](const Child& k) { return k.name == e.name; });
    if (c == ex.children.end()) {
      ex.properties.emplace_back("secpls " + e.name, "listed, not in the package");
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMissing, "_cfgUpgSecPls lists '" + e.name + "', which the package does not hold", "", std::nullopt});
      continue;
    }
    const std::string got = sha0_hex(c->data.bytes());
    ex.properties.emplace_back("secpls " + e.name, got == e.sha0 ? "SHA-0 ok" : "SHA-0 MISMATCH");
    if (got != e.sha0) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "member '" + e.name + "': SHA-0 " + got + ", _cfgUpgSecPls says " + e.sha0, "", c->offset});
    }
  }
}

class SwkhHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto h = parse(at);
    if (!h) return std::nullopt;
    std::uint64_t end = h->length;
    bool truncated = false;
    for (const Entry& e : h->entries) {
      if (e.offset < h->length) continue;  // points into the header: reported by extract
      const std::uint64_t member_end = std::uint64_t{e.offset} + e.length;
      if (member_end > at.size()) truncated = true;
      end = std::max(end, std::min<std::uint64_t>(member_end, at.size()));
    }
    const bool sum_ok = h->computed_checksum == h->checksum;
    std::string desc = "Hikvision SWKH package, " + std::to_string(h->count) + " members, language " +
                       language_name(h->language) + ", device class " + device_class_name(h->device_class) +
                       ", OEM " + hex_u32_fixed(h->oem);
    if (!sum_ok) desc += ", header checksum mismatch";
    if (truncated) desc += ", truncated";
    return Chunk{start, end, sum_ok && !truncated ? Confidence::kHigh : Confidence::kMedium, desc};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto h = parse(chunk.bytes());
    if (!h) return make_error(Errc::kMalformed, "SWKH header does not decode", 0);
    Extraction ex;
    ex.properties = {
        {"magic", "SWKH"},
        {"header_length", std::to_string(h->length)},
        {"file_count", std::to_string(h->count)},
        {"header_checksum", hex_u32_fixed(h->checksum) + (h->checksum == h->computed_checksum ? " (ok)" : " (computed " + hex_u32_fixed(h->computed_checksum) + ")")},
        {"language", language_name(h->language)},
        {"device_class", device_class_name(h->device_class)},
        {"oem_code", hex_u32_fixed(h->oem)},
    };
    std::string opaque;
    for (std::size_t i = 0x1C; i < kFixedHeader; ++i) {
      char b[4];
      std::snprintf(b, sizeof b, "%02x", h->decoded[i]);
      opaque += b;
    }
    ex.properties.emplace_back("generation_specific_1c_3f", opaque);
    if (h->checksum != h->computed_checksum) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch,
                                "header checksum stored " + hex_u32_fixed(h->checksum) + ", computed " + hex_u32_fixed(h->computed_checksum), "", 4});
    }
    std::uint64_t prev_end = h->length;
    for (std::size_t k = 0; k < h->entries.size(); ++k) {
      const Entry& e = h->entries[k];
      const std::uint64_t entry_off = kFixedHeader + kEntrySize * k;
      const std::string name = printable(e.name);
      if (e.offset < h->length) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "member '" + name + "' offset " + hex_u32_fixed(e.offset) +
                                  " points into the header", "", entry_off + 32});
        continue;
      }
      if (e.offset < prev_end) {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kOverlap, "member '" + name + "' overlaps the previous member", "", entry_off + 32});
      }
      std::uint64_t length = e.length;
      if (!range_fits(e.offset, length, chunk.size())) {
        ex.complete = false;
        const std::uint64_t have = e.offset < chunk.size() ? chunk.size() - e.offset : 0;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "member '" + name + "' needs " + std::to_string(e.length) +
                                  " bytes, " + std::to_string(have) + " present", "", entry_off + 36});
        if (have == 0) continue;
        length = have;
      } else {
        const std::uint32_t sum = byte_sum(chunk.bytes().subspan(e.offset, length));
        if (sum != e.checksum) {
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "member '" + name + "' byte-sum stored " +
                                    hex_u32_fixed(e.checksum) + ", computed " + hex_u32_fixed(sum), "", entry_off + 40});
        }
      }
      prev_end = std::max<std::uint64_t>(prev_end, e.offset + length);
      ex.children.push_back({name, *chunk.slice(e.offset, length), ChildOrigin::kCarved, e.offset, {}});
    }
    verify_manifest(ex);
    return ex;
  }
};

}  // namespace

HandlerPtr make_swkh_handler() { return std::make_unique<SwkhHandler>(); }

}  // namespace fwscan
