// rzip (Andrew Tridgell, rzip 2.1) and lrzip (Con Kolivas, lrzip 0.4–0.6): a long-range
// LZ77 pass whose commands and literals are kept in two streams of compressed blocks.
//   rzip file: "RZIP" major minor, expected size u32 BE @6 (and its high half @10), 24 bytes.
//   lrzip file: "LRZI" major minor, expected size u64 LE @6 (v0.4+), LZMA properties @16 (5
//   bytes, when byte 16 is not 0), MD5 flag @21, encryption flag @22; 24 bytes (v0.6 and older).
// Chunks follow until the expected size is produced (lrzip 0.6 also flags the last chunk). A chunk
// (lrzip 0.5+: chunk_bytes u8 first; 0.6: then an eof u8 and the chunk size in chunk_bytes) opens
// two streams, each with a header: type u8 (3 = none), c_len, u_len, first block offset, all 0 but
// the offset (a leading all-zero header is skipped: the "stream close workaround"). Each block
// header (type, c_len, u_len, next block offset; offsets relative to the chunk's stream area)
// precedes c_len bytes: type 3 none, 4 bzip2, 5 LZO1X, 6 raw LZMA, 7 zlib, 8 ZPAQ. Field widths:
// rzip and lrzip <0.4 u32; 0.4 and 0.5 u64; 0.6 chunk_bytes. Stream 0 holds commands: head u8,
// len (u16; u64 in lrzip 0.4); head 0 copies len literal bytes from stream 1, otherwise an offset
// (u32 in rzip, chunk_bytes in lrzip) follows and len bytes are copied from that far back in the
// output. head 0 with len 0 ends the chunk; a CRC-32 (init 0, no final inversion) of the chunk's
// output follows in stream 0, unless the lrzip file keeps an MD5 of the whole output in its last
// 16 bytes. The next chunk starts after every block of this one.
#include <openssl/evp.h>
#include <zlib.h>

#include <array>
#include <cstring>

#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxChunks = 1'000'000;
constexpr std::uint32_t kMaxBlocks = 1'000'000;

enum class Kind : std::uint8_t { kRzip, kLrzip };

struct Header {
  Kind kind = Kind::kRzip;
  unsigned major = 0, minor = 0;
  std::uint64_t expected = 0;
  bool md5 = false, encrypted = false;
  LzmaProperties lzma;
};

std::optional<Header> parse(ByteView v, Kind kind) {
  if (v.size() < 24 || !has_bytes_at(v, 0, kind == Kind::kRzip ? "RZIP" : "LRZI")) return std::nullopt;
  Header h;
  h.kind = kind;
  h.major = v[4];
  h.minor = v[5];
  if (kind == Kind::kRzip) {
    if (h.major != 2) return std::nullopt;  // rzip 2.x files (1.x had no public format)
    h.expected = *load_be32(v, 6) | (static_cast<std::uint64_t>(*load_be32(v, 10)) << 32);
    return h;
  }
  if (h.major != 0 || h.minor < 1 || h.minor > 6) return std::nullopt;  // lrzip 0.7 and later: an "LRZI" 0.7 header of another shape
  h.expected = h.minor < 4 ? (*load_be32(v, 6) | (static_cast<std::uint64_t>(*load_be32(v, 10)) << 32)) : *load_le64(v, 6);
  if (v[16] != 0) {
    const unsigned p = v[16];
    h.lzma = {p % 9, (p / 9) % 5, p / 45, *load_le32(v, 17)};
    if (p >= 225) return std::nullopt;
  }
  h.md5 = v[21] == 1;
  h.encrypted = v[22] != 0;
  if (h.encrypted) h.expected = 0;  // the size field holds the salt
  return h;
}

std::uint64_t load_var(ByteView v, std::uint64_t off, unsigned width, bool& ok) {
  auto b = subview(v, off, width);
  if (!b) {
    ok = false;
    return 0;
  }
  std::uint64_t x = 0;
  for (unsigned i = 0; i < width; ++i) x |= static_cast<std::uint64_t>((*b)[i]) << (8 * i);
  return x;
}

