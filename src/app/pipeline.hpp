#pragma once
// The scan pipeline: inputs → unpacker → YARA over every unique node → findings with
// provenance. A scan always finishes and always yields a document.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "core/worker_pool.hpp"
#include "app/extract_writer.hpp"
#include "report/document.hpp"
#include "unpack/extraction_tree.hpp"
#include "scan/rule_set.hpp"
#include "scan/text_views.hpp"
#include "unpack/registry.hpp"

namespace fwscan {

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
};

class Pipeline {
 public:
  explicit Pipeline(ScanOptions options, const Registry& registry = Registry::builtin());
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  // Adds an input read from disk; an unreadable file becomes a run-level diagnostic.
  void add_file(const std::filesystem::path& path);
  // Adds an in-memory input (tests, fuzzing).
  void add_blob(Blob blob, const std::string& name);
  // Scans every node and returns the finished report (the model: records, no bytes).
  ReportDocument finish();
  // After finish(): the working tree with its bytes (tests of the unpacker read extracted bytes).
  ExtractionTree take_tree();
  // After finish() with ScanOptions::extract_to: what was written (absent when the folder failed).
  const std::optional<ExtractStats>& extract_stats() const { return extract_stats_; }

 private:
  void drop_explained_by_descendants(std::vector<Finding>& findings);
  void analyze_elves();
  // Findings whose node's content is also in another input name it there (Finding::shared_with).
  void mark_shared();
  // YARA over the selected nodes (raw bytes and their views): findings, and signals.
  void scan_nodes(const std::shared_ptr<const RuleSet>& rules, const std::vector<bool>& selected);
  ScanOptions options_;
  WorkerPool pool_;
  const Registry& registry_;
  ReportDocument doc_;
  ExtractionTree tree_;                 // the working state: nodes with their bytes
  std::optional<ExtractStats> extract_stats_;
  std::vector<std::optional<std::vector<DecodedView>>> views_;  // by node id, between the two scan passes
};

// Convenience: unpack + scan in one call.
ReportDocument scan_blob(Blob blob, const std::string& name, const ScanOptions& options);

}  // namespace fwscan
