#include "elf/header_check.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "core/checked_math.hpp"
#include "core/hash.hpp"
#include "core/reader.hpp"

namespace fwscan::elf {
namespace {

constexpr std::uint32_t kPtLoad = 1, kPtDynamic = 2;
constexpr std::uint32_t kShtNull = 0, kShtSymtab = 2, kShtStrtab = 3, kShtRela = 4, kShtNobits = 8, kShtRel = 9,
                        kShtDynsym = 11;
constexpr std::uint64_t kDtNull = 0, kDtHash = 4, kDtStrtab = 5, kDtSymtab = 6, kDtStrsz = 10;
constexpr std::size_t kMaxDiagnostics = 32;  // per ELF; the rest are counted in one more

// Reads and patches the copy's header fields, in the ELF's byte order, bounded by its size.
class Fields {
 public:
  Fields(std::vector<std::uint8_t>& b, bool big) : b_(b), big_(big) {}
  std::optional<std::uint64_t> get(std::uint64_t off, unsigned width) const {
    const ByteView v{b_.data(), b_.size()};
    const Endian e = big_ ? Endian::kBig : Endian::kLittle;
    if (width == 2) return load_u16(v, off, e);
    if (width == 4) return load_u32(v, off, e);
    return load_u64(v, off, e);
  }
  void set(std::uint64_t off, unsigned width, std::uint64_t v) {
    if (!range_fits(off, width, b_.size())) return;
    for (unsigned i = 0; i < width; ++i) {
      b_[off + (big_ ? width - 1 - i : i)] = static_cast<std::uint8_t>(v & 0xFF);
      v >>= 8;
    }
  }
  std::uint64_t size() const { return b_.size(); }
  std::vector<std::uint8_t>& bytes() { return b_; }

 private:
  std::vector<std::uint8_t>& b_;
  bool big_;
};

// Where each field sits, for the ELF's class.
struct Layout {
  bool is64;
  unsigned word;  // 4 or 8: addresses, offsets, sizes
  std::uint64_t shoff, phentsize, phnum, shentsize, shnum, shstrndx, phoff;
  std::uint64_t ph_type, ph_offset, ph_vaddr, ph_filesz, ph_memsz;
  std::uint64_t sh_size_of, sh_type, sh_offset, sh_size, sh_link, sh_entsize;
  std::uint64_t sym_size;
};

Layout layout(bool is64) {
  if (is64) return {true, 8, 0x28, 0x36, 0x38, 0x3A, 0x3C, 0x3E, 0x20, 0, 8, 16, 32, 40, 64, 4, 24, 32, 40, 56, 24};
  return {false, 4, 0x20, 0x2A, 0x2C, 0x2E, 0x30, 0x32, 0x1C, 0, 4, 8, 16, 20, 40, 4, 16, 20, 24, 36, 16};
}

class Checker {
 public:
  Checker(ByteView in, CheckedHeaders& out, bool big, bool is64)
      : out_(out), f_(out.bytes, big), l_(layout(is64)), size_(in.size()) {}

  void run() {
    segments();
    sections();
    dynamic();
    if (dropped_ > 0) {
      out_.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed,
                                  std::to_string(dropped_) + " more header inconsistencies of this ELF are not listed", "elf",
                                  std::nullopt});
    }
  }

 private:
  void report(DiagCode code, std::string message, std::uint64_t at) {
    if (out_.diagnostics.size() >= kMaxDiagnostics) {
      ++dropped_;
      return;
    }
    out_.diagnostics.push_back({Severity::kWarning, code, std::move(message), "elf", at});
  }

  // A table entry's [offset, offset + size) must lie in the file; cut it to the file if not.
  // Returns false when it did not.
  bool cut_to_file(std::uint64_t entry, std::uint64_t offset_field, std::uint64_t size_field, const std::string& what) {
    const std::uint64_t offset = f_.get(entry + offset_field, l_.word).value_or(0);
    const std::uint64_t size = f_.get(entry + size_field, l_.word).value_or(0);
    if (range_fits(offset, size, size_)) return true;
    const std::uint64_t kept = offset < size_ ? size_ - offset : 0;
    report(DiagCode::kTruncated,
           what + " claims file bytes [" + hex_u64(offset) + ", +" + hex_u64(size) + ") but the file ends at " + hex_u64(size_) +
               (kept == 0 ? ": read as empty" : ": cut to the " + hex_u64(kept) + " bytes the file holds"),
           entry);
    if (offset >= size_) f_.set(entry + offset_field, l_.word, size_);
    f_.set(entry + size_field, l_.word, kept);
    return false;
  }

