// MTD partition map from a kernel command line (linux drivers/mtd/parsers/cmdlinepart.c), as a
// raw flash dump holds it in its U-Boot environment (the `bootargs` or `mtdparts` variable):
//   mtdparts=<mtd-id>:<size>[@<offset>][(<name>)][ro][lk],...[;<mtd-id>:...]
// <size> and <offset> are memparse numbers (decimal, 0x hex or 0 octal, then K, M or G); a size
// of "-" takes the rest of the device; a partition without an offset follows the one before.
// The map names and bounds the regions of the dump that holds it: this handler claims the whole
// node (HandlerInfo::maps_node), up to the map's end, when one of the node's maps describes it,
// and gives each partition as a carved child, so the tree shows each partition by name with what
// was found in it; data between partitions is given too ("gap-<offset>"), so the map hides
// nothing. A map describes the node when its partitions lie inside the node without overlapping,
// none is the whole node, they end past the node's middle, and the map's own text lies inside
// one of them. When the text is in a U-Boot environment (its CRC checked), that environment must
// begin a partition (or be the redundant copy after the first): a map of another layout (a NAND
// dump with its out-of-band bytes interleaved moves every offset) is refused.
#include <algorithm>
#include <string>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/partition_map.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/firmware/uboot_env.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::size_t kMaxMaps = 64;        // occurrences of "mtdparts=" tried per node
constexpr std::size_t kMaxPartitions = 128;
constexpr std::size_t kMaxText = 4096;      // a map's text
constexpr std::string_view kKey = "mtdparts=";
constexpr Magic kMagics[] = {{"6d 74 64 70 61 72 74 73 3d", 0}};
constexpr std::string_view kRefs[] = {"linux drivers/mtd/parsers/cmdlinepart.c", "U-Boot cmd/mtdparts.c"};
constexpr std::string_view kLimits[] = {"maps of other devices (another mtd-id) that do not fit the dump are not applied",
                                        "a dump holding several devices back to back is not split by device"};
constexpr HandlerInfo kInfo{"mtdparts", Category::kFirmware, "MTD partition map (mtdparts= in a U-Boot environment or kernel command line)",
                            kMagics, kRefs, kLimits, Support::kRead, true};

using partition_map::Map;
using partition_map::Partition;

// A memparse number at `s[i]`: digits in base 10, 16 (0x) or 8 (leading 0), then an optional
// K/M/G suffix. nullopt on no digits or overflow.
std::optional<std::uint64_t> memparse(std::string_view s, std::size_t& i) {
  unsigned base = 10;
  if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    base = 16;
    i += 2;
  } else if (i < s.size() && s[i] == '0') {
    base = 8;
  }
  std::uint64_t v = 0;
  const std::size_t from = i;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    unsigned d = 0;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    else break;
    if (d >= base) break;
    if (v > (~std::uint64_t{0} - d) / base) return std::nullopt;
    v = v * base + d;
  }
  if (i == from && base != 8) return std::nullopt;
  unsigned shift = 0;
  if (i < s.size()) {
    switch (s[i]) {
      case 'K': case 'k': shift = 10; break;
      case 'M': case 'm': shift = 20; break;
      case 'G': case 'g': shift = 30; break;
      default: break;
    }
  }
  if (shift != 0) {
    ++i;
    if (v > (~std::uint64_t{0} >> shift)) return std::nullopt;
    v <<= shift;
  }
  return v;
}

