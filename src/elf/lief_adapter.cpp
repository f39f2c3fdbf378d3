// The only file that includes LIEF. LIEF 0.9 throws from accessors, so every call is guarded;
// a malformed ELF becomes an error or a diagnostic, never a crash of the scan.
#include <LIEF/ELF.hpp>
#include <LIEF/logging.hpp>

#include <algorithm>
#include <exception>
#include <mutex>

#include "elf/elf_image.hpp"
#include "elf/header_check.hpp"

namespace fwscan::elf {
namespace {

Arch arch_of(LIEF::ELF::ARCH a, int bits) {
  using LIEF::ELF::ARCH;
  switch (a) {
    case ARCH::EM_ARM: return Arch::kArm;
    case ARCH::EM_AARCH64: return Arch::kAarch64;
    case ARCH::EM_MIPS: case ARCH::EM_MIPS_RS3_LE: return Arch::kMips;
    case ARCH::EM_386: return Arch::kX86;
    case ARCH::EM_X86_64: return Arch::kX86_64;
    case ARCH::EM_PPC: return Arch::kPpc;
    case ARCH::EM_PPC64: return bits == 64 ? Arch::kPpc64 : Arch::kPpc;
    default: return Arch::kUnknown;
  }
}

template <class F>
void guarded(ElfImage& img, const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    img.diagnostics.push_back({Severity::kWarning, DiagCode::kElfParse, std::string(what) + ": " + e.what(), "elf", std::nullopt});
  } catch (...) {
    img.diagnostics.push_back({Severity::kWarning, DiagCode::kElfParse, std::string(what) + ": unknown error", "elf", std::nullopt});
  }
}

}  // namespace