  void segments() {
    const std::uint64_t phoff = f_.get(l_.phoff, l_.word).value_or(0);
    const std::uint64_t phnum = f_.get(l_.phnum, 2).value_or(0);
    const std::uint64_t phentsize = f_.get(l_.phentsize, 2).value_or(0);
    // LIEF reads program headers of the standard size whatever e_phentsize says: with another
    // size it would read headers this check never saw (cut to nothing), and copy or reserve
    // whatever they claim (a 6 KiB ELF took 800 MiB). Such a table is dropped, as a section
    // table of the wrong entry size is.
    const std::uint64_t ph_size_of = l_.is64 ? 56 : 32;
    if (phnum != 0 && phentsize != ph_size_of) {
      report(DiagCode::kMalformed, "the program header table has entries of " + std::to_string(phentsize) + " bytes, not " +
                                       std::to_string(ph_size_of) + ": read without segments", l_.phentsize);
      f_.set(l_.phnum, 2, 0);
      return;
    }
    struct Load {
      std::uint64_t begin, end, index;
    };
    std::vector<Load> loads;
    for (std::uint64_t i = 0; i < phnum; ++i) {  // looks_like_elf: the table is in the file
      const std::uint64_t e = phoff + i * phentsize;
      const std::uint64_t type = f_.get(e + l_.ph_type, 4).value_or(0);
      const std::string what = "program header " + std::to_string(i) + (type == kPtLoad ? " (PT_LOAD)" : "");
      cut_to_file(e, l_.ph_offset, l_.ph_filesz, what);
      const std::uint64_t vaddr = f_.get(e + l_.ph_vaddr, l_.word).value_or(0);
      const std::uint64_t filesz = f_.get(e + l_.ph_filesz, l_.word).value_or(0);
      const std::uint64_t memsz = f_.get(e + l_.ph_memsz, l_.word).value_or(0);
      if (type == kPtDynamic) dynamic_ = e;
      if (type != kPtLoad) continue;
      load_headers_.push_back(e);
      if (filesz > memsz) report(DiagCode::kMalformed, what + " holds more file bytes than it maps (" + hex_u64(filesz) + " > " + hex_u64(memsz) + ")", e);
      const std::uint64_t span = std::max(filesz, memsz);
      if (span != 0) loads.push_back({vaddr, checked_add(vaddr, span).value_or(~std::uint64_t{0}), i});
    }
    // Two loaded segments that map the same address give it two file offsets: a match there has
    // two places in the code, and code evidence takes the first segment's.
    std::sort(loads.begin(), loads.end(), [](const Load& a, const Load& b) { return a.begin < b.begin || (a.begin == b.begin && a.index < b.index); });
    const Load* widest = nullptr;
    for (const Load& s : loads) {
      if (widest != nullptr && s.begin < widest->end) {
        report(DiagCode::kOverlap,
               "program headers " + std::to_string(widest->index) + " and " + std::to_string(s.index) + " (PT_LOAD) both map [" +
                   hex_u64(s.begin) + ", " + hex_u64(std::min(s.end, widest->end)) +
                   "): addresses there have two file offsets, and code evidence there takes the first segment's",
               phoff + s.index * phentsize);
      }
      if (widest == nullptr || s.end > widest->end) widest = &s;
    }
  }

  void drop_section_table(const std::string& why) {
    report(DiagCode::kMalformed, "the section header table " + why + ": read without sections", l_.shoff);
    f_.set(l_.shoff, l_.word, 0);
    f_.set(l_.shnum, 2, 0);
    f_.set(l_.shstrndx, 2, 0);
  }