// rzip's and lrzip's CRC: the reflected CRC-32 table, starting at 0 and not inverted at the end;
// zlib's crc32() inverts on the way in and out, so it is undone around it.
std::uint32_t raw_crc(std::uint32_t crc, const std::uint8_t* p, std::size_t n) {
  return static_cast<std::uint32_t>(crc32(crc ^ 0xFFFFFFFFU, p, static_cast<uInt>(n))) ^ 0xFFFFFFFFU;
}

class Decoder {
 public:
  Decoder(ByteView file, const Header& h, std::uint64_t cap, bool decode) : f_(file), h_(h), cap_(cap), decode_(decode) {}

  // Runs every chunk; the extent and the output are in end() and out().
  void run() {
    std::uint64_t p = 24;
    const std::uint64_t data_end = f_.size() - (h_.md5 && f_.size() >= 40 ? 16 : 0);
    for (std::uint32_t n = 0; n < kMaxChunks; ++n) {
      if (p >= data_end) {
        if (n == 0 || produced_ < h_.expected) problem(DiagCode::kTruncated, "the data ends after " + std::to_string(n) + " chunk(s), " + std::to_string(produced_) + " of " + std::to_string(h_.expected) + " bytes");
        break;
      }
      bool eof = false;
      auto next = chunk(p, data_end, eof);
      if (!next) {
        if (n == 0) failed_ = true;
        break;
      }
      p = *next;
      end_ = p;
      if (!decode_) {
        if (eof) break;
        continue;  // walking: chunks end where a chunk header no longer parses
      }
      if (stop_) break;
      if (h_.kind == Kind::kRzip || h_.minor < 6 || h_.expected != 0 ? produced_ >= h_.expected : eof) break;
    }
    if (h_.md5 && f_.size() >= end_ + 16) {
      const ByteView stored = f_.subspan(end_, 16);
      end_ += 16;
      if (decode_ && !stop_) {
        std::array<std::uint8_t, 16> md{};
        unsigned int len = 0;
        EVP_Digest(out_.data(), out_.size(), md.data(), &len, EVP_md5(), nullptr);
        if (std::memcmp(md.data(), stored.data(), 16) != 0) problem(DiagCode::kChecksumMismatch, "the MD5 of the output does not match the one stored at the end");
        else md5_ok_ = true;
      }
    }
  }

  std::uint64_t end() const { return end_; }
  bool failed() const { return failed_ || end_ == 0; }
  bool md5_ok() const { return md5_ok_; }
  std::uint64_t produced() const { return produced_; }
  std::vector<std::uint8_t>& out() { return out_; }
  std::vector<Diagnostic>& diagnostics() { return diags_; }

 private:
  struct Stream {
    std::uint64_t head = 0;  // next block header, relative to the stream area
    bool eos = false;
    std::vector<std::uint8_t> buf;
    std::size_t pos = 0;
  };

