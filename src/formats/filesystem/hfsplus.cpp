// HFS+ and HFSX (Apple Technical Note TN1150), read-only, big-endian.
// Volume header @1024: signature "H+" v4 / "HX" v5, lastMountedVersion @8, blockSize u32 @40,
// totalBlocks @44, freeBlocks @48, then the fork data of the special files: allocation @112,
// extents overflow @192, catalog @272, attributes @352, startup @432. A fork is logicalSize u64,
// clumpSize u32, totalBlocks u32 and 8 extents (startBlock u32, blockCount u32); further extents
// are in the extents overflow B-tree (key: keyLength u16, forkType u8, pad, fileID u32,
// startBlock u32; record: 8 more extents).
// B-tree nodes start with a 14-byte descriptor (fLink u32, bLink u32, kind s8: -1 leaf, 0 index,
// 1 header, 2 map; height u8, numRecords u16); record offsets are u16s at the node's end,
// backwards. The header record (node 0, @14): depth u16, root u32, leafRecords u32,
// firstLeaf u32, lastLeaf u32, nodeSize u16 @18.
// The catalog's leaf chain is walked from firstLeaf through fLink. Key: keyLength u16, parentID
// u32, name (length u16, UTF-16BE). Records: 1 folder (folderID @8), 2 file (fileID @8,
// contentModDate @16, BSD info @32: owner u32, group u32, adminFlags, ownerFlags, fileMode u16,
// special u32; FileInfo type/creator @48; data fork @88), 3 and 4 threads.
// Files typed 'hlnk'/'hfs+' are hard links to "iNode<special>" in the private data folder;
// 'slnk'/'rhap' are symlinks whose data fork is the target.
#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 1ULL << 32;
constexpr std::uint32_t kMaxNodes = 4'000'000;
constexpr std::int64_t kHfsEpoch = 2082844800;  // seconds from 1904-01-01 to 1970-01-01
constexpr Magic kMagics[] = {{"48 2b 00 04", 0x400}, {"48 58 00 05", 0x400}};
constexpr std::string_view kRefs[] = {"Apple Technical Note TN1150, HFS Plus Volume Format"};
constexpr std::string_view kLimits[] = {
    "the journal is not replayed",
    "HFS-wrapped (embedded) volumes and plain HFS are not read",
    "transparently compressed files (com.apple.decmpfs) are listed with their empty data fork; resource forks are not reported",
};
constexpr HandlerInfo kInfo{"hfsplus", Category::kFilesystem, "HFS+ and HFSX", kMagics, kRefs, kLimits};

struct Extent {
  std::uint32_t start = 0, count = 0;
};
struct Fork {
  std::uint64_t size = 0;
  std::uint32_t blocks = 0;
  std::vector<Extent> extents;
};

Fork fork_at(ByteView v, std::uint64_t off) {
  Fork f;
  f.size = *load_be64(v, off);
  f.blocks = *load_be32(v, off + 12);
  for (int i = 0; i < 8; ++i) {
    const Extent e{*load_be32(v, off + 16 + 8ULL * i), *load_be32(v, off + 20 + 8ULL * i)};
    if (e.count != 0) f.extents.push_back(e);
  }
  return f;
}

struct Volume {
  bool hfsx = false;
  std::uint32_t block = 0, total = 0;
  Fork extents, catalog;
};

std::optional<Volume> parse(ByteView v) {
  auto h = subview(v, 1024, 512);
  if (!h) return std::nullopt;
  Volume vol;
  if (has_bytes_at(*h, 0, std::string_view("HX\0\5", 4))) vol.hfsx = true;
  else if (!has_bytes_at(*h, 0, std::string_view("H+\0\4", 4))) return std::nullopt;
  // lastMountedVersion is four printable bytes ("10.0", "H+Lx", "fsck"); blockSize a power of
  // two from 512 to 64 KiB; freeBlocks <= totalBlocks.
  for (std::uint64_t i = 8; i < 12; ++i) {
    if ((*h)[i] < 0x20 || (*h)[i] >= 0x7F) return std::nullopt;
  }
  vol.block = *load_be32(*h, 40);
  vol.total = *load_be32(*h, 44);
  const std::uint32_t free = *load_be32(*h, 48);
  if (vol.block < 512 || vol.block > 65536 || (vol.block & (vol.block - 1)) != 0 || vol.total == 0 || free > vol.total) return std::nullopt;
  vol.extents = fork_at(*h, 192);
  vol.catalog = fork_at(*h, 272);
  if (vol.catalog.size == 0 || vol.catalog.extents.empty()) return std::nullopt;
  return vol;
}

