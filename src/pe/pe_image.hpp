#pragma once
// PE/COFF images (EXE, DLL): read through LIEF 0.9 (lief_pe_adapter.cpp, the only file that
// includes LIEF's PE headers) from a copy that pe_check.cpp has cut to the file. The adapter
// fills fwscan's program-image model (elf::ElfImage, format kPe): every section is a segment
// at image base + RVA, so the code sweep and the string evidence read a PE as they read an ELF.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/blob.hpp"
#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "elf/elf_image.hpp"

namespace fwscan::pe {

// What a PE says of itself beyond the program model (model/report.hpp PeSummary).
struct PeFacts {
  std::string type;       // "exe" or "dll"
  std::string subsystem;  // "windows_gui", "windows_cui", "native", "efi_application", ...
  std::uint32_t timestamp = 0;
  std::string pdb_path, pdb_id;  // CodeView RSDS: path, GUID (as Windows prints it) + age
  std::vector<std::pair<std::string, std::string>> version_info;  // StringFileInfo, UTF-8, by table, names sorted
  bool signed_ = false;   // a certificate table is present
  bool dotnet = false;    // a CLR runtime header
};

struct LoadedPe {
  elf::ElfImage image;
  PeFacts facts;
};

// MZ header, a PE signature at e_lfanew, a known optional-header magic, and a section table
// inside the bytes.
bool looks_like_pe(ByteView bytes);

// A copy of the bytes in which every header that lies about the file is cut to it, with one
// diagnostic per cut naming the table and entry: sections past the end, data directories that
// map outside the file, a resource tree that loops or leaves its section, relocation blocks
// of impossible size, export and import tables whose arrays leave the file, a COFF symbol
// table past the end. LIEF reads only what lies in the file, and each lie is said once, naming
// where it is, instead of ending in an exception deep in LIEF or silently in a shorter table.
struct CheckedPe {
  std::vector<std::uint8_t> bytes;
  std::vector<Diagnostic> diagnostics;
};
CheckedPe check_pe(ByteView bytes);

Result<LoadedPe> load_pe(ByteView bytes);

}  // namespace fwscan::pe
