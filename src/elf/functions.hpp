#pragma once
// Function boundaries: symbols where they exist; otherwise (and in addition) .eh_frame FDEs and
// ARM .ARM.exidx entries, call targets, prologue patterns and the entry point. Each function
// records the method that found it.
#include <vector>

#include "elf/elf_image.hpp"
#include "elf/xref/xref_index.hpp"

namespace fwscan::elf {

// Starts found in unwind tables (.eh_frame FDEs, .ARM.exidx).
std::vector<std::uint64_t> unwind_table_starts(const ElfImage& img, ByteView bytes);

// The merged, sorted function list. `xref` may be null (no sweep: no call targets or prologues).
std::vector<FunctionSymbol> discover_functions(const ElfImage& img, ByteView bytes, const XrefIndex* xref);

// The function containing `va`: the one whose [addr, addr+size) holds it, else the nearest start
// at or below it inside the same executable section. nullptr when none.
const FunctionSymbol* containing_function(const ElfImage& img, const std::vector<FunctionSymbol>& functions, std::uint64_t va);

}  // namespace fwscan::elf
