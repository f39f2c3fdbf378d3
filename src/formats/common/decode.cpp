#include "formats/common/decode.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>

#include "core/reader.hpp"

namespace fwscan {
namespace {

constexpr std::size_t kBufSize = 64 * 1024;
constexpr std::size_t kReserveAt = 16U << 20;

// Appends produced bytes respecting the cap; returns false when the cap was hit.
class Sink {
 public:
  Sink(DecodeResult& r, std::uint64_t max_out, bool discard) : r_(r), max_(max_out), discard_(discard) {}
  // Before a vector's growth would copy a large output (old and new buffers both resident),
  // room for the whole cap is reserved at once: address space, whose pages take memory only
  // once written.
  bool put(const std::uint8_t* p, std::size_t n) {
    const std::uint64_t room = max_ - r_.produced;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(room, n));
    if (!discard_) {
      if (r_.out.size() + take > r_.out.capacity() && r_.out.capacity() >= kReserveAt) r_.out.reserve(static_cast<std::size_t>(max_));
      r_.out.insert(r_.out.end(), p, p + take);
    }
    r_.produced += take;
    return take == n;
  }
  bool full() const { return r_.produced >= max_; }

 private:
  DecodeResult& r_;
  std::uint64_t max_;
  bool discard_;
};

unsigned int clamp_uint(std::uint64_t v) {
  return static_cast<unsigned int>(std::min<std::uint64_t>(v, std::numeric_limits<unsigned int>::max()));
}

DecodeResult decode_zlib(ByteView in, std::uint64_t max_out, bool discard, int window_bits) {
  DecodeResult r;
  Sink sink(r, max_out, discard);
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) {
    r.message = "inflateInit2 failed";
    return r;
  }
  std::array<std::uint8_t, kBufSize> buf{};
  std::uint64_t fed = 0;
  int ret = Z_OK;
  while (true) {
    if (zs.avail_in == 0 && fed < in.size()) {
      const unsigned int n = clamp_uint(in.size() - fed);
      zs.next_in = const_cast<Bytef*>(in.data() + fed);  // NOLINT: zlib API is not const
      zs.avail_in = n;
      fed += n;
    }
    zs.next_out = buf.data();
    zs.avail_out = static_cast<uInt>(buf.size());
    ret = inflate(&zs, Z_NO_FLUSH);
    const std::size_t got = buf.size() - zs.avail_out;
    if (!sink.put(buf.data(), got)) {
      r.status = DecodeStatus::kOutputLimit;
      break;
    }
    if (ret == Z_STREAM_END) {
      r.status = DecodeStatus::kComplete;
      break;
    }
    if (ret == Z_BUF_ERROR && zs.avail_in == 0 && fed >= in.size()) {
      r.status = DecodeStatus::kTruncatedInput;
      r.message = "stream ends before its end marker";
      break;
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR) {
      r.status = DecodeStatus::kCorrupt;
      r.message = zs.msg != nullptr ? zs.msg : "inflate error";
      break;
    }
  }
  r.consumed = zs.total_in;
  inflateEnd(&zs);
  return r;
}

enum class LzmaContainer : std::uint8_t { kXz, kAlone, kLzip };

