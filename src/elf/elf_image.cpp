#include "elf/elf_image.hpp"

#include "core/checked_math.hpp"
#include "core/reader.hpp"

namespace fwscan::elf {

std::string_view arch_name(Arch a) {
  switch (a) {
    case Arch::kArm: return "arm";
    case Arch::kAarch64: return "aarch64";
    case Arch::kMips: return "mips";
    case Arch::kX86: return "x86";
    case Arch::kX86_64: return "x86-64";
    case Arch::kPpc: return "powerpc";
    case Arch::kPpc64: return "powerpc64";
    case Arch::kUnknown: break;
  }
  return "unknown";
}

std::string_view function_source_name(FunctionSource s) {
  switch (s) {
    case FunctionSource::kSymbol: return "symbol";
    case FunctionSource::kDynamicSymbol: return "dynamic_symbol";
    case FunctionSource::kEhFrame: return "eh_frame";
    case FunctionSource::kCallTarget: return "call_target";
    case FunctionSource::kPrologue: return "prologue";
    case FunctionSource::kEntry: return "entry_point";
    case FunctionSource::kExport: return "export";
    case FunctionSource::kPdata: return "pdata";
  }
  return "symbol";
}

std::optional<std::uint64_t> ElfImage::offset_to_va(std::uint64_t offset) const {
  for (const auto& s : segments) {
    if (offset >= s.offset && offset - s.offset < s.filesz) return s.vaddr + (offset - s.offset);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> ElfImage::va_to_offset(std::uint64_t va) const {
  for (const auto& s : segments) {
    if (va >= s.vaddr && va - s.vaddr < s.filesz) return s.offset + (va - s.vaddr);
  }
  return std::nullopt;
}

const SectionInfo* ElfImage::section_at(std::uint64_t va) const {
  for (const auto& s : sections) {
    if (s.alloc && va >= s.addr && va - s.addr < s.size) return &s;
  }
  return nullptr;
}

const LoadSegment* ElfImage::segment_at(std::uint64_t va) const {
  for (const auto& s : segments) {
    if (va >= s.vaddr && va - s.vaddr < s.memsz) return &s;
  }
  return nullptr;
}

std::optional<std::uint64_t> ElfImage::read_word(ByteView bytes, std::uint64_t va, int size) const {
  auto off = va_to_offset(va);
  if (!off) return std::nullopt;
  const Endian e = big_endian ? Endian::kBig : Endian::kLittle;
  if (size == 8) return load_u64(bytes, *off, e);
  auto v = load_u32(bytes, *off, e);
  if (!v) return std::nullopt;
  return *v;
}

std::uint64_t shortest_instruction(ByteView b) {
  const auto data = load_u8(b, 5);
  if (!data) return 1;
  const auto machine = load_u16(b, 18, *data == 2 ? Endian::kBig : Endian::kLittle);
  if (!machine) return 1;
  switch (*machine) {
    case 40:   // EM_ARM
    case 8:    // EM_MIPS
    case 10:   // EM_MIPS_RS3_LE
      return 2;
    case 183:  // EM_AARCH64
    case 20:   // EM_PPC
    case 21:   // EM_PPC64
      return 4;
    default:
      return 1;
  }
}

bool looks_like_elf(ByteView b) {
  if (!has_bytes_at(b, 0, "\x7f" "ELF")) return false;
  auto cls = load_u8(b, 4);
  auto data = load_u8(b, 5);
  if (!cls || !data || (*cls != 1 && *cls != 2) || (*data != 1 && *data != 2)) return false;
  const Endian e = *data == 1 ? Endian::kLittle : Endian::kBig;
  const bool is64 = *cls == 2;
  auto phoff = is64 ? load_u64(b, 0x20, e) : std::optional<std::uint64_t>(load_u32(b, 0x1C, e).value_or(0));
  auto phentsize = load_u16(b, is64 ? 0x36 : 0x2A, e);
  auto phnum = load_u16(b, is64 ? 0x38 : 0x2C, e);
  if (!phoff || !phentsize || !phnum) return false;
  if (*phnum == 0) return true;  // relocatable objects have no program headers
  if (*phentsize < (is64 ? 56 : 32)) return false;
  auto table = checked_mul(*phentsize, *phnum);
  return table && range_fits(*phoff, *table, b.size());
}

}  // namespace fwscan::elf
