// YAFFS2 NAND image: chunks of `page` data bytes followed by `spare` out-of-band bytes holding
// packed tags2 (seq_number, obj_id, chunk_id, n_bytes). chunk_id 0 marks an object header:
//   00 type (1 file, 2 symlink, 3 dir, 4 hardlink, 5 special)  04 parent_obj_id  08 u16 unused
//   0a name[256]  10c mode  110 uid  114 gid  118 atime  11c mtime  120 ctime  124 file_size_low
//   128 equiv_id  12c alias[160]  1cc rdev
// Data chunks carry chunk_id >= 1 (file offset (chunk_id - 1) * page) and n_bytes. The newest
// sequence number wins. Page size, spare size, byte order and where the tags sit in the spare
// (offset 0, or 2 after the bad-block marker as mkyaffs2image writes them) are detected from the
// first chunks.
#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxChunks = 4'000'000;
constexpr std::uint32_t kExtraHeaderFlag = 0x80000000U;
constexpr std::uint32_t kRootId = 1, kUnlinkedId = 3, kDeletedId = 4;
constexpr std::uint64_t kPages[] = {512, 1024, 2048, 4096, 8192, 16384};
constexpr std::uint64_t kSpares[] = {16, 32, 64, 128, 256, 512, 1024};
// An object header of a file or directory whose parent is the root.
constexpr Magic kMagics[] = {{"01 00 00 00 01 00 00 00 ff ff", 0, true}, {"03 00 00 00 01 00 00 00 ff ff", 0, true},
                             {"00 00 00 01 00 00 00 01 ff ff", 0, true}, {"00 00 00 03 00 00 00 01 ff ff", 0, true}};
constexpr std::string_view kRefs[] = {"yaffs2 yaffs_guts.h, yaffs_packedtags2.c"};
constexpr std::string_view kLimits[] = {"only images that start with an object header under the root",
                                        "ECC bytes in the spare area are not checked"};
constexpr HandlerInfo kInfo{"yaffs2", Category::kFilesystem, "YAFFS2 NAND image", kMagics, kRefs, kLimits};

struct Tags {
  std::uint32_t seq, obj, chunk, nbytes;
};

struct Geometry {
  std::uint64_t page = 0, spare = 0;
  Endian endian = Endian::kLittle;
  std::uint64_t tags = 0;  // where the packed tags start in the spare area (2 after a bad-block marker)
};

std::optional<Tags> tags_at(ByteView v, std::uint64_t off, Endian e) {
  auto seq = load_u32(v, off, e), obj = load_u32(v, off + 4, e), chunk = load_u32(v, off + 8, e), n = load_u32(v, off + 12, e);
  if (!seq || !obj || !chunk || !n) return std::nullopt;
  Tags t{*seq, *obj, *chunk, *n};
  if ((t.chunk & kExtraHeaderFlag) != 0) {  // header chunk with extra info packed in
    t.chunk = 0;
    t.obj &= 0x0FFFFFFF;
  }
  return t;
}

bool erased(ByteView v, std::uint64_t off, std::uint64_t n) {
  for (std::uint64_t i = off; i < off + n && i < v.size(); ++i) {
    if (v[i] != 0xFF) return false;
  }
  return true;
}

bool plausible_header(ByteView v, std::uint64_t off, Endian e) {
  auto type = load_u32(v, off, e), parent = load_u32(v, off + 4, e);
  if (!type || !parent || *type < 1 || *type > 5 || *parent == 0 || *parent > 0x3FFFF) return false;
  auto name = subview(v, off + 10, 256);
  if (!name) return false;
  std::size_t i = 0;
  while (i < name->size() && (*name)[i] != 0) {
    if ((*name)[i] < 0x20 && (*name)[i] != 0) return false;
    ++i;
  }
  return i > 0 && i < name->size();
}

std::optional<Geometry> detect(ByteView v) {
  for (Endian e : {Endian::kLittle, Endian::kBig}) {
    if (!plausible_header(v, 0, e)) continue;
    for (std::uint64_t page : kPages) {
      for (std::uint64_t spare : kSpares) {
       for (std::uint64_t tags : {0ULL, 2ULL}) {
        auto t = tags_at(v, page + tags, e);
        if (!t || t->chunk != 0 || t->obj == 0 || t->obj > 0x3FFFF || t->seq == 0xFFFFFFFFU) continue;
        // The next chunk must be erased, a data chunk, or another header.
        const std::uint64_t next = page + spare;
        if (next + page + 16 <= v.size() && !erased(v, next, page + spare)) {
          auto t2 = tags_at(v, next + page + tags, e);
          if (!t2 || t2->obj == 0 || t2->obj > 0x3FFFF || (t2->chunk != 0 && t2->nbytes > page)) continue;
          if (t2->chunk == 0 && !plausible_header(v, next, e)) continue;
        }
        return Geometry{page, spare, e, tags};
       }
      }
    }
  }
  return std::nullopt;
}

struct Object {
  std::uint32_t seq = 0, type = 0, parent = 0, mode = 0, uid = 0, gid = 0, mtime = 0, equiv = 0, rdev = 0;
  std::uint64_t size = 0;
  std::string name, alias;
};

