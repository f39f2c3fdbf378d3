#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace fwscan {

struct Limits {
  int max_depth = 16;
  std::uint64_t max_node_bytes = 1ULL << 30;     // one decoded child
  std::uint64_t max_total_bytes = 8ULL << 30;    // everything decoded in one run
  // Decoded bytes held in memory at once (resident_decoded_bytes()): a decode may take half of
  // it, and no more than what is left of it; the walk lets go of its batch in flight before it
  // decodes more once a quarter is held. It keeps a scan's peak RSS near this figure.
  std::uint64_t max_resident_bytes = 1ULL << 30;
  std::uint32_t max_children_per_node = 100'000;
  std::uint32_t max_nodes = 1'000'000;
  double max_expansion_ratio = 1'000.0;          // decoded / encoded, per decompression
  std::uint32_t max_chunks_per_node = 10'000;    // carver output cap
  std::uint32_t yara_timeout_seconds = 60;
  std::uint64_t max_instructions = 50'000'000;    // per ELF, for the code-reference sweep
  std::uint64_t max_instructions_total = 100'000'000;  // per run, shared by every swept ELF
  // Largest ELF the ELF layer loads: LIEF 0.9 holds two copies of what it parses, besides the
  // checked copy it is given, so a 1 GiB ELF would take 4 GiB while it loads.
  std::uint64_t max_elf_bytes = 256ULL << 20;
  // The ELF layer loads no ELF over an eighth of max_resident_bytes either (LIEF's copies), and
  // loads ELFs over a 32nd of it one at a time.
  // Passwords tried on encrypted archive entries (zip, RAR, 7z through libarchive), in order;
  // the auditor's own list (vendors reuse update-package passwords). Empty: none is tried.
  std::vector<std::string> passwords;
  static constexpr std::size_t kMaxPasswords = 256;
};

}  // namespace fwscan