DecodeResult decode_lzma(ByteView in, std::uint64_t max_out, bool discard, LzmaContainer container) {
  DecodeResult r;
  Sink sink(r, max_out, discard);
  lzma_stream ls = LZMA_STREAM_INIT;
  constexpr std::uint64_t kMemLimit = 512ULL << 20;
  const lzma_ret init = container == LzmaContainer::kAlone  ? lzma_alone_decoder(&ls, kMemLimit)
                        : container == LzmaContainer::kLzip ? lzma_lzip_decoder(&ls, kMemLimit, 0)
                                                            : lzma_stream_decoder(&ls, kMemLimit, 0);
  if (init != LZMA_OK) {
    r.message = "lzma decoder init failed";
    return r;
  }
  ls.next_in = in.data();
  ls.avail_in = in.size();
  std::array<std::uint8_t, kBufSize> buf{};
  while (true) {
    ls.next_out = buf.data();
    ls.avail_out = buf.size();
    const lzma_ret ret = lzma_code(&ls, LZMA_FINISH);
    const std::size_t got = buf.size() - ls.avail_out;
    if (!sink.put(buf.data(), got)) {
      r.status = DecodeStatus::kOutputLimit;
      break;
    }
    if (ret == LZMA_STREAM_END) {
      r.status = DecodeStatus::kComplete;
      break;
    }
    if (ret == LZMA_OK) continue;
    if (ret == LZMA_BUF_ERROR) {
      r.status = DecodeStatus::kTruncatedInput;
      r.message = "stream ends before its end marker";
    } else {
      r.status = DecodeStatus::kCorrupt;
      r.message = ret == LZMA_DATA_ERROR ? "corrupt data"
                  : ret == LZMA_FORMAT_ERROR ? "not an lzma/xz stream"
                  : ret == LZMA_MEMLIMIT_ERROR ? "dictionary over the memory limit"
                  : ret == LZMA_OPTIONS_ERROR ? "unsupported options"
                                              : "lzma error";
    }
    break;
  }
  r.consumed = ls.total_in;
  lzma_end(&ls);
  return r;
}

DecodeResult decode_bzip2(ByteView in, std::uint64_t max_out, bool discard) {
  DecodeResult r;
  Sink sink(r, max_out, discard);
  bz_stream bs{};
  if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) {
    r.message = "bzip2 init failed";
    return r;
  }
  std::array<char, kBufSize> buf{};
  std::uint64_t fed = 0;
  while (true) {
    if (bs.avail_in == 0 && fed < in.size()) {
      const unsigned int n = clamp_uint(in.size() - fed);
      bs.next_in = const_cast<char*>(reinterpret_cast<const char*>(in.data() + fed));  // NOLINT
      bs.avail_in = n;
      fed += n;
    }
    bs.next_out = buf.data();
    bs.avail_out = static_cast<unsigned int>(buf.size());
    const int ret = BZ2_bzDecompress(&bs);
    const std::size_t got = buf.size() - bs.avail_out;
    if (!sink.put(reinterpret_cast<const std::uint8_t*>(buf.data()), got)) {  // NOLINT
      r.status = DecodeStatus::kOutputLimit;
      break;
    }
    if (ret == BZ_STREAM_END) {
      r.status = DecodeStatus::kComplete;
      break;
    }
    if (ret != BZ_OK) {
      r.status = DecodeStatus::kCorrupt;
      r.message = "bzip2 data error";
      break;
    }
    if (bs.avail_in == 0 && fed >= in.size() && got == 0) {
      r.status = DecodeStatus::kTruncatedInput;
      r.message = "stream ends before its end marker";
      break;
    }
  }
  r.consumed = (std::uint64_t{bs.total_in_hi32} << 32) | bs.total_in_lo32;
  BZ2_bzDecompressEnd(&bs);
  return r;
}

DecodeResult decode_zstd(ByteView in, std::uint64_t max_out, bool discard) {
  DecodeResult r;
  Sink sink(r, max_out, discard);
  const std::size_t frame = ZSTD_findFrameCompressedSize(in.data(), in.size());
  if (ZSTD_isError(frame)) {
    r.status = ZSTD_getErrorCode(frame) == ZSTD_error_srcSize_wrong ? DecodeStatus::kTruncatedInput
                                                                      : DecodeStatus::kCorrupt;
    r.message = ZSTD_getErrorName(frame);
  }
  ZSTD_DStream* ds = ZSTD_createDStream();
  ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, 27);
  ZSTD_inBuffer ib{in.data(), ZSTD_isError(frame) ? in.size() : frame, 0};
  std::array<std::uint8_t, kBufSize> buf{};
  bool done = false;
  while (!done) {
    ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
    const std::size_t ret = ZSTD_decompressStream(ds, &ob, &ib);
    if (ZSTD_isError(ret)) {
      r.status = DecodeStatus::kCorrupt;
      r.message = ZSTD_getErrorName(ret);
      break;
    }
    if (!sink.put(buf.data(), ob.pos)) {
      r.status = DecodeStatus::kOutputLimit;
      break;
    }
    if (ret == 0) {
      r.status = DecodeStatus::kComplete;
      done = true;
    } else if (ib.pos >= ib.size && ob.pos < ob.size) {
      r.status = DecodeStatus::kTruncatedInput;
      r.message = "frame ends early";
      done = true;
    }
  }
  r.consumed = ib.pos;
  ZSTD_freeDStream(ds);
  return r;
}