class Yaffs2Handler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto g = detect(at);
    if (!g) return std::nullopt;
    const std::uint64_t stride = g->page + g->spare;
    std::uint64_t end = 0, chunks = 0;
    for (std::uint64_t off = 0; off + stride <= at.size() && chunks < kMaxChunks; off += stride) {
      if (erased(at, off, stride)) continue;
      auto t = tags_at(at, off + g->page + g->tags, g->endian);
      if (!t || t->obj == 0 || t->obj > 0x3FFFF) break;
      end = off + stride;
      ++chunks;
    }
    if (chunks == 0) return std::nullopt;
    return Chunk{start, end, Confidence::kMedium,
                 "YAFFS2, page " + std::to_string(g->page) + " + spare " + std::to_string(g->spare) + ", " +
                     (g->endian == Endian::kLittle ? "LE" : "BE") + ", " + std::to_string(chunks) + " chunks"};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const ByteView v = chunk.bytes();
    auto g = detect(v);
    if (!g) return make_error(Errc::kMalformed, "no YAFFS2 geometry fits", 0);
    const Endian e = g->endian;
    const std::uint64_t stride = g->page + g->spare;
    std::map<std::uint32_t, Object> objects;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::pair<std::uint32_t, std::uint64_t>> data;  // (obj, chunk) -> (seq, offset)
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> nbytes;
    for (std::uint64_t off = 0; off + stride <= v.size(); off += stride) {
      if (erased(v, off, stride)) continue;
      auto t = tags_at(v, off + g->page + g->tags, e);
      if (!t || t->obj == 0) continue;
      if (t->chunk == 0) {
        Object o;
        o.seq = t->seq;
        o.type = *load_u32(v, off, e);
        o.parent = *load_u32(v, off + 4, e);
        auto name = subview(v, off + 10, 256);
        o.name = std::string(as_chars(*name));
        if (auto nul = o.name.find('\0'); nul != std::string::npos) o.name.resize(nul);
        o.mode = load_u32(v, off + 0x10C, e).value_or(0);
        o.uid = load_u32(v, off + 0x110, e).value_or(0);
        o.gid = load_u32(v, off + 0x114, e).value_or(0);
        o.mtime = load_u32(v, off + 0x11C, e).value_or(0);
        o.size = load_u32(v, off + 0x124, e).value_or(0);
        o.equiv = load_u32(v, off + 0x128, e).value_or(0);
        if (auto alias = subview(v, off + 0x12C, 160)) {
          o.alias = std::string(as_chars(*alias));
          if (auto nul = o.alias.find('\0'); nul != std::string::npos) o.alias.resize(nul);
        }
        o.rdev = load_u32(v, off + 0x1CC, e).value_or(0);
        auto it = objects.find(t->obj);
        if (it == objects.end() || o.seq >= it->second.seq) objects[t->obj] = o;
      } else {
        const auto key = std::make_pair(t->obj, t->chunk);
        auto it = data.find(key);
        if (it == data.end() || t->seq >= it->second.first) {
          data[key] = {t->seq, off};
          nbytes[key] = t->nbytes;
        }
      }
    }
    Extraction ex;
    ex.properties = {{"page_size", std::to_string(g->page)}, {"spare_size", std::to_string(g->spare)},
                     {"endianness", e == Endian::kLittle ? "little" : "big"}, {"objects", std::to_string(objects.size())}};
    std::map<std::uint32_t, std::vector<std::uint32_t>> children;
    for (const auto& [id, o] : objects) {
      if (o.parent != kUnlinkedId && o.parent != kDeletedId && id != kRootId) children[o.parent].push_back(id);
    }
    struct Item { std::uint32_t id; std::string path; };
    std::vector<Item> stack{{kRootId, ""}};
    std::set<std::uint32_t> visited{kRootId};
    while (!stack.empty()) {
      const Item item = stack.back();
      stack.pop_back();
      auto kids = children.find(item.id);
      if (kids == children.end()) continue;
      std::vector<Item> subdirs;
      for (std::uint32_t id : kids->second) {
        const Object& o = objects[id];
        if (o.name.empty()) continue;
        const std::string path = item.path.empty() ? o.name : item.path + "/" + o.name;
        Child c;
        c.name = path;
        c.origin = ChildOrigin::kDecoded;
        c.meta.mode = o.mode & 07777;
        c.meta.uid = o.uid;
        c.meta.gid = o.gid;
        c.meta.mtime = o.mtime;
        switch (o.type) {
          case 1: {
            c.meta.kind = EntryKind::kFile;
            std::vector<walk::Piece> pieces;
            for (auto d = data.lower_bound({id, 1}); d != data.end() && d->first.first == id; ++d) {
              const std::uint64_t n = std::min<std::uint64_t>(nbytes[d->first], g->page);
              pieces.push_back({(std::uint64_t{d->first.second} - 1) * g->page, v.subspan(d->second.second, std::min<std::uint64_t>(n, v.size() - d->second.second))});
            }
            auto bytes = walk::assemble(ctx, ex, path, o.size, chunk.size(), pieces);
            if (!bytes) return ex;
            c.data = std::move(*bytes);
            break;
          }
          case 2: c.meta.kind = EntryKind::kSymlink; c.meta.link_target = o.alias; break;
          case 3:
            c.meta.kind = EntryKind::kDirectory;
            if (visited.insert(id).second) subdirs.push_back({id, path});
            else ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory object " + std::to_string(id) + " reached twice", "", std::nullopt});
            break;
          case 4: c.meta.kind = EntryKind::kHardlink; c.meta.link_target = "object " + std::to_string(o.equiv); break;
          default: {
            const std::uint32_t fmt = o.mode & 0170000;
            c.meta.kind = fmt == 0020000 ? EntryKind::kCharDevice : fmt == 0060000 ? EntryKind::kBlockDevice
                          : fmt == 0010000 ? EntryKind::kFifo : EntryKind::kSocket;
            c.meta.dev_major = (o.rdev >> 8) & 0xFFF;
            c.meta.dev_minor = o.rdev & 0xFF;
            break;
          }
        }
        ex.children.push_back(std::move(c));
      }
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_yaffs2_handler() { return std::make_unique<Yaffs2Handler>(); }

}  // namespace fwscan
