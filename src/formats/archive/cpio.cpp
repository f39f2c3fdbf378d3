// cpio archives (camera-formats.md 4.7): newc "070701", crc "070702" (110-byte hex header,
// name and data padded to 4), odc "070707" (76-byte octal header, no padding), and old binary
// (26-byte header of 13 u16, magic 0x71c7 in either byte order, name and data padded to 2).
// The archive ends with the entry "TRAILER!!!"; the extent ends after it.
#include <functional>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxName = 4096;
constexpr Magic kMagics[] = {{"30 37 30 37 30 31"}, {"30 37 30 37 30 32"}, {"30 37 30 37 30 37"},
                             {"c7 71"}, {"71 c7"}};
constexpr std::string_view kRefs[] = {"cpio(5) (libarchive)", "camera-formats.md 4.7"};
constexpr std::string_view kLimits[] = {"hard-linked newc members keep their data only on the entry that stores it"};
constexpr HandlerInfo kInfo{"cpio", Category::kArchive, "cpio archive (newc, crc, odc, old binary)", kMagics, kRefs, kLimits};

enum class Variant { kNewc, kCrc, kOdc, kBinLe, kBinBe };

std::optional<Variant> detect(ByteView v) {
  if (has_bytes_at(v, 0, "070701")) return Variant::kNewc;
  if (has_bytes_at(v, 0, "070702")) return Variant::kCrc;
  if (has_bytes_at(v, 0, "070707")) return Variant::kOdc;
  if (has_bytes_at(v, 0, "\xc7\x71")) return Variant::kBinLe;
  if (has_bytes_at(v, 0, "\x71\xc7")) return Variant::kBinBe;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_digits(ByteView f, int base) {
  std::uint64_t v = 0;
  if (f.empty()) return std::nullopt;
  for (std::uint8_t c : f) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0 || d >= base) return std::nullopt;
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
  }
  return v;
}

struct Entry {
  std::string name;
  std::uint32_t mode = 0;
  std::uint64_t data_offset = 0, size = 0;
  EntryMeta meta;
};

struct Walk {
  std::uint64_t extent = 0;
  std::uint32_t entries = 0;
  bool trailer = false;
  std::vector<Diagnostic> diagnostics;
};

struct Header {
  std::uint64_t header_size, mode, uid, gid, mtime, filesize, namesize, devmajor, devminor;
  std::uint64_t name_align, data_align;
};

std::optional<Header> read_header(ByteView v, std::uint64_t pos, Variant var) {
  Header h{};
  if (var == Variant::kNewc || var == Variant::kCrc) {
    auto raw = subview(v, pos, 110);
    if (!raw) return std::nullopt;
    auto field = [&](int i) { return parse_digits(raw->subspan(6 + 8 * static_cast<std::size_t>(i), 8), 16); };
    auto mode = field(1), uid = field(2), gid = field(3), mtime = field(5), size = field(6),
         rmaj = field(9), rmin = field(10), nsize = field(11);
    if (!mode || !uid || !gid || !mtime || !size || !rmaj || !rmin || !nsize) return std::nullopt;
    h = {110, *mode, *uid, *gid, *mtime, *size, *nsize, *rmaj, *rmin, 4, 4};
    return h;
  }
  if (var == Variant::kOdc) {
    auto raw = subview(v, pos, 76);
    if (!raw) return std::nullopt;
    auto f = [&](std::size_t off, std::size_t len) { return parse_digits(raw->subspan(off, len), 8); };
    auto mode = f(18, 6), uid = f(24, 6), gid = f(30, 6), rdev = f(42, 6), mtime = f(48, 11),
         nsize = f(59, 6), size = f(65, 11);
    if (!mode || !uid || !gid || !rdev || !mtime || !nsize || !size) return std::nullopt;
    h = {76, *mode, *uid, *gid, *mtime, *size, *nsize, (*rdev >> 8) & 0xFF, *rdev & 0xFF, 1, 1};
    return h;
  }
  const Endian e = var == Variant::kBinLe ? Endian::kLittle : Endian::kBig;
  auto raw = subview(v, pos, 26);
  if (!raw) return std::nullopt;
  auto w = [&](std::size_t i) { return static_cast<std::uint64_t>(*load_u16(*raw, i * 2, e)); };
  h = {26, w(3), w(4), w(5), (w(8) << 16) | w(9), (w(11) << 16) | w(12), w(10), (w(7) >> 8) & 0xFF, w(7) & 0xFF, 2, 2};
  return h;
}

