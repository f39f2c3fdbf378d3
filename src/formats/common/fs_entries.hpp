#pragma once
// Pieces every file-system handler's directory walk needs, so each handler keeps only its on-disk
// format: entry paths, the entry limit, the output budget and hard links, each with the same
// diagnostics everywhere.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan::walk {

// "dir/name", or "name" at the root.
inline std::string join(const std::string& dir, std::string_view name) {
  return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

// A decoded child for an entry path (metadata filled in by the handler).
inline Child entry(std::string path) {
  Child c;
  c.name = std::move(path);
  c.origin = ChildOrigin::kDecoded;
  return c;
}

// A Unix inode's type (from its mode), permission bits, owner and, when the format keeps one,
// modification time.
inline void unix_meta(EntryMeta& meta, std::uint32_t mode, std::uint32_t uid, std::uint32_t gid,
                      std::optional<std::int64_t> mtime = std::nullopt) {
  meta.kind = entry_kind_from_mode(mode);
  meta.mode = mode & 07777;
  meta.uid = uid;
  meta.gid = gid;
  if (mtime) meta.mtime = mtime;
}

// identify()'s answer for a volume of `size` bytes at `start`: the whole volume, or, when the
// node ends first, the rest of the node with low confidence and ", truncated" in `d`.
inline Chunk volume_chunk(std::uint64_t start, ByteView at, std::uint64_t size, const std::string& d) {
  if (size > at.size()) return Chunk{start, at.size(), Confidence::kLow, d + ", truncated"};
  return Chunk{start, size, Confidence::kHigh, d + ", " + human_size(size)};
}

// extract(): a "truncated" warning (and an incomplete extraction) when the volume declares more
// bytes than the chunk holds.
inline void check_declared(Extraction& ex, std::uint64_t declared, std::uint64_t present) {
  if (declared <= present) return;
  ex.complete = false;
  ex.diagnostics.push_back({Severity::kWarning, DiagCode::kTruncated, "the volume declares " + std::to_string(declared) + " bytes; " + std::to_string(present) + " are present", "", std::nullopt});
}

// A "malformed" warning naming what is damaged; the extraction is incomplete. At most 200 are
// kept, so that a volume damaged everywhere does not bury the report.
inline void damage(Extraction& ex, const std::string& what) {
  ex.complete = false;
  if (ex.diagnostics.size() < 200) ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, what, "", std::nullopt});
}

// Counts one more entry; past `limit` it marks the extraction incomplete, says so, and returns
// false: the caller stops its walk.
inline bool count_entry(std::uint32_t& count, std::uint32_t limit, Extraction& ex) {
  if (++count <= limit) return true;
  ex.complete = false;
  ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChildren, "entry limit reached", "", std::nullopt});
  return false;
}

// Charges `bytes` to the run's output budget; when it is exhausted, the same diagnostic as every
// other handler and false: the caller returns what it has.
inline bool charge(ExtractContext& ctx, Extraction& ex, std::uint64_t bytes) {
  if (ctx.budget().charge(bytes)) return true;
  ex.complete = false;
  ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitTotal, "total extraction budget exhausted", "", std::nullopt});
  return false;
}

// The second and later names of one file (same `key`: inode number, inode reference) become hard
// links to the first name; true when `meta` was made a link (no data to read then).
template <class Key>
bool link_to_first(std::map<Key, std::string>& first, const std::type_identity_t<Key>& key, const std::string& path, EntryMeta& meta) {
  auto [it, fresh] = first.emplace(key, path);
  if (fresh) return false;
  meta.kind = EntryKind::kHardlink;
  meta.link_target = it->second;
  return true;
}

// The same, for readers whose inodes keep a links count: a file is read once per inode whatever
// that count says (an image whose 64 names reach one inode with a count of 1 would otherwise be
// decoded 64 times); a second name under a count below 2 is a lie, and says so.
template <class Key>
bool link_to_first(std::map<Key, std::string>& first, const std::type_identity_t<Key>& key, const std::string& path, EntryMeta& meta,
                   std::uint64_t links, Extraction& ex) {
  if (!link_to_first(first, key, path, meta)) return false;
  if (links < 2 && ex.diagnostics.size() < 200) {
    ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed,
                              "'" + path + "' names the inode already read as '" + meta.link_target + "', whose links count is " +
                                  std::to_string(links) + ": kept as a hard link to it",
                              "", std::nullopt});
  }
  return true;
}

