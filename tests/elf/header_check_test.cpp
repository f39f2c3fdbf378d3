// ELF headers that lie about the file (elf/header_check.hpp). Real binaries of the corpus are
// changed one field at a time, at places this test finds with its own reading of the ELF
// tables; each lie must give one diagnostic naming the table entry, the copy LIEF reads must be
// cut to the file, and the rest of the ELF must still be read.
#include <algorithm>
#include <filesystem>
#include <string>

#include "elf/elf_image.hpp"
#include "elf/header_check.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

// A reading of the ELF tables, written from the System V gABI, independent of fwscan's.
struct Elf {
  std::vector<std::uint8_t> b;
  bool is64 = false, big = false;
  std::uint64_t get(std::uint64_t off, unsigned width) const {
    REQUIRE(off + width <= b.size());
    std::uint64_t v = 0;
    for (unsigned i = 0; i < width; ++i) v = v << 8 | b[off + (big ? i : width - 1 - i)];
    return v;
  }
  void set(std::uint64_t off, unsigned width, std::uint64_t v) {
    for (unsigned i = 0; i < width; ++i) b[off + (big ? width - 1 - i : i)] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  unsigned word() const { return is64 ? 8 : 4; }
  std::uint64_t shoff() const { return get(is64 ? 0x28 : 0x20, word()); }
  std::uint64_t shnum() const { return get(is64 ? 0x3C : 0x30, 2); }
  std::uint64_t shdr(std::uint64_t i) const { return shoff() + i * (is64 ? 64 : 40); }
  std::uint64_t sh_type(std::uint64_t i) const { return get(shdr(i) + 4, 4); }
  std::uint64_t sh_offset_at(std::uint64_t i) const { return shdr(i) + (is64 ? 24 : 16); }
  std::uint64_t sh_size_at(std::uint64_t i) const { return shdr(i) + (is64 ? 32 : 20); }
  std::uint64_t sh_entsize_at(std::uint64_t i) const { return shdr(i) + (is64 ? 56 : 36); }
  std::uint64_t phoff() const { return get(is64 ? 0x20 : 0x1C, word()); }
  std::uint64_t phnum() const { return get(is64 ? 0x38 : 0x2C, 2); }
  std::uint64_t phdr(std::uint64_t i) const { return phoff() + i * (is64 ? 56 : 32); }
  std::uint64_t p_offset(std::uint64_t i) const { return get(phdr(i) + (is64 ? 8 : 4), word()); }
  std::uint64_t p_vaddr_at(std::uint64_t i) const { return phdr(i) + (is64 ? 16 : 8); }
  std::uint64_t p_filesz(std::uint64_t i) const { return get(phdr(i) + (is64 ? 32 : 16), word()); }
  std::uint64_t first_section(std::uint64_t type) const {
    for (std::uint64_t i = 0; i < shnum(); ++i) {
      if (sh_type(i) == type && get(sh_size_at(i), word()) > 0) return i;
    }
    FAIL("no section of type " << type);
    return 0;
  }
  std::vector<std::uint64_t> segments(std::uint32_t type) const {
    std::vector<std::uint64_t> out;
    for (std::uint64_t i = 0; i < phnum(); ++i) {
      if (get(phdr(i), 4) == type) out.push_back(i);
    }
    return out;
  }
  std::uint64_t va_to_offset(std::uint64_t va) const {
    for (std::uint64_t i : segments(1)) {
      const std::uint64_t v = get(p_vaddr_at(i), word());
      if (va >= v && va - v < p_filesz(i)) return p_offset(i) + (va - v);
    }
    FAIL("address " << va << " is in no PT_LOAD");
    return 0;
  }
};

Elf open_elf(const std::string& rel) {
  Elf e;
  e.b = read_file(corpus_dir() / "elf" / rel);
  e.is64 = e.b.at(4) == 2;
  e.big = e.b.at(5) == 2;
  return e;
}

elf::CheckedHeaders check(const Elf& e) { return elf::check_headers({e.b.data(), e.b.size()}); }

// The one diagnostic the lie gave, at the table entry the test changed.
const Diagnostic& only(const elf::CheckedHeaders& c, DiagCode code, std::uint64_t at, const std::string& words) {
  REQUIRE(c.diagnostics.size() == 1);
  const Diagnostic& d = c.diagnostics[0];
  CHECK(d.code == code);
  CHECK(d.offset == at);
  CHECK(d.handler == "elf");
  CHECK(d.message.find(words) != std::string::npos);
  return d;
}

const char* const kElves[] = {"aarch64/face_attr-O2-pic", "mips/face_attr-O0-pic-stripped"};  // 64-bit LE, 32-bit BE

}  // namespace

