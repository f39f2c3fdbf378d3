#pragma once
// fwscan's own ELF model. LIEF fills it (lief_adapter.cpp, the only file that includes LIEF);
// no LIEF type appears here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/blob.hpp"
#include "core/diagnostic.hpp"
#include "core/result.hpp"

namespace fwscan::elf {

enum class Arch : std::uint8_t { kUnknown, kArm, kAarch64, kMips, kX86, kX86_64, kPpc, kPpc64 };
std::string_view arch_name(Arch a);

struct LoadSegment {
  std::uint64_t vaddr = 0, offset = 0, filesz = 0, memsz = 0;
  bool exec = false, write = false;
};

struct SectionInfo {
  std::string name;
  std::uint64_t addr = 0, offset = 0, size = 0;
  bool exec = false, alloc = false, nobits = false;
};

enum class FunctionSource : std::uint8_t { kSymbol, kDynamicSymbol, kEhFrame, kCallTarget, kPrologue, kEntry, kExport, kPdata };
std::string_view function_source_name(FunctionSource s);

struct FunctionSymbol {
  std::uint64_t addr = 0;   // without the Thumb bit
  std::uint64_t size = 0;   // 0 when unknown
  std::string name;         // "" when none: reported as sub_<addr>
  FunctionSource source = FunctionSource::kSymbol;
  bool thumb = false;
  bool exported = false;
};

struct MappingSymbol {     // ARM $a / $t / $d
  std::uint64_t addr = 0;
  char kind = 'a';
};

struct DataObject {       // STT_OBJECT symbols: tables, arrays, structs
  std::uint64_t addr = 0, size = 0;
  std::string name;
};

struct Relocation {        // dynamic relocations that store an absolute address in a slot
  std::uint64_t slot = 0;
  std::uint64_t value = 0;  // resolved target (addend for RELATIVE, symbol value otherwise)
};

// The file format an image was read from. ElfImage is fwscan's program-image model: the ELF
// adapter fills it, and so does the PE adapter (pe/pe_image.hpp), which maps each PE section to
// a segment (its VA = image base + RVA) so that the sweep and the evidence read both alike.
enum class ImageFormat : std::uint8_t { kElf, kPe };

struct ElfImage {
  ImageFormat format = ImageFormat::kElf;
  std::uint64_t image_base = 0;         // PE: OptionalHeader.ImageBase; ELF: 0
  Arch arch = Arch::kUnknown;
  bool big_endian = false;
  int bits = 32;
  std::uint64_t entry = 0;
  bool pie = false;
  bool stripped = true;                 // no .symtab
  std::string interpreter, build_id;
  std::vector<std::string> needed;      // DT_NEEDED
  std::vector<std::string> imports, exports;
  std::vector<LoadSegment> segments;
  std::vector<SectionInfo> sections;
  std::vector<FunctionSymbol> functions;  // sorted by addr, unique (symbols; refined by functions.cpp)
  std::vector<MappingSymbol> mapping;     // sorted
  std::vector<Relocation> relocations;    // sorted by slot
  std::vector<DataObject> objects;        // sorted by addr
  std::optional<std::uint64_t> got;       // DT_PLTGOT
  std::optional<std::uint64_t> mips_gp;   // _gp, or GOT + 0x7ff0
  std::vector<Diagnostic> diagnostics;

  std::optional<std::uint64_t> offset_to_va(std::uint64_t offset) const;  // via PT_LOAD
  std::optional<std::uint64_t> va_to_offset(std::uint64_t va) const;
  const SectionInfo* section_at(std::uint64_t va) const;
  const LoadSegment* segment_at(std::uint64_t va) const;
  // Reads a pointer-sized (or 4-byte) word at a VA from the file bytes.
  std::optional<std::uint64_t> read_word(ByteView bytes, std::uint64_t va, int size) const;
};

// Cheap structural check shared with carving: ELF magic, class, data, header and program
// header table inside the data.
bool looks_like_elf(ByteView bytes);

// The shortest instruction of the ELF's architecture, from its header's e_machine: 1 for x86 and
// unknown machines, 2 for ARM (Thumb) and MIPS (MIPS16, microMIPS), 4 for AArch64 and PowerPC.
// A sweep decodes at most size / shortest instructions: the run's instruction budget reserves that.
std::uint64_t shortest_instruction(ByteView bytes);

Result<ElfImage> load_elf(ByteView bytes);

}  // namespace fwscan::elf
