#pragma once
// The scan pipeline: inputs → unpacker → YARA over every unique node → findings with
// provenance. A scan always finishes and always yields a document.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "report/document.hpp"
#include "scan/rule_set.hpp"
#include "scan/text_views.hpp"
#include "unpack/registry.hpp"

namespace fwscan {

class Unpacker;

// Which findings get code evidence (functions that reference the matched strings).
enum class EvidencePolicy : std::uint8_t { kNone, kRules, kAll };  // kRules: rules with meta evidence = "xref"

struct ScanOptions {
  Limits limits;
  std::shared_ptr<const RuleSet> rules;  // null: unpack only
  EvidencePolicy evidence = EvidencePolicy::kRules;
  bool elf_summaries = true;             // architecture, symbols and functions of every ELF node
  bool context_everywhere = false;       // scan every node with the context rules, label or not (rules check)
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
  // Scans every node and returns the finished document.
  ReportDocument finish();

 private:
  void drop_explained_by_descendants(std::vector<Finding>& findings);
  void analyze_elves();
  // YARA over the selected nodes (raw bytes and their views): findings, and signals.
  void scan_nodes(ScanSession& session, const std::vector<bool>& selected);
  ScanOptions options_;
  const Registry& registry_;
  ReportDocument doc_;
  std::unique_ptr<Unpacker> unpacker_;
  std::map<NodeId, std::vector<DecodedView>> views_;  // per node, between the two scan passes
};

// Convenience: unpack + scan in one call.
ReportDocument scan_blob(Blob blob, const std::string& name, const ScanOptions& options);

}  // namespace fwscan