DecodeResult decode_lz4frame(ByteView in, std::uint64_t max_out, bool discard) {
  DecodeResult r;
  Sink sink(r, max_out, discard);
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
    r.message = "lz4 init failed";
    return r;
  }
  std::array<std::uint8_t, kBufSize> buf{};
  std::size_t pos = 0;
  while (true) {
    std::size_t out_size = buf.size();
    std::size_t in_size = in.size() - pos;
    const std::size_t ret = LZ4F_decompress(dctx, buf.data(), &out_size, in.data() + pos, &in_size, nullptr);
    if (LZ4F_isError(ret)) {
      r.status = DecodeStatus::kCorrupt;
      r.message = LZ4F_getErrorName(ret);
      break;
    }
    pos += in_size;
    if (!sink.put(buf.data(), out_size)) {
      r.status = DecodeStatus::kOutputLimit;
      break;
    }
    if (ret == 0) {
      r.status = DecodeStatus::kComplete;
      break;
    }
    if (pos >= in.size() && out_size == 0) {
      r.status = DecodeStatus::kTruncatedInput;
      r.message = "frame ends early";
      break;
    }
  }
  r.consumed = pos;
  LZ4F_freeDecompressionContext(dctx);
  return r;
}

// Unix compress through libarchive's "compress" filter over the "raw" format.
DecodeResult decode_compress(ByteView in, std::uint64_t max_out, bool discard) {
  DecodeResult r;
  Sink sink(r, max_out, discard);
  struct Free { void operator()(archive* a) const { archive_read_free(a); } };
  std::unique_ptr<archive, Free> a(archive_read_new());
  archive_read_support_filter_compress(a.get());
  archive_read_support_format_raw(a.get());
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(a.get(), in.data(), in.size()) != ARCHIVE_OK || archive_read_next_header(a.get(), &entry) != ARCHIVE_OK ||
      archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_COMPRESS) {
    r.message = "not a compress stream";
    return r;
  }
  std::array<std::uint8_t, kBufSize> buf{};
  r.status = DecodeStatus::kComplete;
  while (true) {
    const la_ssize_t got = archive_read_data(a.get(), buf.data(), buf.size());
    if (got == 0) break;
    if (got < 0) {
      r.status = r.produced > 0 ? DecodeStatus::kTruncatedInput : DecodeStatus::kCorrupt;
      const char* msg = archive_error_string(a.get());
      r.message = msg ? msg : "compress stream damaged";
      break;
    }
    if (!sink.put(buf.data(), static_cast<std::size_t>(got))) {
      r.status = DecodeStatus::kOutputLimit;
      break;
    }
  }
  r.consumed = in.size();  // LZW has no end marker: the stream is the rest of the input
  return r;
}

