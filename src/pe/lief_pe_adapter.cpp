// The only file that includes LIEF's PE headers. LIEF 0.9 throws from accessors, so every call
// is guarded; it reads a copy that pe_check.cpp has cut to the file.
#include <LIEF/PE.hpp>
#include <LIEF/logging.hpp>

#include <algorithm>
#include <exception>
#include <mutex>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "pe/pe_image.hpp"
#include "report/text_encoding.hpp"

namespace fwscan::pe {
namespace {

using elf::Arch;
using elf::FunctionSource;

template <class F>
void guarded(elf::ElfImage& img, const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    img.diagnostics.push_back({Severity::kWarning, DiagCode::kPeParse, std::string(what) + ": " + e.what(), "pe", std::nullopt});
  } catch (...) {
    img.diagnostics.push_back({Severity::kWarning, DiagCode::kPeParse, std::string(what) + ": unknown error", "pe", std::nullopt});
  }
}

Arch arch_of(std::uint16_t machine) {
  switch (machine) {
    case 0x014C: return Arch::kX86;      // IMAGE_FILE_MACHINE_I386
    case 0x8664: return Arch::kX86_64;   // AMD64
    case 0xAA64: return Arch::kAarch64;  // ARM64
    case 0x01C0: case 0x01C2: case 0x01C4: return Arch::kArm;  // ARM, THUMB, ARMNT
    default: return Arch::kUnknown;
  }
}

std::string subsystem_name(std::uint16_t s) {
  switch (s) {
    case 1: return "native";
    case 2: return "windows_gui";
    case 3: return "windows_cui";
    case 5: return "os2_cui";
    case 7: return "posix_cui";
    case 9: return "windows_ce_gui";
    case 10: return "efi_application";
    case 11: return "efi_boot_service_driver";
    case 12: return "efi_runtime_driver";
    case 13: return "efi_rom";
    case 14: return "xbox";
    case 16: return "windows_boot_application";
    default: return "unknown_" + std::to_string(s);
  }
}

// UTF-16 text from a resource, as UTF-8 (report/text_encoding: what does not decode is escaped).
std::string utf8(const std::u16string& s) {
  std::vector<std::uint8_t> le;
  le.reserve(s.size() * 2);
  for (char16_t c : s) {
    le.push_back(static_cast<std::uint8_t>(c & 0xFF));
    le.push_back(static_cast<std::uint8_t>(c >> 8));
  }
  return decode_text(Encoding::kUtf16le, {le.data(), le.size()}).text;
}

// The GUID as Windows prints it ({data1-data2-data3-data4}, the first three fields
// little-endian), without braces, then the age: the key a symbol server files the PDB under.
std::string pdb_id_of(const std::array<std::uint8_t, 16>& g, std::uint32_t age) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  auto byte = [&](std::uint8_t b) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  };
  for (int i : {3, 2, 1, 0}) byte(g[static_cast<std::size_t>(i)]);
  out += '-';
  for (int i : {5, 4}) byte(g[static_cast<std::size_t>(i)]);
  out += '-';
  for (int i : {7, 6}) byte(g[static_cast<std::size_t>(i)]);
  out += '-';
  for (int i : {8, 9}) byte(g[static_cast<std::size_t>(i)]);
  out += '-';
  for (int i = 10; i < 16; ++i) byte(g[static_cast<std::size_t>(i)]);
  return out + "-" + std::to_string(age);
}

// A data directory's (RVA or offset, size) read from the checked header, (0, 0) when absent.
std::pair<std::uint32_t, std::uint32_t> directory(ByteView b, std::uint32_t index) {
  const std::uint64_t opt = std::uint64_t{load_le32(b, 0x3C).value_or(0)} + 24;
  const bool plus = load_le16(b, opt).value_or(0) == 0x20B;
  const std::uint64_t count_at = opt + (plus ? 108 : 92);
  if (index >= load_le32(b, count_at).value_or(0)) return {0, 0};
  const std::uint64_t at = count_at + 4 + std::uint64_t{index} * 8;
  return {load_le32(b, at).value_or(0), load_le32(b, at + 4).value_or(0)};
}

}  // namespace

