// libFuzzer target: the code layers: ELF and PE, and Java class files. LIEF parses the bytes into fwscan's
// image model (a PE after pe_check has cut its headers to the file), the sweep finds the code's
// references, and the summary and the evidence of a few string offsets are built, as the
// analyzer does for a finding.
#include <cstdint>

#include "elf/string_evidence.hpp"
#include "java/class_file.hpp"
#include "fuzz_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwscan;
  const ByteView bytes{data, size};
  if (java::looks_like_class(bytes)) {
    if (auto c = java::parse_class(bytes)) {
      for (std::uint64_t k = 1; k < 8; ++k) (void)java::locate(*c, bytes, size * k / 8, 4);
    }
    return 0;
  }
  auto analysis = elf::ElfAnalysis::analyze(bytes, true, fuzz::kInstructions);
  if (!analysis) return 0;
  const auto& a = **analysis;
  (void)a.facts(5000);
  // Strings at a few places across the file, in the encodings a finding can carry.
  for (std::uint64_t k = 1; k < 8; ++k) {
    const std::uint64_t offset = size * k / 8;
    (void)a.evidence(offset, 6, Encoding::kUtf8);
    (void)a.evidence(offset, 12, Encoding::kUtf16le);
  }
  return 0;
}