  // One chunk at `p`: the offset after its last block, nullopt when it does not parse.
  std::optional<std::uint64_t> chunk(std::uint64_t p, std::uint64_t data_end, bool& eof) {
    bool ok = true;
    const ByteView f = f_.subspan(0, data_end);
    unsigned width = 4, len_width = 2, off_width = 4;
    if (h_.kind == Kind::kLrzip && h_.minor >= 4) {
      width = 8;
      off_width = 8;
      len_width = h_.minor == 4 ? 8 : 2;
      if (h_.minor >= 5) {
        auto cb = load_u8(f, p++);
        if (!cb || *cb < 1 || *cb > 8) return bad("chunk_bytes " + std::to_string(cb.value_or(0)) + " at " + std::to_string(p - 1) + " is not 1..8");
        off_width = *cb;
        if (h_.minor >= 6) {
          width = *cb;
          eof = load_u8(f, p++).value_or(0) != 0;
          load_var(f, p, width, ok);  // the chunk's expected size (not needed to decode it)
          p += width;
        }
      }
    }
    const std::uint64_t hl = 1 + 3ULL * width;
    std::uint64_t base = p;
    Stream s[2];
    for (int i = 0; i < 2; ++i) {
      auto type = load_u8(f, base + hl * static_cast<unsigned>(i));
      const std::uint64_t at = base + hl * static_cast<unsigned>(i) + 1;
      const std::uint64_t c = load_var(f, at, width, ok), u = load_var(f, at + width, width, ok), head = load_var(f, at + 2 * width, width, ok);
      if (!type || !ok) return bad("stream header " + std::to_string(i) + " at " + std::to_string(at - 1) + " runs past the data");
      if (i == 0 && *type == 3 && c == 0 && u == 0 && head == 0) {  // the stream close workaround
        base += hl;
        --i;
        continue;
      }
      if (*type != 3 || c != 0 || u != 0 || head == 0) return bad("stream header " + std::to_string(i) + " at " + std::to_string(at - 1) + " is not an rzip stream header");
      s[i].head = head;
    }
    // Every block of both streams, in chain order: the chunk's extent.
    std::uint64_t chunk_end = base + 2 * hl;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks[2];  // (header offset, next)
    for (int i = 0; i < 2; ++i) {
      std::uint64_t head = s[i].head, prev = 0;
      for (std::uint32_t k = 0; head != 0; ++k) {
        if (k >= kMaxBlocks || head <= prev) return bad("stream " + std::to_string(i) + ": block offset " + std::to_string(head) + " does not move forward");
        const std::uint64_t at = base + head;
        const std::uint64_t c = load_var(f, at + 1, width, ok), next = load_var(f, at + 1 + 2ULL * width, width, ok);
        if (!ok || at + hl + c > f.size() || at + hl + c < at) return bad("stream " + std::to_string(i) + ": the block at " + std::to_string(at) + " runs past the data");
        blocks[i].push_back({head, next});
        chunk_end = std::max(chunk_end, at + hl + c);
        prev = head;
        head = next;
      }
    }
    if (!decode_) return chunk_end;

    base_ = base;
    width_ = width;
    hl_ = hl;
    file_ = f;
    std::uint32_t crc = 0;
    const std::uint64_t chunk_start = out_.size();
    while (!stop_) {
      std::uint64_t head = 0, len = 0;
      if (!read(s[0], &head, 1) || !read(s[0], &len, len_width)) break;
      if (head == 0 && len == 0) {
        if (h_.kind == Kind::kRzip || !h_.md5) {
          std::uint64_t stored = 0;
          if (!read(s[0], &stored, 4)) break;
          crc = raw_crc(0, out_.data() + chunk_start, out_.size() - chunk_start);
          if (stored != crc) problem(DiagCode::kChecksumMismatch, "chunk at " + std::to_string(p) + ": CRC " + hex(crc) + ", the stream says " + hex(static_cast<std::uint32_t>(stored)));
        }
        return chunk_end;
      }
      if (!room(len)) break;
      if (head == 0) {
        const std::size_t at = out_.size();
        out_.resize(at + len);
        if (!read_bytes(s[1], out_.data() + at, len)) break;
      } else {
        std::uint64_t offset = 0;
        if (!read(s[0], &offset, off_width)) break;
        if (offset == 0 || offset > out_.size()) {
          problem(DiagCode::kMalformed, "a match " + std::to_string(offset) + " bytes back, with " + std::to_string(out_.size()) + " produced");
          stop_ = true;
          break;
        }
        const std::size_t from = out_.size() - offset;
        for (std::uint64_t k = 0; k < len; ++k) out_.push_back(out_[from + k]);
      }
      produced_ = out_.size();
    }
    produced_ = out_.size();
    stop_ = true;
    return chunk_end;
  }

  bool room(std::uint64_t len) {
    const std::uint64_t limit = std::min(cap_, h_.expected != 0 ? h_.expected : cap_);
    if (out_.size() + len <= limit) return true;
    if (out_.size() + len > h_.expected && h_.expected != 0) problem(DiagCode::kMalformed, "the commands produce more than the " + std::to_string(h_.expected) + " bytes the header declares");
    else problem(DiagCode::kLimitExpansion, "output stopped at " + human_size(cap_) + " (size/expansion budget)");
    stop_ = true;
    return false;
  }

