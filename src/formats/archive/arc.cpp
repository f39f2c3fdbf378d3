// SEA ARC archive (arc 5.x, PKARC): entries of 0x1A, a method byte, then
//   name[13] (NUL-terminated)  compressed size u32  DOS date u16  DOS time u16  CRC-16 u16
//   original size u32 (absent for method 1)
// followed by the data; "1A 00" ends the archive. Methods: 1, 2 stored; 3 packed (RLE 0x90);
// 4 squeezed (Huffman + RLE); 8 crunched (dynamic LZW, 9-12 bits, like Unix compress, + RLE);
// 9 squashed (dynamic LZW, 9-13 bits). The CRC is CRC-16/ARC of the original bytes.
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxEntries = 100'000;
constexpr Magic kMagics[] = {{"1a 01", 0, true}, {"1a 02", 0, true}, {"1a 03", 0, true}, {"1a 04", 0, true},
                             {"1a 05", 0, true}, {"1a 06", 0, true}, {"1a 07", 0, true}, {"1a 08", 0, true}, {"1a 09", 0, true}};
constexpr std::string_view kRefs[] = {"arc 5.21 sources (arc.h, arcunp.c, arclzw.c, arcsq.c); ARC file format notes"};
constexpr std::string_view kLimits[] = {"methods 5-7 (early crunching) are listed, not decoded", "encrypted (g) entries decode to garbage and fail their CRC"};
constexpr HandlerInfo kInfo{"arc", Category::kArchive, "ARC archive (SEA arc 5.x)", kMagics, kRefs, kLimits};

struct Entry {
  std::string name;
  int method = 0;
  std::uint32_t csize = 0, osize = 0;
  std::uint16_t crc = 0;
  std::uint64_t data = 0;
};

struct Walked {
  std::vector<Entry> entries;
  std::uint64_t end = 0;
  bool terminated = false;  // "1A 00" found
};

// nullopt unless the first header is a plausible ARC entry.
std::optional<Walked> walk(ByteView v) {
  Walked w;
  std::uint64_t pos = 0;
  for (std::uint32_t i = 0; i < kMaxEntries; ++i) {
    auto mark = load_u8(v, pos), method = load_u8(v, pos + 1);
    if (!mark || *mark != 0x1A || !method) break;
    if (*method == 0) {
      w.terminated = true;
      w.end = pos + 2;
      return w.entries.empty() ? std::nullopt : std::optional<Walked>(w);
    }
    if (*method > 9) break;
    const std::uint64_t header = *method == 1 ? 25 : 29;
    auto h = subview(v, pos, header);
    if (!h) break;
    std::size_t n = 0;
    while (n < 13 && (*h)[2 + n] >= 0x21 && (*h)[2 + n] < 0x7F) ++n;
    if (n == 0 || n == 13 || (*h)[2 + n] != 0) break;
    Entry e;
    e.name = std::string(as_chars(h->subspan(2, n)));
    e.method = *method;
    e.csize = *load_le32(*h, 15);
    e.crc = *load_le16(*h, 23);
    e.osize = *method == 1 ? e.csize : *load_le32(*h, 25);
    e.data = pos + header;
    if (e.data + e.csize > v.size()) break;
    if ((e.method <= 2 && e.osize != e.csize) || e.osize > (1U << 31)) break;
    w.entries.push_back(std::move(e));
    pos = w.entries.back().data + w.entries.back().csize;
    w.end = pos;
  }
  if (w.entries.empty()) return std::nullopt;
  return w;
}

// ARC's run-length stage: 0x90 n repeats the previous byte to n copies in all; 0x90 0 is 0x90.
std::optional<std::vector<std::uint8_t>> unrle(ByteView in, std::uint64_t limit) {
  std::vector<std::uint8_t> out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(limit, in.size() * 4)));
  std::uint8_t last = 0;
  bool repeat = false;
  for (const std::uint8_t c : in) {
    if (repeat) {
      if (c == 0) {
        out.push_back(0x90);
      } else {
        if (out.size() + c - 1 > limit) return std::nullopt;
        out.insert(out.end(), c - 1U, last);
      }
      repeat = false;
    } else if (c == 0x90) {
      repeat = true;
    } else {
      out.push_back(c);
      last = c;
    }
    if (out.size() > limit) return std::nullopt;
  }
  return out;
}

