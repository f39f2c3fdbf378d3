// UBIFS (linux fs/ubifs/ubifs-media.h; camera-formats.md 4.6): the files, read through the index
// B+tree that the newest master node points to, not by scanning nodes. All words little-endian.
//   Common header (24 bytes): magic 0x06101831, crc (over [8, len)), sqnum u64, len, node_type,
//     group_type, 2 pad. Nodes are 8-byte aligned inside logical erase blocks (LEBs).
//   LEB 0: superblock (type 6); LEBs 1 and 2: master nodes (type 7), the highest sqnum is current.
//   Index node (type 9): child_cnt u16, level u16, branches {lnum, offs, len, key[8]} (+ a hash
//     when the file system is authenticated). Level 0 branches point at leaf nodes.
//   Leaves: inode (0), data (1), directory entry (2), xattr entry (3). Keys (simple format): u32
//     inode number, u32 (key type << 29 | block number or name hash).
//   Data nodes hold at most 4096 bytes each, compressed with none (0), LZO (1), raw deflate (2)
//   or zstd (3).
#include <algorithm>
#include <map>
#include <set>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/decode.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint32_t kNodeMagic = 0x06101831;
constexpr std::uint32_t kBlockSize = 4096;
constexpr std::uint32_t kSbNodeSize = 4096;
constexpr std::uint32_t kIdxBranch = 20;
constexpr std::uint32_t kMaxLevels = 64;
constexpr std::uint64_t kMaxIndexNodes = 4'000'000;
constexpr std::uint32_t kRootIno = 1;
enum NodeType : std::uint8_t { kIno = 0, kData = 1, kDent = 2, kXent = 3, kSb = 6, kMst = 7, kIdx = 9 };
enum SbFlags : std::uint32_t { kFlgEncryption = 0x10, kFlgAuthentication = 0x20 };
constexpr Magic kMagics[] = {{"31 18 10 06 ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? 00 10 00 00 06"}};
constexpr std::string_view kRefs[] = {"linux fs/ubifs/ubifs-media.h, fs/ubifs/key.h, fs/ubifs/tnc.c", "camera-formats.md 4.6"};
constexpr std::string_view kLimits[] = {
    "the journal is not replayed: changes written after the last commit are not shown (mkfs.ubifs images have none)",
    "encrypted (fscrypt) names and data are reported, not decrypted", "extended attributes are counted, not extracted"};
constexpr HandlerInfo kInfo{"ubifs", Category::kFilesystem, "UBIFS (through the index)", kMagics, kRefs, kLimits};

std::uint32_t ubifs_crc(ByteView v) { return crc32_ieee(v) ^ 0xFFFFFFFFU; }

struct Super {
  std::uint32_t flags = 0, min_io = 0, leb_size = 0, leb_cnt = 0, fmt_version = 0;
  std::uint8_t key_fmt = 0;
  std::uint16_t default_compr = 0;
  std::uint16_t hash_algo = 0;
};

// A checked node at (byte offset, length): magic, length and CRC.
std::optional<ByteView> node_at(ByteView v, std::uint64_t off, std::uint64_t max_len, bool* crc_bad = nullptr) {
  auto h = subview(v, off, 24);
  if (!h || *load_le32(*h, 0) != kNodeMagic) return std::nullopt;
  const std::uint32_t len = *load_le32(*h, 16);
  if (len < 24 || len > max_len) return std::nullopt;
  auto n = subview(v, off, len);
  if (!n) return std::nullopt;
  if (ubifs_crc(n->subspan(8)) != *load_le32(*n, 4)) {
    if (crc_bad != nullptr) *crc_bad = true;
    return std::nullopt;
  }
  return n;
}

std::optional<Super> superblock(ByteView v) {
  auto n = node_at(v, 0, kSbNodeSize);
  if (!n || (*n)[20] != kSb || n->size() != kSbNodeSize) return std::nullopt;
  Super s;
  s.key_fmt = (*n)[27];
  s.flags = *load_le32(*n, 28);
  s.min_io = *load_le32(*n, 32);
  s.leb_size = *load_le32(*n, 36);
  s.leb_cnt = *load_le32(*n, 40);
  s.fmt_version = *load_le32(*n, 80);
  s.default_compr = *load_le16(*n, 84);
  s.hash_algo = *load_le16(*n, 256);
  if (s.min_io == 0 || s.leb_size < 8192 || s.leb_size > (32U << 20) || s.leb_size % 8 != 0 || s.leb_cnt < 4 || s.leb_cnt > (1U << 24)) return std::nullopt;
  return s;
}