  void sections() {
    const std::uint64_t shoff = f_.get(l_.shoff, l_.word).value_or(0);
    const std::uint64_t shnum = f_.get(l_.shnum, 2).value_or(0);
    const std::uint64_t shentsize = f_.get(l_.shentsize, 2).value_or(0);
    if (shnum == 0) return;
    if (shentsize != l_.sh_size_of) {
      drop_section_table("has entries of " + std::to_string(shentsize) + " bytes, not " + std::to_string(l_.sh_size_of));
      return;
    }
    if (!range_fits(shoff, shnum * shentsize, size_)) {
      drop_section_table("(" + std::to_string(shnum) + " entries at " + hex_u64(shoff) + ") does not fit in the file (" + hex_u64(size_) + " bytes)");
      return;
    }
    const std::uint64_t shstrndx = f_.get(l_.shstrndx, 2).value_or(0);
    if (shstrndx >= shnum && shstrndx != 0xFFFF) {
      report(DiagCode::kMalformed, "e_shstrndx names section " + std::to_string(shstrndx) + " of " + std::to_string(shnum) + ": sections read without names", l_.shstrndx);
      f_.set(l_.shstrndx, 2, 0);
    }
    for (std::uint64_t i = 0; i < shnum; ++i) {
      const std::uint64_t e = shoff + i * shentsize;
      const std::uint64_t type = f_.get(e + l_.sh_type, 4).value_or(0);
      const std::string what = "section " + std::to_string(i);
      if (type == kShtNull || type == kShtNobits) {
        // No file bytes, yet LIEF 0.9 fills its buffer up to offset + size for every section:
        // the copy holds no size past the file, and the image gets a .bss's size back.
        const std::uint64_t offset = f_.get(e + l_.sh_offset, l_.word).value_or(0);
        const std::uint64_t size = f_.get(e + l_.sh_size, l_.word).value_or(0);
        if (range_fits(offset, size, size_)) continue;
        if (type == kShtNobits) out_.nobits_sizes.emplace_back(i, size);
        f_.set(e + l_.sh_size, l_.word, offset < size_ ? size_ - offset : 0);
        continue;
      }
      cut_to_file(e, l_.sh_offset, l_.sh_size, what);
      const std::uint64_t offset = f_.get(e + l_.sh_offset, l_.word).value_or(0);
      const std::uint64_t size = f_.get(e + l_.sh_size, l_.word).value_or(0);
      if (type == kShtStrtab && size > 0 && f_.bytes()[offset + size - 1] != 0) {
        report(DiagCode::kMalformed, what + " (a string table) does not end with a NUL: its last string is cut there", e);
        f_.bytes()[offset + size - 1] = 0;
      }
      std::uint64_t entry = 0;
      if (type == kShtSymtab || type == kShtDynsym) entry = l_.sym_size;
      if (type == kShtRel) entry = 2 * l_.word;
      if (type == kShtRela) entry = 3 * l_.word;
      if (entry == 0) continue;
      const std::uint64_t entsize = f_.get(e + l_.sh_entsize, l_.word).value_or(0);
      if (entsize != entry) {
        report(DiagCode::kMalformed, what + " declares entries of " + std::to_string(entsize) + " bytes; read as the standard " + std::to_string(entry), e);
        f_.set(e + l_.sh_entsize, l_.word, entry);
      }
      const std::uint64_t link = f_.get(e + l_.sh_link, 4).value_or(0);
      if ((type == kShtSymtab || type == kShtDynsym) && link >= shnum) {
        report(DiagCode::kMalformed, what + " (a symbol table) links to section " + std::to_string(link) + " of " + std::to_string(shnum) + ": symbols without names", e);
      }
    }
  }

  // The file offset of a virtual address, through the first loaded segment that holds it.
  std::optional<std::uint64_t> offset_of(std::uint64_t va) const {
    for (std::uint64_t e : load_headers_) {
      const std::uint64_t vaddr = f_.get(e + l_.ph_vaddr, l_.word).value_or(0);
      const std::uint64_t offset = f_.get(e + l_.ph_offset, l_.word).value_or(0);
      const std::uint64_t filesz = f_.get(e + l_.ph_filesz, l_.word).value_or(0);
      if (va >= vaddr && va - vaddr < filesz) return offset + (va - vaddr);
    }
    return std::nullopt;
  }

