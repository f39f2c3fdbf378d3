// Tenvis "PK2" firmware (camera-formats.md 3.7), little-endian:
//   00 "PK2\0"  04 camera type u32  08 ctime u32  0c version char[4]  10 8 reserved  18 section count
//   sections: type[4] ("CMD\0" | "FILE"), hash[16], size u32, then `size` payload bytes:
//     CMD:  the command script, XOR-ed with the 8-byte key below
//     FILE: name_len u32, name (target path), data_len u32, data XOR-ed with the key
#include <array>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kHeader = 28;
constexpr std::uint32_t kMaxSections = 4096;
constexpr std::array<std::uint8_t, 8> kKey = {0xA1, 0x83, 0x24, 0x78, 0xB3, 0x41, 0x43, 0x56};
constexpr Magic kMagics[] = {{"50 4b 32 00"}};
constexpr std::string_view kRefs[] = {"fkie-cad/fact_extractor plugins/unpacking/tenvis_pk2"};
constexpr std::string_view kLimits[] = {"section hashes are reported, not verified"};
constexpr HandlerInfo kInfo{"tenvis_pk2", Category::kFirmware, "Tenvis PK2 firmware", kMagics, kRefs, kLimits};

std::vector<std::uint8_t> unxor(ByteView v) {
  std::vector<std::uint8_t> out(v.begin(), v.end());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= kKey[i % kKey.size()];
  return out;
}

struct Walk {
  std::uint64_t end = kHeader;
  std::uint32_t sections = 0, declared = 0;
  bool complete = false;
  std::vector<Diagnostic> diagnostics;
};

template <class OnSection>
Walk walk(ByteView v, OnSection&& on_section) {
  Walk w;
  auto count = load_le32(v, 0x18);
  if (!has_bytes_at(v, 0, std::string_view("PK2\0", 4)) || !count || *count == 0 || *count > kMaxSections) return w;
  w.declared = *count;
  std::uint64_t pos = kHeader;
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto type = subview(v, pos, 4);
    auto size = load_le32(v, pos + 20);
    if (!type || !size) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "section " + std::to_string(i) + " header runs past the end", "", pos});
      w.end = v.size();
      return w;
    }
    const std::string t(as_chars(type->subspan(0, 3)));
    if (t != "CMD" && t != "FIL") {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "unknown section type at section " + std::to_string(i), "", pos});
      w.end = pos;
      return w;
    }
    const std::uint64_t payload = pos + 24;
    auto data = subview(v, payload, *size);
    if (!data) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "section " + std::to_string(i) + " payload runs past the end", "", pos + 20});
      w.end = v.size();
      return w;
    }
    on_section(t, payload, *data, w);
    ++w.sections;
    pos = payload + *size;
  }
  w.end = pos;
  w.complete = true;
  return w;
}

class TenvisPk2Handler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const Walk w = walk(node.subspan(start), [](const std::string&, std::uint64_t, ByteView, Walk&) {});
    if (w.declared == 0 || (w.sections == 0 && !w.complete)) return std::nullopt;
    return Chunk{start, w.end, w.complete ? Confidence::kHigh : Confidence::kLow,
                 "Tenvis PK2 firmware, " + std::to_string(w.sections) + "/" + std::to_string(w.declared) + " sections"};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    Extraction ex;
    std::uint32_t cmd = 0;
    const Walk w = walk(chunk.bytes(), [&](const std::string& type, std::uint64_t payload, ByteView data, Walk& wk) {
      if (type == "CMD") {
        ex.children.push_back({cmd++ == 0 ? "CMD" : "CMD" + std::to_string(cmd), Blob::own(unxor(data)), ChildOrigin::kDecoded, 0, {}});
        return;
      }
      auto name_len = load_le32(data, 0);
      if (!name_len || *name_len > 4096 || !subview(data, 4, *name_len)) {
        wk.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "FILE section name does not fit its payload", "", payload});
        return;
      }
      std::string name(as_chars(data.subspan(4, *name_len)));
      if (const auto nul = name.find('\0'); nul != std::string::npos) name.resize(nul);
      while (!name.empty() && name.front() == '/') name.erase(0, 1);  // device path, relative to the package
      auto data_len = load_le32(data, 4 + *name_len);
      const std::uint64_t data_off = 8 + std::uint64_t{*name_len};
      if (!data_len || !subview(data, data_off, *data_len)) {
        wk.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "FILE '" + name + "' data does not fit its payload", "", payload});
        return;
      }
      ex.children.push_back({name.empty() ? "file" : name, Blob::own(unxor(data.subspan(data_off, *data_len))),
                             ChildOrigin::kDecoded, 0, {}});
    });
    ex.diagnostics.insert(ex.diagnostics.end(), w.diagnostics.begin(), w.diagnostics.end());
    ex.complete = w.complete;
    ex.properties = {{"camera_type", std::to_string(load_le32(chunk.bytes(), 4).value_or(0))},
                     {"sections", std::to_string(w.declared)}};
    return ex;
  }
};

}  // namespace

HandlerPtr make_tenvis_pk2_handler() { return std::make_unique<TenvisPk2Handler>(); }

}  // namespace fwscan