Walk walk(ByteView v, const std::function<void(Entry&&)>& on_entry) {
  Walk w;
  auto var = detect(v);
  if (!var) return w;
  std::uint64_t pos = 0;
  for (std::uint32_t n = 0; n < kMaxEntries; ++n) {
    if (detect(v.subspan(pos)) != var) {
      if (n > 0) w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "entry magic missing before TRAILER!!!", "", pos});
      w.extent = pos;
      return w;
    }
    auto h = read_header(v, pos, *var);
    if (!h || h->namesize == 0 || h->namesize > kMaxName) {
      if (n > 0) w.diagnostics.push_back({Severity::kWarning, h ? DiagCode::kMalformed : DiagCode::kTruncated, "unusable entry header", "", pos});
      w.extent = n > 0 ? pos : 0;
      return w;
    }
    if (n == 0 && entry_kind_from_mode(h->mode) == EntryKind::kOther) return w;  // weak magic, implausible mode
    const std::uint64_t name_off = pos + h->header_size;
    auto name_raw = subview(v, name_off, h->namesize);
    if (!name_raw) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "entry name runs past the end", "", pos});
      w.extent = v.size();
      return w;
    }
    std::string name(as_chars(*name_raw));
    const auto nul = name.find('\0');
    if (nul == std::string::npos) {
      if (n == 0) return w;
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "entry name not NUL-terminated", "", name_off});
      w.extent = pos;
      return w;
    }
    name.resize(nul);
    const std::uint64_t data_off = align_up(name_off + h->namesize, h->name_align);
    const std::uint64_t next = align_up(data_off + h->filesize, h->data_align);
    if (name == "TRAILER!!!") {
      w.trailer = true;
      w.extent = std::min<std::uint64_t>(next, v.size());
      return w;
    }
    auto data = subview(v, data_off, h->filesize);
    Entry e;
    e.name = name;
    e.mode = static_cast<std::uint32_t>(h->mode);
    e.meta.kind = entry_kind_from_mode(h->mode);
    e.meta.mode = static_cast<std::uint32_t>(h->mode & 07777);
    e.meta.uid = static_cast<std::uint32_t>(h->uid);
    e.meta.gid = static_cast<std::uint32_t>(h->gid);
    e.meta.mtime = static_cast<std::int64_t>(h->mtime);
    if (e.meta.kind == EntryKind::kCharDevice || e.meta.kind == EntryKind::kBlockDevice) {
      e.meta.dev_major = static_cast<std::uint32_t>(h->devmajor);
      e.meta.dev_minor = static_cast<std::uint32_t>(h->devminor);
    }
    if (!data) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "data of '" + name + "' runs past the end", "", data_off});
      if (data_off <= v.size()) {
        e.data_offset = data_off;
        e.size = v.size() - data_off;
        ++w.entries;
        on_entry(std::move(e));
      }
      w.extent = v.size();
      return w;
    }
    if (e.meta.kind == EntryKind::kSymlink) e.meta.link_target = std::string(as_chars(*data));
    e.data_offset = data_off;
    e.size = h->filesize;
    ++w.entries;
    on_entry(std::move(e));
    pos = next;
  }
  w.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChildren, "entry limit reached", "", pos});
  w.extent = std::min<std::uint64_t>(pos, v.size());
  return w;
}

class CpioHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const Walk w = walk(node.subspan(start), [](Entry&&) {});
    if (w.extent == 0) return std::nullopt;
    // Away from offset 0 the magic is weak: insist on a complete archive.
    if (!w.trailer && start != 0) return std::nullopt;
    return Chunk{start, w.extent, w.trailer ? Confidence::kHigh : Confidence::kLow,
                 "cpio archive, " + std::to_string(w.entries) + " entries" + (w.trailer ? "" : ", no trailer")};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    Extraction ex;
    const Walk w = walk(chunk.bytes(), [&](Entry&& e) {
      Child c;
      c.name = e.name;
      c.meta = std::move(e.meta);
      c.origin = ChildOrigin::kCarved;
      c.offset = e.data_offset;
      if (c.meta.kind == EntryKind::kFile) c.data = *chunk.slice(e.data_offset, e.size);
      ex.children.push_back(std::move(c));
    });
    ex.diagnostics = w.diagnostics;
    ex.complete = w.trailer;
    if (!w.trailer && w.diagnostics.empty()) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "no TRAILER!!! entry", "", w.extent});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_cpio_handler() { return std::make_unique<CpioHandler>(); }

}  // namespace fwscan
