// ARJ archive: headers "60 ea", basic header size u16 LE (<= 2600; 0 = end of archive), the basic
// header (compressed size u32 at +12), its CRC-32, then extended headers (size u16, data, CRC-32)
// until a zero size; file headers are followed by their compressed data.
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/archive/arj_decode.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxHeaders = 100'000;
constexpr std::uint16_t kMaxBasic = 2600;
constexpr Magic kMagics[] = {{"60 ea"}};
constexpr std::string_view kRefs[] = {"ARJ technical information (arj.txt, ARJ Software)"};
constexpr std::string_view kLimits[] = {"garbled (password-protected) members are listed, not decoded",
                                        "multi-volume archives: each volume's members alone"};
constexpr HandlerInfo kInfo{"arj", Category::kArchive, "ARJ archive", kMagics, kRefs, kLimits};

struct Member {
  std::string name;
  std::uint8_t method = 0, type = 0, flags = 0;
  std::uint32_t csize = 0, osize = 0, crc = 0;
  std::uint64_t data = 0;
};

// Walks the headers; nullopt when the first one is not an ARJ main header.
std::optional<std::uint64_t> walk(ByteView v, std::vector<Member>* members) {
  std::uint64_t pos = 0;
  for (std::uint32_t n = 0; n < kMaxHeaders; ++n) {
    if (!has_bytes_at(v, pos, "\x60\xea")) return std::nullopt;
    auto size = load_le16(v, pos + 2);
    if (!size || *size > kMaxBasic) return std::nullopt;
    if (*size == 0) return n == 0 ? std::nullopt : std::optional<std::uint64_t>(pos + 4);
    auto basic = subview(v, pos + 4, *size);
    auto crc = load_le32(v, pos + 4 + *size);
    if (!basic || !crc || crc32_ieee(*basic) != *crc) return std::nullopt;
    std::uint64_t next = pos + 4 + *size + 4;
    for (int x = 0; x < 16; ++x) {  // extended headers
      auto ext = load_le16(v, next);
      if (!ext) return std::nullopt;
      next += 2;
      if (*ext == 0) break;
      next += *ext + 4ULL;
    }
    if (n > 0) {  // a file header: its data follows
      auto csize = load_le32(*basic, 12);
      if (!csize) return std::nullopt;
      if (members != nullptr) {
        Member m;
        const std::uint8_t first = (*basic)[0];
        m.flags = (*basic)[4];
        m.method = (*basic)[5];
        m.type = (*basic)[6];
        m.csize = *csize;
        m.osize = load_le32(*basic, 16).value_or(0);
        m.crc = load_le32(*basic, 20).value_or(0);
        m.data = next;
        if (first < basic->size()) {
          std::string_view name = as_chars(basic->subspan(first));
          m.name = std::string(name.substr(0, name.find('\0')));
          for (char& c : m.name) if (c == '\\') c = '/';
        }
        members->push_back(std::move(m));
      }
      next += *csize;
    }
    if (next > v.size()) return std::nullopt;
    pos = next;
  }
  return std::nullopt;
}

class ArjHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    std::vector<Member> members;
    auto end = walk(node.subspan(start), &members);
    if (!end) return std::nullopt;
    return Chunk{start, *end, Confidence::kHigh, "ARJ archive, " + std::to_string(members.size()) + " file(s)"};
  }

  // Members are extracted (stored, or decoded for methods 1-4) and their CRC-32 checked.
  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    std::vector<Member> members;
    if (!walk(chunk.bytes(), &members)) return make_error(Errc::kMalformed, "ARJ headers", 0);
    Extraction ex;
    for (const Member& m : members) {
      const std::string name = m.name.empty() ? "member" + std::to_string(ex.children.size()) : m.name;
      Child c;
      c.name = name;
      if (m.type == 3) {  // directory
        c.meta.kind = EntryKind::kDirectory;
        ex.children.push_back(std::move(c));
        continue;
      }
      auto packed = chunk.slice(m.data, m.csize);
      if (!packed) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "'" + name + "': data past the archive", "", m.data});
        continue;
      }
      if ((m.flags & 0x01) != 0) {  // GARBLED: encrypted with a password
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kEncrypted, "'" + name + "' is garbled (password-protected): content not examined", "", m.data});
        c.meta.kind = EntryKind::kOther;
        ex.children.push_back(std::move(c));
        continue;
      }
      if (m.method == 0) {
        c.origin = ChildOrigin::kCarved;
        c.offset = m.data;
        c.data = *packed;
      } else {
        if (m.osize > ctx.budget().max_output(m.csize) || !ctx.budget().charge(m.osize)) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitExpansion, "'" + name + "': " + std::to_string(m.osize) + " bytes exceed the output budget", "", m.data});
          continue;
        }
        auto out = arj::decode(packed->bytes(), m.method, m.osize);
        if (!out) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kError, out.error().code == Errc::kUnsupported ? DiagCode::kUnsupported : DiagCode::kMalformed,
                                    "'" + name + "' (method " + std::to_string(m.method) + "): " + out.error().message, "", m.data});
          continue;
        }
        c.origin = ChildOrigin::kDecoded;
        c.data = Blob::own(std::move(*out));
        ex.properties.emplace_back("member " + name, "method " + std::to_string(m.method) + ", " + std::to_string(m.csize) + " -> " +
                                                         std::to_string(m.osize) + " bytes");
      }
      if (crc32_ieee(c.data.bytes()) != m.crc) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "'" + name + "': CRC-32 mismatch", "", m.data});
      }
      ex.children.push_back(std::move(c));
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_arj_handler() { return std::make_unique<ArjHandler>(); }

}  // namespace fwscan
