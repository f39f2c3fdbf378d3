// JFFS2 (linux include/uapi/linux/jffs2.h; camera-formats.md 4.5), both byte orders.
// Node header (12 bytes): magic 0x1985, nodetype, totlen, hdr_crc (CRC-32 register, init 0, no
// final XOR, over the first 8 bytes). Nodes are 4-byte aligned; erase-block padding is 0xff.
//   DIRENT 0xe001: pino, version, ino (0 = deleted), mctime, nsize, type, 2 unused, node_crc,
//                  name_crc, name
//   INODE  0xe002: ino, version, mode, uid u16, gid u16, isize, atime, mtime, ctime, offset,
//                  csize, dsize, compr, usercompr, flags u16, data_crc, node_crc, data[csize]
// The newest version of every dirent and data range wins; a dirent with ino 0 deletes the name.
// Compression: 0 none, 1 zero, 2 rtime, 6 zlib, 7 lzo, 8 lzma.
#include <zlib.h>

#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint16_t kMagic = 0x1985;
constexpr std::uint16_t kDirent = 0xE001, kInode = 0xE002;
constexpr std::uint32_t kMaxNodes = 5'000'000;
constexpr std::uint32_t kMaxNodeLen = 1U << 20;
constexpr std::uint32_t kMaxPage = 64 * 1024;
constexpr std::uint64_t kMaxGap = 1U << 20;  // padding or junk tolerated between nodes
constexpr Magic kMagics[] = {{"85 19 ?? ?? ?? ?? 00 00"}, {"19 85 ?? ?? 00 00 ?? ??"}};
constexpr std::string_view kRefs[] = {"linux include/uapi/linux/jffs2.h, fs/jffs2/compr_rtime.c", "camera-formats.md 4.5"};
constexpr std::string_view kLimits[] = {"rubin compression and extended attributes are not decoded",
                                        "summary nodes are skipped (the node scan does not need them)"};
constexpr HandlerInfo kInfo{"jffs2", Category::kFilesystem, "JFFS2 (both byte orders)", kMagics, kRefs, kLimits};

std::uint32_t jffs2_crc(ByteView v) {
  return static_cast<std::uint32_t>(crc32(0xFFFFFFFFUL, v.data(), static_cast<uInt>(v.size()))) ^ 0xFFFFFFFFU;
}

struct Dirent {
  std::uint32_t pino, version, ino;
  std::uint8_t type;
  std::string name;
};

struct DataNode {
  std::uint32_t version, offset, dsize, isize, mode, mtime;
  std::uint16_t uid, gid;
  std::uint8_t compr;
  ByteView data;
};

struct Scan {
  Endian endian = Endian::kLittle;
  std::uint64_t end = 0;
  std::uint32_t nodes = 0, bad_crc = 0;
  std::vector<Extent> verified;  // nodes whose every CRC matched (full scans)
  std::vector<Dirent> dirents;
  std::map<std::uint32_t, std::vector<DataNode>> inodes;
};

std::optional<Endian> endian_at(ByteView v, std::uint64_t off) {
  if (has_bytes_at(v, off, "\x85\x19")) return Endian::kLittle;
  if (has_bytes_at(v, off, "\x19\x85")) return Endian::kBig;
  return std::nullopt;
}