// lzop (lzop 1.04 source, lzop.c/header.c). Big-endian header: 9-byte magic, version, lib
// version, [version needed >= 0x0940], method (1-3 LZO1X), [level], flags, [filter], mode,
// mtime, [mtime high], name (u8 length), header checksum (Adler-32, or CRC-32 with F_H_CRC32).
// Blocks: uncompressed size (0 ends the stream), compressed size, checksums as flagged, data
// (stored when both sizes are equal).
DecodeResult decode_lzop(ByteView in, std::uint64_t max_out, bool discard) {
  DecodeResult r;
  Sink sink(r, max_out, discard);
  constexpr std::uint32_t kAdlerD = 0x1, kAdlerC = 0x2, kFilter = 0x800, kCrcD = 0x100, kCrcC = 0x200, kHCrc = 0x1000;
  std::uint64_t p = 9;
  auto u8 = [&](std::uint64_t& at) -> std::optional<std::uint8_t> { auto v = load_u8(in, at); at += 1; return v; };
  auto u16 = [&](std::uint64_t& at) -> std::optional<std::uint16_t> { auto v = load_u16(in, at, Endian::kBig); at += 2; return v; };
  auto u32 = [&](std::uint64_t& at) -> std::optional<std::uint32_t> { auto v = load_u32(in, at, Endian::kBig); at += 4; return v; };
  auto version = u16(p);
  (void)u16(p);
  if (!version) { r.message = "lzop header truncated"; return r; }
  if (*version >= 0x0940) (void)u16(p);
  auto method = u8(p);
  if (*version >= 0x0940) (void)u8(p);
  auto flags = u32(p);
  if (!method || !flags || *method < 1 || *method > 3) { r.message = "lzop: unsupported method"; return r; }
  if (*flags & kFilter) (void)u32(p);
  (void)u32(p);
  (void)u32(p);
  if (*version >= 0x0940) (void)u32(p);
  auto name_len = u8(p);
  if (!name_len) { r.message = "lzop header truncated"; return r; }
  p += *name_len;
  auto hsum = load_u32(in, p, Endian::kBig);
  if (!hsum) { r.status = DecodeStatus::kTruncatedInput; r.message = "lzop header truncated"; return r; }
  const ByteView header = in.subspan(0, p).subspan(9);
  const std::uint32_t want = (*flags & kHCrc) ? static_cast<std::uint32_t>(crc32(0, header.data(), static_cast<uInt>(header.size())))
                                              : static_cast<std::uint32_t>(adler32(1, header.data(), static_cast<uInt>(header.size())));
  if (want != *hsum) { r.status = DecodeStatus::kCorrupt; r.message = "lzop header checksum mismatch"; return r; }
  p += 4;
  while (true) {
    auto usize = u32(p);
    if (!usize) { r.status = DecodeStatus::kTruncatedInput; r.message = "lzop stream ends before its end block"; break; }
    if (*usize == 0) { r.status = DecodeStatus::kComplete; break; }
    auto csize = u32(p);
    if (!csize || *usize > (64U << 20) || *csize > *usize) { r.status = DecodeStatus::kCorrupt; r.message = "lzop block sizes invalid"; break; }
    std::optional<std::uint32_t> adler_d, crc_d;
    if (*flags & kAdlerD) adler_d = u32(p);
    if (*flags & kCrcD) crc_d = u32(p);
    if (*csize < *usize && (*flags & kAdlerC)) p += 4;  // checksums of the compressed bytes: the
    if (*csize < *usize && (*flags & kCrcC)) p += 4;    // decompressed ones below cover the content
    auto data = subview(in, p, *csize);
    if (!data) { r.status = DecodeStatus::kTruncatedInput; r.message = "lzop block truncated"; break; }
    p += *csize;
    std::vector<std::uint8_t> block;
    if (*csize == *usize) {
      block.assign(data->begin(), data->end());
    } else {
      auto out = decode_lzo1x_block(*data, *usize);
      if (!out || out->size() != *usize) { r.status = DecodeStatus::kCorrupt; r.message = "lzop block does not decompress"; break; }
      block = std::move(*out);
    }
    const auto n = static_cast<uInt>(block.size());
    if ((adler_d && adler32(1, block.data(), n) != *adler_d) || (crc_d && crc32(0, block.data(), n) != *crc_d)) {
      r.status = DecodeStatus::kCorrupt;
      r.message = "lzop block checksum mismatch";
      break;
    }
    if (!sink.put(block.data(), block.size())) { r.status = DecodeStatus::kOutputLimit; break; }
  }
  r.consumed = std::min<std::uint64_t>(p, in.size());
  return r;
}

}  // namespace