// Digest sizes of linux include/uapi/linux/hash_info.h HASH_ALGO_* (0 = not one UBIFS can use).
std::uint32_t hash_size(std::uint16_t algo) {
  switch (algo) {
    case 1: return 16;  // md5
    case 2: return 20;  // sha1
    case 4: return 32;  // sha256
    case 5: return 48;  // sha384
    case 6: return 64;  // sha512
    case 7: return 28;  // sha224
    default: return 0;
  }
}

std::string_view compr_name(std::uint16_t c) {
  switch (c) {
    case 0: return "none";
    case 1: return "lzo";
    case 2: return "zlib";
    case 3: return "zstd";
    default: return "unknown";
  }
}

struct Key {
  std::uint32_t inum = 0, type = 0, value = 0;
};
Key key_of(ByteView node) {  // the key at offset 24 of inode, data and entry nodes
  const std::uint32_t w = *load_le32(node, 28);
  return {*load_le32(node, 24), w >> 29, w & 0x1FFFFFFF};
}

struct Inode {
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::uint32_t nlink = 0, uid = 0, gid = 0, mode = 0, flags = 0;
  ByteView inline_data;  // symlink target or device number
};

struct Dent {
  std::uint64_t target = 0;
  std::uint8_t type = 0;
  std::string name;
};

struct Tree {
  std::map<std::uint32_t, Inode> inodes;
  std::map<std::uint32_t, std::vector<Dent>> dents;                        // parent inum -> entries
  std::map<std::pair<std::uint32_t, std::uint32_t>, ByteView> data;        // (inum, block) -> data node
  std::uint64_t index_nodes = 0, leaves = 0, xattrs = 0, crc_errors = 0, bad_refs = 0;
  bool loop = false, too_deep = false, too_many = false;
};

class Reader2 {  // LEB-addressed access to the image
 public:
  Reader2(ByteView v, const Super& s) : v_(v), s_(s) {}
  std::optional<ByteView> node(std::uint32_t lnum, std::uint32_t offs, std::uint32_t len, bool* crc_bad) const {
    if (lnum >= s_.leb_cnt || offs % 8 != 0 || static_cast<std::uint64_t>(offs) + len > s_.leb_size) return std::nullopt;
    auto n = node_at(v_, static_cast<std::uint64_t>(lnum) * s_.leb_size + offs, len, crc_bad);
    if (!n || n->size() != len) return std::nullopt;
    return n;
  }
  ByteView leb(std::uint32_t lnum) const {
    const std::uint64_t from = static_cast<std::uint64_t>(lnum) * s_.leb_size;
    if (from >= v_.size()) return {};
    return v_.subspan(from, std::min<std::uint64_t>(s_.leb_size, v_.size() - from));
  }

 private:
  ByteView v_;
  const Super& s_;
};

struct Master {
  std::uint64_t sqnum = 0, highest_inum = 0, cmt_no = 0;
  std::uint32_t root_lnum = 0, root_offs = 0, root_len = 0;
};

// The newest valid master node in LEBs 1 and 2.
std::optional<Master> master(const Reader2& r) {
  std::optional<Master> best;
  for (std::uint32_t lnum : {1U, 2U}) {
    const ByteView leb = r.leb(lnum);
    for (std::uint64_t off = 0; off + 512 <= leb.size(); off += 8) {
      if (*load_le32(leb, off) != kNodeMagic) continue;
      auto n = node_at(leb, off, 512);
      if (!n || (*n)[20] != kMst || n->size() < 60) continue;
      Master m;
      m.sqnum = *load_le64(*n, 8);
      m.highest_inum = *load_le64(*n, 24);
      m.cmt_no = *load_le64(*n, 32);
      m.root_lnum = *load_le32(*n, 48);
      m.root_offs = *load_le32(*n, 52);
      m.root_len = *load_le32(*n, 56);
      if (!best || m.sqnum > best->sqnum) best = m;
      off += align_up(n->size(), 8) - 8;
    }
  }
  return best;
}