// Squeezed: a node count, the tree (two signed 16-bit children per node; -(v+1) is value v,
// 256 the end), then the codes, least significant bit first.
std::optional<std::vector<std::uint8_t>> unsqueeze(ByteView in, std::uint64_t limit) {
  auto count = load_le16(in, 0);
  if (!count || *count > 256) return std::nullopt;
  const std::uint64_t tree = 2 + 4ULL * *count;
  if (tree > in.size()) return std::nullopt;
  std::vector<std::uint8_t> out;
  if (*count == 0) return out;
  std::uint64_t bit = tree * 8;
  int node = 0;
  while (bit < in.size() * 8ULL) {
    const unsigned b = (in[bit >> 3] >> (bit & 7)) & 1U;
    ++bit;
    const auto child = static_cast<std::int16_t>(*load_le16(in, 2 + 4ULL * static_cast<std::uint64_t>(node) + 2ULL * b));
    if (child >= 0) {
      if (child >= *count) return std::nullopt;
      node = child;
      continue;
    }
    const int value = -(child + 1);
    if (value == 256) return out;  // end of data
    if (value > 256) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(value));
    if (out.size() > limit) return std::nullopt;
    node = 0;
  }
  return out;  // no end code: as long as the data went
}

// Crunched (8) and squashed (9) are Unix compress's block-mode LZW: decoded by the compress
// codec behind a .Z header naming the code width.
std::optional<std::vector<std::uint8_t>> unlzw(ByteView in, int max_bits, std::uint64_t limit, std::string& why) {
  std::vector<std::uint8_t> z = {0x1F, 0x9D, static_cast<std::uint8_t>(0x80 | max_bits)};
  z.insert(z.end(), in.begin(), in.end());
  DecodeResult r = decode_stream(Codec::kCompress, {z.data(), z.size()}, limit);
  if (r.status == DecodeStatus::kCorrupt || r.status == DecodeStatus::kOutputLimit) {
    why = r.message.empty() ? "LZW data rejected" : r.message;
    return std::nullopt;
  }
  return std::move(r.out);
}

class ArcHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    auto w = walk(node.subspan(start));
    if (!w) return std::nullopt;
    // Without its end marker an ARC is only plausible when the entries reach the end of the data.
    const bool whole = w->terminated || start + w->end == node.size();
    if (!whole && w->entries.size() < 2) return std::nullopt;
    return Chunk{start, w->end, w->terminated ? Confidence::kHigh : Confidence::kLow,
                 "ARC archive, " + std::to_string(w->entries.size()) + " entr" + (w->entries.size() == 1 ? "y" : "ies")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto w = walk(chunk.bytes());
    if (!w) return make_error(Errc::kMalformed, "ARC headers", 0);
    Extraction ex;
    if (!w->terminated) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "no end-of-archive marker", "", w->end});
    }
    for (const Entry& e : w->entries) {
      Child c;
      c.name = e.name;
      const ByteView packed = chunk.bytes().subspan(e.data, e.csize);
      if (e.method <= 2) {
        c.origin = ChildOrigin::kCarved;
        c.offset = e.data;
        c.data = *chunk.slice(e.data, e.csize);
      } else {
        const std::uint64_t limit = std::min<std::uint64_t>(e.osize, ctx.budget().max_output(e.csize));
        if (e.osize > limit || !ctx.budget().charge(e.osize)) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitExpansion, "'" + e.name + "': " + std::to_string(e.osize) + " bytes exceed the output budget", "", e.data});
          continue;
        }
        std::optional<std::vector<std::uint8_t>> out;
        std::string why = "data does not decode";
        switch (e.method) {
          case 3: out = unrle(packed, e.osize); break;
          case 4: if (auto s = unsqueeze(packed, e.osize * 2 + 1024)) out = unrle({s->data(), s->size()}, e.osize); break;
          case 8: {
            const int bits = packed.empty() ? 0 : packed[0];
            if (bits < 9 || bits > 16) {
              why = "bad code width " + std::to_string(bits);
            } else if (auto s = unlzw(packed.subspan(1), bits, ctx.budget().max_output(e.csize), why)) {
              out = unrle({s->data(), s->size()}, e.osize);
            }
            break;
          }
          case 9: out = unlzw(packed, 13, e.osize, why); break;
          default: break;
        }
        if (e.method >= 5 && e.method <= 7) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kUnsupported, "'" + e.name + "': method " + std::to_string(e.method) + " (early crunching) is not decoded", "", e.data});
          c.meta.kind = EntryKind::kOther;
          ex.children.push_back(std::move(c));
          continue;
        }
        if (!out || out->size() != e.osize) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "'" + e.name + "' (method " + std::to_string(e.method) + "): " +
                                                                      (out ? "decodes to " + std::to_string(out->size()) + " bytes, not " + std::to_string(e.osize) : why), "", e.data});
          continue;
        }
        c.origin = ChildOrigin::kDecoded;
        c.data = Blob::own(std::move(*out));
      }
      if (crc16_arc(c.data.bytes()) != e.crc) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "'" + e.name + "': CRC-16 mismatch", "", e.data});
      }
      ex.properties.emplace_back("member " + e.name, "method " + std::to_string(e.method) + ", " + std::to_string(e.csize) + " -> " + std::to_string(e.osize) + " bytes");
      ex.children.push_back(std::move(c));
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_arc_handler() { return std::make_unique<ArcHandler>(); }

}  // namespace fwscan
