#pragma once
// Pieces every file-system handler's directory walk needs, so each handler keeps only its on-disk
// format: entry paths, the entry limit, the output budget and hard links, each with the same
// diagnostics everywhere.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

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

// Counts one more entry; past `limit` it marks the extraction incomplete, says so, and returns
// false: the caller stops its walk.
inline bool count_entry(std::uint32_t& count, std::uint32_t limit, Extraction& ex) {
  if (++count <= limit) return true;
  ex.complete = false;
  ex.diagnostics.push_back({Severity::kWarning, "limit_children", "entry limit reached", "", std::nullopt});
  return false;
}

// Charges `bytes` to the run's output budget; when it is exhausted, the same diagnostic as every
// other handler and false: the caller returns what it has.
inline bool charge(ExtractContext& ctx, Extraction& ex, std::uint64_t bytes) {
  if (ctx.budget().charge(bytes)) return true;
  ex.complete = false;
  ex.diagnostics.push_back({Severity::kWarning, "limit_total", "total extraction budget exhausted", "", std::nullopt});
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

}  // namespace fwscan::walk