void add_leaf(Tree& t, ByteView n) {
  ++t.leaves;
  if (n.size() < 48) return;
  const Key k = key_of(n);
  switch (n[20]) {
    case kIno: {
      if (n.size() < 160) return;
      Inode ino;
      ino.size = *load_le64(n, 48);
      ino.mtime = static_cast<std::int64_t>(*load_le64(n, 72));
      ino.nlink = *load_le32(n, 92);
      ino.uid = *load_le32(n, 96);
      ino.gid = *load_le32(n, 100);
      ino.mode = *load_le32(n, 104);
      ino.flags = *load_le32(n, 108);
      const std::uint32_t data_len = *load_le32(n, 112);
      if (auto d = subview(n, 160, data_len)) ino.inline_data = *d;
      t.inodes[k.inum] = ino;
      break;
    }
    case kData:
      t.data[{k.inum, k.value}] = n;
      break;
    case kDent: {
      if (n.size() < 56) return;
      const std::uint16_t nlen = *load_le16(n, 50);
      auto name = subview(n, 56, nlen);
      if (!name || nlen == 0) return;
      t.dents[k.inum].push_back({*load_le64(n, 40), n[49], std::string(as_chars(*name))});
      break;
    }
    case kXent:
      ++t.xattrs;
      break;
    default:
      break;
  }
}

// Walks the index from the root; every node is checked, every reference bounded, cycles cut.
Tree walk_index(const Reader2& r, const Master& m, std::uint32_t branch_size) {
  Tree t;
  struct Ref { std::uint32_t lnum, offs, len, depth; };
  std::vector<Ref> stack{{m.root_lnum, m.root_offs, m.root_len, 0}};
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  while (!stack.empty()) {
    const Ref ref = stack.back();
    stack.pop_back();
    if (!seen.insert({ref.lnum, ref.offs}).second) { t.loop = true; continue; }
    if (ref.depth > kMaxLevels) { t.too_deep = true; continue; }
    if (++t.index_nodes > kMaxIndexNodes) { t.too_many = true; break; }
    bool crc_bad = false;
    auto n = r.node(ref.lnum, ref.offs, ref.len, &crc_bad);
    if (!n) {
      if (crc_bad) ++t.crc_errors; else ++t.bad_refs;
      continue;
    }
    if ((*n)[20] != kIdx) {
      if (ref.depth == 0) { ++t.bad_refs; continue; }
      add_leaf(t, *n);
      continue;
    }
    if (n->size() < 28) { ++t.bad_refs; continue; }
    const std::uint16_t child_cnt = *load_le16(*n, 24);
    const std::uint16_t level = *load_le16(*n, 26);
    for (std::uint32_t i = child_cnt; i-- > 0;) {  // pushed in reverse: visited in key order
      const std::uint64_t b = 28 + static_cast<std::uint64_t>(i) * branch_size;
      if (b + branch_size > n->size()) { ++t.bad_refs; continue; }
      const Ref child{*load_le32(*n, b), *load_le32(*n, b + 4), *load_le32(*n, b + 8), ref.depth + 1};
      if (level == 0) {
        if (!seen.insert({child.lnum, child.offs}).second) { t.loop = true; continue; }
        bool leaf_crc_bad = false;
        auto leaf = r.node(child.lnum, child.offs, child.len, &leaf_crc_bad);
        if (!leaf) {
          if (leaf_crc_bad) ++t.crc_errors; else ++t.bad_refs;
          continue;
        }
        add_leaf(t, *leaf);
      } else {
        stack.push_back(child);
      }
    }
  }
  return t;
}

std::optional<std::vector<std::uint8_t>> decompress(ByteView data_node) {
  const std::uint32_t size = *load_le32(data_node, 40);
  const std::uint16_t compr = *load_le16(data_node, 44);
  const ByteView in = data_node.subspan(48);
  if (size > kBlockSize) return std::nullopt;
  switch (compr) {
    case 0: return std::vector<std::uint8_t>(in.begin(), in.begin() + std::min<std::size_t>(in.size(), size));
    case 1: return decode_lzo1x_block(in, size);
    case 2:
    case 3: {
      DecodeResult d = decode_stream(compr == 2 ? Codec::kDeflate : Codec::kZstd, in, size);
      if (d.status == DecodeStatus::kCorrupt && d.out.empty()) return std::nullopt;
      return std::move(d.out);
    }
    default: return std::nullopt;
  }
}

EntryKind kind_of(std::uint8_t itype) {
  switch (itype) {
    case 0: return EntryKind::kFile;
    case 1: return EntryKind::kDirectory;
    case 2: return EntryKind::kSymlink;
    case 3: return EntryKind::kBlockDevice;
    case 4: return EntryKind::kCharDevice;
    case 5: return EntryKind::kFifo;
    case 6: return EntryKind::kSocket;
    default: return EntryKind::kOther;
  }
}

class UbifsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    auto s = superblock(node.subspan(start));
    if (!s) return std::nullopt;
    const std::uint64_t want = static_cast<std::uint64_t>(s->leb_cnt) * s->leb_size;
    const std::uint64_t have = std::min<std::uint64_t>(want, node.size() - start);
    std::string d = "UBIFS, " + std::to_string(s->leb_cnt) + " LEBs of " + human_size(s->leb_size) + ", " + std::string(compr_name(s->default_compr));
    if (have < want) d += ", truncated to " + human_size(have);
    return Chunk{start, have, have < want ? Confidence::kMedium : Confidence::kHigh, d};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const ByteView v = chunk.bytes();
    auto s = superblock(v);
    if (!s) return make_error(Errc::kMalformed, "UBIFS superblock damaged", 0);
    Extraction ex;
    ex.properties = {{"leb_size", std::to_string(s->leb_size)},
                     {"leb_count", std::to_string(s->leb_cnt)},
                     {"min_io_size", std::to_string(s->min_io)},
                     {"format_version", std::to_string(s->fmt_version)},
                     {"default_compression", std::string(compr_name(s->default_compr))}};
    if (v.size() < static_cast<std::uint64_t>(s->leb_cnt) * s->leb_size) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "image holds " + std::to_string(v.size() / s->leb_size) + " of " + std::to_string(s->leb_cnt) + " LEBs", "", std::nullopt});
    }
    if (s->key_fmt != 0) return make_error(Errc::kUnsupported, "key format " + std::to_string(s->key_fmt) + " (only the simple format exists in Linux)", 27);
    std::uint32_t branch_size = kIdxBranch;
    if (s->flags & kFlgAuthentication) {
      const std::uint32_t hash_len = hash_size(s->hash_algo);
      if (hash_len == 0) return make_error(Errc::kUnsupported, "authenticated file system with hash algorithm " + std::to_string(s->hash_algo), 256);
      branch_size += hash_len;  // every branch carries the hash of the node it points to
      ex.properties.emplace_back("authenticated", "yes (HMAC not verified: no key)");
    }
    const Reader2 r(v, *s);
    auto m = master(r);
    if (!m) return make_error(Errc::kMalformed, "no valid master node in LEBs 1-2", s->leb_size);
    ex.properties.emplace_back("commit", std::to_string(m->cmt_no));
    ex.properties.emplace_back("index_root", "LEB " + std::to_string(m->root_lnum) + " offset " + hex_u64(m->root_offs));
    const Tree t = walk_index(r, *m, branch_size);
    ex.properties.emplace_back("index_nodes", std::to_string(t.index_nodes));
    if (t.crc_errors > 0 || t.bad_refs > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, t.crc_errors ? DiagCode::kChecksumMismatch : DiagCode::kMalformed,
                                std::to_string(t.crc_errors) + " node CRC error(s), " + std::to_string(t.bad_refs) + " index reference(s) to nothing valid; those subtrees skipped", "", std::nullopt});
    }
    if (t.loop) ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "the index references a node twice; the second reference was cut", "", std::nullopt});
    if (t.too_deep || t.too_many) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitNodes, "index deeper than " + std::to_string(kMaxLevels) + " levels or larger than " + std::to_string(kMaxIndexNodes) + " nodes", "", std::nullopt});
    }
    if (t.xattrs > 0) ex.properties.emplace_back("xattr_entries", std::to_string(t.xattrs));
    if (s->flags & kFlgEncryption) {
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kEncrypted, "file system has fscrypt enabled: encrypted names and contents are shown as stored", "", std::nullopt});
    }

    std::map<std::uint64_t, std::string> first_path;  // hard links: inum -> first path emitted
    struct Item { std::uint32_t inum; std::string path; };
    std::vector<Item> stack{{kRootIno, ""}};
    std::set<std::uint32_t> visited{kRootIno};
    std::uint64_t undecoded = 0, missing_inodes = 0;
    const std::uint64_t cap = ctx.budget().max_output(chunk.size());
    while (!stack.empty()) {
      const Item item = stack.back();
      stack.pop_back();
      auto it = t.dents.find(item.inum);
      if (it == t.dents.end()) continue;
      std::vector<Item> subdirs;
      std::vector<Dent> entries = it->second;  // the index orders them by name hash: list by name
      std::sort(entries.begin(), entries.end(), [](const Dent& a, const Dent& b) { return a.name < b.name; });
      for (const Dent& d : entries) {
        const std::string path = walk::join(item.path, d.name);
        Child c = walk::entry(path);
        c.meta.kind = kind_of(d.type);
        auto ino = t.inodes.find(static_cast<std::uint32_t>(d.target));
        if (d.target > 0xFFFFFFFFULL || ino == t.inodes.end()) {
          ++missing_inodes;
          ex.children.push_back(std::move(c));
          continue;
        }
        const Inode& in = ino->second;
        c.meta.mode = in.mode & 07777;
        c.meta.uid = in.uid;
        c.meta.gid = in.gid;
        c.meta.mtime = in.mtime;
        const std::uint32_t inum = static_cast<std::uint32_t>(d.target);
        switch (c.meta.kind) {
          case EntryKind::kDirectory:
            if (visited.insert(inum).second) subdirs.push_back({inum, path});
            else ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory inode " + std::to_string(inum) + " reached twice ('" + path + "')", "", std::nullopt});
            break;
          case EntryKind::kSymlink:
            c.meta.link_target = std::string(as_chars(in.inline_data));
            break;
          case EntryKind::kCharDevice:
          case EntryKind::kBlockDevice:
            if (in.inline_data.size() == 4) {  // new_encode_dev
              const std::uint32_t dev = *load_le32(in.inline_data, 0);
              c.meta.dev_major = (dev & 0xFFF00U) >> 8;
              c.meta.dev_minor = (dev & 0xFFU) | ((dev >> 12) & 0xFFF00U);
            } else if (in.inline_data.size() == 8) {  // huge_encode_dev
              const std::uint64_t dev = *load_le64(in.inline_data, 0);
              c.meta.dev_major = static_cast<std::uint32_t>((dev & 0xFFF00U) >> 8);
              c.meta.dev_minor = static_cast<std::uint32_t>((dev & 0xFFU) | ((dev >> 12) & 0xFFF00U));
            }
            break;
          case EntryKind::kFile: {
            if (in.nlink > 1) {
              if (walk::link_to_first(first_path, inum, path, c.meta)) {
                break;
              }
            }
            const std::uint64_t size = std::min<std::uint64_t>(in.size, cap);
            if (size < in.size) {
              ex.complete = false;
              ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "'" + path + "' is " + std::to_string(in.size) + " bytes; cut to the size limit", "", std::nullopt});
            }
            if (!walk::charge(ctx, ex, size)) return ex;
            auto data = OutputBuffer::make(size);  // blocks without a data node are holes, never written
            if (!data) {
              ex.complete = false;
              ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "'" + path + "': " + data.error().message, "", std::nullopt});
              break;
            }
            const std::uint64_t blocks = (size + kBlockSize - 1) / kBlockSize;
            for (auto dn = t.data.lower_bound({inum, 0}); dn != t.data.end() && dn->first.first == inum && dn->first.second < blocks; ++dn) {
              auto block = decompress(dn->second);
              if (!block) {
                ++undecoded;
                continue;
              }
              const std::uint64_t at = static_cast<std::uint64_t>(dn->first.second) * kBlockSize;
              data->write_at(at, ByteView(*block).subspan(0, std::min<std::uint64_t>(block->size(), size - at)));
            }
            data->resize(size);
            c.data = Blob::adopt(std::move(*data));
            break;
          }
          default:
            break;
        }
        ex.children.push_back(std::move(c));
      }
      for (auto sd = subdirs.rbegin(); sd != subdirs.rend(); ++sd) stack.push_back(*sd);
    }
    if (undecoded > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, std::to_string(undecoded) + " data block(s) failed to decompress; left as zeros", "", std::nullopt});
    }
    if (missing_inodes > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, std::to_string(missing_inodes) + " directory entr(ies) name an inode the index does not hold", "", std::nullopt});
    }
    ex.description = "UBIFS, " + std::to_string(s->leb_cnt) + " LEBs of " + human_size(s->leb_size) + ", " + std::to_string(t.inodes.size()) + " inodes";
    return ex;
  }
};

}  // namespace

HandlerPtr make_ubifs_handler() { return std::make_unique<UbifsHandler>(); }

}  // namespace fwscan
