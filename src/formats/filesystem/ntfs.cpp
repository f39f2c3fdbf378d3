// NTFS, read-only, through libntfs-3g (the ntfs-3g project's library, Debian ntfs-3g-dev) over an
// in-memory device: the library's device operations are given the chunk's bytes and refuse every
// write, so nothing touches a disk and the volume is never modified (no journal replay, no
// "dirty" flag). Boot sector: "NTFS    " @3, bytes/sector u16 @11, sectors/cluster @13, total
// sectors u64 @0x28, $MFT cluster @0x30; the backup boot sector is the volume's last sector.
// The walk starts at the root directory (MFT record 5) and lists each directory through
// ntfs_readdir; DOS 8.3 aliases and the metadata files ($MFT ... MFT records below 16) are
// skipped; a second name of the same MFT record is a hard link; reparse points are symlinks
// (their target recorded, never followed); named $DATA streams are children "file:stream".
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include <sys/stat.h>
#include <ctime>

#include "core/reader.hpp"
#include "formats/common/fs_entries.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

// libntfs-3g's headers expect its configure results; these are the glibc facts they test for.
// They also define min() and max() macros, undone after them.
#define HAVE_TIME_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_ENDIAN_H 1
#define HAVE_BYTESWAP_H 1
#define HAVE_STDARG_H 1
#define HAVE_STDDEF_H 1
extern "C" {
#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/logging.h>
#include <ntfs-3g/ntfstime.h>
#include <ntfs-3g/reparse.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>
}

#undef min
#undef max

