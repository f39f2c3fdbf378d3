// U-Boot environment block (U-Boot include/env_internal.h, env_t): CRC-32 (zlib, stored in the
// target's byte order) over the data area, for redundant environments one flags byte, then
// "name=value\0" pairs ended by an empty string, padded (0x00 or 0xff) to the environment size.
// The size is a build option: the common sizes are tried and the one whose CRC matches is the
// exact extent. The variables (bootargs, bootcmd, network settings, telnet switches...) are
// reported and written as one text child so the rules see them.
#include <algorithm>

#include "formats/firmware/uboot_env.hpp"

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kSizes[] = {0x400, 0x800, 0x1000, 0x2000, 0x4000, 0x8000, 0x10000, 0x20000, 0x40000};
// The first variable after the CRC (and after the flags byte of a redundant environment).
constexpr Magic kMagics[] = {{"62 6f 6f 74", 4},          {"62 61 75 64 72 61 74 65 3d", 4}, {"61 72 63 68 3d", 4},
                             {"65 74 68 61 64 64 72 3d", 4}, {"62 6f 6f 74", 5},             {"62 61 75 64 72 61 74 65 3d", 5}};
constexpr std::string_view kRefs[] = {"U-Boot include/env_internal.h (env_t), env/common.c"};
constexpr std::string_view kLimits[] = {"environment sizes other than 1, 2, 4, 8, 16, 32, 64, 128 and 256 KiB are not tried"};
constexpr HandlerInfo kInfo{"uboot_env", Category::kFirmware, "U-Boot environment", kMagics, kRefs, kLimits};

struct Env {
  std::uint64_t size = 0, data = 4;
  bool big_endian_crc = false;
};

// End of the variable list (the offset just after its terminating empty string) when the bytes at
// `data` are "name=value\0" pairs of printable text; a cheap filter before any CRC is computed.
std::optional<std::uint64_t> list_end(ByteView v, std::uint64_t data) {
  std::uint64_t p = data;
  const std::uint64_t limit = std::min<std::uint64_t>(v.size(), kSizes[std::size(kSizes) - 1]);
  std::size_t vars = 0;
  while (p < limit) {
    if (v[p] == 0) return vars > 0 ? std::optional<std::uint64_t>(p + 1) : std::nullopt;
    bool eq = false;
    std::uint64_t q = p;
    for (; q < limit && v[q] != 0; ++q) {
      if (v[q] < 0x09 || (v[q] > 0x0D && v[q] < 0x20) || v[q] == 0x7F) return std::nullopt;
      eq = eq || v[q] == '=';
    }
    if (!eq || q == p) return std::nullopt;
    ++vars;
    p = q + 1;
  }
  return std::nullopt;
}

bool padding(ByteView v, std::uint64_t from, std::uint64_t to) {
  if (from >= to) return true;
  const std::uint8_t b = v[from];
  return (b == 0x00 || b == 0xFF) && std::all_of(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to),
                                                  [b](std::uint8_t x) { return x == b; });
}

std::optional<Env> find(ByteView v) {
  for (std::uint64_t data : {4ULL, 5ULL}) {
    auto end = list_end(v, data);
    if (!end) continue;
    for (std::uint64_t size : kSizes) {
      if (size > v.size()) break;
      if (size < *end || !padding(v, *end, size)) continue;  // U-Boot and mkenvimage pad with 0x00 or 0xff
      const std::uint32_t crc = crc32_ieee(v.subspan(data, size - data));
      if (load_le32(v, 0) == crc) return Env{size, data, false};
      if (load_be32(v, 0) == crc) return Env{size, data, true};
    }
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> variables(ByteView v, const Env& e) {
  std::vector<std::pair<std::string, std::string>> out;
  std::uint64_t p = e.data;
  while (p < e.size && v[p] != 0) {
    const auto* begin = v.data() + p;
    const auto* end = std::find(begin, v.data() + e.size, std::uint8_t{0});
    const std::string_view kv(reinterpret_cast<const char*>(begin), static_cast<std::size_t>(end - begin));  // NOLINT
    const std::size_t eq = kv.find('=');
    if (eq != std::string_view::npos && eq > 0) out.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    p += kv.size() + 1;
  }
  return out;
}

class UbootEnvHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto e = find(at);
    if (!e) return std::nullopt;
    const auto vars = variables(at, *e);
    if (vars.empty()) return std::nullopt;
    return Chunk{start, e->size, Confidence::kHigh,
                 "U-Boot environment, " + std::to_string(vars.size()) + " variables, " + human_size(e->size) + (e->data == 5 ? ", redundant" : "")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto e = find(chunk.bytes());
    if (!e) return make_error(Errc::kChecksumMismatch, "no environment size gives a matching CRC", 0);
    Extraction ex;
    ex.verified.push_back({0, e->size});  // the CRC covers everything after itself, padding included
    std::string text;
    for (const auto& [k, val] : variables(chunk.bytes(), *e)) {
      ex.properties.emplace_back(k, val);
      text += k + "=" + val + "\n";
    }
    Child c;
    c.name = "env.txt";
    c.origin = ChildOrigin::kDecoded;
    c.data = Blob::own(std::vector<std::uint8_t>(text.begin(), text.end()));
    ex.children.push_back(std::move(c));
    return ex;
  }
};

}  // namespace

std::optional<std::uint64_t> uboot_env_at(ByteView at) {
  auto e = find(at);
  if (!e || variables(at, *e).empty()) return std::nullopt;
  return e->size;
}

HandlerPtr make_uboot_env_handler() { return std::make_unique<UbootEnvHandler>(); }

}  // namespace fwscan
