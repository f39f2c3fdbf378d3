#include "formats/common/zip_support.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "unpack/give_later.hpp"

namespace fwscan {

namespace {

constexpr std::uint64_t kEocdSize = 22;
constexpr std::uint64_t kLocalHeaderSize = 30;

struct Eocd {
  std::uint64_t at = 0;    // offset of the record in the node
  std::uint64_t end = 0;   // end of the record and its comment, clamped to the node
  std::uint16_t total = 0;
};

// Every end-of-central-directory record of a node, by the archive start it is consistent with.
struct EocdIndex {
  // Classic records: cd_offset + cd_size is where the record sits relative to the archive start,
  // and the central directory starts with "PK\1\2": so each implies one start. Sorted by `at`.
  std::unordered_map<std::uint64_t, std::vector<Eocd>> by_start;
  // Records consistent with any start before them: ZIP64 ones (their locator is 20 bytes before)
  // and empty central directories. Sorted by `at`.
  std::vector<Eocd> any_start;
};

EocdIndex index_eocds(ByteView node) {
  EocdIndex ix;
  static constexpr char kSig[] = "PK\x05\x06";
  const char* base = reinterpret_cast<const char*>(node.data());  // NOLINT: byte search
  for (std::uint64_t from = 0; from + kEocdSize <= node.size();) {
    const void* hit = memmem(base + from, node.size() - from, kSig, 4);
    if (hit == nullptr) break;
    const auto e = static_cast<std::uint64_t>(static_cast<const char*>(hit) - base);
    from = e + 1;
    const auto total = load_le16(node, e + 10);
    const auto cd_size = load_le32(node, e + 12);
    const auto cd_off = load_le32(node, e + 16);
    const auto comment = load_le16(node, e + 20);
    if (!total || !cd_size || !cd_off || !comment) break;  // a record cut by the end of the node
    const Eocd rec{e, std::min<std::uint64_t>(e + kEocdSize + *comment, node.size()), *total};
    const bool zip64 = *cd_off == 0xFFFFFFFFU || *cd_size == 0xFFFFFFFFU;
    if ((zip64 && e >= 20 && has_bytes_at(node, e - 20, "PK\x06\x07")) || (*total == 0 && *cd_size == 0)) {
      ix.any_start.push_back(rec);
      continue;
    }
    if (zip64) continue;
    const std::uint64_t span = std::uint64_t{*cd_off} + *cd_size;
    if (span > e) continue;
    const std::uint64_t start = e - span;
    if (has_bytes_at(node, start + *cd_off, "PK\x01\x02")) ix.by_start[start].push_back(rec);
  }
  return ix;
}

}  // namespace

std::optional<Diagnostic> zip_overlaps(ByteView z) {
  // The last end record, within the 64 KiB its comment may take.
  static constexpr char kSig[] = "PK\x05\x06";
  if (z.size() < kEocdSize) return std::nullopt;
  std::optional<std::uint64_t> eocd;
  const std::uint64_t low = z.size() > kEocdSize + 0xFFFF ? z.size() - kEocdSize - 0xFFFF : 0;
  for (std::uint64_t e = z.size() - kEocdSize + 1; e-- > low;) {
    if (std::memcmp(z.data() + e, kSig, 4) == 0) {
      eocd = e;
      break;
    }
  }
  if (!eocd) return std::nullopt;
  const std::uint64_t total = *load_le16(z, *eocd + 10);
  const std::uint64_t cd_size = *load_le32(z, *eocd + 12);
  const std::uint64_t cd_off = *load_le32(z, *eocd + 16);
  if (cd_off == 0xFFFFFFFFU || cd_size == 0xFFFFFFFFU || !range_fits(cd_off, cd_size, z.size())) return std::nullopt;  // ZIP64: not walked here
  struct Span {
    std::uint64_t begin, end, entry;  // local header to end of data; central-directory offset
  };
  std::vector<Span> spans;
  std::uint64_t pos = cd_off;
  for (std::uint64_t i = 0; i < total && pos + 46 <= cd_off + cd_size && has_bytes_at(z, pos, "PK\x01\x02"); ++i) {
    const std::uint64_t csize = *load_le32(z, pos + 20);
    const std::uint64_t local = *load_le32(z, pos + 42);
    const std::uint64_t next = pos + 46 + *load_le16(z, pos + 28) + *load_le16(z, pos + 30) + *load_le16(z, pos + 32);
    if (csize != 0xFFFFFFFFU && local != 0xFFFFFFFFU && has_bytes_at(z, local, "PK\x03\x04")) {
      const std::uint64_t data = local + kLocalHeaderSize + load_le16(z, local + 26).value_or(0) + load_le16(z, local + 28).value_or(0);
      spans.push_back({local, data + csize, pos});
    }
    pos = next;
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin || (a.begin == b.begin && a.entry < b.entry); });
  std::uint64_t overlapping = 0;
  const Span* widest = nullptr;
  std::optional<std::pair<const Span*, const Span*>> first;
  for (const Span& s : spans) {
    if (widest != nullptr && s.begin < widest->end) {
      ++overlapping;
      if (!first) first = {widest, &s};
    }
    if (widest == nullptr || s.end > widest->end) widest = &s;
  }
  if (!first) return std::nullopt;
  auto name = [&](const Span* s) {
    const std::uint64_t n = *load_le16(z, s->entry + 28);
    const ByteView b = z.subspan(s->entry + 46, std::min<std::uint64_t>(n, z.size() - std::min(z.size(), s->entry + 46)));
    return std::string(b.begin(), b.end());
  };
  return Diagnostic{Severity::kWarning, DiagCode::kOverlap,
                    std::to_string(overlapping) + " central-directory entries use local data that another entry uses (first: '" + name(first->first) +
                        "' and '" + name(first->second) + "', from " + hex_u64(first->second->begin) +
                        "): an overlapping-entry zip, the construction of non-recursive zip bombs",
                    "", first->second->entry};
}

