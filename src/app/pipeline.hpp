#pragma once
// The scan pipeline: inputs → unpacker → the analyzers (analyze/analyzers.def) → the report
// model, with provenance. A scan always finishes and always yields a document.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyze/scan_options.hpp"
#include "app/extract_writer.hpp"
#include "core/worker_pool.hpp"
#include "report/document.hpp"
#include "unpack/extraction_tree.hpp"
#include "unpack/registry.hpp"

namespace fwscan {

struct AnalysisRun;

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
  // After finish(): the working tree; with ScanOptions::keep_bytes, with its bytes (tests of the
  // unpacker read extracted bytes); with ScanOptions::keep_bytes_of, with those nodes' bytes.
  ExtractionTree take_tree();
  // After finish() with ScanOptions::extract_to: what was written (absent when the folder failed).
  const std::optional<ExtractStats>& extract_stats() const { return extract_stats_; }

 private:
  // The analyzers' node phase over nodes the unpacker has finished; then their bytes go, unless
  // an analyzer's run() reads them.
  void node_phase(const std::vector<NodeId>& ready);
  bool releases() const { return !options_.keep_bytes; }
  // Lets go of the bytes of every node (of `ids`, or of the tree) that no analyzer from
  // `next_analyzer` on reads (unless ScanOptions::keep_bytes).
  void release_bytes(std::size_t next_analyzer, const std::vector<NodeId>* ids = nullptr);
  // Findings whose node's content is also in another input name it there (Finding::shared_with).
  void mark_shared();
  ScanOptions options_;
  WorkerPool pool_;
  const Registry& registry_;
  ReportDocument doc_;
  ExtractionTree tree_;                 // the working state: nodes with their bytes
  std::unique_ptr<AnalysisRun> run_;        // what the analyzers keep between their phases
  std::unique_ptr<ExtractionWriter> writer_;  // with ScanOptions::extract_to: writes each batch before its bytes go
  std::optional<ExtractStats> extract_stats_;
  std::vector<char> kept_;              // by node id: ScanOptions::keep_bytes_of said yes
};

// Convenience: unpack + scan in one call.
ReportDocument scan_blob(Blob blob, const std::string& name, const ScanOptions& options);

}  // namespace fwscan
