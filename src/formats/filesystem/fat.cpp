// FAT12, FAT16 and FAT32 volumes (Microsoft FAT specification, "FAT: General Overview of On-Disk
// Format" 1.03), read-only. Boot sector (little-endian): bytes_per_sector @11, sectors_per_cluster
// @13, reserved_sectors @14, fats @16, root_entries @17, total_sectors16 @19, fat_size16 @22,
// total_sectors32 @32; FAT32: fat_size32 @36, root_cluster @44; 55 aa @510. The FAT type follows
// from the cluster count (< 4085 FAT12, < 65525 FAT16, else FAT32), never from the label string.
// Directory entries are 32 bytes: 8.3 name, attributes @11, first cluster hi @20 / lo @26, write
// time @22, date @24, size @28; long names (attribute 0x0f) precede their short entry, checked by
// the short name's checksum. Deleted entries (0xe5) are skipped; 0x00 ends a directory.
#include <cctype>
#include <map>
#include <set>

#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"46 41 54 31", 54}, {"46 41 54 33 32", 82}};
constexpr std::string_view kRefs[] = {"Microsoft FAT Specification (fatgen103)", "Microsoft FAT32 File System Specification 1.03"};
constexpr std::string_view kLimits[] = {"deleted entries are not recovered", "the label strings at 54/82 are needed to find a volume inside a larger image"};
constexpr HandlerInfo kInfo{"fat", Category::kFilesystem, "FAT12/16/32 volume", kMagics, kRefs, kLimits};
constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 0xFFFFFFFFULL;  // a FAT file's size field is 32 bits

struct Volume {
  std::uint32_t bps = 0, spc = 0, reserved = 0, fats = 0, root_entries = 0, fat_size = 0, root_cluster = 0;
  std::uint64_t total_sectors = 0, clusters = 0, data_start = 0, root_start = 0;
  int bits = 0;  // 12, 16, 32
};

std::optional<Volume> parse(ByteView v) {
  if (v.size() < 512 || load_le16(v, 510) != 0xAA55) return std::nullopt;
  Volume f;
  f.bps = *load_le16(v, 11);
  f.spc = v[13];
  f.reserved = *load_le16(v, 14);
  f.fats = v[16];
  f.root_entries = *load_le16(v, 17);
  const std::uint32_t ts16 = *load_le16(v, 19), fs16 = *load_le16(v, 22), ts32 = *load_le32(v, 32);
  f.total_sectors = ts16 != 0 ? ts16 : ts32;
  f.fat_size = fs16 != 0 ? fs16 : *load_le32(v, 36);
  const bool bps_ok = f.bps == 512 || f.bps == 1024 || f.bps == 2048 || f.bps == 4096;
  const bool spc_ok = f.spc != 0 && (f.spc & (f.spc - 1)) == 0;
  if (!bps_ok || !spc_ok || f.reserved == 0 || f.fats == 0 || f.fats > 4 || f.fat_size == 0 || f.total_sectors == 0) return std::nullopt;
  const std::uint64_t root_sectors = (static_cast<std::uint64_t>(f.root_entries) * 32 + f.bps - 1) / f.bps;
  f.root_start = f.reserved + static_cast<std::uint64_t>(f.fats) * f.fat_size;
  f.data_start = f.root_start + root_sectors;
  if (f.data_start >= f.total_sectors) return std::nullopt;
  f.clusters = (f.total_sectors - f.data_start) / f.spc;
  f.bits = f.clusters < 4085 ? 12 : f.clusters < 65525 ? 16 : 32;
  if (f.bits == 32) {
    if (f.root_entries != 0 || fs16 != 0) return std::nullopt;
    f.root_cluster = *load_le32(v, 44);
  }
  return f;
}

class Fat {
 public:
  Fat(ByteView v, const Volume& f) : v_(v), f_(f) {}

  // Next cluster in the chain; nullopt at its end or on a bad value.
  std::optional<std::uint32_t> next(std::uint32_t c) const {
    const std::uint64_t fat = static_cast<std::uint64_t>(f_.reserved) * f_.bps;
    std::uint32_t n = 0;
    if (f_.bits == 12) {
      auto w = load_le16(v_, fat + c + c / 2);
      if (!w) return std::nullopt;
      n = (c & 1) ? (*w >> 4) : (*w & 0xFFF);
      if (n >= 0xFF8) return std::nullopt;
    } else if (f_.bits == 16) {
      auto w = load_le16(v_, fat + c * 2ULL);
      if (!w || *w >= 0xFFF8) return std::nullopt;
      n = *w;
    } else {
      auto w = load_le32(v_, fat + c * 4ULL);
      if (!w || (*w & 0x0FFFFFFF) >= 0x0FFFFFF8) return std::nullopt;
      n = *w & 0x0FFFFFFF;
    }
    if (n < 2 || n >= f_.clusters + 2) return std::nullopt;
    return n;
  }