std::optional<ZipExtent> find_zip_extent(ByteView node, std::uint64_t start, NodeMemo& memo) {
  if (start > node.size()) return std::nullopt;
  const ByteView at = node.subspan(start);
  // Validate the first local header's fixed fields: version and name length.
  auto name_len = load_le16(at, 26);
  auto extra_len = load_le16(at, 28);
  auto version = load_le16(at, 4);
  if (!name_len || !extra_len || !version || *name_len == 0 || (*version & 0xFF) > 100) return std::nullopt;
  // The first end-of-central-directory record after the local header that is consistent with
  // this start.
  const EocdIndex& ix = memo.get<EocdIndex>("zip.eocd", [&] { return index_eocds(node); });
  const std::uint64_t first = start + kLocalHeaderSize;
  const Eocd* best = nullptr;
  auto first_after = [&](const std::vector<Eocd>& v) -> const Eocd* {
    auto it = std::lower_bound(v.begin(), v.end(), first, [](const Eocd& r, std::uint64_t o) { return r.at < o; });
    return it == v.end() ? nullptr : &*it;
  };
  best = first_after(ix.any_start);
  if (auto m = ix.by_start.find(start); m != ix.by_start.end()) {
    const Eocd* r = first_after(m->second);
    if (r != nullptr && (best == nullptr || r->at < best->at)) best = r;
  }
  if (best != nullptr) return ZipExtent{best->end - start, true, best->total};
  // No EOCD: walk local headers to the last complete entry.
  ZipExtent z;
  std::uint64_t pos = 0;
  for (std::uint32_t n = 0; n < 1'000'000; ++n) {
    if (n > 0 && !has_bytes_at(at, pos, "PK\x03\x04")) break;
    auto flags = load_le16(at, pos + 6);
    auto csize = load_le32(at, pos + 18);
    auto nl = load_le16(at, pos + 26);
    auto xl = load_le16(at, pos + 28);
    if (!flags || !csize || !nl || !xl) break;
    if ((*flags & 0x08) != 0 && *csize == 0) break;  // size only in the data descriptor
    const std::uint64_t next = pos + 30 + *nl + *xl + *csize;
    if (next > at.size()) break;
    pos = next;
    ++z.entries;
  }
  if (z.entries == 0) return std::nullopt;
  z.size = pos;
  return z;
}

