#include "formats/common/stream_handler.hpp"

#include <cstdio>

namespace fwscan {

std::string human_size(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < (1ULL << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else if (bytes < (1ULL << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / 1048576.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / 1073741824.0);
  }
  return buf;
}

std::optional<Chunk> StreamHandler::identify(ByteView node, std::uint64_t start) const {
  const ByteView at = node.subspan(start);
  if (!check_(at)) return std::nullopt;
  const DecodeResult r = decode_stream(codec_, at, kIdentifyMaxOut, /*discard=*/true);
  const std::string name(codec_name(codec_));
  switch (r.status) {
    case DecodeStatus::kComplete:
      if (r.consumed == 0) return std::nullopt;
      return Chunk{start, r.consumed, Confidence::kHigh,
                   name + " stream, " + human_size(r.consumed) + " → " + human_size(r.produced)};
    case DecodeStatus::kTruncatedInput:
      // A strong header that runs out of input before its first output is still this format:
      // report it (bzip2 emits nothing until a whole block has arrived).
      if (weak_magic_ && (start != 0 || r.produced == 0)) return std::nullopt;
      return Chunk{start, at.size(), Confidence::kLow,
                   name + " stream, truncated (" + human_size(r.produced) + " recovered)"};
    case DecodeStatus::kOutputLimit:
      if (weak_magic_ && start != 0) return std::nullopt;
      return Chunk{start, at.size(), Confidence::kLow,
                   name + " stream decoding to more than " + human_size(kIdentifyMaxOut)};
    case DecodeStatus::kCorrupt:
      // Damage after some output: the bytes up to the damage are this stream, and what they
      // decode to is kept (extract reports the damage), rather than the whole stream vanishing.
      // A weak magic needs the same evidence as for a truncated stream.
      if (r.produced == 0 || r.consumed == 0 || (weak_magic_ && start != 0)) return std::nullopt;
      return Chunk{start, std::min<std::uint64_t>(r.consumed, at.size()), Confidence::kLow,
                   name + " stream, damaged at +" + std::to_string(r.consumed) + " (" + r.message + "): " +
                       human_size(r.produced) + " recovered"};
  }
  return std::nullopt;
}

namespace {

// Whether a stream that decoded to its end had its integrity checked on the way: the codecs whose
// format always carries a checksum of the data (gzip CRC-32, zlib Adler-32, bzip2 CRCs, lzip
// CRC-32), and those where the header says one is present (xz check ID, zstd and LZ4 frame
// content checksum flags). LZMA-alone, raw deflate, compress and lzop (checksums optional per
// block) are never counted as checked.
bool integrity_checked(Codec codec, ByteView s) {
  switch (codec) {
    case Codec::kGzip:
    case Codec::kZlib:
    case Codec::kBzip2:
    case Codec::kLzip: return true;
    case Codec::kXz: return s.size() > 7 && (s[7] & 0x0F) != 0;
    case Codec::kZstd:
    case Codec::kLz4Frame: return s.size() > 4 && (s[4] & 0x04) != 0;
    default: return false;
  }
}

}  // namespace

Result<Extraction> StreamHandler::extract(const Blob& chunk, ExtractContext& ctx) const {
  const std::uint64_t cap = ctx.budget().max_output(chunk.size());
  DecodeResult r = decode_stream(codec_, chunk.bytes(), cap, /*discard=*/false);
  if (r.status == DecodeStatus::kCorrupt && r.produced == 0) {
    return make_error(Errc::kMalformed, std::string(codec_name(codec_)) + ": " + r.message);
  }
  Extraction ex;
  switch (r.status) {
    case DecodeStatus::kComplete:
      if (integrity_checked(codec_, chunk.bytes())) ex.verified.push_back({0, r.consumed});
      break;
    case DecodeStatus::kTruncatedInput:
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, r.message, "", r.consumed});
      break;
    case DecodeStatus::kOutputLimit:
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitExpansion,
                                "output stopped at " + human_size(cap) + " (size/expansion budget)",
                                "", std::nullopt});
      break;
    case DecodeStatus::kCorrupt:
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, r.message, "", r.consumed});
      break;
  }
  if (!ctx.budget().charge(r.out.size())) {
    return make_error(Errc::kLimitExceeded, "total extraction budget exhausted");
  }
  if (r.out.empty() && r.status != DecodeStatus::kComplete) return ex;  // nothing recovered
  Child child;
  child.name = name_ ? name_(chunk.bytes()) : std::string();
  if (child.name.empty()) child.name = "decompressed";
  child.data = Blob::own(std::move(r.out));
  child.origin = ChildOrigin::kDecoded;
  ex.children.push_back(std::move(child));
  return ex;
}

}  // namespace fwscan
