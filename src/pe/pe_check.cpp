// The PE pre-check (pe_image.hpp): what LIEF 0.9 would believe, cut to the file first.
#include <algorithm>
#include <cstring>
#include <set>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "pe/pe_image.hpp"

namespace fwscan::pe {
namespace {

constexpr std::uint32_t kMaxSections = 96;         // the Windows loader's limit
constexpr std::uint32_t kMaxDirectories = 16;
constexpr std::uint32_t kMaxResourceEntries = 65536;
constexpr int kMaxResourceDepth = 8;               // Windows uses 3 (type, name, language)
constexpr std::uint32_t kMaxImportDescriptors = 4096;
constexpr std::uint32_t kMaxThunks = 65536;        // per imported DLL
constexpr std::uint32_t kMaxThunksTotal = 1U << 20;  // over every import table: the walk stays linear
constexpr std::uint32_t kMaxExports = 1U << 20;
constexpr std::uint32_t kMaxDebugEntries = 64;

const char* const kDirectoryNames[kMaxDirectories] = {
    "export", "import", "resource", "exception", "certificate", "base relocation", "debug", "architecture",
    "global pointer", "TLS", "load configuration", "bound import", "import address table", "delay import", "CLR runtime", "reserved"};

struct Section {
  std::uint32_t va = 0, vsize = 0, raw_size = 0, raw_ptr = 0;
};

class Checker {
 public:
  explicit Checker(ByteView in) : b_(in.begin(), in.end()) {}

  CheckedPe run() {
    const std::uint32_t lfanew = u32(0x3C);
    coff_ = lfanew + 4;
    opt_ = coff_ + 20;
    const std::uint16_t opt_size = u16(coff_ + 16);
    const std::uint16_t magic = u16(opt_);
    pe32plus_ = magic == 0x20B;
    check_symbols();
    check_sections(opt_ + opt_size);
    check_directories(opt_size);
    return {std::move(b_), std::move(diags_)};
  }

 private:
  std::uint64_t size() const { return b_.size(); }
  std::uint16_t u16(std::uint64_t at) const { return load_le16({b_.data(), b_.size()}, at).value_or(0); }
  std::uint32_t u32(std::uint64_t at) const { return load_le32({b_.data(), b_.size()}, at).value_or(0); }
  void put16(std::uint64_t at, std::uint16_t v) {
    if (at + 2 <= size()) std::memcpy(b_.data() + at, &v, 2);  // x86-64 hosts only (DESIGN.md 2): little-endian
  }
  void put32(std::uint64_t at, std::uint32_t v) {
    if (at + 4 <= size()) std::memcpy(b_.data() + at, &v, 4);
  }
  void cut(const std::string& what, std::uint64_t at) {
    diags_.push_back({Severity::kWarning, DiagCode::kPeParse, what + "; cut before parsing", "pe", at});
  }

  // The file offset of [rva, rva + len) when it lies in one section's raw data.
  std::optional<std::uint64_t> offset_of(std::uint64_t rva, std::uint64_t len) const {
    for (const Section& s : sections_) {
      const std::uint64_t span = std::max(s.vsize, s.raw_size);
      if (rva < s.va || rva - s.va >= span) continue;
      const std::uint64_t within = rva - s.va;
      if (within + len > s.raw_size) return std::nullopt;  // past the section's file bytes
      const std::uint64_t off = std::uint64_t{s.raw_ptr} + within;
      if (off + len > size()) return std::nullopt;
      return off;
    }
    // Headers are mapped at RVA 0 up to the first section.
    if (rva + len <= size() && (sections_.empty() || rva + len <= sections_.front().va)) return rva;
    return std::nullopt;
  }

  void check_symbols() {
    const std::uint32_t ptr = u32(coff_ + 8), count = u32(coff_ + 12);
    if (ptr == 0 && count == 0) return;
    const std::uint64_t end = std::uint64_t{ptr} + std::uint64_t{count} * 18;
    bool ok = ptr != 0 && end + 4 <= size();
    if (ok) {
      const std::uint32_t strings = u32(end);
      ok = strings >= 4 && end + strings <= size();
    }
    if (!ok) {
      cut("COFF symbol table (" + std::to_string(count) + " symbols at " + hex_u64(ptr) + ") or its string table passes the file's end", coff_ + 8);
      put32(coff_ + 8, 0);
      put32(coff_ + 12, 0);
    }
  }