namespace {
struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

EntryKind kind_of(mode_t type) {
  switch (type) {
    case AE_IFREG: return EntryKind::kFile;
    case AE_IFDIR: return EntryKind::kDirectory;
    case AE_IFLNK: return EntryKind::kSymlink;
    case AE_IFCHR: return EntryKind::kCharDevice;
    case AE_IFBLK: return EntryKind::kBlockDevice;
    case AE_IFIFO: return EntryKind::kFifo;
    case AE_IFSOCK: return EntryKind::kSocket;
    default: return EntryKind::kOther;
  }
}

constexpr std::uint32_t kMaxEntries = 1'000'000;

// Formats whose entries libarchive can pass over without decoding them (each entry's data has a
// known place and size), so the entries are listed first and their bytes read later. Solid
// formats (7z, CAB folders, solid RAR) decode what they pass over: their first batch is read in
// the listing pass, and only the entries past it are read again later.
bool lists_first(ArchiveFormat f) {
  return f == ArchiveFormat::kZip || f == ArchiveFormat::kIso9660 || f == ArchiveFormat::kXar || f == ArchiveFormat::kLha;
}

Result<ArchivePtr> open_archive(ByteView bytes, ArchiveFormat format, const Limits& limits) {
  ArchivePtr a(archive_read_new());
  switch (format) {
    case ArchiveFormat::kZip: archive_read_support_format_zip(a.get()); break;
    case ArchiveFormat::kSevenZip: archive_read_support_format_7zip(a.get()); break;
    case ArchiveFormat::kIso9660: archive_read_support_format_iso9660(a.get()); break;
    case ArchiveFormat::kCab: archive_read_support_format_cab(a.get()); break;
    case ArchiveFormat::kRar: archive_read_support_format_rar(a.get()); archive_read_support_format_rar5(a.get()); break;
    case ArchiveFormat::kXar: archive_read_support_format_xar(a.get()); break;
    case ArchiveFormat::kLha: archive_read_support_format_lha(a.get()); break;
  }
  const std::size_t tried = std::min(limits.passwords.size(), Limits::kMaxPasswords);
  for (std::size_t i = 0; i < tried; ++i) archive_read_add_passphrase(a.get(), limits.passwords[i].c_str());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return make_error(Errc::kMalformed, std::string("libarchive: ") + archive_error_string(a.get()));
  }
  return a;
}

// The data of the entry whose header was just read; false when it could not all be read (said
// in `diags`, naming the entry).
// Its cap follows its own compressed bytes, as a stream's follows its input: the bytes libarchive
// has consumed from the archive since the entry's data began (archive_filter_bytes of the raw
// source), through Budget::max_output, after each piece. A zip or 7z entry that expands a
// thousandfold is cut however large the archive around it is. Should the position ever go back
// (a reader that seeks within an entry), the archive's size is its input instead.
bool read_entry_data(archive* a, archive_entry* entry, const std::string& name, bool encrypted, std::size_t tried, Budget& budget,
                     std::uint64_t archive_size, std::vector<std::uint8_t>& data, std::vector<Diagnostic>& diags) {
  std::uint8_t buf[65536];
  bool failed = false;
  const la_int64_t start = archive_filter_bytes(a, -1);
  bool went_back = start < 0;
  while (true) {
    const la_ssize_t got = archive_read_data(a, buf, sizeof buf);
    if (got == 0) break;
    if (got < 0) {
      failed = true;
      const char* msg = archive_error_string(a);
      if (encrypted) {
        // A wrong password, or an encryption libarchive cannot undo (7z AES): listed only.
        diags.push_back({Severity::kWarning, DiagCode::kEncrypted, "entry '" + name + "' is encrypted and none of the " + std::to_string(tried) +
                         " password(s) given opens it (libarchive: " + (msg ? msg : "read error") + "): content not examined", "", std::nullopt});
      } else {
        diags.push_back({Severity::kError, DiagCode::kMalformed, "entry '" + name + "': " + (msg ? msg : "read error"), "", std::nullopt});
      }
      break;
    }
    const la_int64_t at = archive_filter_bytes(a, -1);
    went_back = went_back || at < start;
    const std::uint64_t consumed = went_back ? archive_size : static_cast<std::uint64_t>(at - start);
    const std::uint64_t cap = budget.max_output(consumed);
    if (data.size() + static_cast<std::uint64_t>(got) > cap) {
      diags.push_back({Severity::kWarning, DiagCode::kLimitExpansion, "entry '" + name + "' cut after " + std::to_string(data.size()) +
                       " bytes: the output budget of the " + std::to_string(consumed) + " archive bytes it was decoded from" +
                       (went_back ? " (the whole archive)" : ""), "", std::nullopt});
      failed = true;
      break;
    }
    data.insert(data.end(), buf, buf + got);
  }
  // libarchive's xar reader pads some entries past their declared size: the header's size wins.
  if (archive_entry_size_is_set(entry) && archive_entry_size(entry) >= 0 && data.size() > static_cast<std::uint64_t>(archive_entry_size(entry))) {
    data.resize(static_cast<std::size_t>(archive_entry_size(entry)));
  }
  return !failed;
}