namespace fwscan {
namespace {

constexpr std::uint32_t kMaxEntries = 1'000'000;
constexpr std::uint64_t kMaxFile = 1ULL << 32;
constexpr Magic kMagics[] = {{"4e 54 46 53 20 20 20 20", 3}};
constexpr std::string_view kRefs[] = {"libntfs-3g (ntfs-3g 2022.10.3): volume.h, dir.h, attrib.h; the NTFS boot sector and MFT layouts in its layout.h"};
constexpr std::string_view kLimits[] = {
    "EFS-encrypted files are listed, not decrypted",
    "security descriptors, object IDs and extended attributes are not reported",
};
constexpr HandlerInfo kInfo{"ntfs", Category::kFilesystem, "NTFS (through libntfs-3g, read-only, in memory)", kMagics, kRefs, kLimits};

struct Boot {
  std::uint32_t sector = 0, cluster = 0;
  std::uint64_t sectors = 0;
};

std::optional<Boot> parse(ByteView v) {
  if (!has_bytes_at(v, 3, "NTFS    ")) return std::nullopt;
  auto bps = load_le16(v, 11);
  auto spc = v.size() > 13 ? std::optional<std::uint8_t>(v[13]) : std::nullopt;
  auto sectors = load_le64(v, 0x28);
  auto sig = load_le16(v, 510);
  if (!bps || !spc || !sectors || !sig || *sig != 0xAA55) return std::nullopt;
  if (*bps < 256 || *bps > 4096 || (*bps & (*bps - 1)) != 0 || *sectors == 0 || *sectors > (1ULL << 48)) return std::nullopt;
  // sectors/cluster: 1..128, or 0xF4..0xFF meaning 2^(256-n) (large clusters).
  const std::uint32_t spc_n = *spc <= 0x80 ? *spc : (*spc >= 0xF4 ? 1U << (256 - *spc) : 0);
  if (spc_n == 0 || (spc_n & (spc_n - 1)) != 0) return std::nullopt;
  return Boot{*bps, *bps * spc_n, *sectors};
}

// The in-memory device: reads come from the chunk, writes fail with EROFS.
struct Device {
  ByteView bytes;
  std::uint64_t pos = 0;
};

Device& dev_of(struct ntfs_device* d) { return *static_cast<Device*>(d->d_private); }

s64 dev_pread(struct ntfs_device* d, void* buf, s64 count, s64 offset) {
  const Device& dv = dev_of(d);
  if (count < 0 || offset < 0) {
    errno = EINVAL;
    return -1;
  }
  const auto off = static_cast<std::uint64_t>(offset);
  if (off >= dv.bytes.size()) return 0;
  const std::uint64_t n = std::min<std::uint64_t>(static_cast<std::uint64_t>(count), dv.bytes.size() - off);
  std::memcpy(buf, dv.bytes.data() + off, n);
  return static_cast<s64>(n);
}

struct ntfs_device_operations make_ops() {
  struct ntfs_device_operations ops {};
  ops.open = [](struct ntfs_device* d, int) -> int {
    NDevSetOpen(d);
    NDevSetReadOnly(d);
    return 0;
  };
  ops.close = [](struct ntfs_device* d) -> int {
    NDevClearOpen(d);
    return 0;
  };
  ops.seek = [](struct ntfs_device* d, s64 offset, int whence) -> s64 {
    Device& dv = dev_of(d);
    s64 base = 0;
    if (whence == SEEK_CUR) base = static_cast<s64>(dv.pos);
    else if (whence == SEEK_END) base = static_cast<s64>(dv.bytes.size());
    if (base + offset < 0) {
      errno = EINVAL;
      return -1;
    }
    dv.pos = static_cast<std::uint64_t>(base + offset);
    return static_cast<s64>(dv.pos);
  };
  ops.read = [](struct ntfs_device* d, void* buf, s64 count) -> s64 {
    Device& dv = dev_of(d);
    const s64 n = dev_pread(d, buf, count, static_cast<s64>(dv.pos));
    if (n > 0) dv.pos += static_cast<std::uint64_t>(n);
    return n;
  };
  ops.write = [](struct ntfs_device*, const void*, s64) -> s64 {
    errno = EROFS;
    return -1;
  };
  ops.pread = dev_pread;
  ops.pwrite = [](struct ntfs_device*, const void*, s64, s64) -> s64 {
    errno = EROFS;
    return -1;
  };
  ops.sync = [](struct ntfs_device*) -> int { return 0; };
  ops.stat = [](struct ntfs_device* d, struct stat* st) -> int {
    std::memset(st, 0, sizeof(*st));
    st->st_mode = S_IFREG;
    st->st_size = static_cast<off_t>(dev_of(d).bytes.size());
    return 0;
  };
  ops.ioctl = [](struct ntfs_device*, unsigned long, void*) -> int {
    errno = ENOTTY;
    return -1;
  };
  return ops;
}

struct ntfs_device_operations g_ops = make_ops();

// libntfs-3g keeps process-wide state (its log handler, caches keyed by device); one volume at a
// time.
std::mutex g_lock;

std::string to_utf8(const ntfschar* name, int len) {
  char* out = nullptr;
  const int n = ntfs_ucstombs(name, len, &out, 0);
  std::string s = n > 0 && out != nullptr ? std::string(out, static_cast<std::size_t>(n)) : std::string();
  free(out);  // NOLINT: allocated by libntfs-3g
  return s;
}

struct Listed {
  std::string name;
  MFT_REF mref;
  unsigned type;
};

int collect(void* ctx, const ntfschar* name, const int len, const int name_type, const s64, const MFT_REF mref, const unsigned dt_type) {
  auto& out = *static_cast<std::vector<Listed>*>(ctx);
  if (name_type == FILE_NAME_DOS) return 0;  // the 8.3 alias of a long name
  if (out.size() > kMaxEntries) return -1;
  std::string s = to_utf8(name, len);
  if (s.empty() || s == "." || s == "..") return 0;
  if (MREF(mref) < FILE_first_user) return 0;  // $MFT, $LogFile, ..., $Extend
  out.push_back({std::move(s), mref, dt_type});
  return 0;
}

struct InodeCloser {
  void operator()(ntfs_inode* ni) const { ntfs_inode_close(ni); }
};
using InodePtr = std::unique_ptr<ntfs_inode, InodeCloser>;
struct AttrCloser {
  void operator()(ntfs_attr* na) const { ntfs_attr_close(na); }
};
using AttrPtr = std::unique_ptr<ntfs_attr, AttrCloser>;

class Walker {
 public:
  Walker(ntfs_volume* vol, std::uint64_t chunk_size, ExtractContext& ctx, Extraction& ex) : vol_(vol), chunk_size_(chunk_size), ctx_(ctx), ex_(ex) {}