  // Bytes of a cluster chain, at most `limit`; `bad` when the chain loops or leaves the volume.
  std::vector<std::uint8_t> chain(std::uint32_t first, std::uint64_t limit, bool& bad) const {
    std::vector<std::uint8_t> out;
    const std::uint64_t csize = static_cast<std::uint64_t>(f_.spc) * f_.bps;
    std::set<std::uint32_t> seen;
    std::optional<std::uint32_t> c = first;
    while (c && out.size() < limit) {
      if (*c < 2 || *c >= f_.clusters + 2 || !seen.insert(*c).second) {
        bad = true;
        break;
      }
      auto data = subview(v_, (f_.data_start + (*c - 2ULL) * f_.spc) * f_.bps, csize);
      if (!data) {
        bad = true;
        break;
      }
      const std::uint64_t take = std::min<std::uint64_t>(csize, limit - out.size());
      out.insert(out.end(), data->begin(), data->begin() + static_cast<std::ptrdiff_t>(take));
      c = next(*c);
    }
    return out;
  }

  ByteView root_region() const {
    const std::uint64_t from = f_.root_start * f_.bps, n = static_cast<std::uint64_t>(f_.root_entries) * 32;
    auto r = subview(v_, from, n);
    return r ? *r : ByteView{};
  }

 private:
  ByteView v_;
  const Volume& f_;
};

