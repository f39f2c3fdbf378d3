#pragma once
// The analyzers (docs/architecture.md, "Analyzers"): every step that turns the unpacked tree
// into evidence sits behind this one interface, and runs in the order of analyzers.def. YARA
// matching makes findings and signals, the ELF layer adds code evidence and node facts, the
// verdict stage turns signals into findings. A new evidence layer (PE, DEX, ...) is one folder
// here, one line in analyzers.def, one alternative in model/report.hpp's CodeEvidence or
// NodeFacts (every writer then fails to compile until it renders it), and its tests.
#include <cstddef>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "analyze/scan_options.hpp"
#include "core/worker_pool.hpp"
#include "model/report.hpp"
#include "unpack/extraction_tree.hpp"

namespace fwscan {

// What the node phase of the YARA analyzer found on one node, kept apart until its run() merges
// every node's part into the report in node order (the context rules' part only for images that
// hold a label). The ELF analyzer and the verdict stage read it to know, while the unpacker is
// still walking, which nodes their run() will need the bytes of.
struct NodeEvidence {
  bool scanned = false;
  std::vector<Finding> findings, signals;                  // the label rules
  std::vector<Finding> context_findings, context_signals;  // rules/context/
  std::vector<Diagnostic> diagnostics;
  bool had_signals = false;  // the node phase found signals (kept when run() merges them)
};

// State an analyzer keeps between its node phase and its run() (its own type, one per analyzer).
struct AnalyzerState {
  virtual ~AnalyzerState() = default;
};

// What one analyzer run sees. The tree holds the bytes (the working state); the document is the
// report so far. An analyzer adds to the document and to its nodes' diagnostics; a parallel
// step writes only per-node slots and merges them in node order, so the report does not depend
// on the job count, nor on when the node phases ran.
struct AnalysisRun {
  const ScanOptions& options;
  WorkerPool& pool;
  ExtractionTree& tree;
  ReportDocument& doc;
  std::vector<NodeEvidence> evidence{};  // by node id, filled by the YARA node phase
  std::map<const void*, std::unique_ptr<AnalyzerState>> states{};

  NodeEvidence& evidence_of(NodeId id) {
    if (evidence.size() <= id) evidence.resize(tree.size());
    return evidence[id];
  }
  const NodeEvidence* find_evidence(NodeId id) const { return id < evidence.size() ? &evidence[id] : nullptr; }
  template <class T>
  T& state(const void* owner) {
    auto& slot = states[owner];
    if (!slot) slot = std::make_unique<T>();
    return static_cast<T&>(*slot);
  }
};

// An analyzer has two phases (docs/architecture.md, "Analyzers"):
//   * the node phase, scan_nodes(), runs while the unpacker walks: on batches of nodes the
//     unpacker has finished (their children made), each node once, in analyzer order. It reads
//     those nodes' bytes and writes only per-node slots (AnalysisRun::evidence, its state).
//     After it, the pipeline lets go of every node of the batch whose bytes no run() reads
//     (needs_bytes), so a scan holds the nodes in flight, not the whole tree;
//   * run(), once every input is unpacked: the steps that need the whole tree (merging in node
//     order, what depends on the image holding a label, the verdicts).
class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual std::string_view id() const = 0;           // "yara", "elf", "verdict"
  virtual std::string_view description() const = 0;  // one line, for `fwscan analyzers`
  virtual void scan_nodes(AnalysisRun& /*run*/, const std::vector<NodeId>& /*ready*/) const {}
  // Will run() read this node's bytes, given the node phases and the report so far? The
  // pipeline releases a node's bytes as soon as no analyzer answers yes, so this must be true for
  // every node run() reads: a node left out is read as empty. tests/app/jobs_test.cpp ("[release]")
  // checks every analyzer against a run that keeps every byte.
  virtual bool needs_bytes(const AnalysisRun& run, const Node& node) const = 0;
  // Does nothing when the options do not ask for it (no rules, no evidence).
  virtual void run(AnalysisRun& run) const = 0;
};

// Every analyzer, in run order (analyzers.def).
const std::vector<const Analyzer*>& analyzers();

// Helpers shared by analyzers.
// Does the finding want code evidence: every finding with --evidence all, or one whose rule
// says `evidence = "xref"` with --evidence rules.
bool wants_code_evidence(const ScanOptions& options, const Finding& f);
// The order a parallel step takes its tasks in: largest node first, so that one large node
// taken last does not leave the other threads idle (outputs are still merged in node order).
std::vector<std::size_t> largest_first(const ExtractionTree& tree, const std::vector<NodeId>& ids);

}  // namespace fwscan