  void check_sections(std::uint64_t table) {
    std::uint32_t n = u16(coff_ + 2);
    const std::uint64_t fit = table <= size() ? (size() - table) / 40 : 0;
    if (n > kMaxSections || n > fit) {
      const std::uint32_t keep = static_cast<std::uint32_t>(std::min<std::uint64_t>({n, kMaxSections, fit}));
      cut("section table of " + std::to_string(n) + " entries; " + std::to_string(keep) + " fit", coff_ + 2);
      n = keep;
      put16(coff_ + 2, static_cast<std::uint16_t>(n));
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint64_t e = table + std::uint64_t{i} * 40;
      Section s{u32(e + 12), u32(e + 8), u32(e + 16), u32(e + 20)};
      const std::string name = "section " + std::to_string(i);
      if (s.raw_size != 0 && s.raw_ptr >= size()) {
        cut(name + " raw data at " + hex_u64(s.raw_ptr) + ", past the file's end", e + 20);
        s.raw_size = s.raw_ptr = 0;
      } else if (std::uint64_t{s.raw_ptr} + s.raw_size > size()) {
        cut(name + " raw data of " + std::to_string(s.raw_size) + " bytes passes the file's end", e + 16);
        s.raw_size = static_cast<std::uint32_t>(size() - s.raw_ptr);
      }
      if (s.vsize > (1U << 30)) {  // LIEF pads a section's content to its virtual size
        cut(name + " virtual size " + std::to_string(s.vsize) + " over 1 GiB", e + 8);
        s.vsize = s.raw_size;
      }
      put32(e + 8, s.vsize);
      put32(e + 16, s.raw_size);
      put32(e + 20, s.raw_ptr);
      sections_.push_back(s);
    }
    std::sort(sections_.begin(), sections_.end(), [](const Section& a, const Section& b) { return a.va < b.va; });
  }

  void check_directories(std::uint16_t opt_size) {
    const std::uint64_t count_at = opt_ + (pe32plus_ ? 108 : 92), dirs = count_at + 4;
    std::uint32_t count = u32(count_at);
    const std::uint64_t fit = opt_ + opt_size > dirs ? (opt_ + opt_size - dirs) / 8 : 0;
    if (count > kMaxDirectories || count > fit) {
      const std::uint32_t keep = static_cast<std::uint32_t>(std::min<std::uint64_t>({count, kMaxDirectories, fit}));
      cut("optional header declares " + std::to_string(count) + " data directories; " + std::to_string(keep) + " fit", count_at);
      count = keep;
      put32(count_at, count);
    }
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint64_t at = dirs + std::uint64_t{i} * 8;
      const std::uint32_t rva = u32(at), len = u32(at + 4);
      if (rva == 0 && len == 0) continue;
      const std::string name = std::string(kDirectoryNames[i]) + " directory";
      auto drop = [&](const std::string& why) {
        cut(name + ": " + why, at);
        put32(at, 0);
        put32(at + 4, 0);
      };
      if (i == 4) {  // the certificate table holds a file offset, not an RVA
        if (std::uint64_t{rva} + len > size()) drop("passes the file's end");
        continue;
      }
      auto off = offset_of(rva, len);
      if (!off) {
        drop("RVA " + hex_u64(rva) + " + " + std::to_string(len) + " bytes does not lie in the file");
        continue;
      }
      std::string why;
      switch (i) {
        case 0: why = check_exports(*off, len); break;
        case 1: why = check_imports(*off); break;
        case 2: why = check_resources(*off, len); break;
        case 5: {
          const std::uint32_t keep = check_relocations(*off, len);
          if (keep != len) {
            cut(name + ": a block of impossible size at " + hex_u64(*off + keep) + "; the table ends there", at + 4);
            put32(at + 4, keep);
          }
          break;
        }
        case 6: why = check_debug(*off, len); break;
        case 13: why = len < 32 ? "" : check_delay_imports(*off); break;
        default: break;
      }
      if (!why.empty()) drop(why);
    }
  }