std::int64_t dos_time(std::uint16_t date, std::uint16_t time) {
  const int y = 1980 + (date >> 9), m = (date >> 5) & 0xF, d = date & 0x1F;
  if (m < 1 || m > 12 || d < 1) return 0;
  // days from civil (Howard Hinnant's algorithm), UTC
  const int yy = y - (m <= 2);
  const int era = yy / 400, yoe = yy - era * 400, mp = (m + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return days * 86400 + (time >> 11) * 3600 + ((time >> 5) & 0x3F) * 60 + (time & 0x1F) * 2;
}

void utf16_to_utf8(std::uint16_t u, std::string& out) {
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
}

struct DirEntry {
  std::string name;
  std::uint8_t attr = 0;
  std::uint32_t cluster = 0, size = 0;
  std::int64_t mtime = 0;
};

std::vector<DirEntry> parse_dir(ByteView d) {
  std::vector<DirEntry> out;
  std::map<int, std::string> lfn;  // sequence -> part
  std::uint8_t lfn_sum = 0;
  for (std::uint64_t p = 0; p + 32 <= d.size(); p += 32) {
    const ByteView e = d.subspan(p, 32);
    if (e[0] == 0x00) break;
    if (e[0] == 0xE5) { lfn.clear(); continue; }
    const std::uint8_t attr = e[11];
    if (attr == 0x0F) {
      if (e[0] & 0x40) lfn.clear();
      std::string part;
      for (std::uint64_t o : {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}) {
        const std::uint16_t u = *load_le16(e, o);
        if (u == 0x0000 || u == 0xFFFF) break;
        utf16_to_utf8(u, part);
      }
      lfn[e[0] & 0x1F] = part;
      lfn_sum = e[13];
      continue;
    }
    if (attr & 0x08) { lfn.clear(); continue; }  // volume label
    std::uint8_t sum = 0;
    for (int i = 0; i < 11; ++i) sum = static_cast<std::uint8_t>(((sum & 1) << 7) + (sum >> 1) + e[static_cast<std::size_t>(i)]);
    DirEntry de;
    if (!lfn.empty() && sum == lfn_sum) {
      for (const auto& [seq, part] : lfn) de.name += part;
    } else {
      std::string base(as_chars(e.subspan(0, 8))), ext(as_chars(e.subspan(8, 3)));
      if (!base.empty() && base[0] == 0x05) base[0] = static_cast<char>(0xE5);
      base.erase(base.find_last_not_of(' ') + 1);
      ext.erase(ext.find_last_not_of(' ') + 1);
      const bool lower_base = (e[12] & 0x08) != 0, lower_ext = (e[12] & 0x10) != 0;  // Windows NT case flags
      for (auto& ch : base) if (lower_base) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      for (auto& ch : ext) if (lower_ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      de.name = ext.empty() ? base : base + "." + ext;
    }
    lfn.clear();
    if (de.name.empty() || de.name == "." || de.name == "..") continue;
    de.attr = attr;
    de.cluster = (static_cast<std::uint32_t>(*load_le16(e, 20)) << 16) | *load_le16(e, 26);
    de.size = *load_le32(e, 28);
    de.mtime = dos_time(*load_le16(e, 24), *load_le16(e, 22));
    out.push_back(std::move(de));
  }
  return out;
}

class FatHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto f = parse(at);
    if (!f) return std::nullopt;
    const std::uint64_t size = f->total_sectors * f->bps;
    std::string d = "FAT" + std::to_string(f->bits) + ", " + std::to_string(f->clusters) + " clusters of " + human_size(static_cast<std::uint64_t>(f->spc) * f->bps);
    return walk::volume_chunk(start, at, size, d);
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    const ByteView v = chunk.bytes();
    auto f = parse(v);
    if (!f) return make_error(Errc::kMalformed, "boot sector", 0);
    const Fat fat(v, *f);
    Extraction ex;
    ex.properties = {{"fat_type", "FAT" + std::to_string(f->bits)}, {"clusters", std::to_string(f->clusters)},
                     {"cluster_size", std::to_string(static_cast<std::uint64_t>(f->spc) * f->bps)}};
    if (v.size() < f->total_sectors * f->bps) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "image holds " + std::to_string(v.size()) + " of " + std::to_string(f->total_sectors * f->bps) + " bytes", "", std::nullopt});
    }
    std::uint32_t bad_chains = 0, count = 0;
    std::string first_bad;  // the first entry whose chain is bad, and how much of it was read
    struct Item { std::uint32_t cluster; std::string path; int depth; };
    std::vector<Item> stack{{0, "", 0}};  // cluster 0 = the root (fixed region, or root_cluster on FAT32)
    std::set<std::uint32_t> visited;
    while (!stack.empty()) {
      const Item item = stack.back();
      stack.pop_back();
      std::vector<std::uint8_t> owned;
      ByteView listing;
      if (item.cluster == 0 && f->bits != 32) {
        listing = fat.root_region();
      } else {
        bool bad = false;
        owned = fat.chain(item.cluster == 0 ? f->root_cluster : item.cluster, 64ULL << 20, bad);
        if (bad && bad_chains++ == 0) first_bad = "directory '" + (item.path.empty() ? std::string("/") : item.path) + "'";
        listing = ByteView(owned);
      }
      std::vector<Item> subdirs;
      for (DirEntry& de : parse_dir(listing)) {
        if (!walk::count_entry(count, kMaxEntries, ex)) {
          stack.clear();
          break;
        }
        const std::string path = walk::join(item.path, de.name);
        Child c = walk::entry(path);
        c.meta.mtime = de.mtime;
        c.meta.mode = (de.attr & 0x01) ? 0555 : 0755;
        if (de.attr & 0x10) {
          c.meta.kind = EntryKind::kDirectory;
          if (de.cluster == 0 || !visited.insert(de.cluster).second || item.depth > 64) {
            ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory '" + path + "' points at the root or at a directory already listed", "", std::nullopt});
          } else {
            subdirs.push_back({de.cluster, path, item.depth + 1});
          }
        } else {
          c.meta.kind = EntryKind::kFile;
          const std::uint64_t size = walk::entry_size(ctx, ex, path, de.size, chunk.size(), kMaxFile);
          if (!walk::charge(ctx, ex, size)) return ex;
          bool bad = false;
          std::vector<std::uint8_t> data = size == 0 ? std::vector<std::uint8_t>{} : fat.chain(de.cluster, size, bad);
          if (bad || data.size() < size) {
            // What the chain holds is kept; the rest is not made up as zeros.
            if (bad_chains++ == 0) first_bad = "'" + path + "' (" + std::to_string(data.size()) + " of " + std::to_string(size) + " bytes)";
            if (data.size() > size) data.resize(size);
          }
          c.data = Blob::own(std::move(data));
        }
        ex.children.push_back(std::move(c));
      }
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
    }
    if (bad_chains > 0) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, std::to_string(bad_chains) + " cluster chain(s) loop, end early or leave the volume; each file keeps what its chain holds (first: " + first_bad + ")", "", std::nullopt});
    }
    return ex;
  }
};

}  // namespace

HandlerPtr make_fat_handler() { return std::make_unique<FatHandler>(); }

}  // namespace fwscan