// What a reader's fill() says about one entry of unix_tree().
enum class Step : std::uint8_t { kNext, kDescend, kStop };

// A depth-first walk of a Unix-style directory tree, shared by the file-system readers.
// `list(dir, path)` returns the directory's entries as (name, id) pairs (empty when it cannot be
// read: the reader says so itself); `fill(child, id, path)` sets the entry's metadata and data and
// returns kDescend for a directory to enter, kStop when the budget ran out. Here: names made
// path-safe ('/' and NUL become '_'; "", "." and ".." become "_"), the entry limit, and directories
// reached twice (a loop in the on-disk pointers) ending in a "loop" diagnostic. Children come out
// in listing order, directories depth-first. `count` is the running entry count (shared when one
// volume holds several trees).
template <class Id, class List, class Fill>
void unix_tree(Id root, Extraction& ex, std::uint32_t& count, std::uint32_t limit, List&& list, Fill&& fill) {
  struct Item {
    Id id;
    std::string path;
  };
  std::vector<Item> stack{{root, ""}};
  std::set<Id> visited{root};
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    std::vector<Item> subdirs;
    for (auto& [raw, id] : list(item.id, item.path)) {
      if (!count_entry(count, limit, ex)) return;
      std::string name = raw;
      for (char& c : name) {
        if (c == '/' || c == '\0') c = '_';
      }
      if (name.empty() || name == "." || name == "..") name = "_";
      const std::string path = join(item.path, name);
      Child c = entry(path);
      const Step step = fill(c, id, path);
      if (step == Step::kStop) return;
      if (step == Step::kDescend) {
        if (visited.insert(id).second) subdirs.push_back({id, path});
        else ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLoop, "directory '" + path + "' was reached before (a loop in the directory pointers): not entered again", "", std::nullopt});
      }
      ex.children.push_back(std::move(c));
    }
    for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(std::move(*it));
  }
}

// A file's or symlink's content for unix_tree's fill(): entry_size() of its `declared` size,
// charged, then `read(size)` (a byte vector) becomes the child's data, or its link target for a
// symlink. kStop when the budget is exhausted.
// How many of the `declared` bytes of the entry at `path` are read: at most `max_file` (the
// reader's per-file limit) and the node's output cap. A cut is a limit_file diagnostic naming the
// entry (at most 200 per extraction).
inline std::uint64_t entry_size(ExtractContext& ctx, Extraction& ex, const std::string& path, std::uint64_t declared,
                                std::uint64_t chunk_size, std::uint64_t max_file) {
  const std::uint64_t size = std::min({declared, max_file, ctx.budget().max_output(chunk_size)});
  if (size < declared) {
    ex.complete = false;
    if (ex.diagnostics.size() < 200) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitFile,
                                "'" + path + "' declares " + std::to_string(declared) + " bytes; only the first " + std::to_string(size) +
                                    (size == max_file ? " are read (the reader's per-file limit)" : " are read (the node's output cap)"),
                                "", std::nullopt});
    }
  }
  return size;
}

// How much of a directory's `declared` listing is read: no more than the image holds (a listing
// is read into memory, its holes as zeros) and no more than `max_bytes`. A cut is a limit_size
// diagnostic naming the directory.
inline std::uint64_t listing_size(Extraction& ex, const std::string& path, std::uint64_t declared, std::uint64_t image_size,
                                  std::uint64_t max_bytes) {
  const std::uint64_t size = std::min({declared, image_size, max_bytes});
  if (size < declared) {
    ex.complete = false;
    ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize,
                              "directory '" + (path.empty() ? std::string("/") : path) + "' declares " + std::to_string(declared) +
                                  " bytes, more than the image (or " + std::to_string(max_bytes >> 20) + " MiB) holds; only its first " +
                                  std::to_string(size) + " are listed",
                              "", std::nullopt});
  }
  return size;
}