TEST_CASE("elf headers: the corpus's real binaries give no diagnostic and an unchanged copy", "[elf][hostile]") {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus_dir() / "elf")) {
    if (!entry.is_regular_file()) continue;
    const auto bytes = read_file(entry.path());
    if (!elf::looks_like_elf({bytes.data(), bytes.size()})) continue;
    INFO(entry.path().string());
    const auto c = elf::check_headers({bytes.data(), bytes.size()});
    CHECK(c.diagnostics.empty());
    CHECK(c.bytes == bytes);
    ++n;
  }
  CHECK(n >= 16);
}

TEST_CASE("elf headers: a section past the file's end is cut to the file, and LIEF reads the rest", "[elf][hostile]") {
  for (const char* rel : kElves) {
    INFO(rel);
    Elf e = open_elf(rel);
    const std::uint64_t i = e.first_section(1);  // SHT_PROGBITS
    // Far past the end: read as empty, at the end of the file.
    e.set(e.sh_offset_at(i), e.word(), 0x30000000);
    e.set(e.sh_size_at(i), e.word(), 90ULL << 20);
    auto c = check(e);
    only(c, DiagCode::kTruncated, e.shdr(i), "section " + std::to_string(i) + " claims file bytes");
    Elf cut = e;
    cut.b = c.bytes;
    CHECK(cut.get(cut.sh_size_at(i), cut.word()) == 0);
    CHECK(cut.get(cut.sh_offset_at(i), cut.word()) == e.b.size());
    // Starting inside, ending past the end: cut at the end.
    e.set(e.sh_offset_at(i), e.word(), e.b.size() - 100);
    c = check(e);
    only(c, DiagCode::kTruncated, e.shdr(i), "cut to the 0x64 bytes the file holds");
    cut.b = c.bytes;
    CHECK(cut.get(cut.sh_size_at(i), cut.word()) == 100);
    // The ELF is still read, with the diagnostic.
    auto img = elf::load_elf({e.b.data(), e.b.size()});
    REQUIRE(img);
    CHECK_FALSE(img->segments.empty());
    CHECK(std::any_of(img->diagnostics.begin(), img->diagnostics.end(), [](const Diagnostic& d) { return d.code == DiagCode::kTruncated; }));
  }
}

TEST_CASE("elf headers: a section table that does not fit is dropped, the segments are still read", "[elf][hostile]") {
  for (const char* rel : kElves) {
    INFO(rel);
    Elf e = open_elf(rel);
    e.set(e.is64 ? 0x3C : 0x30, 2, 65535);  // e_shnum
    const auto c = check(e);
    only(c, DiagCode::kMalformed, e.is64 ? 0x28 : 0x20, "65535 entries");
    Elf cut = e;
    cut.b = c.bytes;
    CHECK(cut.shnum() == 0);
    auto img = elf::load_elf({e.b.data(), e.b.size()});
    REQUIRE(img);
    CHECK(img->sections.empty());
    CHECK(img->segments.size() == e.segments(1).size());
  }
}

// Found by fuzz_rules: LIEF reads program headers of the standard size whatever e_phentsize says,
// so a table of larger entries was read where this check had cut nothing (a 6 KiB ELF took 800 MiB).
TEST_CASE("elf headers: a program header table of the wrong entry size is dropped, the sections are still read", "[elf][hostile]") {
  for (const char* rel : kElves) {
    INFO(rel);
    Elf e = open_elf(rel);
    const std::uint64_t standard = e.is64 ? 56 : 32;
    e.set(e.is64 ? 0x36 : 0x2A, 2, standard + 20);  // e_phentsize
    const auto c = check(e);
    only(c, DiagCode::kMalformed, e.is64 ? 0x36 : 0x2A, "entries of " + std::to_string(standard + 20) + " bytes, not " + std::to_string(standard));
    Elf cut = e;
    cut.b = c.bytes;
    CHECK(cut.get(e.is64 ? 0x38 : 0x2C, 2) == 0);  // e_phnum
    auto img = elf::load_elf({e.b.data(), e.b.size()});
    REQUIRE(img);
    CHECK(img->segments.empty());
    CHECK_FALSE(img->sections.empty());
  }
}

