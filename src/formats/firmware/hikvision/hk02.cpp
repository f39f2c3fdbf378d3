// Hikvision "02KH" multi-package wrapper (camera-formats.md 1.5). Same XOR and geometry as SWKH,
// but its entries are whole sub-packages (SWKH or 03KH), keyed by platform id.
// Decoded header (little-endian):
//   00 magic "02KH"  04 header checksum (byte-sum of [0x0c, header_size))  08 header_size
//   0c 0  10 total file size  14 n (sub-packages)  18 20 x 0xff  2c platform id string (20 bytes)
//   40 + 44*k: platform id (32, NUL-terminated, garbage after the NUL), offset (from this header),
//              length, checksum (byte-sum of the sub-package)
#include <cstdio>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/firmware/hikvision/hik_xor.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kFixed = 0x40;
constexpr std::uint32_t kEntry = 44;
constexpr std::uint32_t kMaxPackages = 64;
constexpr Magic kMagics[] = {{"8a ff f7 b6"}};  // "02KH" XOR key[0..3]
constexpr std::string_view kRefs[] = {"camera-formats.md 1.5 ([IDX-BLOG] dumps, [IDX-HK30])"};
constexpr std::string_view kLimits[] = {"sub-packages are identified by magic (SWKH, 03KH); see hik_03kh for which 03KH keys are known"};
constexpr HandlerInfo kInfo{"hik_02kh", Category::kFirmware, "Hikvision 02KH multi-package wrapper", kMagics, kRefs, kLimits};

struct Entry {
  std::string platform;
  std::uint32_t offset, length, checksum;
};

struct Header {
  std::uint32_t checksum = 0, size = 0, total = 0, count = 0, computed = 0;
  std::string platform;
  std::vector<Entry> entries;
};

std::string cut_at_nul(ByteView v) {
  std::string s(as_chars(v));
  const auto nul = s.find('\0');
  if (nul != std::string::npos) s.resize(nul);
  for (char& c : s) {
    if (c < 0x20 || c >= 0x7F || c == '/') c = '_';
  }
  return s;
}

std::optional<Header> parse(ByteView at) {
  auto first = subview(at, 0, 0x18);
  if (!first) return std::nullopt;
  const auto probe = hikvision::xor_decode(*first);
  const ByteView p(probe.data(), probe.size());
  if (!has_bytes_at(p, 0, "02KH")) return std::nullopt;
  Header h;
  h.size = *load_le32(p, 8);
  h.total = *load_le32(p, 0x10);
  h.count = *load_le32(p, 0x14);
  if (h.count == 0 || h.count > kMaxPackages || h.size != kFixed + kEntry * h.count) return std::nullopt;
  auto raw = subview(at, 0, h.size);
  if (!raw) return std::nullopt;
  const auto dec = hikvision::xor_decode(*raw);
  const ByteView d(dec.data(), dec.size());
  h.checksum = *load_le32(d, 4);
  h.computed = hikvision::byte_sum(d.subspan(0x0C));
  h.platform = cut_at_nul(d.subspan(0x2C, 20));
  for (std::uint32_t k = 0; k < h.count; ++k) {
    const std::uint64_t e = kFixed + std::uint64_t{kEntry} * k;
    h.entries.push_back({cut_at_nul(d.subspan(e, 32)), *load_le32(d, e + 32), *load_le32(d, e + 36), *load_le32(d, e + 40)});
  }
  return h;
}

class Hik02khHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto h = parse(at);
    if (!h) return std::nullopt;
    std::uint64_t end = h->size;
    for (const auto& e : h->entries) {
      if (e.offset >= h->size) end = std::max<std::uint64_t>(end, std::min<std::uint64_t>(std::uint64_t{e.offset} + e.length, at.size()));
    }
    const bool ok = h->checksum == h->computed;
    return Chunk{start, end, ok ? Confidence::kHigh : Confidence::kMedium,
                 "Hikvision 02KH wrapper, " + std::to_string(h->count) + " package(s), platform " + h->platform +
                     (ok ? "" : ", header checksum mismatch")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto h = parse(chunk.bytes());
    if (!h) return make_error(Errc::kMalformed, "02KH header does not decode", 0);
    Extraction ex;
    ex.properties = {{"magic", "02KH"},
                     {"header_size", std::to_string(h->size)},
                     {"packages", std::to_string(h->count)},
                     {"total_size", std::to_string(h->total)},
                     {"platform_id", h->platform},
                     {"header_checksum", hex_u32_fixed(h->checksum) + (h->checksum == h->computed ? " (ok)" : " (computed " + hex_u32_fixed(h->computed) + ")")}};
    if (h->checksum != h->computed) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "header checksum stored " + hex_u32_fixed(h->checksum) +
                                ", computed " + hex_u32_fixed(h->computed), "", 4});
    }
    if (h->total != chunk.size()) {
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kSizeMismatch, "header total size " + std::to_string(h->total) +
                                " differs from the package extent " + std::to_string(chunk.size()), "", 0x10});
    }
    for (std::size_t k = 0; k < h->entries.size(); ++k) {
      const Entry& e = h->entries[k];
      const std::uint64_t field = kFixed + kEntry * k;
      const std::string name = e.platform.empty() ? "package" + std::to_string(k) : e.platform;
      if (e.offset < h->size) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "package '" + name + "' offset points into the header", "", field + 32});
        continue;
      }
      std::uint64_t len = e.length;
      if (!range_fits(e.offset, len, chunk.size())) {
        ex.complete = false;
        const std::uint64_t have = e.offset < chunk.size() ? chunk.size() - e.offset : 0;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "package '" + name + "' needs " + std::to_string(e.length) +
                                  " bytes, " + std::to_string(have) + " present", "", field + 36});
        if (have == 0) continue;
        len = have;
      } else if (const std::uint32_t sum = hikvision::byte_sum(chunk.bytes().subspan(e.offset, len)); sum != e.checksum) {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "package '" + name + "' byte-sum stored " +
                                  hex_u32_fixed(e.checksum) + ", computed " + hex_u32_fixed(sum), "", field + 40});
      }
      ex.children.push_back({name, *chunk.slice(e.offset, len), ChildOrigin::kCarved, e.offset, {}});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_hik_02kh_handler() { return std::make_unique<Hik02khHandler>(); }

}  // namespace fwscan
