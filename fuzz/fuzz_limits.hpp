#pragma once
// The limits every fuzz target runs under: a scan's own bounds, made small, so one execution
// stays within libFuzzer's time and memory limits and the fuzzer finds bugs, not budgets.
// The byte budgets decide the execution rate: an input that decodes to the budget (a zlib run of
// zeros is one of the first things the fuzzer keeps) is hashed, carved and scanned whole on
// every execution. 2 MiB a node and 8 MiB a run keep every limit path reachable (a 128 KiB input
// passes both with a ratio of 64) at a few milliseconds an execution; the resident budget is as
// small, so its cut and flush paths run too.
#include <cstdint>

#include "core/limits.hpp"

namespace fwscan::fuzz {

inline constexpr std::uint64_t kInstructions = 500'000;

inline Limits limits() {
  Limits l;
  l.max_depth = 6;
  l.max_node_bytes = 2ULL << 20;
  l.max_total_bytes = 8ULL << 20;
  l.max_resident_bytes = 16ULL << 20;
  l.max_children_per_node = 2'000;
  l.max_nodes = 10'000;
  l.max_chunks_per_node = 500;
  l.yara_timeout_seconds = 10;
  l.max_instructions = kInstructions;
  l.max_instructions_total = 4 * kInstructions;
  return l;
}

}  // namespace fwscan::fuzz
