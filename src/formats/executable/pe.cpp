// PE/COFF images (EXE, DLL; Microsoft PE and COFF specification): the headers, the sections'
// raw data and the COFF symbol and string tables are the image. What follows the last section (an installer's payload, a certificate
// table) is not the image's: the carver reads it as the next region, where an archive in it is
// found and the rest stays unknown, with its entropy. The ELF/PE analyzer reads the image's code.
#include <algorithm>
#include <cstring>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "pe/pe_image.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"4d 5a"}};
constexpr std::string_view kRefs[] = {"Microsoft PE Format specification (learn.microsoft.com/windows/win32/debug/pe-format)"};
constexpr std::string_view kLimits[] = {
    "the image is the headers, the sections' raw data and the COFF symbol table; an overlay after them (NSIS, Inno Setup and other installer "
    "payloads) and the certificate table are left to the carver: an archive in them is read, the rest is an unknown region",
    "resources are not given as children; their bytes are scanned as part of the image",
    ".NET metadata is not read (the summary says whether a CLR header is present)"};
constexpr HandlerInfo kInfo{"pe", Category::kExecutable, "PE/COFF executable or DLL", kMagics, kRefs, kLimits};

struct Layout {
  std::uint64_t end = 0;       // of the headers and the last section's raw data
  std::uint64_t declared = 0;  // the same as the headers declare it, past the bytes when truncated
  std::uint16_t machine = 0, sections = 0;
  bool dll = false;
};

// The image's extent from its headers (looks_like_pe has checked the section table fits).
Layout layout_of(ByteView v) {
  Layout l;
  const std::uint64_t coff = std::uint64_t{*load_le32(v, 0x3C)} + 4;
  l.machine = *load_le16(v, coff);
  l.sections = *load_le16(v, coff + 2);
  l.dll = (*load_le16(v, coff + 18) & 0x2000U) != 0;
  const std::uint64_t opt = coff + 20, table = opt + *load_le16(v, coff + 16);
  const std::uint64_t headers = load_le32(v, opt + 60).value_or(0);  // SizeOfHeaders
  l.declared = std::max<std::uint64_t>(table + std::uint64_t{l.sections} * 40, headers);
  for (std::uint16_t i = 0; i < l.sections; ++i) {
    const std::uint64_t e = table + std::uint64_t{i} * 40;
    const std::uint64_t raw = *load_le32(v, e + 16), ptr = *load_le32(v, e + 20);
    if (raw != 0) l.declared = std::max(l.declared, ptr + raw);
  }
  // The COFF symbol table and its string table (unstripped MinGW builds) follow the sections.
  const std::uint64_t symbols = *load_le32(v, coff + 8), count = *load_le32(v, coff + 12);
  if (symbols != 0 && count != 0) {
    const std::uint64_t strings = symbols + count * 18;
    if (auto size = load_le32(v, strings); size && *size >= 4) l.declared = std::max(l.declared, strings + *size);
  }
  l.end = std::min<std::uint64_t>(l.declared, v.size());
  return l;
}

std::string machine_name(std::uint16_t m) {
  switch (m) {
    case 0x014C: return "x86";
    case 0x8664: return "x86-64";
    case 0xAA64: return "ARM64";
    case 0x01C0: case 0x01C2: case 0x01C4: return "ARM";
    case 0x0EBC: return "EFI byte code";
    default: return "machine " + hex_u64(m);
  }
}

class PeHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    if (!pe::looks_like_pe(v)) return std::nullopt;
    const Layout l = layout_of(v);
    const std::string what = "PE " + std::string(l.dll ? "DLL" : "executable") + ", " + machine_name(l.machine) + ", " +
                             std::to_string(l.sections) + " sections";
    if (l.declared > v.size()) return Chunk{start, v.size(), Confidence::kLow, what + ", truncated"};
    return Chunk{start, l.end, Confidence::kHigh, what + ", " + human_size(l.end)};
  }
  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    const ByteView v = chunk.bytes();
    if (!pe::looks_like_pe(v)) return make_error(Errc::kNotThisFormat, "not a well-formed PE header", 0);
    const Layout l = layout_of(v);
    Extraction ex;
    ex.properties.emplace_back("machine", machine_name(l.machine));
    ex.properties.emplace_back("type", l.dll ? "dll" : "exe");
    ex.properties.emplace_back("sections", std::to_string(l.sections));
    if (l.declared > v.size()) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated,
                                "the sections end at " + hex_u64(l.declared) + ", past the " + hex_u64(v.size()) + " bytes here", "pe",
                                v.size()});
      ex.complete = false;
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_pe_handler() { return std::make_unique<PeHandler>(); }

}  // namespace fwscan