  // The dynamic section's hash table and string table, against the file.
  void dynamic() {
    if (!dynamic_) return;
    const std::uint64_t offset = f_.get(*dynamic_ + l_.ph_offset, l_.word).value_or(0);
    const std::uint64_t filesz = f_.get(*dynamic_ + l_.ph_filesz, l_.word).value_or(0);
    const std::uint64_t entry = 2 * l_.word;
    std::optional<std::uint64_t> hash, symtab, strtab, strsz_at;
    for (std::uint64_t at = offset; at + entry <= offset + filesz; at += entry) {
      const std::uint64_t tag = f_.get(at, l_.word).value_or(kDtNull);
      const std::uint64_t value = f_.get(at + l_.word, l_.word).value_or(0);
      if (tag == kDtNull) break;
      if (tag == kDtHash) hash = value;
      if (tag == kDtSymtab) symtab = value;
      if (tag == kDtStrtab) strtab = value;
      if (tag == kDtStrsz) strsz_at = at + l_.word;
    }
    if (strtab && strsz_at) {
      const auto str_offset = offset_of(*strtab);
      const std::uint64_t strsz = f_.get(*strsz_at, l_.word).value_or(0);
      if (str_offset && !range_fits(*str_offset, strsz, size_)) {
        report(DiagCode::kTruncated, "DT_STRSZ claims " + hex_u64(strsz) + " bytes of dynamic strings at " + hex_u64(*str_offset) + " but the file ends at " + hex_u64(size_) + ": cut to the file", *strsz_at);
        f_.set(*strsz_at, l_.word, size_ - *str_offset);
      }
    }
    if (!hash) return;
    const auto hash_offset = offset_of(*hash);
    if (!hash_offset) return;
    const auto nbucket = f_.get(*hash_offset, 4);
    const auto nchain = f_.get(*hash_offset + 4, 4);
    if (!nbucket || !nchain) return;
    // The chain count is the dynamic symbol count: no more than the file holds after DT_SYMTAB,
    // nor than the file holds after the buckets.
    const std::uint64_t room = size_ - *hash_offset - 8;
    std::uint64_t most = room / 4;
    if (symtab) {
      const auto sym_offset = offset_of(*symtab);
      most = std::min(most, sym_offset ? (size_ - *sym_offset) / l_.sym_size : 0);
    }
    if (*nbucket > room / 4) {
      report(DiagCode::kMalformed, "DT_HASH claims " + std::to_string(*nbucket) + " buckets; the file holds " + std::to_string(room / 4) + ": cut", *hash_offset);
      f_.set(*hash_offset, 4, room / 4);
    }
    const std::uint64_t buckets = std::min<std::uint64_t>(*nbucket, room / 4);
    most = std::min(most, (room - 4 * buckets) / 4);
    if (*nchain > most) {
      report(DiagCode::kMalformed, "DT_HASH claims " + std::to_string(*nchain) + " dynamic symbols; the file holds at most " + std::to_string(most) + ": cut", *hash_offset + 4);
      f_.set(*hash_offset + 4, 4, most);
    }
  }

  CheckedHeaders& out_;
  Fields f_;
  Layout l_;
  std::uint64_t size_;
  std::vector<std::uint64_t> load_headers_;  // file offsets of the PT_LOAD headers, in table order
  std::optional<std::uint64_t> dynamic_;    // file offset of the PT_DYNAMIC header
  std::size_t dropped_ = 0;
};

}  // namespace

CheckedHeaders check_headers(ByteView bytes) {
  CheckedHeaders out;
  out.bytes.assign(bytes.begin(), bytes.end());
  const bool is64 = bytes.size() > 4 && bytes[4] == 2;
  if (bytes.size() < (is64 ? 0x40U : 0x34U)) return out;
  Checker(bytes, out, bytes[5] == 2, is64).run();
  return out;
}

}  // namespace fwscan::elf