  bool read(Stream& s, std::uint64_t* v, unsigned width) {
    std::uint8_t b[8] = {};
    if (!read_bytes(s, b, width)) return false;
    *v = 0;
    for (unsigned i = 0; i < width; ++i) *v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
    return true;
  }

  bool read_bytes(Stream& s, std::uint8_t* dst, std::uint64_t n) {
    while (n > 0) {
      if (s.pos == s.buf.size() && !fill(s)) return false;
      const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, s.buf.size() - s.pos));
      std::memcpy(dst, s.buf.data() + s.pos, k);
      s.pos += k;
      dst += k;
      n -= k;
    }
    return true;
  }

  // The stream's next block, decompressed.
  bool fill(Stream& s) {
    if (s.eos || s.head == 0) {
      problem(DiagCode::kTruncated, "a stream ends in the middle of a command");
      stop_ = true;
      return false;
    }
    bool ok = true;
    const std::uint64_t at = base_ + s.head;
    const auto type = load_u8(file_, at);
    const std::uint64_t c = load_var(file_, at + 1, width_, ok), u = load_var(file_, at + 1 + width_, width_, ok), next = load_var(file_, at + 1 + 2ULL * width_, width_, ok);
    auto data = ok && type ? subview(file_, at + hl_, c) : std::nullopt;
    s.head = next;
    s.eos = next == 0;
    s.buf.clear();
    s.pos = 0;
    if (!data) return block_error(at, "runs past the data");
    if (c == 0 && u == 0) return fill(s);  // an empty block at the end of incompressible data
    if (u > std::max<std::uint64_t>(cap_, 1)) return block_error(at, "declares " + std::to_string(u) + " bytes, over the output budget");
    std::optional<std::vector<std::uint8_t>> got;
    switch (*type) {
      case 3: got.emplace(data->begin(), data->end()); break;
      case 4: got = whole(decode_stream(Codec::kBzip2, *data, u)); break;
      case 5: got = decode_lzo1x_block(*data, static_cast<std::size_t>(u)); break;
      case 6: got = decode_lzma1_raw(*data, static_cast<std::size_t>(u), h_.lzma); break;
      case 7: got = whole(decode_stream(Codec::kZlib, *data, u)); break;
      case 8:
        problem(DiagCode::kUnsupported, "block at " + std::to_string(at) + " is ZPAQ-compressed (lrzip -z); fwscan has no ZPAQ decoder");
        stop_ = true;
        return false;
      default: return block_error(at, "has the unknown compression type " + std::to_string(*type));
    }
    if (!got || got->size() != u) return block_error(at, "does not decompress to its " + std::to_string(u) + " bytes");
    s.buf = std::move(*got);
    return !s.buf.empty() || fill(s);
  }

  static std::optional<std::vector<std::uint8_t>> whole(DecodeResult r) {
    if (r.status != DecodeStatus::kComplete) return std::nullopt;
    return std::move(r.out);
  }

  bool block_error(std::uint64_t at, const std::string& what) {
    problem(DiagCode::kMalformed, "the block at " + std::to_string(at) + " " + what);
    stop_ = true;
    return false;
  }

  std::optional<std::uint64_t> bad(const std::string& what) {
    problem(DiagCode::kMalformed, what);
    return std::nullopt;
  }

  void problem(DiagCode code, const std::string& what) {
    if (!decode_) return;
    diags_.push_back({code == DiagCode::kUnsupported || code == DiagCode::kLimitExpansion ? Severity::kWarning : Severity::kError, code, what, "", std::nullopt});
  }

  static std::string hex(std::uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "%08x", v);
    return b;
  }

  ByteView f_;
  const Header& h_;
  std::uint64_t cap_;
  bool decode_;
  std::uint64_t end_ = 0, produced_ = 0;
  bool failed_ = false, stop_ = false, md5_ok_ = false;
  std::vector<std::uint8_t> out_;
  std::vector<Diagnostic> diags_;
  ByteView file_;
  std::uint64_t base_ = 0, hl_ = 0;
  unsigned width_ = 4;
};

