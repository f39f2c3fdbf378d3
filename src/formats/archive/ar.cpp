// Unix ar archive (Debian packages, static libraries): "!<arch>\n", then 60-byte member headers
//   00 name[16]  10 mtime[12]  1c uid[6]  22 gid[6]  28 mode[8] (octal)  30 size[10]  3a "`\n"
// data padded to an even offset. GNU "//" holds long names ("/123" refers to offset 123); "/" and
// "/SYM64/" are symbol tables.
#include <functional>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxMembers = 1'000'000;
constexpr Magic kMagics[] = {{"21 3c 61 72 63 68 3e 0a"}};
constexpr std::string_view kRefs[] = {"ar(5) (FreeBSD), GNU binutils ar"};
constexpr std::string_view kLimits[] = {"BSD #1/ long names are kept as written"};
constexpr HandlerInfo kInfo{"ar", Category::kArchive, "Unix ar archive", kMagics, kRefs, kLimits};

std::optional<std::uint64_t> decimal(std::string_view f, int base = 10) {
  std::uint64_t v = 0;
  bool any = false;
  for (char c : f) {
    if (c == ' ') { if (any) break; continue; }
    if (c < '0' || c > (base == 8 ? '7' : '9')) return std::nullopt;
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(c - '0');
    any = true;
    if (v > (1ULL << 48)) return std::nullopt;
  }
  if (!any) return std::nullopt;
  return v;
}

struct Walk {
  std::uint64_t end = 8;
  std::uint32_t members = 0;
  bool clean = false;
  std::vector<Diagnostic> diagnostics;
};

Walk walk(ByteView v, const std::function<void(const std::string&, std::uint64_t, std::uint64_t, std::uint32_t)>& on_member) {
  Walk w;
  std::string long_names;
  std::uint64_t pos = 8;
  for (std::uint32_t i = 0; i < kMaxMembers; ++i) {
    if (pos >= v.size()) {
      w.clean = true;
      break;
    }
    auto h = subview(v, pos, 60);
    if (!h || !has_bytes_at(*h, 58, "`\n")) {
      if (h) w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "bad member header; archive ends here", "", pos});
      else w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "partial member header", "", pos});
      break;
    }
    const std::string_view hs = as_chars(*h);
    auto size = decimal(hs.substr(48, 10));
    auto mode = decimal(hs.substr(40, 8), 8);
    if (!size) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "bad member size", "", pos + 48});
      break;
    }
    std::string name(hs.substr(0, 16));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    const std::uint64_t data = pos + 60;
    if (!range_fits(data, *size, v.size())) {
      w.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "member '" + name + "' runs past the end", "", pos});
      w.end = v.size();
      return w;
    }
    if (name == "//") {
      long_names = std::string(as_chars(v.subspan(data, *size)));
    } else if (name != "/" && name != "/SYM64/") {
      if (name.size() > 1 && name[0] == '/' && long_names.size() > 0) {
        if (auto idx = decimal(name.substr(1)); idx && *idx < long_names.size()) {
          auto endpos = long_names.find("/\n", *idx);
          name = long_names.substr(*idx, endpos == std::string::npos ? std::string::npos : endpos - *idx);
        }
      } else if (!name.empty() && name.back() == '/') {
        name.pop_back();
      }
      on_member(name, data, *size, static_cast<std::uint32_t>(mode.value_or(0644) & 07777));
      ++w.members;
    }
    pos = data + *size + (*size & 1);
    w.end = std::min<std::uint64_t>(pos, v.size());
  }
  return w;
}

class ArHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const Walk w = walk(node.subspan(start), [](const std::string&, std::uint64_t, std::uint64_t, std::uint32_t) {});
    // "!<arch>\n" is a strong 8-byte magic: a damaged archive is still an archive.
    return Chunk{start, w.end, w.diagnostics.empty() ? Confidence::kHigh : Confidence::kLow,
                 "ar archive, " + std::to_string(w.members) + " members"};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    Extraction ex;
    const Walk w = walk(chunk.bytes(), [&](const std::string& name, std::uint64_t off, std::uint64_t size, std::uint32_t mode) {
      Child c{name.empty() ? "member" : name, *chunk.slice(off, size), ChildOrigin::kCarved, off, {}};
      c.meta.mode = mode;
      ex.children.push_back(std::move(c));
    });
    ex.diagnostics = w.diagnostics;
    ex.complete = w.diagnostics.empty();
    return ex;
  }
};

}  // namespace

HandlerPtr make_ar_handler() { return std::make_unique<ArHandler>(); }

}  // namespace fwscan