  void run() {
    struct Item {
      MFT_REF mref;
      std::string path;
    };
    std::vector<Item> stack{{FILE_root, ""}};
    visited_.insert(FILE_root);
    std::uint32_t count = 0;
    while (!stack.empty() && !stopped_) {
      const Item item = stack.back();
      stack.pop_back();
      InodePtr dir(ntfs_inode_open(vol_, MREF(item.mref)));
      if (!dir) {
        damage("directory MFT record " + std::to_string(MREF(item.mref)) + " ('" + item.path + "') cannot be opened: " + std::strerror(errno));
        continue;
      }
      std::vector<Listed> listed;
      s64 pos = 0;
      if (ntfs_readdir(dir.get(), &pos, &listed, collect) != 0) damage("directory '" + item.path + "' is damaged: " + std::strerror(errno));
      dir.reset();
      std::vector<Item> subdirs;
      for (auto& e : listed) {
        if (!walk::count_entry(count, kMaxEntries, ex_)) {
          stopped_ = true;
          break;
        }
        const std::string path = walk::join(item.path, e.name);
        if (entry(e, path)) {
          if (visited_.insert(MREF(e.mref)).second) subdirs.push_back({e.mref, path});
          else ex_.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory MFT record " + std::to_string(MREF(e.mref)) + " reached twice ('" + path + "')", "", std::nullopt});
        }
        if (stopped_) break;
      }
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
    }
  }

 private:
  // Adds the entry; true when it is a directory to descend into.
  bool entry(const Listed& e, const std::string& path) {
    Child c = walk::entry(path);
    InodePtr ni(ntfs_inode_open(vol_, MREF(e.mref)));
    if (!ni) {
      damage("MFT record " + std::to_string(MREF(e.mref)) + " ('" + path + "') cannot be opened: " + std::strerror(errno));
      c.meta.kind = EntryKind::kOther;
      ex_.children.push_back(std::move(c));
      return false;
    }
    c.meta.mtime = ntfs2timespec(ni->last_data_change_time).tv_sec;
    const bool is_dir = (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) != 0;
    if ((ni->flags & FILE_ATTR_REPARSE_POINT) != 0) {
      c.meta.kind = EntryKind::kSymlink;
      char* target = ntfs_make_symlink(ni.get(), "");
      if (target != nullptr) {
        c.meta.link_target = target;
        free(target);  // NOLINT: allocated by libntfs-3g
      } else {
        c.meta.kind = EntryKind::kOther;
        ex_.diagnostics.push_back({Severity::kInfo, DiagCode::kReparsePoint, "'" + path + "' is a reparse point that is not a symlink or junction; recorded, not followed", "", std::nullopt});
      }
      ex_.children.push_back(std::move(c));
      return false;
    }
    if (is_dir) {
      c.meta.kind = EntryKind::kDirectory;
      ex_.children.push_back(std::move(c));
      return true;
    }
    if (walk::link_to_first(first_path_, MREF(e.mref), path, c.meta)) {
      ex_.children.push_back(std::move(c));
      return false;
    }
    if ((ni->flags & FILE_ATTR_ENCRYPTED) != 0) {
      ex_.complete = false;
      ex_.diagnostics.push_back({Severity::kWarning, DiagCode::kEncrypted, "'" + path + "' is EFS-encrypted: listed, not decrypted", "", std::nullopt});
      ex_.children.push_back(std::move(c));
      return false;
    }
    c.data = read_stream(ni.get(), AT_UNNAMED, 0, path);
    ex_.children.push_back(std::move(c));
    streams(ni.get(), path);
    return false;
  }