  std::string check_exports(std::uint64_t off, std::uint32_t len) {
    if (len < 40) return "shorter than its 40-byte header";
    const std::uint32_t functions = u32(off + 20), names = u32(off + 24);
    if (functions > kMaxExports || names > kMaxExports) return std::to_string(functions) + " functions, " + std::to_string(names) + " names";
    if (functions != 0 && !offset_of(u32(off + 28), std::uint64_t{functions} * 4)) return "the address table does not lie in the file";
    if (names != 0 && !offset_of(u32(off + 32), std::uint64_t{names} * 4)) return "the name table does not lie in the file";
    if (names != 0 && !offset_of(u32(off + 36), std::uint64_t{names} * 2)) return "the ordinal table does not lie in the file";
    if (u32(off + 12) != 0 && !offset_of(u32(off + 12), 1)) return "the DLL name does not lie in the file";
    return "";
  }

  // A zero-ended array of thunks (4 or 8 bytes) that must end inside the file.
  bool thunks_end(std::uint32_t rva) {
    const std::uint64_t w = pe32plus_ ? 8 : 4;
    auto off = offset_of(rva, w);
    if (!off) return false;
    for (std::uint32_t k = 0; k < kMaxThunks; ++k) {
      if (thunks_left_ == 0) return false;
      --thunks_left_;
      const std::uint64_t at = *off + k * w;
      if (at + w > size()) return false;
      const std::uint64_t v = pe32plus_ ? (std::uint64_t{u32(at + 4)} << 32 | u32(at)) : u32(at);
      if (v == 0) return true;
      const bool ordinal = pe32plus_ ? (v >> 63) != 0 : (v >> 31) != 0;
      if (!ordinal && !offset_of(v & 0x7FFFFFFFU, 2)) return false;  // hint/name entry
    }
    return false;
  }

  std::string check_imports(std::uint64_t off) {
    for (std::uint32_t d = 0;; ++d) {
      if (d >= kMaxImportDescriptors) return "more than " + std::to_string(kMaxImportDescriptors) + " descriptors";
      const std::uint64_t e = off + std::uint64_t{d} * 20;
      if (e + 20 > size()) return "the descriptor table has no zero end";
      const std::uint32_t lookup = u32(e), name = u32(e + 12), iat = u32(e + 16);
      if (lookup == 0 && name == 0 && iat == 0) return "";
      if (!offset_of(name, 1)) return "descriptor " + std::to_string(d) + "'s DLL name does not lie in the file";
      if (lookup != 0 && !thunks_end(lookup)) return "descriptor " + std::to_string(d) + "'s lookup table leaves the file";
      if (iat != 0 && !thunks_end(iat)) return "descriptor " + std::to_string(d) + "'s address table leaves the file";
    }
  }

  std::string check_delay_imports(std::uint64_t off) {
    for (std::uint32_t d = 0;; ++d) {
      if (d >= kMaxImportDescriptors) return "more than " + std::to_string(kMaxImportDescriptors) + " descriptors";
      const std::uint64_t e = off + std::uint64_t{d} * 32;
      if (e + 32 > size()) return "the descriptor table has no zero end";
      const std::uint32_t name = u32(e + 4), iat = u32(e + 12), names = u32(e + 16);
      if (name == 0 && iat == 0 && names == 0) return "";
      if (!offset_of(name, 1)) return "descriptor " + std::to_string(d) + "'s DLL name does not lie in the file";
      if (names != 0 && !thunks_end(names)) return "descriptor " + std::to_string(d) + "'s name table leaves the file";
    }
  }

  std::string check_resources(std::uint64_t base, std::uint32_t len) {
    std::set<std::uint64_t> seen;
    std::uint32_t entries = 0;
    std::string why;
    walk_resources(base, len, 0, 0, seen, entries, why);
    return why;
  }

