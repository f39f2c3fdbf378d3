// Linux romfs (Documentation/filesystems/romfs.rst), big-endian:
//   00 "-rom1fs-"  08 full size  0c checksum (of the first 512 bytes: their sum is 0)
//   10 volume name, NUL-terminated, padded to 16
// File headers (16-byte aligned): next (offset of the next entry in the same directory; low 4
// bits: type 0 hardlink, 1 dir, 2 file, 3 symlink, 4 blockdev, 5 chardev, 6 socket, 7 fifo; bit 3
// executable), spec.info (dir: first entry; hardlink: target; device: major<<16|minor), size,
// checksum, name (padded to 16), then the data (padded to 16).
#include <set>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::size_t kMaxName = 4096;
constexpr Magic kMagics[] = {{"2d 72 6f 6d 31 66 73 2d"}};
constexpr std::string_view kRefs[] = {"linux Documentation/filesystems/romfs.rst"};
constexpr std::string_view kLimits[] = {"checksums of file headers are not verified"};
constexpr HandlerInfo kInfo{"romfs", Category::kFilesystem, "Linux romfs", kMagics, kRefs, kLimits};

std::uint64_t align16(std::uint64_t v) { return (v + 15) & ~std::uint64_t{15}; }

std::optional<std::string> read_name(ByteView v, std::uint64_t off, std::uint64_t* after) {
  for (std::uint64_t i = 0; i < kMaxName && off + i < v.size(); ++i) {
    if (v[off + i] == 0) {
      *after = align16(off + i + 1);
      return std::string(as_chars(v.subspan(off, i)));
    }
  }
  return std::nullopt;
}

class RomfsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto size = load_be32(at, 8);
    if (!size || *size < 32) return std::nullopt;
    std::uint64_t after = 0;
    auto name = read_name(at, 16, &after);
    const std::string desc = "romfs \"" + name.value_or("") + "\", " + human_size(*size);
    if (*size > at.size()) return Chunk{start, at.size(), Confidence::kLow, desc + ", truncated"};
    return Chunk{start, *size, Confidence::kHigh, desc};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    const ByteView v = chunk.bytes();
    Extraction ex;
    std::uint64_t first = 0;
    auto volume = read_name(v, 16, &first);
    if (!volume) return make_error(Errc::kMalformed, "volume name unterminated", 16);
    ex.properties = {{"volume", *volume}};
    std::uint32_t sum = 0;
    for (std::uint64_t o = 0; o + 4 <= std::min<std::uint64_t>(512, v.size()); o += 4) sum += *load_be32(v, o);
    if (sum != 0) ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, "superblock checksum does not sum to 0", "", 12});
    struct Dir { std::uint64_t first; std::string path; };
    std::vector<Dir> stack{{first, ""}};
    std::set<std::uint64_t> visited;
    std::uint32_t count = 0;
    while (!stack.empty()) {
      const Dir d = stack.back();
      stack.pop_back();
      std::vector<Dir> subdirs;
      for (std::uint64_t h = d.first; h != 0;) {
        if (!visited.insert(h).second) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "file header at " + hex_u64(h) + " reached twice", "", h});
          break;
        }
        if (++count > kMaxEntries) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChildren, "entry limit reached", "", h});
          return ex;
        }
        auto next = load_be32(v, h), spec = load_be32(v, h + 4), size = load_be32(v, h + 8);
        std::uint64_t data = 0;
        auto name = read_name(v, h + 16, &data);
        if (!next || !spec || !size || !name) {
          ex.complete = false;
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "file header past the end", "", h});
          break;
        }
        const std::uint32_t type = *next & 7;
        const std::uint64_t next_h = *next & ~std::uint32_t{15};
        if (*name != "." && *name != "..") {
          const std::string path = d.path.empty() ? *name : d.path + "/" + *name;
          Child c;
          c.name = path;
          c.origin = ChildOrigin::kCarved;
          c.offset = data;
          c.meta.mode = (*next & 8) != 0 ? 0755 : 0644;
          switch (type) {
            case 0: c.meta.kind = EntryKind::kHardlink; c.meta.link_target = hex_u64(*spec); break;
            case 1:
              c.meta.kind = EntryKind::kDirectory;
              if (*spec != 0) subdirs.push_back({*spec & ~std::uint32_t{15}, path});
              break;
            case 2: case 3: {
              auto bytes = subview(v, data, *size);
              if (!bytes) {
                ex.complete = false;
                ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "data of '" + path + "' past the end", "", h + 8});
                break;
              }
              if (type == 2) {
                c.meta.kind = EntryKind::kFile;
                c.data = *chunk.slice(data, *size);
              } else {
                c.meta.kind = EntryKind::kSymlink;
                c.meta.link_target = std::string(as_chars(*bytes));
              }
              break;
            }
            case 4: case 5:
              c.meta.kind = type == 4 ? EntryKind::kBlockDevice : EntryKind::kCharDevice;
              c.meta.dev_major = *spec >> 16;
              c.meta.dev_minor = *spec & 0xFFFF;
              break;
            case 6: c.meta.kind = EntryKind::kSocket; break;
            default: c.meta.kind = EntryKind::kFifo; break;
          }
          ex.children.push_back(std::move(c));
        }
        h = next_h;
      }
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_romfs_handler() { return std::make_unique<RomfsHandler>(); }

}  // namespace fwscan