  Blob read_stream(ntfs_inode* ni, ntfschar* name, u32 name_len, const std::string& path) {
    AttrPtr na(ntfs_attr_open(ni, AT_DATA, name, name_len));
    if (!na) {
      if (errno != ENOENT) damage("'" + path + "': its $DATA attribute cannot be opened: " + std::strerror(errno));
      return {};
    }
    const auto declared = static_cast<std::uint64_t>(std::max<s64>(na->data_size, 0));
    const std::uint64_t size = walk::entry_size(ctx_, ex_, path, declared, chunk_size_, kMaxFile);
    if (!walk::charge(ctx_, ex_, size)) {
      stopped_ = true;
      return {};
    }
    if (auto runs = read_runs(na.get(), size, path)) return std::move(*runs);
    std::vector<std::uint8_t> data(size);
    std::uint64_t done = 0;
    while (done < size) {
      const s64 n = ntfs_attr_pread(na.get(), static_cast<s64>(done), static_cast<s64>(size - done), data.data() + done);
      if (n <= 0) {
        damage("'" + path + "': data ends after " + std::to_string(done) + " of " + std::to_string(size) + " bytes" + (n < 0 ? std::string(": ") + std::strerror(errno) : ""));
        data.resize(done);
        break;
      }
      done += static_cast<std::uint64_t>(n);
    }
    return Blob::own(std::move(data));
  }

  // A non-resident, uncompressed, unencrypted stream read run by run: its sparse runs
  // (LCN_HOLE) and whatever lies past its initialized size stay holes (OutputBuffer), never
  // written, never held: ntfs_attr_pread would give them as zeros in memory. Nothing when the
  // stream is not of that kind or its runlist cannot be mapped (the plain read then says why).
  std::optional<Blob> read_runs(ntfs_attr* na, std::uint64_t size, const std::string& path) {
    if (!NAttrNonResident(na) || (na->data_flags & (ATTR_COMPRESSION_MASK | ATTR_IS_ENCRYPTED)) != 0) return std::nullopt;
    if (ntfs_attr_map_whole_runlist(na) != 0 || na->rl == nullptr) return std::nullopt;
    const std::uint64_t cluster = na->ni->vol->cluster_size;
    if (cluster == 0) return std::nullopt;
    const std::uint64_t initialized = std::min<std::uint64_t>(size, static_cast<std::uint64_t>(std::max<s64>(na->initialized_size, 0)));
    // The data runs first: any run that is neither data nor a hole leaves it to the plain read.
    std::vector<Extent> data;
    for (const runlist_element* rl = na->rl; rl->length > 0; ++rl) {
      if (rl->vcn < 0 || rl->lcn < LCN_HOLE) return std::nullopt;
      if (rl->lcn == LCN_HOLE) continue;
      const auto vcn = static_cast<std::uint64_t>(rl->vcn), clusters = static_cast<std::uint64_t>(rl->length);
      if (vcn >= (initialized + cluster - 1) / cluster) break;  // runs are in vcn order
      const std::uint64_t begin = vcn * cluster;                // within the initialized bytes
      const std::uint64_t room = initialized - begin;
      data.push_back({begin, clusters >= (room + cluster - 1) / cluster ? room : clusters * cluster});
    }
    auto out = OutputBuffer::make(size);
    if (!out) return std::nullopt;
    for (const Extent& e : data) {
      for (std::uint64_t at = e.offset; at < e.offset + e.size;) {
        std::uint64_t n = std::min<std::uint64_t>(e.offset + e.size - at, 1ULL << 20);
        std::uint8_t* window = out->write_window(at, n);
        const s64 got = window != nullptr ? ntfs_attr_pread(na, static_cast<s64>(at), static_cast<s64>(n), window) : -1;
        if (got <= 0) {
          damage("'" + path + "': data ends after " + std::to_string(at) + " of " + std::to_string(size) + " bytes" + (got < 0 ? std::string(": ") + std::strerror(errno) : ""));
          out->resize(at);
          return Blob::adopt(std::move(*out));
        }
        at += static_cast<std::uint64_t>(got);
      }
    }
    out->resize(size);
    return Blob::adopt(std::move(*out));
  }

