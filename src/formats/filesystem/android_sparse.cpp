// Android sparse image (system/core libsparse sparse_format.h), little-endian:
//   00 magic 0xed26ff3a  04 major 1  06 minor 0  08 file_hdr_sz (28)  0a chunk_hdr_sz (12)
//   0c blk_sz  10 total_blks  14 total_chunks  18 image_checksum
// Chunks: type u16 (0xcac1 raw, 0xcac2 fill, 0xcac3 don't care, 0xcac4 crc32), reserved u16,
// chunk_sz (blocks) u32, total_sz (bytes, header included) u32, then the chunk's data.
#include <algorithm>
#include <array>
#include <cstring>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxChunks = 10'000'000;
constexpr Magic kMagics[] = {{"3a ff 26 ed 01 00"}};
constexpr std::string_view kRefs[] = {"AOSP system/core/libsparse/sparse_format.h"};
constexpr std::string_view kLimits[] = {"CRC32 chunks are recorded, not verified"};
constexpr HandlerInfo kInfo{"android_sparse", Category::kFilesystem, "Android sparse image", kMagics, kRefs, kLimits};

struct Header {
  std::uint16_t file_hdr, chunk_hdr;
  std::uint32_t blk, blocks, chunks;
};

std::optional<Header> parse(ByteView v) {
  auto fh = load_le16(v, 8), ch = load_le16(v, 10);
  auto blk = load_le32(v, 12), blocks = load_le32(v, 16), chunks = load_le32(v, 20);
  if (!fh || !ch || !blk || !blocks || !chunks) return std::nullopt;
  if (*fh < 28 || *ch < 12 || *blk == 0 || *blk % 4 != 0 || *chunks > kMaxChunks) return std::nullopt;
  return Header{*fh, *ch, *blk, *blocks, *chunks};
}

// Walks the chunks; with `out`, also rebuilds the image (up to `cap` bytes).
struct Walk {
  std::uint64_t end = 0;
  bool complete = false;
  std::vector<Diagnostic> diagnostics;
};

// "Don't care" chunks, and fills of zeros, are holes of the image: never written, never held.
Walk walk(ByteView v, const Header& h, OutputBuffer* out, std::uint64_t cap) {
  Walk w;
  std::uint64_t pos = h.file_hdr;
  for (std::uint32_t i = 0; i < h.chunks; ++i) {
    auto type = load_le16(v, pos);
    auto blocks = load_le32(v, pos + 4), total = load_le32(v, pos + 8);
    if (!type || !blocks || !total || *total < h.chunk_hdr || !range_fits(pos, *total, v.size())) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "chunk " + std::to_string(i) + " runs past the end", "", pos});
      w.end = v.size();
      return w;
    }
    const ByteView data = v.subspan(pos + h.chunk_hdr, *total - h.chunk_hdr);
    const std::uint64_t bytes = std::uint64_t{*blocks} * h.blk;
    if (out != nullptr && out->size() < cap) {
      const std::uint64_t room = cap - out->size();
      switch (*type) {
        case 0xCAC1: out->append(data.subspan(0, std::min<std::uint64_t>({data.size(), bytes, room}))); break;
        case 0xCAC2: {
          std::array<std::uint8_t, 4096> fill{};
          if (data.size() >= 4) {
            for (std::size_t k = 0; k < fill.size(); k += 4) std::memcpy(fill.data() + k, data.data(), 4);
          }
          const bool zeros = std::all_of(fill.begin(), fill.end(), [](std::uint8_t b) { return b == 0; });
          for (std::uint64_t left = std::min(bytes, room); left > 0;) {
            const std::uint64_t n = std::min<std::uint64_t>(left, fill.size());
            if (zeros) out->append_hole(n);
            else out->append({fill.data(), static_cast<std::size_t>(n)});
            left -= n;
          }
          break;
        }
        case 0xCAC3: out->append_hole(std::min(bytes, room)); break;
        case 0xCAC4: break;
        default:
          w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "unknown chunk type", "", pos});
          w.end = pos;
          return w;
      }
    } else if (*type < 0xCAC1 || *type > 0xCAC4) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "unknown chunk type", "", pos});
      w.end = pos;
      return w;
    }
    pos += *total;
  }
  w.end = pos;
  w.complete = true;
  return w;
}

class AndroidSparseHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto h = parse(at);
    if (!h) return std::nullopt;
    const Walk w = walk(at, *h, nullptr, 0);
    if (w.end <= h->file_hdr) return std::nullopt;
    return Chunk{start, w.end, w.complete ? Confidence::kHigh : Confidence::kLow,
                 "Android sparse image, " + std::to_string(h->chunks) + " chunks, " +
                     human_size(std::uint64_t{h->blocks} * h->blk) + " unsparsed"};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto h = parse(chunk.bytes());
    if (!h) return make_error(Errc::kMalformed, "sparse header does not parse", 0);
    Extraction ex;
    const std::uint64_t want = std::uint64_t{h->blocks} * h->blk;
    const std::uint64_t cap = std::min(want, ctx.budget().max_output(chunk.size()));
    auto buffer = OutputBuffer::make(cap);
    if (!buffer) return buffer.error();
    OutputBuffer& out = *buffer;
    const Walk w = walk(chunk.bytes(), *h, &out, cap);
    ex.diagnostics = w.diagnostics;
    ex.complete = w.complete;
    if (cap < want) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitExpansion, "unsparsed image cut at " + human_size(cap), "", std::nullopt});
    }
    if (!ctx.budget().charge(out.size())) return make_error(Errc::kLimitExceeded, "total extraction budget exhausted");
    ex.properties = {{"block_size", std::to_string(h->blk)}, {"blocks", std::to_string(h->blocks)}, {"chunks", std::to_string(h->chunks)}};
    ex.children.push_back({"unsparsed.img", Blob::adopt(std::move(out)), ChildOrigin::kDecoded, 0, {}});
    return ex;
  }
};

}  // namespace

HandlerPtr make_android_sparse_handler() { return std::make_unique<AndroidSparseHandler>(); }

}  // namespace fwscan
