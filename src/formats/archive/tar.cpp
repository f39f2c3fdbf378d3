// POSIX ustar / GNU tar. 512-byte headers:
//   000 name[100] 064 mode[8] 06c uid[8] 074 gid[8] 07c size[12] 088 mtime[12] 094 chksum[8]
//   09c typeflag  09d linkname[100]  101 magic "ustar\0" or "ustar " (GNU)  109 version[2]
//   149 devmajor[8] 151 devminor[8]  159 prefix[155]
// GNU 'L'/'K' long names and pax 'x' headers (path, linkpath, size) are honoured.
// The archive ends at two zero blocks (the extent includes them).
#include <cstring>
#include <functional>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kBlock = 512;
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxLongName = 64 * 1024;
constexpr Magic kMagics[] = {{"75 73 74 61 72", 257}};
constexpr std::string_view kRefs[] = {"POSIX.1-1988 ustar, GNU tar manual 'Basic Tar Format', POSIX.1-2001 pax"};
constexpr std::string_view kLimits[] = {"pre-POSIX v7 archives (no ustar magic) are not identified",
                                        "GNU sparse members are extracted as stored"};
constexpr HandlerInfo kInfo{"tar", Category::kArchive, "tar archive (ustar/GNU/pax)", kMagics, kRefs, kLimits};

std::optional<std::uint64_t> parse_number(ByteView field) {
  if (field.empty()) return std::nullopt;
  if (field[0] & 0x80) {  // GNU base-256
    std::uint64_t v = field[0] & 0x7F;
    for (std::size_t i = 1; i < field.size(); ++i) {
      if (v >> 56) return std::nullopt;
      v = (v << 8) | field[i];
    }
    return v;
  }
  std::uint64_t v = 0;
  bool any = false;
  for (std::uint8_t c : field) {
    if (c == ' ' && !any) continue;
    if (c == 0 || c == ' ') break;
    if (c < '0' || c > '7') return std::nullopt;
    if (v >> 60) return std::nullopt;
    v = v * 8 + (c - '0');
    any = true;
  }
  return v;
}

bool checksum_ok(ByteView h) {
  auto stored = parse_number(h.subspan(148, 8));
  if (!stored) return false;
  std::uint64_t usum = 0;
  std::int64_t ssum = 0;
  for (std::size_t i = 0; i < kBlock; ++i) {
    const std::uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];
    usum += c;
    ssum += static_cast<std::int8_t>(c);
  }
  return usum == *stored || static_cast<std::uint64_t>(ssum) == *stored;
}

bool is_zero_block(ByteView b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c == 0; });
}

std::string field_string(ByteView h, std::size_t off, std::size_t len) {
  std::string s(as_chars(h.subspan(off, len)));
  const auto nul = s.find('\0');
  if (nul != std::string::npos) s.resize(nul);
  return s;
}

struct TarEntry {
  std::string name;
  char type = '0';
  std::uint64_t data_offset = 0, size = 0;
  EntryMeta meta;
};

struct WalkResult {
  std::uint64_t extent = 0;
  bool clean_end = false;   // ended on the zero blocks
  std::vector<Diagnostic> diagnostics;
};