Result<ElfImage> load_elf(ByteView bytes) {
  static std::once_flag quiet;
  std::call_once(quiet, [] { LIEF::Logger::disable(); });
  if (!looks_like_elf(bytes)) return make_error(Errc::kNotThisFormat, "not a well-formed ELF header");
  // LIEF reads a copy in which every header that lies about the file is cut to it.
  CheckedHeaders checked = check_headers(bytes);
  std::unique_ptr<LIEF::ELF::Binary> bin;
  try {
    bin = LIEF::ELF::Parser::parse(std::move(checked.bytes));
  } catch (const std::exception& e) {
    return make_error(Errc::kMalformed, std::string("LIEF: ") + e.what());
  } catch (...) {
    return make_error(Errc::kMalformed, "LIEF: parse failed");
  }
  if (!bin) return make_error(Errc::kMalformed, "LIEF could not parse the ELF");
  ElfImage img;
  img.diagnostics = std::move(checked.diagnostics);
  guarded(img, "header", [&] {
    const auto& h = bin->header();
    img.bits = h.identity_class() == LIEF::ELF::ELF_CLASS::ELFCLASS64 ? 64 : 32;
    img.big_endian = h.identity_data() == LIEF::ELF::ELF_DATA::ELFDATA2MSB;
    img.arch = arch_of(h.machine_type(), img.bits);
    img.entry = h.entrypoint();
    img.pie = h.file_type() == LIEF::ELF::E_TYPE::ET_DYN;
  });
  guarded(img, "segments", [&] {
    for (const auto& s : bin->segments()) {
      if (s.type() != LIEF::ELF::SEGMENT_TYPES::PT_LOAD) continue;
      const auto flags = static_cast<std::uint32_t>(s.flags());
      img.segments.push_back({s.virtual_address(), s.file_offset(), s.physical_size(), s.virtual_size(),
                              (flags & 1U) != 0, (flags & 2U) != 0});
    }
  });
  guarded(img, "sections", [&] {
    std::uint64_t index = 0;
    auto nobits = checked.nobits_sizes.begin();  // in section order
    for (const auto& s : bin->sections()) {
      const std::uint64_t f = s.flags();
      std::uint64_t size = s.size();
      if (nobits != checked.nobits_sizes.end() && nobits->first == index) size = (nobits++)->second;
      ++index;
      img.sections.push_back({s.name(), s.virtual_address(), s.offset(), size, (f & 0x4U) != 0, (f & 0x2U) != 0,
                              s.type() == LIEF::ELF::ELF_SECTION_TYPES::SHT_NOBITS});
      if (s.name() == ".symtab") img.stripped = false;
    }
  });
  guarded(img, "interpreter", [&] {
    if (bin->has_interpreter()) img.interpreter = bin->interpreter();
  });
  guarded(img, "notes", [&] {
    // The GNU note of type 3. LIEF 0.9 names every type-3 note NT_GNU_BUILD_ID whatever its
    // owner, and SystemTap's probe notes (owner "stapsdt") are type 3 too.
    for (const auto& n : bin->notes()) {
      if (n.type() != LIEF::ELF::NOTE_TYPES::NT_GNU_BUILD_ID || n.name() != "GNU") continue;
      static constexpr char kHex[] = "0123456789abcdef";
      for (std::uint8_t b : n.description()) {
        img.build_id.push_back(kHex[b >> 4]);
        img.build_id.push_back(kHex[b & 15]);
      }
      break;
    }
  });
  guarded(img, "dynamic", [&] {
    for (const auto& d : bin->dynamic_entries()) {
      if (d.tag() == LIEF::ELF::DYNAMIC_TAGS::DT_PLTGOT) img.got = d.value();
      if (d.tag() == LIEF::ELF::DYNAMIC_TAGS::DT_NEEDED) {
        if (const auto* lib = dynamic_cast<const LIEF::ELF::DynamicEntryLibrary*>(&d)) img.needed.push_back(lib->name());
      }
    }
  });
  auto add_symbols = [&](auto symbols, FunctionSource source) {
    for (const auto& s : symbols) {
      const std::string& name = s.name();
      const std::uint64_t value = s.value();
      if (img.arch == Arch::kArm && name.size() >= 2 && name[0] == '$' && (name[1] == 'a' || name[1] == 't' || name[1] == 'd') &&
          (name.size() == 2 || name[2] == '.')) {
        img.mapping.push_back({value, name[1]});
        continue;
      }
      if (name == "_gp") img.mips_gp = value;
      if (s.type() == LIEF::ELF::ELF_SYMBOL_TYPES::STT_OBJECT && s.size() > 0 && s.shndx() != 0) {
        img.objects.push_back({value, s.size(), name});
      }
      if (s.type() != LIEF::ELF::ELF_SYMBOL_TYPES::STT_FUNC || value == 0 || s.shndx() == 0) continue;
      FunctionSymbol f;
      f.thumb = img.arch == Arch::kArm && (value & 1U) != 0;
      f.addr = img.arch == Arch::kArm ? (value & ~std::uint64_t{1}) : value;
      f.size = s.size();
      f.name = name;
      f.source = source;
      f.exported = s.binding() == LIEF::ELF::SYMBOL_BINDINGS::STB_GLOBAL || s.binding() == LIEF::ELF::SYMBOL_BINDINGS::STB_WEAK;
      img.functions.push_back(std::move(f));
    }
  };
  guarded(img, "static symbols", [&] { add_symbols(bin->static_symbols(), FunctionSource::kSymbol); });
  guarded(img, "dynamic symbols", [&] {
    add_symbols(bin->dynamic_symbols(), FunctionSource::kDynamicSymbol);
    for (const auto& s : bin->dynamic_symbols()) {
      if (s.is_imported() && !s.name().empty()) img.imports.push_back(s.name());
      if (s.is_exported() && !s.name().empty() && s.type() == LIEF::ELF::ELF_SYMBOL_TYPES::STT_FUNC) img.exports.push_back(s.name());
    }
  });
  guarded(img, "relocations", [&] {
    for (const auto& r : bin->dynamic_relocations()) {
      std::uint64_t value = static_cast<std::uint64_t>(r.addend());
      if (r.has_symbol()) value += r.symbol().value();
      if (value != 0) img.relocations.push_back({r.address(), value});
    }
  });
  std::sort(img.functions.begin(), img.functions.end(), [](const FunctionSymbol& a, const FunctionSymbol& b) {
    if (a.addr != b.addr) return a.addr < b.addr;
    if (a.source != b.source) return a.source < b.source;  // static symbols first
    return a.name < b.name;
  });
  img.functions.erase(std::unique(img.functions.begin(), img.functions.end(),
                                  [](const FunctionSymbol& a, const FunctionSymbol& b) { return a.addr == b.addr; }),
                      img.functions.end());
  std::sort(img.objects.begin(), img.objects.end(), [](const DataObject& a, const DataObject& b) { return a.addr < b.addr; });
  std::sort(img.mapping.begin(), img.mapping.end(), [](const MappingSymbol& a, const MappingSymbol& b) { return a.addr < b.addr; });
  std::sort(img.relocations.begin(), img.relocations.end(), [](const Relocation& a, const Relocation& b) { return a.slot < b.slot; });
  std::sort(img.imports.begin(), img.imports.end());
  img.imports.erase(std::unique(img.imports.begin(), img.imports.end()), img.imports.end());
  std::sort(img.exports.begin(), img.exports.end());
  img.exports.erase(std::unique(img.exports.begin(), img.exports.end()), img.exports.end());
  if (img.arch == Arch::kMips && !img.mips_gp && img.got) img.mips_gp = *img.got + 0x7FF0;
  return img;
}

}  // namespace fwscan::elf