// One <mtddef> (after the "<mtd-id>:"), laid out on a device of `device` bytes; nullopt when it
// does not parse.
std::optional<std::vector<Partition>> parse_parts(std::string_view s, std::uint64_t device) {
  std::vector<Partition> parts;
  std::size_t i = 0;
  std::uint64_t next = 0;
  while (i < s.size()) {
    if (parts.size() >= kMaxPartitions) return std::nullopt;
    Partition p;
    bool rest = false;
    std::uint64_t size = 0;
    if (s[i] == '-') {
      rest = true;
      ++i;
    } else {
      auto v = memparse(s, i);
      if (!v) return std::nullopt;
      size = *v;
    }
    p.offset = next;
    if (i < s.size() && s[i] == '@') {
      ++i;
      auto v = memparse(s, i);
      if (!v) return std::nullopt;
      p.offset = *v;
    }
    if (i < s.size() && s[i] == '(') {
      const std::size_t close = s.find(')', i);
      if (close == std::string_view::npos) return std::nullopt;
      p.name = std::string(s.substr(i + 1, close - i - 1));
      i = close + 1;
    }
    for (bool flag = true; flag;) {
      flag = false;
      for (std::string_view f : {"ro", "lk", "slc"}) {
        if (s.substr(i, f.size()) == f) {
          p.read_only = p.read_only || f == "ro";
          i += f.size();
          flag = true;
        }
      }
    }
    if (rest) size = p.offset < device ? device - p.offset : 0;
    if (p.offset > ~std::uint64_t{0} - size) return std::nullopt;
    p.size = size;
    next = p.offset + size;
    if (p.name.empty()) p.name = "part" + std::to_string(parts.size());
    if (size != 0) parts.push_back(std::move(p));
    if (i < s.size()) {
      if (s[i] != ',') return std::nullopt;
      ++i;
    }
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

// The CRC-checked U-Boot environment that holds the text at `text_at`, as (start, size): the
// variables before the text are walked back (printable bytes and NULs) to the first, and the
// CRC (and the redundant copy's flag byte) just before it is tried.
std::optional<std::pair<std::uint64_t, std::uint64_t>> env_holding(ByteView node, std::uint64_t text_at) {
  std::uint64_t q = text_at;
  const std::uint64_t floor = text_at - std::min<std::uint64_t>(text_at, 0x40000);
  while (q > floor && (node[q - 1] == 0 || (node[q - 1] >= 0x20 && node[q - 1] < 0x7F))) --q;
  for (std::uint64_t k = 0; k < 12; ++k) {  // the CRC bytes may be printable too
    const std::uint64_t first = q + k;
    for (const std::uint64_t head : {4ULL, 5ULL}) {
      if (first < head || first > text_at) continue;
      if (auto size = uboot_env_at(node.subspan(first - head)); size && text_at < first - head + *size) return std::make_pair(first - head, *size);
    }
  }
  return std::nullopt;
}

// Where the text came from, when the layout agrees with it: a variable of a CRC-checked U-Boot
// environment that begins a partition (or follows one there as the redundant copy), or plain
// text. nullopt: the environment sits elsewhere than the map places it.
std::optional<std::string> source_of(ByteView node, const Map& m) {
  auto env = env_holding(node, m.source_at);
  if (!env) return "text at " + hex_u64(m.source_at);
  const std::uint64_t at = env->first, size = env->second;  // not a structured binding: the lambda below captures them (clang 14)
  const bool placed = std::any_of(m.parts.begin(), m.parts.end(), [&](const Partition& p) { return at == p.offset || at == p.offset + size; });
  if (!placed) return std::nullopt;
  std::uint64_t start = m.source_at;  // the variable: back to the NUL that ends the one before
  while (start > at && node[start - 1] != 0) --start;
  std::string_view var = as_chars(node.subspan(start, m.source_at - start));
  var = var.substr(0, var.find('='));
  return "U-Boot environment at " + hex_u64(at) + " (CRC ok, " + human_size(size) + "), variable " + std::string(var);
}

// The first map in the node that describes it; with `exact`, one that also ends at the node's
// end (extract() sees only the chunk identify() claimed, which ends where the map ends).
std::optional<Map> find_map(ByteView node, bool exact) {
  const std::string_view all = as_chars(node);
  std::size_t tried = 0;
  for (std::size_t at = all.find(kKey); at != std::string_view::npos && tried < kMaxMaps; at = all.find(kKey, at + 1), ++tried) {
    std::size_t from = at + kKey.size();
    if (all.substr(from, kKey.size()) == kKey) continue;  // "mtdparts=mtdparts=...": the inner one is tried next
    std::size_t end = from;
    while (end < all.size() && end - from < kMaxText && all[end] > ' ' && all[end] < 0x7F) ++end;
    const std::string_view text = all.substr(from, end - from);
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t semi = std::min(text.find(';', pos), text.size());
      const std::string_view def = text.substr(pos, semi - pos);
      pos = semi + 1;
      const std::size_t colon = def.find(':');
      if (colon == std::string_view::npos || colon == 0) continue;
      auto parts = parse_parts(def.substr(colon + 1), node.size());
      if (!parts || !partition_map::describes(*parts, node.size(), at)) continue;
      Map m;
      m.source_at = at;
      m.device = std::string(def.substr(0, colon));
      m.parts = std::move(*parts);
      if (exact && m.end() != node.size()) continue;
      auto source = source_of(node, m);
      if (!source) continue;
      m.source = std::move(*source);
      return m;
    }
  }
  return std::nullopt;
}

}  // namespace

HandlerPtr make_mtdparts_handler() { return std::make_unique<partition_map::MapHandler>(kInfo, find_map, "MTD partition map", "mtd_id"); }

}  // namespace fwscan