// Walks the headers from the start of `v`; calls `on_entry` for each member.
WalkResult walk(ByteView v, const std::function<void(TarEntry&&)>& on_entry) {
  WalkResult w;
  std::uint64_t pos = 0;
  std::string long_name, long_link;
  std::optional<std::string> pax_path, pax_link;
  std::optional<std::uint64_t> pax_size;
  for (std::uint32_t n = 0; n < kMaxEntries; ++n) {
    auto hdr = subview(v, pos, kBlock);
    if (!hdr) {
      if (pos < v.size()) w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "partial header at end of data", "", pos});
      w.extent = std::min<std::uint64_t>(pos, v.size());
      return w;
    }
    if (is_zero_block(*hdr)) {
      auto second = subview(v, pos + kBlock, kBlock);
      w.extent = pos + ((second && is_zero_block(*second)) ? 2 * kBlock : kBlock);
      w.clean_end = true;
      return w;
    }
    if (!has_bytes_at(*hdr, 257, "ustar") || !checksum_ok(*hdr)) {
      if (n == 0) return w;  // not a tar header at all
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "invalid header (bad magic or checksum); archive ends here", "", pos});
      w.extent = pos;
      return w;
    }
    auto size = parse_number(hdr->subspan(124, 12));
    if (!size) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "unparseable size field", "", pos + 124});
      w.extent = pos;
      return w;
    }
    const char type = static_cast<char>((*hdr)[156]);
    std::uint64_t member_size = (pax_size && type != 'x' && type != 'g' && type != 'L' && type != 'K') ? *pax_size : *size;
    const std::uint64_t data_off = pos + kBlock;
    const bool has_data = !(type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6');
    const std::uint64_t stored = has_data ? member_size : 0;
    auto data = subview(v, data_off, stored);
    if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
      if (!data || member_size > kMaxLongName) {
        w.diagnostics.push_back({Severity::kWarning, data ? DiagCode::kLimitName : DiagCode::kTruncated, "extension header data unusable", "", pos});
        w.extent = std::min<std::uint64_t>(v.size(), data_off);
        return w;
      }
      std::string text(as_chars(*data));
      if (type == 'L' || type == 'K') {
        const auto nul = text.find('\0');
        if (nul != std::string::npos) text.resize(nul);
        (type == 'L' ? long_name : long_link) = text;
      } else if (type == 'x') {
        // records: "<len> key=value\n"
        std::size_t p = 0;
        while (p < text.size()) {
          const auto sp = text.find(' ', p);
          if (sp == std::string::npos) break;
          std::uint64_t len = 0;
          for (std::size_t k = p; k < sp; ++k) {
            if (text[k] < '0' || text[k] > '9') { len = 0; break; }
            len = len * 10 + static_cast<std::uint64_t>(text[k] - '0');
            if (len > text.size()) break;
          }
          if (len == 0 || p + len > text.size()) break;
          const std::string rec = text.substr(sp + 1, p + len - sp - 2);
          const auto eq = rec.find('=');
          if (eq != std::string::npos) {
            const std::string key = rec.substr(0, eq), val = rec.substr(eq + 1);
            if (key == "path") pax_path = val;
            if (key == "linkpath") pax_link = val;
            if (key == "size") {
              std::uint64_t s = 0;
              bool ok = !val.empty();
              for (char c : val) { if (c < '0' || c > '9' || s > (1ULL << 56)) { ok = false; break; } s = s * 10 + static_cast<std::uint64_t>(c - '0'); }
              if (ok) pax_size = s;
            }
          }
          p += len;
        }
      }
      pos = data_off + align_up(member_size, kBlock);
      continue;
    }
    TarEntry e;
    std::string name = field_string(*hdr, 0, 100);
    const std::string prefix = field_string(*hdr, 345, 155);
    if (!prefix.empty() && has_bytes_at(*hdr, 257, std::string_view("ustar\0", 6))) name = prefix + "/" + name;
    if (!long_name.empty()) name = long_name;
    if (pax_path) name = *pax_path;
    e.name = name;
    e.type = type;
    e.meta.mode = static_cast<std::uint32_t>(parse_number(hdr->subspan(100, 8)).value_or(0) & 07777);
    if (auto uid = parse_number(hdr->subspan(108, 8))) e.meta.uid = static_cast<std::uint32_t>(*uid);
    if (auto gid = parse_number(hdr->subspan(116, 8))) e.meta.gid = static_cast<std::uint32_t>(*gid);
    if (auto mt = parse_number(hdr->subspan(136, 12))) e.meta.mtime = static_cast<std::int64_t>(*mt);
    e.meta.link_target = pax_link ? *pax_link : (!long_link.empty() ? long_link : field_string(*hdr, 157, 100));
    switch (type) {
      case '0': case '\0': case '7': e.meta.kind = EntryKind::kFile; break;
      case '1': e.meta.kind = EntryKind::kHardlink; break;
      case '2': e.meta.kind = EntryKind::kSymlink; break;
      case '3': e.meta.kind = EntryKind::kCharDevice; break;
      case '4': e.meta.kind = EntryKind::kBlockDevice; break;
      case '5': e.meta.kind = EntryKind::kDirectory; break;
      case '6': e.meta.kind = EntryKind::kFifo; break;
      default: e.meta.kind = EntryKind::kFile; break;  // unknown types: POSIX says treat as regular file
    }
    if (type != '1' && type != '2') e.meta.link_target.clear();
    if (type == '3' || type == '4') {
      e.meta.dev_major = static_cast<std::uint32_t>(parse_number(hdr->subspan(329, 8)).value_or(0));
      e.meta.dev_minor = static_cast<std::uint32_t>(parse_number(hdr->subspan(337, 8)).value_or(0));
    }
    e.data_offset = data_off;
    e.size = stored;
    long_name.clear(); long_link.clear(); pax_path.reset(); pax_link.reset(); pax_size.reset();
    if (!data) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "member '" + name + "' runs past the end of data", "", pos});
      e.size = data_off <= v.size() ? v.size() - data_off : 0;
      if (data_off <= v.size()) on_entry(std::move(e));
      w.extent = v.size();
      return w;
    }
    on_entry(std::move(e));
    pos = data_off + align_up(stored, kBlock);
    if (pos > v.size()) pos = v.size();
  }
  w.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChildren, "entry limit reached", "", pos});
  w.extent = pos;
  return w;
}

class TarHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    std::uint64_t count = 0;
    const WalkResult w = walk(node.subspan(start), [&](TarEntry&&) { ++count; });
    if (w.extent == 0) return std::nullopt;
    return Chunk{start, w.extent, w.clean_end ? Confidence::kHigh : Confidence::kMedium,
                 "tar archive, " + std::to_string(count) + " entries, " + human_size(w.extent)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    Extraction ex;
    const WalkResult w = walk(chunk.bytes(), [&](TarEntry&& e) {
      Child c;
      c.name = e.name;
      c.meta = std::move(e.meta);
      c.origin = ChildOrigin::kCarved;
      c.offset = e.data_offset;
      if (c.meta.kind == EntryKind::kFile) c.data = *chunk.slice(e.data_offset, e.size);
      ex.children.push_back(std::move(c));
    });
    ex.diagnostics = w.diagnostics;
    ex.complete = w.clean_end || w.diagnostics.empty();
    return ex;
  }
};

}  // namespace

HandlerPtr make_tar_handler() { return std::make_unique<TarHandler>(); }

}  // namespace fwscan