// The file entries listed first, whose bytes a second reader over the same archive gives in
// order when the unpacker reaches them (Extraction::more). It owns the archive's bytes.
struct LaterEntries {
  Blob bytes;
  ArchivePtr a;
  struct Wanted {
    std::uint32_t header = 0;  // the entry's place among the archive's headers
    std::size_t child = 0;
    std::uint64_t declared = 0;
    std::string name;
  };
  std::vector<Wanted> wanted;
  std::size_t next = 0;
  std::uint32_t headers_read = 0;
  bool solid = false;  // entries passed over are read and dropped, not skipped (below)
  bool broken = false, budget_said = false;
};

// The next entries' bytes, about ctx.batch_bytes() of them by their declared sizes (one at least).
MoreBytes next_entries(LaterEntries& st, ExtractContext& ctx) {
  MoreBytes out;
  std::uint64_t bytes = 0;
  while (st.next < st.wanted.size() && (out.bytes.empty() || bytes + st.wanted[st.next].declared <= ctx.batch_bytes())) {
    const LaterEntries::Wanted& w = st.wanted[st.next++];
    archive_entry* entry = nullptr;
    while (!st.broken && st.headers_read <= w.header) {
      const int r = archive_read_next_header(st.a.get(), &entry);
      ++st.headers_read;
      if (r == ARCHIVE_EOF || r == ARCHIVE_FATAL || entry == nullptr) {
        st.broken = true;
      } else if (st.solid && st.headers_read <= w.header) {
        // libarchive before 3.7.5 (Debian 12 has 3.6.2) loses a solid 7z folder's place when it
        // skips an entry whose size is a multiple of 64 KiB (its issue 2106, fixed by pull
        // request 2245): every later entry then reads as "Truncated 7-Zip file body". Passing
        // over a solid entry decodes it anyway, so its bytes are read and dropped instead.
        std::uint8_t sink[65536];
        while (archive_read_data(st.a.get(), sink, sizeof sink) > 0) {
        }
      }
    }
    if (st.broken) {
      // The first pass read this header: a second reader over the same bytes that does not is
      // libarchive's doing. The entry stays listed, without bytes.
      out.complete = false;
      out.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, "entry '" + w.name + "': libarchive did not reach it again to read its data", "", std::nullopt});
      out.bytes.emplace_back(w.child, Blob{});
      continue;
    }
    std::vector<std::uint8_t> data;
    if (!read_entry_data(st.a.get(), entry, w.name, false, 0, ctx.budget(), st.bytes.size(), data, out.diagnostics)) out.complete = false;
    if (!ctx.budget().charge(data.size())) {
      out.complete = false;
      if (!st.budget_said) {
        out.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitTotal, "total extraction budget exhausted: entry '" + w.name +
                                   "' and the entries after it that do not fit are listed without their bytes", "", std::nullopt});
      }
      st.budget_said = true;
      out.bytes.emplace_back(w.child, Blob{});
      continue;
    }
    bytes += data.size();
    out.bytes.emplace_back(w.child, Blob::own(std::move(data)));
  }
  return out;
}
}  // namespace

