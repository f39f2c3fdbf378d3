// U-Boot legacy image (uImage), 64-byte big-endian header (u-boot include/image.h).
//   00: ih_magic 0x27051956      04: ih_hcrc (CRC-32 of the header with this field zeroed)
//   08: ih_time                  0c: ih_size (data length)
//   10: ih_load                  14: ih_ep
//   18: ih_dcrc (CRC-32 of data) 1c: ih_os  1d: ih_arch  1e: ih_type  1f: ih_comp
//   20: ih_name[32]
// Multi-file images (type 4): BE u32 sizes terminated by 0, then the images, each padded to 4.
#include <array>
#include <cstdio>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kHeaderSize = 64;
constexpr Magic kMagics[] = {{"27 05 19 56"}};
constexpr std::string_view kRefs[] = {"u-boot include/image.h", "camera-formats.md 4.1"};
constexpr std::string_view kLimits[] = {"lzo-compressed payloads are kept compressed (carved raw)"};
constexpr HandlerInfo kInfo{"uimage", Category::kFirmware, "U-Boot legacy image (uImage)", kMagics, kRefs, kLimits};

struct Header {
  std::uint32_t hcrc, time, size, load, ep, dcrc;
  std::uint8_t os, arch, type, comp;
  std::string name;
};

std::optional<Header> parse(ByteView v) {
  Reader r(v, Endian::kBig);
  Header h{};
  auto magic = r.u32();
  if (!magic || *magic != 0x27051956) return std::nullopt;
  auto hcrc = r.u32(); auto time = r.u32(); auto size = r.u32();
  auto load = r.u32(); auto ep = r.u32(); auto dcrc = r.u32();
  auto os = r.u8(); auto arch = r.u8(); auto type = r.u8(); auto comp = r.u8();
  auto name = r.fixed_string(32);
  if (!hcrc || !time || !size || !load || !ep || !dcrc || !os || !arch || !type || !comp || !name) return std::nullopt;
  h.hcrc = *hcrc; h.time = *time; h.size = *size; h.load = *load; h.ep = *ep; h.dcrc = *dcrc;
  h.os = *os; h.arch = *arch; h.type = *type; h.comp = *comp;
  h.name = std::string(*name);
  return h;
}

std::uint32_t header_crc(ByteView header) {
  std::array<std::uint8_t, kHeaderSize> copy{};
  std::copy(header.begin(), header.begin() + kHeaderSize, copy.begin());
  copy[4] = copy[5] = copy[6] = copy[7] = 0;
  return crc32_ieee(ByteView(copy.data(), copy.size()));
}

std::string_view os_name(std::uint8_t v) {
  switch (v) {
    case 1: return "OpenBSD"; case 2: return "NetBSD"; case 3: return "FreeBSD"; case 5: return "Linux";
    case 11: return "VxWorks"; case 14: return "QNX"; case 17: return "Firmware"; case 19: return "RTEMS";
    case 24: return "OpenRTOS"; default: return "unknown OS";
  }
}
std::string_view arch_name(std::uint8_t v) {
  switch (v) {
    case 1: return "Alpha"; case 2: return "ARM"; case 3: return "x86"; case 4: return "IA64";
    case 5: return "MIPS"; case 6: return "MIPS64"; case 7: return "PowerPC"; case 8: return "S390";
    case 9: return "SuperH"; case 10: return "SPARC"; case 11: return "SPARC64"; case 12: return "M68K";
    case 15: return "MicroBlaze"; case 16: return "Nios-II"; case 17: return "Blackfin"; case 18: return "AVR32";
    case 20: return "SandBox"; case 21: return "NDS32"; case 22: return "ARM64"; case 23: return "ARC";
    case 24: return "x86_64"; case 25: return "Xtensa"; case 26: return "RISC-V"; default: return "unknown arch";
  }
}
std::string_view type_name(std::uint8_t v) {
  switch (v) {
    case 1: return "standalone"; case 2: return "kernel"; case 3: return "ramdisk"; case 4: return "multi";
    case 5: return "firmware"; case 6: return "script"; case 7: return "filesystem"; case 8: return "flat_dt";
    default: return "unknown type";
  }
}
std::string_view comp_name(std::uint8_t v) {
  switch (v) {
    case 0: return "none"; case 1: return "gzip"; case 2: return "bzip2"; case 3: return "lzma";
    case 4: return "lzo"; case 5: return "lz4"; case 6: return "zstd"; default: return "unknown";
  }
}

std::string safe_name(const std::string& raw) {
  std::string s;
  for (char c : raw) s.push_back((c == '/' || c == '\\') ? '_' : c);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s.empty() ? std::string("data") : s;
}

class UImageHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto h = parse(at);
    if (!h) return std::nullopt;
    const bool crc_ok = header_crc(at) == h->hcrc;
    // Without a matching header CRC, insist on sane enum values.
    if (!crc_ok && (h->os > 30 || h->arch > 30 || h->type > 30 || h->comp > 6)) return std::nullopt;
    char buf[160];
    std::snprintf(buf, sizeof buf, "uImage, %s %s %s (%s), \"%s\", load 0x%08x, entry 0x%08x",
                  std::string(os_name(h->os)).c_str(), std::string(arch_name(h->arch)).c_str(),
                  std::string(type_name(h->type)).c_str(), std::string(comp_name(h->comp)).c_str(),
                  h->name.c_str(), h->load, h->ep);
    std::string desc = buf;
    const std::uint64_t want = kHeaderSize + h->size;
    if (want > at.size()) {
      return Chunk{start, at.size(), Confidence::kLow, desc + ", truncated"};
    }
    return Chunk{start, want, crc_ok ? Confidence::kHigh : Confidence::kLow,
                 crc_ok ? desc : desc + ", header CRC mismatch"};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto h = parse(chunk.bytes());
    if (!h) return make_error(Errc::kTruncated, "uImage header truncated", 0);
    Extraction ex;
    const std::uint32_t hcrc = header_crc(chunk.bytes());
    if (hcrc != h->hcrc) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "header CRC stored 0x%08x, computed 0x%08x", h->hcrc, hcrc);
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, buf, "", 4});
    } else {
      ex.verified.push_back({0, kHeaderSize});
    }
    std::uint64_t data_size = h->size;
    if (kHeaderSize + data_size > chunk.size()) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated,
                                "ih_size " + std::to_string(h->size) + " runs past the end (" +
                                    std::to_string(chunk.size() - kHeaderSize) + " data bytes present)",
                                "", 12});
      data_size = chunk.size() - kHeaderSize;
    } else {
      const std::uint32_t dcrc = crc32_ieee(chunk.bytes().subspan(kHeaderSize, data_size));
      if (dcrc != h->dcrc) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "data CRC stored 0x%08x, computed 0x%08x", h->dcrc, dcrc);
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, buf, "", 0x18});
      } else {
        ex.verified.push_back({kHeaderSize, data_size});
      }
    }
    const Blob data = *chunk.slice(kHeaderSize, data_size);
    const std::string name = safe_name(h->name);
    if (h->type == 4) {
      split_multi(data, name, ex);
      return ex;
    }
    add_payload(data, kHeaderSize, name, h->comp, ctx, ex);
    return ex;
  }

 private:
  static void split_multi(const Blob& data, const std::string& name, Extraction& ex) {
    constexpr std::uint32_t kMaxParts = 64;
    std::vector<std::uint32_t> sizes;
    Reader r(data.bytes(), Endian::kBig);
    while (true) {
      auto s = r.u32();
      if (!s) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "multi-image size list truncated", "", kHeaderSize + r.offset()});
        return;
      }
      if (*s == 0) break;
      if (sizes.size() >= kMaxParts) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChildren, "more than 64 multi-image parts", "", std::nullopt});
        return;
      }
      sizes.push_back(*s);
    }
    std::uint64_t pos = r.offset();
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      auto part = data.slice(pos, sizes[i]);
      if (!part) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "multi-image part " + std::to_string(i) + " runs past the end", "", kHeaderSize + pos});
        return;
      }
      ex.children.push_back({name + ".part" + std::to_string(i), *part, ChildOrigin::kCarved, kHeaderSize + pos, {}});
      pos = align_up(pos + sizes[i], 4);
    }
  }

  static void add_payload(const Blob& data, std::uint64_t offset, const std::string& name,
                          std::uint8_t comp, ExtractContext& ctx, Extraction& ex) {
    std::optional<Codec> codec;
    switch (comp) {
      case 1: codec = Codec::kGzip; break;
      case 2: codec = Codec::kBzip2; break;
      case 3: codec = Codec::kLzmaAlone; break;
      case 5: codec = Codec::kLz4Frame; break;
      case 6: codec = Codec::kZstd; break;
      default: break;
    }
    if (comp == 4 || comp > 6) {
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kUnsupported, "payload compression " +
                                std::string(comp_name(comp)) + " is not decoded; payload carved raw", "", std::nullopt});
    }
    if (codec) {
      DecodeResult r = decode_stream(*codec, data.bytes(), ctx.budget().max_output(data.size()));
      if (r.status == DecodeStatus::kComplete || (r.produced > 0 && r.status != DecodeStatus::kCorrupt)) {
        if (r.status != DecodeStatus::kComplete) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, r.status == DecodeStatus::kOutputLimit ? DiagCode::kLimitExpansion : DiagCode::kTruncated,
                                    std::string(codec_name(*codec)) + " payload: " + (r.message.empty() ? "output budget reached" : r.message), "", offset});
        }
        if (ctx.budget().charge(r.out.size())) {
          ex.children.push_back({name, Blob::own(std::move(r.out)), ChildOrigin::kDecoded, 0, {}});
          return;
        }
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitTotal, "total extraction budget exhausted", "", std::nullopt});
      } else {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "payload does not decode as " +
                                  std::string(codec_name(*codec)) + " (" + r.message + "); carved raw", "", offset});
      }
    }
    ex.children.push_back({name, data, ChildOrigin::kCarved, offset, {}});
  }
};

}  // namespace

HandlerPtr make_uimage_handler() { return std::make_unique<UImageHandler>(); }

}  // namespace fwscan
