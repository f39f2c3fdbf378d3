#pragma once
// The ELF's own tables checked against the file before LIEF reads them. LIEF 0.9 believes what
// the headers claim: a section that claims 90 MiB past the end of a 40 KiB file becomes 90 MiB
// of zeros in memory, a string table without a NUL is read past its end, and two segments that
// map the same address make every address there ambiguous. check_headers reads the ELF header,
// the program headers, the section headers and the dynamic hash table with bounded reads, and
//   * reports every lie as a diagnostic that names the table entry;
//   * gives LIEF a copy of the bytes in which each lie is cut to what the file holds (a size
//     past the end is cut at the end, a table that does not fit is dropped, a string table is
//     ended with a NUL, a symbol entry size is the standard one, a hash table's chain count is
//     what the file can hold).
// The copy differs from the file only in those header fields; offsets stay the file's.
#include <cstdint>
#include <utility>
#include <vector>

#include "core/blob.hpp"
#include "core/diagnostic.hpp"

namespace fwscan::elf {

struct CheckedHeaders {
  std::vector<std::uint8_t> bytes;  // what LIEF parses
  std::vector<Diagnostic> diagnostics;
  // SHT_NOBITS sections (.bss) that the copy cuts (they claim no file bytes, but LIEF fills
  // memory for them): section index and the size the file declares, for the image.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> nobits_sizes;
};

// Precondition: looks_like_elf(bytes).
CheckedHeaders check_headers(ByteView bytes);

}  // namespace fwscan::elf