Result<LoadedPe> load_pe(ByteView bytes) {
  static std::once_flag quiet;
  std::call_once(quiet, [] { LIEF::Logger::disable(); });
  if (!looks_like_pe(bytes)) return make_error(Errc::kNotThisFormat, "not a well-formed PE header");
  CheckedPe checked = check_pe(bytes);
  const ByteView view{checked.bytes.data(), checked.bytes.size()};
  LoadedPe out;
  elf::ElfImage& img = out.image;
  PeFacts& facts = out.facts;
  img.format = elf::ImageFormat::kPe;
  img.diagnostics = std::move(checked.diagnostics);
  facts.signed_ = directory(view, 4).second != 0;
  facts.dotnet = directory(view, 14).second != 0;
  std::unique_ptr<LIEF::PE::Binary> bin;
  try {
    bin = LIEF::PE::Parser::parse(std::vector<std::uint8_t>(checked.bytes));
  } catch (const std::exception& e) {
    return make_error(Errc::kMalformed, std::string("LIEF: ") + e.what());
  } catch (...) {
    return make_error(Errc::kMalformed, "LIEF: parse failed");
  }
  if (!bin) return make_error(Errc::kMalformed, "LIEF could not parse the PE");
  guarded(img, "header", [&] {
    const auto& h = bin->header();
    const auto& o = bin->optional_header();
    img.bits = o.magic() == LIEF::PE::PE_TYPE::PE32_PLUS ? 64 : 32;
    img.arch = arch_of(static_cast<std::uint16_t>(h.machine()));
    img.image_base = o.imagebase();
    img.entry = o.addressof_entrypoint() != 0 ? img.image_base + o.addressof_entrypoint() : 0;
    const auto characteristics = static_cast<std::uint32_t>(h.characteristics());
    facts.type = (characteristics & 0x2000U) != 0 ? "dll" : "exe";  // IMAGE_FILE_DLL
    facts.subsystem = subsystem_name(static_cast<std::uint16_t>(o.subsystem()));
    facts.timestamp = h.time_date_stamp();
    img.pie = (o.dll_characteristics() & 0x40U) != 0;  // DYNAMIC_BASE: the loader may move it
  });
  guarded(img, "sections", [&] {
    for (const auto& s : bin->sections()) {
      const std::uint32_t c = s.characteristics();
      const std::uint64_t raw = s.sizeof_raw_data(), vsize = s.virtual_size();
      const std::uint64_t filesz = vsize != 0 ? std::min(raw, vsize) : raw;  // the rest of the raw data is file alignment
      const bool exec = (c & 0x20000000U) != 0 || (c & 0x20U) != 0;           // MEM_EXECUTE, CNT_CODE
      const bool write = (c & 0x80000000U) != 0;
      const std::uint64_t va = img.image_base + s.virtual_address();
      if (filesz != 0) img.segments.push_back({va, s.pointerto_raw_data(), filesz, std::max(vsize, raw), exec, write});
      const bool debug = (c & 0x02000000U) != 0 && s.name().rfind(".debug", 0) == 0;  // DISCARDABLE DWARF, not loaded
      img.sections.push_back({s.name(), va, s.pointerto_raw_data(), filesz, exec, !debug, filesz == 0});
    }
  });
  guarded(img, "exports", [&] {
    if (!bin->has_exports()) return;
    for (const auto& e : bin->get_export().entries()) {
      if (e.name().empty() || e.is_extern()) continue;  // forwarders name another DLL's function
      img.exports.push_back(e.name());
      elf::FunctionSymbol f;
      f.addr = img.image_base + e.address();
      f.name = e.name();
      f.source = FunctionSource::kExport;
      f.exported = true;
      img.functions.push_back(std::move(f));
    }
  });
  guarded(img, "imports", [&] {
    if (!bin->has_imports()) return;
    for (const auto& lib : bin->imports()) {
      img.needed.push_back(lib.name());
      for (const auto& e : lib.entries()) {
        if (!e.is_ordinal() && !e.name().empty()) img.imports.push_back(e.name());
      }
    }
  });
  guarded(img, "COFF symbols", [&] {
    // Section-relative values; complex type 2 (DTYPE_FUNCTION, in the type's high nibble) marks functions.
    std::vector<std::uint64_t> bases;
    for (const auto& s : bin->sections()) bases.push_back(img.image_base + s.virtual_address());
    for (const auto& s : bin->symbols()) {
      img.stripped = false;
      const int number = s.section_number();
      if (number <= 0 || static_cast<std::size_t>(number) > bases.size()) continue;
      if (((s.type() >> 4) & 0x3U) != 2 || s.name().empty()) continue;
      elf::FunctionSymbol f;
      f.addr = bases[static_cast<std::size_t>(number - 1)] + s.value();
      f.name = s.name();
      // i386 COFF decorates C names with a leading underscore (cdecl _f, stdcall _f@8); the
      // export table and the source spell them without it.
      if (img.arch == Arch::kX86 && f.name.size() > 1 && f.name[0] == '_') f.name.erase(0, 1);
      f.source = FunctionSource::kSymbol;
      f.exported = static_cast<std::uint32_t>(s.storage_class()) == 2;  // IMAGE_SYM_CLASS_EXTERNAL
      img.functions.push_back(std::move(f));
    }
  });
  guarded(img, "base relocations", [&] {
    if (!bin->has_relocations()) return;
    const int w = img.bits / 8;
    for (const auto& block : bin->relocations()) {
      for (const auto& r : block.entries()) {
        const auto type = static_cast<std::uint32_t>(r.type());
        if (type != 3 && type != 10) continue;  // HIGHLOW, DIR64: a slot holding an absolute address
        const std::uint64_t slot = img.image_base + block.virtual_address() + r.position();
        if (auto v = img.read_word(view, slot, w); v && *v != 0) img.relocations.push_back({slot, *v});
      }
    }
  });
  guarded(img, "debug", [&] {
    if (!bin->has_debug() || !bin->debug().has_code_view()) return;
    if (const auto* pdb = dynamic_cast<const LIEF::PE::CodeViewPDB*>(&bin->debug().code_view())) {
      facts.pdb_path = pdb->filename();
      facts.pdb_id = pdb_id_of(pdb->signature(), pdb->age());
    }
  });
  guarded(img, "version resource", [&] {
    if (!bin->has_resources()) return;
    const auto manager = bin->resources_manager();
    if (!manager.has_version()) return;
    const auto version = manager.version();
    if (!version.has_string_file_info()) return;
    for (const auto& table : version.string_file_info().langcode_items()) {
      for (const auto& [key, value] : table.items()) facts.version_info.emplace_back(utf8(key), utf8(value));
    }
  });
  std::sort(img.segments.begin(), img.segments.end(), [](const elf::LoadSegment& a, const elf::LoadSegment& b) { return a.vaddr < b.vaddr; });
  std::sort(img.functions.begin(), img.functions.end(), [](const elf::FunctionSymbol& a, const elf::FunctionSymbol& b) {
    if (a.addr != b.addr) return a.addr < b.addr;
    if (a.source != b.source) return a.source < b.source;  // COFF symbols before exports
    return a.name < b.name;
  });
  img.functions.erase(std::unique(img.functions.begin(), img.functions.end(),
                                  [](const elf::FunctionSymbol& a, const elf::FunctionSymbol& b) { return a.addr == b.addr; }),
                      img.functions.end());
  std::sort(img.relocations.begin(), img.relocations.end(), [](const elf::Relocation& a, const elf::Relocation& b) { return a.slot < b.slot; });
  std::sort(img.imports.begin(), img.imports.end());
  img.imports.erase(std::unique(img.imports.begin(), img.imports.end()), img.imports.end());
  std::sort(img.exports.begin(), img.exports.end());
  img.exports.erase(std::unique(img.exports.begin(), img.exports.end()), img.exports.end());
  return out;
}

}  // namespace fwscan::pe
