#pragma once
// One report model, many writers (DESIGN.md 4.8). Writers are pure functions of the document.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "scan/rule_match.hpp"
#include "unpack/extraction_tree.hpp"

namespace fwscan {

inline constexpr int kReportSchemaVersion = 1;

struct EvidenceString {
  std::string id;                          // "$label_gbk"
  std::uint64_t offset = 0;                // in the node
  std::uint32_t length = 0;
  std::optional<std::uint64_t> root_offset;  // in the input file, when the chain is all carved
  std::string encoding;                    // "utf-8", "gbk", "utf-16le", "ascii", "binary"
  std::string text;                        // decoded to UTF-8 (escaped when binary)
  std::string hex;                         // matched bytes (in the view, when there is one)
  std::string context;                     // decoded text around the match, same encoding
  std::string view;                        // "" = the node's bytes; "unescaped" = decoding view
  std::string source;                      // with a view: the node's own bytes at the match (escaped text)
};

struct Finding {
  std::string ns, rule;
  RuleSeverity severity = RuleSeverity::kMedium;
  RuleMeta meta;
  NodeId node = 0;
  std::string locator;
  std::string node_sha256;
  std::vector<EvidenceString> strings;
  std::vector<std::string> also_in;        // locators of nodes with identical content
};

struct ReportInput {
  std::string name;
  std::string sha256;
  std::uint64_t size = 0;
  std::optional<NodeId> root;              // absent when the file could not be read
};

struct ReportDocument {
  std::string tool_version;
  std::string rules_digest;
  std::size_t rules_count = 0;
  std::vector<std::string> rule_files;
  Limits limits;
  std::vector<ReportInput> inputs;
  ExtractionTree tree;
  std::vector<Finding> findings;           // sorted: severity desc, then locator, rule
  std::vector<Diagnostic> diagnostics;     // run-level (unreadable input, rules)

  std::size_t count_at_or_above(RuleSeverity s) const;
};

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual void write(const ReportDocument& doc, std::ostream& out) const = 0;
};

void write_text_report(const ReportDocument& doc, std::ostream& out, int verbosity = 0);
void write_json_report(const ReportDocument& doc, std::ostream& out);
void write_identify_tree(const ReportDocument& doc, std::ostream& out);

}  // namespace fwscan
