#pragma once
// The analyzers (docs/architecture.md, "Analyzers"): every step that turns the unpacked tree
// into evidence sits behind this one interface, and runs in the order of analyzers.def. YARA
// matching makes findings and signals, the ELF layer adds code evidence and node facts, the
// verdict stage turns signals into findings. A new evidence layer (PE, DEX, ...) is one folder
// here, one line in analyzers.def, one alternative in model/report.hpp's CodeEvidence or
// NodeFacts (every writer then fails to compile until it renders it), and its tests.
#include <cstddef>
#include <string_view>
#include <vector>

#include "analyze/scan_options.hpp"
#include "core/worker_pool.hpp"
#include "model/report.hpp"
#include "unpack/extraction_tree.hpp"

namespace fwscan {

// What one analyzer run sees. The tree holds the bytes (the working state); the document is the
// report so far. An analyzer adds to the document and to its nodes' diagnostics; a parallel
// step writes only per-node slots and merges them in node order, so the report does not depend
// on the job count.
struct AnalysisRun {
  const ScanOptions& options;
  WorkerPool& pool;
  ExtractionTree& tree;
  ReportDocument& doc;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual std::string_view id() const = 0;           // "yara", "elf", "verdict"
  virtual std::string_view description() const = 0;  // one line, for `fwscan analyzers`
  // Sets needed[id] for every node whose bytes run() will read, given the report so far (every
  // analyzer before this one has run). The pipeline releases a node's bytes as soon as no
  // analyzer still to run needs them, so this must name every node run() reads: a node left out
  // is read as empty. tests/app/release_bytes_test.cpp checks each analyzer against a run that
  // keeps every byte.
  virtual void mark_bytes_needed(const AnalysisRun& run, std::vector<bool>& needed) const = 0;
  // Does nothing when the options do not ask for it (no rules, no evidence).
  virtual void run(AnalysisRun& run) const = 0;
};

// Every analyzer, in run order (analyzers.def).
const std::vector<const Analyzer*>& analyzers();

// Helpers shared by analyzers.
// The order a parallel step takes its tasks in: largest node first, so that one large node
// taken last does not leave the other threads idle (outputs are still merged in node order).
std::vector<std::size_t> largest_first(const ExtractionTree& tree, const std::vector<NodeId>& ids);

}  // namespace fwscan
