// LHA/LZH archives, read by libarchive; the extent comes from walking the headers natively.
// Every header has the method "-lh?-" / "-lz?-" at offset 2, the compressed size u32 LE at 7 and
// the level at 20. Level 0/1: header size u8 at 0 (excluding the 2 first bytes); level 1's
// extended headers are counted in the compressed size. Level 2: total header size u16 at 0.
// Level 3: word size u16 at 0 (4), total header size u32 at 24. The archive ends at a 0 byte.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"2d 6c 68 ?? 2d", 2}, {"2d 6c 7a ?? 2d", 2}};
constexpr std::string_view kRefs[] = {"LHa for UNIX header.doc (levels 0-3)", "libarchive archive_read_support_format_lha.c"};
constexpr std::string_view kLimits[] = {"archives are recognised by their first header's method id"};
constexpr HandlerInfo kInfo{"lha", Category::kArchive, "LHA/LZH archive", kMagics, kRefs, kLimits};
constexpr std::uint32_t kMaxHeaders = 1'000'000;

bool method_ok(ByteView v, std::uint64_t p) {
  auto m = subview(v, p + 2, 5);
  if (!m || (*m)[0] != '-' || (*m)[1] != 'l' || (*m)[4] != '-') return false;
  return ((*m)[2] == 'h' && (((*m)[3] >= '0' && (*m)[3] <= '7') || (*m)[3] == 'd')) ||
         ((*m)[2] == 'z' && ((*m)[3] == 's' || (*m)[3] == '4' || (*m)[3] == '5'));
}

class LhaHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    std::uint64_t p = 0;
    std::uint32_t n = 0;
    bool terminated = false;
    for (; n < kMaxHeaders; ++n) {
      auto first = load_u8(at, p);
      if (!first) break;
      if (*first == 0) {  // end marker
        terminated = true;
        p += 1;
        break;
      }
      if (!method_ok(at, p)) break;
      auto csize = load_le32(at, p + 7);
      auto level = load_u8(at, p + 20);
      if (!csize || !level || *level > 3) break;
      std::uint64_t header = 0;
      if (*level <= 1) header = 2ULL + *first;
      else if (*level == 2) header = load_le16(at, p).value_or(0);
      else header = load_le32(at, p + 24).value_or(0);
      if (header < 21) break;
      const std::uint64_t next = p + header + *csize;
      if (next > at.size()) {
        p = at.size();
        break;
      }
      p = next;
    }
    if (n == 0) return std::nullopt;
    const std::string d = "LHA archive, " + std::to_string(n) + " entries";
    if (!terminated) return Chunk{start, p, Confidence::kMedium, d + ", no end marker"};
    return Chunk{start, p, Confidence::kHigh, d + ", " + human_size(p)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    return extract_archive_entries(chunk, ArchiveFormat::kLha, ctx);
  }
};

}  // namespace

HandlerPtr make_lha_handler() { return std::make_unique<LhaHandler>(); }

}  // namespace fwscan
