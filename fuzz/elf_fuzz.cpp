// libFuzzer target: the ELF layer. LIEF parses the bytes into fwscan's ELF model, Capstone
// sweeps the code for references, and the summary and the evidence of a few string offsets
// are built, as the ELF analyzer does for a finding.
#include <cstdint>

#include "elf/string_evidence.hpp"
#include "fuzz_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwscan;
  const ByteView bytes{data, size};
  auto analysis = elf::ElfAnalysis::analyze(bytes, true, fuzz::kInstructions);
  if (!analysis) return 0;
  const auto& a = **analysis;
  (void)a.summary(5000);
  // Strings at a few places across the file, in the encodings a finding can carry.
  for (std::uint64_t k = 1; k < 8; ++k) {
    const std::uint64_t offset = size * k / 8;
    (void)a.locate(offset, 6, Encoding::kUtf8);
    (void)a.locate(offset, 12, Encoding::kUtf16le);
  }
  return 0;
}