// Walks nodes from the start; `full` also collects dirents and data nodes.
Scan scan(ByteView v, bool full) {
  Scan s;
  auto e0 = endian_at(v, 0);
  if (!e0) return s;
  s.endian = *e0;
  const Endian e = s.endian;
  std::uint64_t pos = 0, gap_start = 0;
  bool in_gap = false;
  while (pos + 12 <= v.size() && s.nodes < kMaxNodes) {
    auto magic = load_u16(v, pos, e);
    if (magic != kMagic) {
      if (!in_gap) { in_gap = true; gap_start = pos; }
      if (pos - gap_start > kMaxGap) break;
      pos += 4;
      continue;
    }
    auto type = load_u16(v, pos + 2, e);
    auto totlen = load_u32(v, pos + 4, e);
    auto hcrc = load_u32(v, pos + 8, e);
    if (!type || !totlen || !hcrc || *totlen < 12 || *totlen > kMaxNodeLen || !range_fits(pos, *totlen, v.size()) ||
        jffs2_crc(v.subspan(pos, 8)) != *hcrc) {
      if (!in_gap) { in_gap = true; gap_start = pos; }
      pos += 4;
      continue;
    }
    in_gap = false;
    ++s.nodes;
    const ByteView n = v.subspan(pos, *totlen);
    if (full && *totlen == 12) s.verified.push_back({pos, 12});  // a clean marker: the header CRC is the node's
    if (full && *type == kDirent && n.size() >= 40) {
      Reader r(n.subspan(12), e);
      const std::uint32_t pino = *r.u32(), version = *r.u32(), ino = *r.u32();
      (void)r.u32();
      const std::uint8_t nsize = *r.u8(), dtype = *r.u8();
      (void)r.skip(2);
      const std::uint32_t node_crc = *r.u32();
      const std::uint32_t name_crc = *r.u32();
      const bool node_ok = jffs2_crc(n.subspan(0, 32)) == node_crc;
      if (!node_ok) ++s.bad_crc;
      if (auto name = subview(n, 40, nsize)) {
        if (node_ok && jffs2_crc(*name) == name_crc && 40U + nsize == n.size()) s.verified.push_back({pos, n.size()});
        s.dirents.push_back({pino, version, ino, dtype, std::string(as_chars(*name))});
      }
    } else if (full && *type == kInode && n.size() >= 68) {
      Reader r(n.subspan(12), e);
      DataNode d{};
      const std::uint32_t ino = *r.u32();
      d.version = *r.u32();
      d.mode = *r.u32();
      d.uid = *r.u16();
      d.gid = *r.u16();
      d.isize = *r.u32();
      (void)r.u32();
      d.mtime = *r.u32();
      (void)r.u32();
      d.offset = *r.u32();
      const std::uint32_t csize = *r.u32();
      d.dsize = *r.u32();
      d.compr = *r.u8();
      (void)r.skip(3);
      const std::uint32_t data_crc = *r.u32();
      const std::uint32_t node_crc = *r.u32();
      const bool node_ok = jffs2_crc(n.subspan(0, 60)) == node_crc;
      if (!node_ok) ++s.bad_crc;
      if (auto data = subview(n, 68, csize)) {
        if (node_ok && jffs2_crc(*data) == data_crc && 68ULL + csize == n.size()) s.verified.push_back({pos, n.size()});
        d.data = *data;
        s.inodes[ino].push_back(d);
      }
    }
    pos = align_up(pos + *totlen, 4);
    s.end = pos;
  }
  s.end = std::min<std::uint64_t>(s.end, v.size());
  return s;
}