  // One resource directory at `rel` (from the resource section's start); false with `why` set
  // when the tree loops, leaves its directory, or holds too many entries.
  bool walk_resources(std::uint64_t base, std::uint32_t len, std::uint32_t rel, int depth, std::set<std::uint64_t>& seen,
                      std::uint32_t& entries, std::string& why) {
    if (depth > kMaxResourceDepth) return (why = "more than " + std::to_string(kMaxResourceDepth) + " levels"), false;
    if (!seen.insert(rel).second) return (why = "a directory at " + hex_u64(rel) + " is reached twice (a loop)"), false;
    if (std::uint64_t{rel} + 16 > len) return (why = "a directory at " + hex_u64(rel) + " leaves the table"), false;
    const std::uint32_t n = std::uint32_t{u16(base + rel + 12)} + u16(base + rel + 14);
    if (std::uint64_t{rel} + 16 + std::uint64_t{n} * 8 > len) return (why = "the entries at " + hex_u64(rel) + " leave the table"), false;
    for (std::uint32_t k = 0; k < n; ++k) {
      if (++entries > kMaxResourceEntries) return (why = "more than " + std::to_string(kMaxResourceEntries) + " entries"), false;
      const std::uint64_t e = base + rel + 16 + std::uint64_t{k} * 8;
      const std::uint32_t name = u32(e), target = u32(e + 4);
      if ((name & 0x80000000U) != 0) {  // a counted UTF-16 name
        const std::uint32_t at = name & 0x7FFFFFFFU;
        if (std::uint64_t{at} + 2 > len || std::uint64_t{at} + 2 + std::uint64_t{u16(base + at)} * 2 > len) {
          return (why = "a name at " + hex_u64(at) + " leaves the table"), false;
        }
      }
      const std::uint32_t to = target & 0x7FFFFFFFU;
      if ((target & 0x80000000U) != 0) {
        if (!walk_resources(base, len, to, depth + 1, seen, entries, why)) return false;
      } else {
        if (std::uint64_t{to} + 16 > len) return (why = "a data entry at " + hex_u64(to) + " leaves the table"), false;
        const std::uint32_t data_rva = u32(base + to), data_len = u32(base + to + 4);
        if (data_len != 0 && !offset_of(data_rva, data_len)) {
          return (why = "resource data at RVA " + hex_u64(data_rva) + " (" + std::to_string(data_len) + " bytes) does not lie in the file"), false;
        }
      }
    }
    return true;
  }

  // The length of the valid prefix of the block list.
  std::uint32_t check_relocations(std::uint64_t off, std::uint32_t len) const {
    std::uint32_t pos = 0;
    while (pos + 8 <= len) {
      const std::uint32_t block = u32(off + pos + 4);
      if (block < 8 || block > len - pos || (block & 1U) != 0) return pos;
      pos += block;
    }
    return pos == len ? len : pos;
  }

  std::string check_debug(std::uint64_t off, std::uint32_t len) const {
    const std::uint32_t n = len / 28;
    if (n > kMaxDebugEntries) return std::to_string(n) + " entries";
    for (std::uint32_t k = 0; k < n; ++k) {
      const std::uint64_t e = off + std::uint64_t{k} * 28;
      const std::uint32_t data_len = u32(e + 16), ptr = u32(e + 24);
      if (data_len != 0 && std::uint64_t{ptr} + data_len > size()) return "entry " + std::to_string(k) + "'s data passes the file's end";
      if (u32(e + 12) == 2 && data_len != 0 && data_len < 24) return "entry " + std::to_string(k) + "'s CodeView record is too short";
    }
    return "";
  }

  std::vector<std::uint8_t> b_;
  std::vector<Diagnostic> diags_;
  std::vector<Section> sections_;
  std::uint64_t coff_ = 0, opt_ = 0;
  std::uint32_t thunks_left_ = kMaxThunksTotal;
  bool pe32plus_ = false;
};

}  // namespace

bool looks_like_pe(ByteView bytes) {
  if (bytes.size() < 0x40 || bytes[0] != 'M' || bytes[1] != 'Z') return false;
  const auto lfanew = load_le32(bytes, 0x3C);
  if (!lfanew || *lfanew < 0x40 || std::uint64_t{*lfanew} + 24 + 2 > bytes.size()) return false;
  if (std::memcmp(bytes.data() + *lfanew, "PE\0\0", 4) != 0) return false;
  const std::uint64_t coff = std::uint64_t{*lfanew} + 4;
  const auto opt_size = load_le16(bytes, coff + 16), magic = load_le16(bytes, coff + 20), sections = load_le16(bytes, coff + 2);
  if (!opt_size || !magic || !sections || (*magic != 0x10B && *magic != 0x20B)) return false;
  if (*opt_size < (*magic == 0x20B ? 112 : 96)) return false;  // up to the directory count
  return coff + 20 + *opt_size + std::uint64_t{*sections} * 40 <= bytes.size();
}

CheckedPe check_pe(ByteView bytes) {
  if (!looks_like_pe(bytes)) return {{bytes.begin(), bytes.end()}, {}};
  return Checker(bytes).run();
}

}  // namespace fwscan::pe
