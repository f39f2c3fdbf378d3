#pragma once
// What a scan is asked to do: the limits, the rules, which evidence to gather and how many
// threads. Read by the pipeline and by every analyzer.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/limits.hpp"
#include "scan/rule_set.hpp"

namespace fwscan {

struct NodeEvidence;  // analyze/analyzer.hpp
struct NodeRecord;    // model/node.hpp

// Which findings get code evidence (functions that reference the matched strings).
enum class EvidencePolicy : std::uint8_t { kNone, kRules, kAll };  // kRules: rules with meta evidence = "xref"

struct ScanOptions {
  Limits limits;
  std::shared_ptr<const RuleSet> rules;  // null: unpack only
  EvidencePolicy evidence = EvidencePolicy::kRules;
  bool elf_summaries = true;             // architecture, symbols and functions of every ELF node
  bool context_everywhere = false;       // scan every node with the context rules, label or not (rules check)
  std::optional<std::filesystem::path> extract_to = std::nullopt;  // also write every extracted file there (app/extract_writer.hpp)
  // Threads for the parallel steps (0: one per hardware thread). The report is byte-identical
  // whatever the count: work is split by node and merged in node order.
  unsigned jobs = 1;
  // Keep every node's bytes until the pipeline is destroyed (tests that read extracted bytes
  // through Pipeline::take_tree). Otherwise a node's bytes are released once no step still to
  // run reads them (Analyzer::needs_bytes); with extract_to, once the extraction is written.
  bool keep_bytes = false;
  // Keep the bytes of the nodes this says yes to (the node, and what the YARA node phase found
  // there), past every analyzer, for Pipeline::take_tree: `fwscan diff` reads the bytes around
  // the findings of both versions after their scans, `fwscan verify` the chains. Asked once per
  // node, when its batch is done; what it keeps is its to bound (app/diff_run, app/verify).
  std::function<bool(const NodeRecord& node, const NodeEvidence* found)> keep_bytes_of{};
  // The unpacker hands finished nodes to the analyzers' node phase each time the decoded bytes
  // they hold reach this many (Unpacker::on_ready). Smaller: less memory, smaller parallel
  // batches. The report is the same for any value.
  std::uint64_t batch_bytes = 64ULL << 20;
  // ELFs whose code evidence only context matches want wait, bytes kept, until their image shows
  // a label (context is reported only there); past this many bytes, the longest waiting are swept
  // at once (analyze/elf). The report is the same for any value, except where the run's
  // instruction budget binds (those sweeps are charged to it).
  std::uint64_t waiting_bytes = 256ULL << 20;
};

}  // namespace fwscan
