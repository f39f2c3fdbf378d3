// zoo archive (Rahul Dhesi's zoo 2.x): a 20-byte text banner ("ZOO 2.10 Archive.\x1a"), the tag
// 0xFDC4A7DC at +20 and the first directory entry's position at +24. Directory entries form a
// chain (all little-endian):
//   +0 tag  +4 type (1, 2)  +5 method (0 stored, 1 LZW, 2 LZH)  +6 next entry  +10 data offset
//   +14 DOS date, time  +18 CRC-16 of the file  +20 original size  +24 stored size
//   +30 deleted flag  +38 8.3 name[13]; type 2 adds +51 variable part length, +56 variable part:
//   long-name length, directory length, long name, directory name, ...
// An entry whose `next` is 0 ends the chain. Deleted entries stay in the chain and are skipped.
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kTag = 0xFDC4A7DCU;
constexpr std::uint32_t kMaxEntries = 100'000;
constexpr Magic kMagics[] = {{"5a 4f 4f 20"}};
constexpr std::string_view kRefs[] = {"zoo 2.10 sources (zoo.h: struct zoo_header, struct direntry)"};
constexpr std::string_view kLimits[] = {"compressed members (LZW, LZH) are listed, not decoded: only stored members are extracted"};
constexpr HandlerInfo kInfo{"zoo", Category::kArchive, "zoo archive", kMagics, kRefs, kLimits};

struct Entry {
  std::string path;
  int method = 0;
  bool deleted = false;
  std::uint32_t offset = 0, osize = 0, csize = 0;
  std::uint16_t crc = 0;
};

struct Walked {
  std::vector<Entry> entries;
  std::uint64_t end = 0;
};

// A NUL-padded name field of the entry at `pos` (inside bounds the caller has checked).
std::string text_field(ByteView v, std::uint64_t pos, std::size_t len) {
  Reader r(v, Endian::kLittle);
  if (!r.seek(pos)) return {};
  auto s = r.fixed_string(len);
  return s ? std::string(*s) : std::string();
}

std::optional<Walked> walk(ByteView v) {
  if (!has_bytes_at(v, 0, "ZOO ") || load_le32(v, 20) != kTag) return std::nullopt;
  auto first = load_le32(v, 24);
  if (!first || *first < 28) return std::nullopt;
  Walked w;
  std::uint64_t pos = *first;
  for (std::uint32_t i = 0; i < kMaxEntries; ++i) {
    auto fixed = subview(v, pos, 56);
    if (!fixed || load_le32(*fixed, 0) != kTag) return std::nullopt;
    const std::uint8_t type = (*fixed)[4];
    if (type != 1 && type != 2) return std::nullopt;
    const std::uint32_t next = *load_le32(*fixed, 6);
    std::uint64_t entry_end = pos + (type == 2 ? 56 : 51);
    std::uint16_t var_len = 0;
    if (type == 2) {
      var_len = *load_le16(*fixed, 51);
      entry_end += var_len;
    }
    if (entry_end > v.size()) return std::nullopt;
    if (next == 0) {  // the chain's end
      w.end = entry_end;
      return w;
    }
    Entry e;
    e.method = (*fixed)[5];
    e.offset = *load_le32(*fixed, 10);
    e.crc = *load_le16(*fixed, 18);
    e.osize = *load_le32(*fixed, 20);
    e.csize = *load_le32(*fixed, 24);
    e.deleted = (*fixed)[30] != 0;
    std::string name = text_field(v, pos + 38, 13);
    if (type == 2 && var_len >= 2) {
      const std::uint8_t name_len = v[pos + 56], dir_len = v[pos + 57];
      if (2ULL + name_len + dir_len <= var_len) {
        const std::string long_name = text_field(v, pos + 58, name_len);
        const std::string dir = text_field(v, pos + 58 + name_len, dir_len);
        if (!long_name.empty()) name = long_name;
        if (!dir.empty()) name = dir + "/" + name;
      }
    }
    for (char& c : name) if (c == '\\') c = '/';
    e.path = name;
    if (e.offset < entry_end || static_cast<std::uint64_t>(e.offset) + e.csize > v.size()) return std::nullopt;
    if (next <= pos) return std::nullopt;  // the chain only moves forward: no loops
    w.entries.push_back(std::move(e));
    pos = next;
  }
  return std::nullopt;
}

class ZooHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    auto w = walk(node.subspan(start));
    if (!w) return std::nullopt;
    return Chunk{start, w->end, Confidence::kHigh, "zoo archive, " + std::to_string(w->entries.size()) + " entries"};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    auto w = walk(chunk.bytes());
    if (!w) return make_error(Errc::kMalformed, "zoo directory chain", 0);
    Extraction ex;
    std::uint32_t compressed = 0;
    for (const Entry& e : w->entries) {
      if (e.deleted) {
        ex.properties.emplace_back("deleted member " + e.path, std::to_string(e.osize) + " bytes (kept in the archive, not extracted)");
        continue;
      }
      Child c;
      c.name = e.path.empty() ? "member" + std::to_string(ex.children.size()) : e.path;
      if (e.method != 0) {
        ++compressed;
        c.meta.kind = EntryKind::kOther;
        ex.properties.emplace_back("member " + c.name, "method " + std::to_string(e.method) + (e.method == 1 ? " (LZW)" : e.method == 2 ? " (LZH)" : "") +
                                                           ", " + std::to_string(e.csize) + " -> " + std::to_string(e.osize) + " bytes, not decoded");
        ex.children.push_back(std::move(c));
        continue;
      }
      c.origin = ChildOrigin::kCarved;
      c.offset = e.offset;
      c.data = *chunk.slice(e.offset, e.csize);
      if (e.osize != e.csize) {
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "'" + c.name + "': stored, yet its sizes differ", "", e.offset});
      }
      if (crc16_arc(c.data.bytes()) != e.crc) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "'" + c.name + "': CRC-16 mismatch", "", e.offset});
      }
      ex.children.push_back(std::move(c));
    }
    if (compressed > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kUnsupported, std::to_string(compressed) + " zoo member(s) are compressed (LZW/LZH), which fwscan does not decode; listed", "", std::nullopt});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_zoo_handler() { return std::make_unique<ZooHandler>(); }

}  // namespace fwscan