constexpr Magic kRzipMagics[] = {{"52 5a 49 50 02", 0}};
constexpr Magic kLrzipMagics[] = {{"4c 52 5a 49 00", 0}};
constexpr std::string_view kRzipRefs[] = {"rzip 2.1 source (Debian rzip_2.1.orig.tar.gz): main.c read_magic, runzip.c, stream.c"};
constexpr std::string_view kLrzipRefs[] = {"lrzip 0.651 source (Debian lrzip_0.651.orig.tar.gz): lrzip.c get_magic, runzip.c, stream.c open_stream_in and fill_buffer"};
constexpr std::string_view kRzipLimits[] = {"rzip 1.x files are not read"};
constexpr std::string_view kLrzipLimits[] = {
    "encrypted files are recognised, not decrypted",
    "ZPAQ-compressed blocks (lrzip -z) are not decoded",
    "lrzip 0.7+ files (a different header) are not read",
};
constexpr HandlerInfo kRzipInfo{"rzip", Category::kCompression, "rzip file (long-range LZ77 + bzip2)", kRzipMagics, kRzipRefs, kRzipLimits};
constexpr HandlerInfo kLrzipInfo{"lrzip", Category::kCompression, "lrzip file (long-range LZ77 + LZMA, bzip2, LZO, zlib or none)", kLrzipMagics, kLrzipRefs, kLrzipLimits};

class RzipFamilyHandler final : public Handler {
 public:
  RzipFamilyHandler(const HandlerInfo& info, Kind kind) : info_(info), kind_(kind) {}
  const HandlerInfo& info() const override { return info_; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto h = parse(at, kind_);
    if (!h) return std::nullopt;
    const std::string name(info_.id);
    if (h->encrypted) return Chunk{start, at.size(), Confidence::kMedium, name + " file, encrypted"};
    Decoder d(at, *h, 0, false);
    d.run();
    if (d.failed()) return Chunk{start, at.size(), Confidence::kLow, name + " file whose first chunk does not parse: rest of the data"};
    return Chunk{start, d.end(), Confidence::kHigh, name + " " + std::to_string(h->major) + "." + std::to_string(h->minor) + " file, " + human_size(d.end()) + " → " + human_size(h->expected)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto h = parse(chunk.bytes(), kind_);
    if (!h) return make_error(Errc::kMalformed, "header", 0);
    Extraction ex;
    ex.properties = {{"version", std::to_string(h->major) + "." + std::to_string(h->minor)}, {"declared_size", std::to_string(h->expected)}};
    if (h->encrypted) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kEncrypted, std::string(info_.id) + " file is encrypted (its header says so): not decrypted", "", std::nullopt});
      return ex;
    }
    if (h->md5) ex.properties.emplace_back("integrity", "MD5 of the output");
    Decoder d(chunk.bytes(), *h, ctx.budget().max_output(chunk.size()), true);
    d.run();
    ex.diagnostics = std::move(d.diagnostics());
    for (const auto& diag : ex.diagnostics) ex.complete = ex.complete && diag.severity == Severity::kInfo;
    if (d.produced() < h->expected) ex.complete = false;
    if (!walk::charge(ctx, ex, d.out().size())) return ex;
    if (d.out().empty()) return ex;
    Child c;
    c.name = "decompressed";
    c.origin = ChildOrigin::kDecoded;
    c.data = Blob::own(std::move(d.out()));
    ex.children.push_back(std::move(c));
    return ex;
  }

 private:
  const HandlerInfo& info_;
  Kind kind_;
};

}  // namespace

HandlerPtr make_rzip_handler() { return std::make_unique<RzipFamilyHandler>(kRzipInfo, Kind::kRzip); }
HandlerPtr make_lrzip_handler() { return std::make_unique<RzipFamilyHandler>(kLrzipInfo, Kind::kLrzip); }

}  // namespace fwscan