struct Record {
  std::uint32_t parent = 0;
  std::string name;
  ByteView data;
};

class Fs {
 public:
  Fs(ByteView v, const Volume& vol, Extraction& ex) : v_(v), vol_(vol), ex_(ex) {}

  // The fork's bytes: its extents, then those of the overflow file, up to `limit`.
  std::vector<std::uint8_t> read(const Fork& f, std::uint32_t file_id, std::uint8_t fork_type, std::uint64_t limit, bool& bad) {
    std::vector<Extent> extents = f.extents;
    std::uint64_t covered = 0;
    for (const auto& e : extents) covered += e.count;
    if (covered < f.blocks && file_id != 3) overflow(file_id, fork_type, static_cast<std::uint32_t>(covered), f.blocks, extents);
    const std::uint64_t size = std::min(f.size, limit);
    std::vector<std::uint8_t> out;
    out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(size, v_.size())));
    for (const auto& e : extents) {
      if (out.size() >= size) break;
      const std::uint64_t want = std::min<std::uint64_t>(static_cast<std::uint64_t>(e.count) * vol_.block, size - out.size());
      auto b = static_cast<std::uint64_t>(e.start) + e.count <= vol_.total ? subview(v_, static_cast<std::uint64_t>(e.start) * vol_.block, want) : std::nullopt;
      if (!b) {
        bad = true;
        return out;
      }
      out.insert(out.end(), b->begin(), b->end());
    }
    if (out.size() < size) bad = true;
    return out;
  }

  // Leaf records of a B-tree held in `tree`, in leaf-chain order.
  std::vector<Record> leaves(const std::vector<std::uint8_t>& tree, bool catalog, const std::string& what) {
    std::vector<Record> out;
    const ByteView t(tree);
    auto node_size = load_be16(t, 14 + 18);
    auto first = load_be32(t, 14 + 10);
    if (!node_size || !first || *node_size < 512 || (*node_size & (*node_size - 1)) != 0) {
      damage(what + ": header node unreadable");
      return out;
    }
    std::set<std::uint32_t> seen;
    for (std::uint32_t n = *first; n != 0;) {
      if (!seen.insert(n).second || seen.size() > kMaxNodes) {
        ex_.complete = false;
        ex_.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, what + ": leaf chain returns to node " + std::to_string(n), "", std::nullopt});
        break;
      }
      auto node = subview(t, static_cast<std::uint64_t>(n) * *node_size, *node_size);
      if (!node || static_cast<std::int8_t>((*node)[8]) != -1) {
        damage(what + ": leaf node " + std::to_string(n) + (node ? " is not a leaf" : " lies past the B-tree's end"));
        break;
      }
      const std::uint16_t count = *load_be16(*node, 10);
      for (std::uint32_t i = 0; i < count; ++i) {
        auto off = load_be16(*node, *node_size - 2ULL * (i + 1));
        auto end = load_be16(*node, *node_size - 2ULL * (i + 2));
        if (!off || !end || *off < 14 || *end <= *off || *end > *node_size - 2ULL * (count + 1)) {
          damage(what + ": node " + std::to_string(n) + " record " + std::to_string(i) + " offsets out of order");
          break;
        }
        const ByteView rec = node->subspan(*off, *end - *off);
        auto klen = load_be16(rec, 0);
        if (!klen || 2ULL + *klen > rec.size()) {
          damage(what + ": node " + std::to_string(n) + " record " + std::to_string(i) + " key runs past it");
          continue;
        }
        Record r;
        r.data = rec.subspan(2ULL + *klen);
        if (catalog) {
          auto parent = load_be32(rec, 2);
          auto nlen = load_be16(rec, 6);
          if (!parent || !nlen || 8ULL + 2ULL * *nlen > 2ULL + *klen) {
            damage(what + ": node " + std::to_string(n) + " record " + std::to_string(i) + " name runs past its key");
            continue;
          }
          r.parent = *parent;
          r.name = walk::utf16_name(rec.subspan(8, 2ULL * *nlen), Endian::kBig);
        } else {
          r.name.assign(reinterpret_cast<const char*>(rec.data()), 2ULL + *klen);  // NOLINT: the raw key, compared by overflow()
        }
        out.push_back(std::move(r));
      }
      n = *load_be32(*node, 0);
    }
    return out;
  }

  void damage(const std::string& what) { walk::damage(ex_, what); }

 private:
  void overflow(std::uint32_t file_id, std::uint8_t fork_type, std::uint32_t have, std::uint32_t want, std::vector<Extent>& extents) {
    if (!overflow_loaded_) {
      overflow_loaded_ = true;
      bool bad = false;
      overflow_tree_ = read(vol_.extents, 3, 0, 64ULL << 20, bad);
      if (bad) damage("extents overflow file: extents outside the volume");
      for (auto& r : leaves(overflow_tree_, false, "extents overflow B-tree")) {
        const ByteView key(reinterpret_cast<const std::uint8_t*>(r.name.data()), r.name.size());  // NOLINT
        if (key.size() < 12 || r.data.size() < 64) continue;
        overflow_[{*load_be32(key, 4), key[2], *load_be32(key, 8)}] = r.data.subspan(0, 64);
      }
    }
    while (have < want) {
      auto it = overflow_.find({file_id, fork_type, have});
      if (it == overflow_.end()) return;
      std::uint32_t added = 0;
      for (int i = 0; i < 8; ++i) {
        const Extent e{*load_be32(it->second, 8ULL * i), *load_be32(it->second, 8ULL * i + 4)};
        if (e.count == 0) break;
        extents.push_back(e);
        added += e.count;
      }
      if (added == 0) return;
      have += added;
    }
  }

  ByteView v_;
  const Volume& vol_;
  Extraction& ex_;
  bool overflow_loaded_ = false;
  std::vector<std::uint8_t> overflow_tree_;
  std::map<std::tuple<std::uint32_t, std::uint8_t, std::uint32_t>, ByteView> overflow_;
};

class HfsPlusHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto vol = parse(at);
    if (!vol) return std::nullopt;
    const std::uint64_t size = static_cast<std::uint64_t>(vol->block) * vol->total;
    const std::string d = std::string(vol->hfsx ? "HFSX" : "HFS+") + ", " + std::to_string(vol->block) + "-byte blocks";
    return walk::volume_chunk(start, at, size, d);
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto vol = parse(chunk.bytes());
    if (!vol) return make_error(Errc::kMalformed, "volume header", 1024);
    Extraction ex;
    ex.properties = {{"variant", vol->hfsx ? "HFSX (case-sensitive)" : "HFS+"}, {"block_size", std::to_string(vol->block)}};
    walk::check_declared(ex, static_cast<std::uint64_t>(vol->block) * vol->total, chunk.size());
    Fs fs(chunk.bytes(), *vol, ex);
    bool bad = false;
    const auto catalog = fs.read(vol->catalog, 4, 0, 256ULL << 20, bad);
    if (bad) fs.damage("catalog file: extents outside the volume");
    const auto records = fs.leaves(catalog, true, "catalog B-tree");

    // Folders by ID (for paths), then every file and folder record under its parent's path.
    struct Folder {
      std::uint32_t parent;
      std::string name;
    };
    std::map<std::uint32_t, Folder> folders;
    for (const auto& r : records) {
      auto type = load_be16(r.data, 0);
      auto id = load_be32(r.data, 8);
      if (type && *type == 1 && id && r.data.size() >= 88) folders.emplace(*id, Folder{r.parent, r.name});
    }
    std::map<std::uint32_t, std::string> paths{{2, ""}};  // folder 2 is the root ("1" its parent)
    auto path_of = [&](std::uint32_t id) -> std::optional<std::string> {
      std::vector<std::uint32_t> chain;
      std::set<std::uint32_t> seen;
      while (!paths.count(id)) {
        auto it = folders.find(id);
        if (it == folders.end() || !seen.insert(id).second) return std::nullopt;
        chain.push_back(id);
        id = it->second.parent;
      }
      for (auto c = chain.rbegin(); c != chain.rend(); ++c) {
        paths[*c] = walk::join(paths[id], folders[*c].name);
        id = *c;
      }
      return paths[id];
    };

    std::uint32_t count = 0, orphans = 0;
    for (const auto& r : records) {
      auto type = load_be16(r.data, 0);
      if (!type || (*type != 1 && *type != 2)) continue;  // threads
      if (*type == 1 && r.parent == 1) continue;           // the root folder itself
      const std::size_t need = *type == 1 ? 88 : 248;
      if (r.data.size() < need) {
        fs.damage("catalog record for '" + r.name + "' is " + std::to_string(r.data.size()) + " bytes, shorter than its type's " + std::to_string(need));
        continue;
      }
      auto dir = path_of(r.parent);
      if (!dir) {
        if (*type == 1) {
          ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "folder '" + r.name + "' has no path to the root (a missing or circular parent " + std::to_string(r.parent) + ")", "", std::nullopt});
          ex.complete = false;
        }
        ++orphans;
        continue;
      }
      if (!walk::count_entry(count, kMaxEntries, ex)) break;
      const std::string path = walk::join(*dir, r.name);
      Child c = walk::entry(path);
      const std::uint32_t mode = *load_be16(r.data, 42);
      walk::unix_meta(c.meta, mode != 0 ? mode : (*type == 1 ? 040755U : 0100644U), *load_be32(r.data, 32), *load_be32(r.data, 36),
                      static_cast<std::int64_t>(*load_be32(r.data, 16)) - kHfsEpoch);
      if (*type == 1) {
        c.meta.kind = EntryKind::kDirectory;
        ex.children.push_back(std::move(c));
        continue;
      }
      const std::uint32_t special = *load_be32(r.data, 44);
      const bool hlnk = has_bytes_at(r.data, 48, "hlnkhfs+");
      if (hlnk) {
        c.meta.kind = EntryKind::kHardlink;
        c.meta.link_target = "iNode" + std::to_string(special);  // in the private data folder
        for (const auto& [id, f] : folders) {
          if (f.parent == 2 && f.name.find("HFS+ Private Data") != std::string::npos) {
            if (auto p = path_of(id)) c.meta.link_target = walk::join(*p, c.meta.link_target);
          }
        }
        ex.children.push_back(std::move(c));
        continue;
      }
      if (c.meta.kind == EntryKind::kCharDevice || c.meta.kind == EntryKind::kBlockDevice) {
        c.meta.dev_major = (special >> 24) & 0xFF;
        c.meta.dev_minor = special & 0xFFFFFF;
        ex.children.push_back(std::move(c));
        continue;
      }
      if (has_bytes_at(r.data, 48, "slnkrhap")) c.meta.kind = EntryKind::kSymlink;
      if (c.meta.kind != EntryKind::kFile && c.meta.kind != EntryKind::kSymlink) {
        ex.children.push_back(std::move(c));
        continue;
      }
      const Fork data = fork_at(r.data, 88);
      const std::uint64_t size = walk::entry_size(ctx, ex, path, data.size, chunk.size(), kMaxFile);
      if (!walk::charge(ctx, ex, size)) return ex;
      bool fbad = false;
      auto bytes = fs.read(data, *load_be32(r.data, 8), 0, size, fbad);
      if (fbad) fs.damage("'" + path + "': its data fork reaches outside the volume (" + std::to_string(bytes.size()) + " of " + std::to_string(data.size) + " bytes read)");
      if (c.meta.kind == EntryKind::kSymlink) c.meta.link_target.assign(bytes.begin(), bytes.end());
      else c.data = Blob::own(std::move(bytes));
      ex.children.push_back(std::move(c));
    }
    if (orphans > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, std::to_string(orphans) + " catalog record(s) whose parent folder is missing: not listed", "", std::nullopt});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_hfsplus_handler() { return std::make_unique<HfsPlusHandler>(); }

}  // namespace fwscan