std::vector<std::uint8_t> rtime_decompress(ByteView in, std::uint32_t dsize) {
  std::vector<std::uint8_t> out;
  out.reserve(dsize);
  std::uint32_t positions[256] = {};
  std::size_t pos = 0;
  while (out.size() < dsize && pos + 1 < in.size()) {
    const std::uint8_t value = in[pos++];
    out.push_back(value);
    std::uint32_t repeat = in[pos++];
    std::uint32_t back = positions[value];
    positions[value] = static_cast<std::uint32_t>(out.size());
    while (repeat-- > 0 && out.size() < dsize && back < out.size()) out.push_back(out[back++]);
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> decompress(const DataNode& d) {
  if (d.dsize > kMaxPage) return std::nullopt;
  switch (d.compr) {
    case 0: return std::vector<std::uint8_t>(d.data.begin(), d.data.end());
    case 1: return std::vector<std::uint8_t>(d.dsize, 0);
    case 2: return rtime_decompress(d.data, d.dsize);
    case 6: {
      DecodeResult r = decode_stream(Codec::kZlib, d.data, d.dsize);
      if (r.out.empty() && d.dsize != 0) return std::nullopt;
      return r.out;
    }
    case 7: return decode_lzo1x_block(d.data, d.dsize);
    case 8: return decode_lzma1_raw(d.data, d.dsize, {0, 0, 0, 0x2000});  // fs/jffs2/compr_lzma.c: lc=0 lp=0 pb=0, 8 KiB dictionary
    default:
      return std::nullopt;
  }
}

EntryKind kind_of(std::uint8_t dtype) {
  switch (dtype) {
    case 4: return EntryKind::kDirectory;
    case 8: return EntryKind::kFile;
    case 10: return EntryKind::kSymlink;
    case 2: return EntryKind::kCharDevice;
    case 6: return EntryKind::kBlockDevice;
    case 1: return EntryKind::kFifo;
    case 12: return EntryKind::kSocket;
    default: return EntryKind::kOther;
  }
}

class Jffs2Handler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto e = endian_at(at, 0);
    if (!e) return std::nullopt;
    auto totlen = load_u32(at, 4, *e);
    auto hcrc = load_u32(at, 8, *e);
    if (!totlen || !hcrc || *totlen < 12 || jffs2_crc(at.subspan(0, std::min<std::size_t>(8, at.size()))) != *hcrc) return std::nullopt;
    const Scan s = scan(at, false);
    if (s.nodes == 0) return std::nullopt;
    return Chunk{start, s.end, Confidence::kHigh,
                 std::string("JFFS2 ") + (*e == Endian::kLittle ? "LE" : "BE") + ", " + std::to_string(s.nodes) + " nodes, " + human_size(s.end)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const Scan s = scan(chunk.bytes(), true);
    Extraction ex;
    ex.verified = s.verified;
    ex.properties = {{"endianness", s.endian == Endian::kLittle ? "little" : "big"}, {"nodes", std::to_string(s.nodes)}};
    if (s.bad_crc > 0) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kChecksumMismatch, std::to_string(s.bad_crc) + " node CRC mismatch(es); nodes used anyway", "", std::nullopt});
    }
    // Newest dirent per (parent, name).
    std::map<std::pair<std::uint32_t, std::string>, Dirent> latest;
    for (const Dirent& d : s.dirents) {
      auto key = std::make_pair(d.pino, d.name);
      auto it = latest.find(key);
      if (it == latest.end() || d.version >= it->second.version) latest[key] = d;
    }
    std::map<std::uint32_t, std::vector<const Dirent*>> children;
    for (const auto& [key, d] : latest) {
      if (d.ino != 0) children[d.pino].push_back(&d);  // ino 0: deleted
    }
    struct Item { std::uint32_t ino; std::string path; };
    std::vector<Item> stack{{1, ""}};
    std::set<std::uint32_t> visited{1};
    while (!stack.empty()) {
      const Item item = stack.back();
      stack.pop_back();
      auto it = children.find(item.ino);
      if (it == children.end()) continue;
      std::vector<Item> subdirs;
      for (const Dirent* d : it->second) {
        const std::string path = item.path.empty() ? d->name : item.path + "/" + d->name;
        Child c;
        c.name = path;
        c.origin = ChildOrigin::kDecoded;
        c.meta.kind = kind_of(d->type);
        auto nodes = s.inodes.find(d->ino);
        const DataNode* newest = nullptr;
        if (nodes != s.inodes.end()) {
          for (const auto& n : nodes->second) {
            if (newest == nullptr || n.version > newest->version) newest = &n;
          }
        }
        if (newest != nullptr) {
          c.meta.mode = newest->mode & 07777;
          c.meta.uid = newest->uid;
          c.meta.gid = newest->gid;
          c.meta.mtime = newest->mtime;
        }
        if (c.meta.kind == EntryKind::kDirectory) {
          if (visited.insert(d->ino).second) subdirs.push_back({d->ino, path});
          else ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory inode " + std::to_string(d->ino) + " reached twice", "", std::nullopt});
        } else if ((c.meta.kind == EntryKind::kFile || c.meta.kind == EntryKind::kSymlink) && newest != nullptr) {
          std::vector<DataNode> sorted = nodes->second;
          std::sort(sorted.begin(), sorted.end(), [](const DataNode& a, const DataNode& b) { return a.version < b.version; });
          std::vector<std::vector<std::uint8_t>> pages;
          std::vector<walk::Piece> pieces;
          pages.reserve(sorted.size());
          for (const DataNode& n : sorted) {  // newer versions overwrite older ranges
            auto page = decompress(n);
            if (!page) {
              ex.complete = false;
              ex.diagnostics.push_back({Severity::kWarning, n.compr == 3 || n.compr == 5 ? DiagCode::kUnsupported : DiagCode::kMalformed,
                                        "'" + path + "': data node (compression " + std::to_string(n.compr) + ") not decoded", "", std::nullopt});
              continue;
            }
            pages.push_back(std::move(*page));
            pieces.push_back({n.offset, {pages.back().data(), pages.back().size()}});
          }
          auto data = walk::assemble(ctx, ex, path, newest->isize, chunk.size(), pieces);
          if (!data) return ex;
          if (c.meta.kind == EntryKind::kSymlink) c.meta.link_target.assign(as_chars(data->bytes()));
          else c.data = std::move(*data);
        }
        ex.children.push_back(std::move(c));
      }
      for (auto s2 = subdirs.rbegin(); s2 != subdirs.rend(); ++s2) stack.push_back(*s2);
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_jffs2_handler() { return std::make_unique<Jffs2Handler>(); }

}  // namespace fwscan