TEST_CASE("elf headers: a string table without its NUL is ended, a symbol entry size is the standard one", "[elf][hostile]") {
  for (const char* rel : kElves) {
    INFO(rel);
    Elf e = open_elf(rel);
    const std::uint64_t s = e.first_section(3);  // SHT_STRTAB
    const std::uint64_t last = e.get(e.sh_offset_at(s), e.word()) + e.get(e.sh_size_at(s), e.word()) - 1;
    REQUIRE(e.b[last] == 0);
    e.b[last] = 'A';
    auto c = check(e);
    only(c, DiagCode::kMalformed, e.shdr(s), "does not end with a NUL");
    CHECK(c.bytes[last] == 0);
    e.b[last] = 0;

    const std::uint64_t y = e.first_section(11);  // SHT_DYNSYM
    e.set(e.sh_entsize_at(y), e.word(), 0);
    c = check(e);
    only(c, DiagCode::kMalformed, e.shdr(y), "declares entries of 0 bytes");
    Elf cut = e;
    cut.b = c.bytes;
    CHECK(cut.get(cut.sh_entsize_at(y), cut.word()) == (e.is64 ? 24U : 16U));
  }
}

TEST_CASE("elf headers: two loaded segments mapping one address are reported as ambiguous", "[elf][hostile]") {
  for (const char* rel : kElves) {
    INFO(rel);
    Elf e = open_elf(rel);
    const auto loads = e.segments(1);
    REQUIRE(loads.size() >= 2);
    e.set(e.p_vaddr_at(loads[1]), e.word(), e.get(e.p_vaddr_at(loads[0]), e.word()));
    const auto c = check(e);
    only(c, DiagCode::kOverlap, e.phdr(loads[1]),
         "program headers " + std::to_string(loads[0]) + " and " + std::to_string(loads[1]) + " (PT_LOAD) both map");
  }
}

TEST_CASE("elf headers: a hash table claiming 10 M dynamic symbols is cut to what the file holds", "[elf][hostile]") {
  for (const char* rel : kElves) {
    INFO(rel);
    Elf e = open_elf(rel);
    // The corpus links without DT_HASH: its DT_DEBUG entry becomes one, pointing at the code of
    // DT_INIT, where the table's two counts are written (1 bucket, 10 M chains).
    const auto dyn = e.segments(2);
    REQUIRE(dyn.size() == 1);
    const unsigned w = e.word();
    std::uint64_t debug = 0, init = 0;
    for (std::uint64_t at = e.p_offset(dyn[0]); at + 2 * w <= e.p_offset(dyn[0]) + e.p_filesz(dyn[0]); at += 2 * w) {
      if (e.get(at, w) == 0x15) debug = at;                 // DT_DEBUG
      if (e.get(at, w) == 0x0C) init = e.get(at + w, w);  // DT_INIT
    }
    REQUIRE(debug != 0);
    REQUIRE(init != 0);
    e.set(debug, w, 4);  // DT_HASH
    e.set(debug + w, w, init);
    const std::uint64_t table = e.va_to_offset(init);
    e.set(table, 4, 1);
    e.set(table + 4, 4, 10'000'000);
    const auto c = check(e);
    only(c, DiagCode::kMalformed, table + 4, "DT_HASH claims 10000000 dynamic symbols");
    Elf cut = e;
    cut.b = c.bytes;
    CHECK(cut.get(table + 4, 4) <= e.b.size() / 16);
    CHECK(cut.get(table + 4, 4) > 0);
    REQUIRE(elf::load_elf({e.b.data(), e.b.size()}));
  }
}

TEST_CASE("elf headers: a .bss past the file is cut in LIEF's copy only, the image keeps its size", "[elf][hostile]") {
  for (const char* rel : kElves) {
    INFO(rel);
    Elf e = open_elf(rel);
    const std::uint64_t b = e.first_section(8);  // SHT_NOBITS
    e.set(e.sh_size_at(b), e.word(), 0x7FFFFFF0);
    const auto c = check(e);
    CHECK(c.diagnostics.empty());  // a .bss claims no file bytes: no lie
    Elf cut = e;
    cut.b = c.bytes;
    CHECK(cut.get(cut.sh_offset_at(b), cut.word()) + cut.get(cut.sh_size_at(b), cut.word()) <= e.b.size());
    auto img = elf::load_elf({e.b.data(), e.b.size()});
    REQUIRE(img);
    REQUIRE(img->sections.size() > b);
    CHECK(img->sections[b].nobits);
    CHECK(img->sections[b].size == 0x7FFFFFF0);
  }
}
