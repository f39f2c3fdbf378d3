// INSTAR HD firmware: a ZIP whose record signatures are changed (camera-formats.md 3.7):
// local headers "PK\x03\x07" (standard 03 04), central directory "PK\x01\x08" (01 02), end of
// central directory "PK\x05\x09" (05 06). The records are walked with their own signatures, a
// copy with the standard signatures at exactly those positions is made, and the zip reader
// takes it from there.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"50 4b 03 07"}};
constexpr std::string_view kRefs[] = {"camera-formats.md 3.7; unblob archive/instar/instar_hd.py (signature mapping)"};
constexpr std::string_view kLimits[] = {"entries with data descriptors (general flag bit 3) are not walked"};
constexpr HandlerInfo kInfo{"instar_hd", Category::kFirmware, "INSTAR HD firmware (ZIP with changed signatures)", kMagics, kRefs, kLimits};
constexpr std::uint32_t kMaxRecords = 100'000;

struct Layout {
  std::vector<std::uint64_t> local, central;
  std::uint64_t eocd = 0, end = 0;
};

std::optional<Layout> walk(ByteView v) {
  Layout l;
  std::uint64_t p = 0;
  while (has_bytes_at(v, p, "PK\x03\x07") && l.local.size() < kMaxRecords) {
    auto flags = load_le16(v, p + 6), n = load_le16(v, p + 26), e = load_le16(v, p + 28);
    auto csize = load_le32(v, p + 18);
    if (!flags || !csize || !n || !e || (*flags & 0x8)) return std::nullopt;
    l.local.push_back(p);
    p += 30ULL + *n + *e + *csize;
  }
  if (l.local.empty()) return std::nullopt;
  while (has_bytes_at(v, p, "PK\x01\x08") && l.central.size() < kMaxRecords) {
    auto n = load_le16(v, p + 28), e = load_le16(v, p + 30), c = load_le16(v, p + 32);
    if (!n || !e || !c) return std::nullopt;
    l.central.push_back(p);
    p += 46ULL + *n + *e + *c;
  }
  auto comment = load_le16(v, p + 20);
  if (!has_bytes_at(v, p, "PK\x05\x09") || !comment || l.central.size() != l.local.size()) return std::nullopt;
  l.eocd = p;
  l.end = p + 22 + *comment;
  if (l.end > v.size()) return std::nullopt;
  return l;
}

class InstarHdHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    auto l = walk(node.subspan(start));
    if (!l) return std::nullopt;
    return Chunk{start, l->end, Confidence::kHigh, "INSTAR HD firmware, " + std::to_string(l->local.size()) + " entries, " + human_size(l->end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto l = walk(chunk.bytes());
    if (!l) return make_error(Errc::kMalformed, "record chain", 0);
    std::vector<std::uint8_t> zip(chunk.bytes().begin(), chunk.bytes().begin() + static_cast<std::ptrdiff_t>(l->end));
    for (std::uint64_t p : l->local) zip[p + 3] = 0x04;
    for (std::uint64_t p : l->central) zip[p + 3] = 0x02;
    zip[l->eocd + 3] = 0x06;
    // The zip reader keeps its own Blob of the patched bytes while it gives entries later.
    auto ex = extract_zip_entries(Blob::own(std::move(zip)), ctx);
    if (!ex) return ex;
    ex->properties.emplace_back("signatures", "PK0307/PK0108/PK0509 mapped to the standard ZIP ones");
    return ex;
  }
};

}  // namespace

HandlerPtr make_instar_hd_handler() { return std::make_unique<InstarHdHandler>(); }

}  // namespace fwscan