  // Named $DATA attributes (alternate data streams): "path:name" children.
  void streams(ntfs_inode* ni, const std::string& path) {
    struct Named {
      std::vector<ntfschar> name;
    };
    std::vector<Named> named;
    ntfs_attr_search_ctx* sc = ntfs_attr_get_search_ctx(ni, nullptr);
    if (sc == nullptr) return;
    while (named.size() < 1024 && ntfs_attr_lookup(AT_DATA, nullptr, 0, CASE_SENSITIVE, 0, nullptr, 0, sc) == 0) {
      const ATTR_RECORD* a = sc->attr;
      if (a->name_length == 0) continue;
      const auto* base = reinterpret_cast<const std::uint8_t*>(a);  // NOLINT: the attribute record's bytes
      const std::uint16_t off = le16_to_cpu(a->name_offset);
      if (off + a->name_length * 2U > le32_to_cpu(a->length)) continue;
      Named n;
      n.name.resize(a->name_length);
      std::memcpy(n.name.data(), base + off, a->name_length * 2U);
      named.push_back(std::move(n));
    }
    ntfs_attr_put_search_ctx(sc);
    for (auto& n : named) {
      if (stopped_) return;
      const std::string sp = path + ":" + to_utf8(n.name.data(), static_cast<int>(n.name.size()));
      Child c = walk::entry(sp);
      c.data = read_stream(ni, n.name.data(), static_cast<u32>(n.name.size()), sp);
      ex_.children.push_back(std::move(c));
    }
  }

  void damage(const std::string& what) { walk::damage(ex_, what); }

  ntfs_volume* vol_;
  std::uint64_t chunk_size_;
  ExtractContext& ctx_;
  Extraction& ex_;
  std::set<std::uint64_t> visited_;
  std::map<std::uint64_t, std::string> first_path_;
  bool stopped_ = false;
};

class NtfsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto b = parse(at);
    if (!b) return std::nullopt;
    const std::uint64_t size = (b->sectors + 1) * b->sector;  // + the backup boot sector
    const std::string d = "NTFS, " + std::to_string(b->cluster) + "-byte clusters";
    return walk::volume_chunk(start, at, size, d);
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    auto b = parse(chunk.bytes());
    if (!b) return make_error(Errc::kMalformed, "boot sector", 0);
    const std::lock_guard<std::mutex> hold(g_lock);
    ntfs_log_set_handler(ntfs_log_handler_null);
    Device dv{chunk.bytes()};
    struct ntfs_device* dev = ntfs_device_alloc("fwscan-ntfs", 0, &g_ops, &dv);
    if (dev == nullptr) return make_error(Errc::kMalformed, "device", 0);
    Extraction ex;
    walk::check_declared(ex, (b->sectors + 1) * b->sector, chunk.size());
    ntfs_volume* vol = ntfs_device_mount(dev, static_cast<ntfs_mount_flags>(NTFS_MNT_RDONLY | NTFS_MNT_IGNORE_HIBERFILE | NTFS_MNT_FORENSIC));
    if (vol == nullptr) {
      const std::string why = std::strerror(errno);
      if (NDevOpen(dev)) g_ops.close(dev);
      ntfs_device_free(dev);
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "the volume does not mount (libntfs-3g: " + why + "): $MFT, $MFTMirr or the boot sector is damaged", "", std::nullopt});
      return ex;
    }
    ex.properties = {{"cluster_size", std::to_string(vol->cluster_size)},
                     {"version", std::to_string(vol->major_ver) + "." + std::to_string(vol->minor_ver)}};
    if (vol->vol_name != nullptr && *vol->vol_name != '\0') ex.properties.emplace_back("label", vol->vol_name);
    Walker(vol, chunk.size(), ctx, ex).run();
    ntfs_umount(vol, FALSE);
    return ex;
  }
};

}  // namespace

HandlerPtr make_ntfs_handler() { return std::make_unique<NtfsHandler>(); }

}  // namespace fwscan
