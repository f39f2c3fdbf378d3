// xar archive (xar file format: include/xar.h): "xar!", header size u16, version u16 (1), TOC
// length compressed u64, TOC length uncompressed u64, checksum algorithm u32 (all big-endian).
// A zlib-compressed XML table of contents follows, then the heap. The extent is the end of the
// furthest heap item the TOC names (<offset> with its <length>, or <size> for checksums).
// Entries are read by libarchive.
#include <algorithm>
#include <string>

#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"78 61 72 21 00"}};
constexpr std::string_view kRefs[] = {"xar include/xar.h.in (xar_header), xar TOC schema"};
constexpr std::string_view kLimits[] = {"signatures are not verified"};
constexpr HandlerInfo kInfo{"xar", Category::kArchive, "xar archive", kMagics, kRefs, kLimits};
constexpr std::uint64_t kMaxToc = 64ULL << 20;

std::optional<std::uint64_t> number_in(const std::string& xml, const std::string& tag, std::size_t from, std::size_t to) {
  const std::string open = "<" + tag + ">";
  const std::size_t p = xml.find(open, from);
  if (p == std::string::npos || p >= to) return std::nullopt;
  std::uint64_t v = 0;
  std::size_t i = p + open.size();
  bool any = false;
  for (; i < xml.size() && xml[i] >= '0' && xml[i] <= '9' && v < (1ULL << 56); ++i) {
    v = v * 10 + static_cast<std::uint64_t>(xml[i] - '0');
    any = true;
  }
  return any ? std::optional(v) : std::nullopt;
}

// End of the heap named by the TOC; 0 when it names nothing.
std::uint64_t heap_end(const std::string& xml) {
  std::vector<std::size_t> starts;
  for (const char* t : {"<data>", "<data ", "<checksum", "<signature", "<ea>", "<ea "}) {
    for (std::size_t p = xml.find(t); p != std::string::npos; p = xml.find(t, p + 1)) starts.push_back(p);
  }
  std::sort(starts.begin(), starts.end());
  std::uint64_t end = 0;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::size_t to = i + 1 < starts.size() ? starts[i + 1] : xml.size();
    auto off = number_in(xml, "offset", starts[i], to);
    if (!off) continue;
    auto len = number_in(xml, "length", starts[i], to);
    if (!len) len = number_in(xml, "size", starts[i], to);
    if (len) end = std::max(end, *off + *len);
  }
  return end;
}

class XarHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto hsize = load_be16(at, 4), version = load_be16(at, 6);
    auto toc_c = load_be64(at, 8), toc_u = load_be64(at, 16);
    if (!hsize || !version || !toc_c || !toc_u || *version != 1 || *hsize < 28 || *hsize > 4096 || *toc_c == 0 || *toc_u > kMaxToc) return std::nullopt;
    auto toc = subview(at, *hsize, *toc_c);
    if (!toc) return Chunk{start, at.size(), Confidence::kLow, "xar archive, truncated table of contents"};
    DecodeResult d = decode_stream(Codec::kZlib, *toc, *toc_u);
    if (d.status != DecodeStatus::kComplete) return std::nullopt;
    const std::string xml(d.out.begin(), d.out.end());
    if (xml.find("<xar") == std::string::npos) return std::nullopt;
    const std::uint64_t end = *hsize + *toc_c + heap_end(xml);
    if (end > at.size()) return Chunk{start, at.size(), Confidence::kLow, "xar archive, truncated heap"};
    return Chunk{start, end, Confidence::kHigh, "xar archive, " + human_size(end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    return extract_archive_entries(chunk, ArchiveFormat::kXar, ctx);
  }
};

}  // namespace

HandlerPtr make_xar_handler() { return std::make_unique<XarHandler>(); }

}  // namespace fwscan