std::string_view codec_name(Codec c) {
  switch (c) {
    case Codec::kGzip: return "gzip";
    case Codec::kZlib: return "zlib";
    case Codec::kDeflate: return "deflate";
    case Codec::kXz: return "xz";
    case Codec::kLzmaAlone: return "lzma";
    case Codec::kLzip: return "lzip";
    case Codec::kCompress: return "compress";
    case Codec::kLzop: return "lzop";
    case Codec::kBzip2: return "bzip2";
    case Codec::kZstd: return "zstd";
    case Codec::kLz4Frame: return "lz4";
  }
  return "unknown";
}

DecodeResult decode_stream(Codec codec, ByteView in, std::uint64_t max_out, bool discard) {
  switch (codec) {
    case Codec::kGzip: return decode_zlib(in, max_out, discard, 16 + MAX_WBITS);
    case Codec::kZlib: return decode_zlib(in, max_out, discard, MAX_WBITS);
    case Codec::kDeflate: return decode_zlib(in, max_out, discard, -MAX_WBITS);
    case Codec::kXz: return decode_lzma(in, max_out, discard, LzmaContainer::kXz);
    case Codec::kLzmaAlone: return decode_lzma(in, max_out, discard, LzmaContainer::kAlone);
    case Codec::kLzip: return decode_lzma(in, max_out, discard, LzmaContainer::kLzip);
    case Codec::kCompress: return decode_compress(in, max_out, discard);
    case Codec::kLzop: return decode_lzop(in, max_out, discard);
    case Codec::kBzip2: return decode_bzip2(in, max_out, discard);
    case Codec::kZstd: return decode_zstd(in, max_out, discard);
    case Codec::kLz4Frame: return decode_lz4frame(in, max_out, discard);
  }
  return {};
}

}  // namespace fwscan

namespace fwscan {

std::optional<std::vector<std::uint8_t>> decode_lzo1x_block(ByteView in, std::size_t max_out) {
  static const bool ready = lzo_init() == LZO_E_OK;
  if (!ready) return std::nullopt;
  std::vector<std::uint8_t> out(max_out);
  lzo_uint n = max_out;
  if (lzo1x_decompress_safe(in.data(), in.size(), out.data(), &n, nullptr) != LZO_E_OK) return std::nullopt;
  out.resize(n);
  return out;
}

std::optional<std::vector<std::uint8_t>> decode_lzma1_raw(ByteView in, std::size_t max_out, const LzmaProperties& props,
                                                         std::size_t* consumed) {
  lzma_options_lzma opt{};
  lzma_lzma_preset(&opt, 0);
  opt.lc = props.lc;
  opt.lp = props.lp;
  opt.pb = props.pb;
  opt.dict_size = std::max<std::uint32_t>(props.dict_size, LZMA_DICT_SIZE_MIN);
  const lzma_filter filters[2] = {{LZMA_FILTER_LZMA1, &opt}, {LZMA_VLI_UNKNOWN, nullptr}};
  lzma_stream strm = LZMA_STREAM_INIT;
  if (lzma_raw_decoder(&strm, filters) != LZMA_OK) return std::nullopt;
  std::vector<std::uint8_t> out(max_out);
  strm.next_in = in.data();
  strm.avail_in = in.size();
  strm.next_out = out.data();
  strm.avail_out = out.size();
  lzma_ret r = LZMA_OK;
  while (r == LZMA_OK && strm.avail_in > 0 && strm.avail_out > 0) r = lzma_code(&strm, LZMA_RUN);
  const std::size_t produced = out.size() - strm.avail_out;
  if (consumed != nullptr) *consumed = in.size() - strm.avail_in;
  lzma_end(&strm);
  if ((r != LZMA_OK && r != LZMA_STREAM_END) || produced == 0) return std::nullopt;
  out.resize(produced);
  return out;
}

}  // namespace fwscan