Result<Extraction> extract_archive_entries(const Blob& archive_bytes, ArchiveFormat format, ExtractContext& ctx) {
  const ByteView bytes = archive_bytes.bytes();
  FWSCAN_ASSIGN_OR_RETURN(ArchivePtr a, open_archive(bytes, format, ctx.limits()));
  const std::size_t tried = std::min(ctx.limits().passwords.size(), Limits::kMaxPasswords);
  const bool list_first = lists_first(format);
  auto later = std::make_shared<LaterEntries>();
  std::uint64_t read_now = 0;
  Extraction ex;
  for (std::uint32_t n = 0; n < kMaxEntries; ++n) {
    archive_entry* entry = nullptr;
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r == ARCHIVE_FATAL || entry == nullptr) {
      ex.complete = false;
      const char* msg = archive_error_string(a.get());
      ex.diagnostics.push_back({Severity::kError, DiagCode::kMalformed, std::string("libarchive: ") + (msg ? msg : "fatal error"), "", std::nullopt});
      break;
    }
    if (r == ARCHIVE_WARN) {
      const char* msg = archive_error_string(a.get());
      ex.diagnostics.push_back({Severity::kInfo, DiagCode::kArchiveWarning, msg ? msg : "warning", "", std::nullopt});
    }
    Child c;
    const char* path = archive_entry_pathname(entry);
    c.name = path ? path : "";
    for (std::size_t dup = c.name.find("//"); dup != std::string::npos; dup = c.name.find("//", dup)) c.name.erase(dup, 1);
    if (c.name == "." || c.name == "./") continue;  // the archive's own root
    if (c.name.empty()) c.name = "entry" + std::to_string(n);
    c.origin = ChildOrigin::kDecoded;
    c.meta.kind = kind_of(archive_entry_filetype(entry));
    if (archive_entry_hardlink(entry) != nullptr) {
      c.meta.kind = EntryKind::kHardlink;
      c.meta.link_target = archive_entry_hardlink(entry);
    }
    c.meta.mode = static_cast<std::uint32_t>(archive_entry_perm(entry));
    c.meta.uid = static_cast<std::uint32_t>(archive_entry_uid(entry));
    c.meta.gid = static_cast<std::uint32_t>(archive_entry_gid(entry));
    if (archive_entry_mtime_is_set(entry)) c.meta.mtime = archive_entry_mtime(entry);
    if (const char* t = archive_entry_symlink(entry)) c.meta.link_target = t;
    const bool encrypted = c.meta.kind == EntryKind::kFile && archive_entry_is_data_encrypted(entry);
    if (encrypted && tried == 0) {
      // No password given: the entry is listed, its content is not claimed.
      ex.complete = false;
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kEncrypted, "entry '" + c.name + "' is encrypted (no password given: --password): content not examined", "", std::nullopt});
      c.meta.kind = EntryKind::kOther;
      ex.children.push_back(std::move(c));
      continue;
    }
    if (c.meta.kind == EntryKind::kFile && !encrypted && (list_first || read_now >= ctx.batch_bytes())) {
      // Listed now, its bytes read later. An encrypted entry is read now: whether a password
      // opens it decides what the entry is. A solid format reads its first batch now and lists
      // the rest (passing over them decodes them, so they cost a second decode, not memory).
      const la_int64_t declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
      later->wanted.push_back({n, ex.children.size(), static_cast<std::uint64_t>(std::max<la_int64_t>(declared, 0)), c.name});
      c.later = true;
    } else if (c.meta.kind == EntryKind::kFile) {
      std::vector<std::uint8_t> data;
      const bool read = read_entry_data(a.get(), entry, c.name, encrypted, tried, ctx.budget(), bytes.size(), data, ex.diagnostics);
      if (!read) ex.complete = false;
      if (encrypted && !read) {
        c.meta.kind = EntryKind::kOther;
        ex.children.push_back(std::move(c));
        continue;
      }
      if (encrypted) {
        ex.diagnostics.push_back({Severity::kInfo, DiagCode::kDecrypted, "entry '" + c.name + "' decrypted with a given password (libarchive checked it)", "", std::nullopt});
      }
      if (!ctx.budget().charge(data.size())) {
        ex.complete = false;
        ex.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitTotal, "total extraction budget exhausted", "", std::nullopt});
        break;
      }
      read_now += data.size();
      c.data = Blob::own(std::move(data));
    }
    ex.children.push_back(std::move(c));
  }
  if (later->wanted.empty()) return ex;
  // The bytes of the entries listed first: when the unpacker reaches them, a batch at a time, or
  // all now when it asks for no batches; the same children and diagnostics either way.
  later->bytes = archive_bytes;
  later->solid = !list_first;
  FWSCAN_ASSIGN_OR_RETURN(later->a, open_archive(bytes, format, ctx.limits()));
  return give_later(std::move(ex), [later](ExtractContext& next) { return next_entries(*later, next); }, ctx);
}

}  // namespace fwscan