// `read` may also give a Result<Blob> (a reader that writes holes as holes, OutputBuffer): an
// error there (the address space refused) is a limit_size diagnostic naming the entry, and the
// entry is kept without data.
template <class Read>
Step load(Child& c, ExtractContext& ctx, Extraction& ex, std::uint64_t declared, std::uint64_t chunk_size, std::uint64_t max_file, Read&& read) {
  const std::uint64_t size = entry_size(ctx, ex, c.name, declared, chunk_size, max_file);
  if (!charge(ctx, ex, size)) return Step::kStop;
  auto data = read(size);
  if constexpr (std::is_same_v<decltype(data), Result<Blob>>) {
    if (!data) {
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "'" + c.name + "': " + data.error().message, "", std::nullopt});
      return Step::kNext;
    }
    if (c.meta.kind == EntryKind::kSymlink) c.meta.link_target.assign(data->bytes().begin(), data->bytes().end());
    else c.data = std::move(*data);
  } else {
    if (c.meta.kind == EntryKind::kSymlink) c.meta.link_target.assign(data.begin(), data.end());
    else c.data = Blob::own(std::move(data));
  }
  return Step::kNext;
}

// A file of a log-structured file system (YAFFS2 chunks, JFFS2 data nodes): pieces of data at
// offsets, written in order (a later piece overwrites an earlier one), and the size its inode
// declares. What is held in memory follows what the image holds, never the claim:
//   * the file ends where its last piece ends; a declared size past that is cut there
//     (truncated: the rest is not in the image);
//   * the gaps between pieces are holes (OutputBuffer): never written, never held, never
//     scanned; the node's output cap bounds the file (limit_size), and the run's budget is
//     charged with its size, holes included, since hashing reads them as zeros;
//   * every cut is a diagnostic naming the entry. nullopt: the run's budget is spent (said), or
//     the address space is refused (said).
struct Piece {
  std::uint64_t offset = 0;
  ByteView bytes;
};
inline std::optional<Blob> assemble(ExtractContext& ctx, Extraction& ex, const std::string& path, std::uint64_t declared,
                                    std::uint64_t chunk_size, const std::vector<Piece>& pieces) {
  std::uint64_t end = 0;
  for (const Piece& p : pieces) {
    if (!p.bytes.empty()) end = std::max(end, p.offset + p.bytes.size());  // offsets are 32-bit page or chunk positions
  }
  auto cut = [&](DiagCode code, std::uint64_t to, const std::string& why) {
    ex.complete = false;
    if (ex.diagnostics.size() < 200) {
      ex.diagnostics.push_back({Severity::kWarning, code, "'" + path + "' " + why + ": read as its first " + std::to_string(to) + " bytes", "", std::nullopt});
    }
    return to;
  };
  std::uint64_t size = declared;
  if (size > end) size = cut(DiagCode::kTruncated, end, "declares " + std::to_string(declared) + " bytes but its data ends at " + std::to_string(end));
  if (const std::uint64_t cap = ctx.budget().max_output(chunk_size); size > cap) {
    size = cut(DiagCode::kLimitSize, cap, "is " + std::to_string(size) + " bytes, past the node's output cap");
  }
  if (!charge(ctx, ex, size)) return std::nullopt;
  auto out = OutputBuffer::make(size);
  if (!out) {
    ex.complete = false;
    ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitSize, "'" + path + "': " + out.error().message, "", std::nullopt});
    return std::nullopt;
  }
  for (const Piece& p : pieces) {
    if (p.offset < size) out->write_at(p.offset, p.bytes.subspan(0, std::min<std::uint64_t>(p.bytes.size(), size - p.offset)));
  }
  out->resize(size);
  return Blob::adopt(std::move(*out));
}

// A file name stored as UTF-16 code units (`units` bytes, in the byte order `e`) as UTF-8:
// surrogate pairs joined, an unpaired surrogate as U+FFFD. A '/' inside a name (legal in HFS+
// and UDF names) becomes ':', so that it cannot add a path level, unless the format stores whole
// paths (`paths`: 7-Zip); NUL becomes U+2400.
inline std::string utf16_name(ByteView units, Endian e, bool paths = false) {
  std::string out;
  auto put = [&out](std::uint32_t c) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  };
  const std::uint64_t n = units.size() / 2;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint32_t u = *load_u16(units, 2 * i, e);
    if (u >= 0xD800 && u < 0xDC00 && i + 1 < n) {
      const std::uint32_t lo = *load_u16(units, 2 * i + 2, e);
      if (lo >= 0xDC00 && lo < 0xE000) {
        put(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u < 0xE000) put(0xFFFD);
    else if (u == '/' && !paths) put(':');
    else if (u == 0) put(0x2400);
    else put(u);
  }
  return out;
}

}  // namespace fwscan::walk
