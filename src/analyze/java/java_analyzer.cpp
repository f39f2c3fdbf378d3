// The Java analyzer: for a finding in a class file (a JAR's, an APK's or a bare one), the
// methods whose bytecode loads the matched string constant and the fields it initialises
// (java/class_file.hpp). Class files are small: run() reads each one that holds a finding
// wanting evidence, once every input is unpacked, and the verdict stage that runs after it pairs
// a label with context used by the same method.
#include <map>
#include <set>

#include "analyze/analyzer.hpp"
#include "java/class_file.hpp"

namespace fwscan {
namespace {

bool is_class_node(const Node& n) { return n.is_content() && !n.duplicate_of && java::looks_like_class(n.data.bytes()); }

constexpr int kStateKey = 0;  // this analyzer's AnalysisRun::states slot

// The class files whose node phase found matches: run() reads their bytes (the YARA run() has
// moved the matches into the report by then).
struct JavaState final : AnalyzerState {
  std::set<NodeId> classes;
};

bool holds_matches(const NodeEvidence* e) {
  return e != nullptr && (!e->findings.empty() || !e->signals.empty() || !e->context_findings.empty() || !e->context_signals.empty());
}

class JavaAnalyzer final : public Analyzer {
 public:
  std::string_view id() const override { return "java"; }
  std::string_view description() const override {
    return "Java class files: the method that loads each matched string constant (ldc), or the field it initialises";
  }
  void scan_nodes(AnalysisRun& run, const std::vector<NodeId>& ready) const override {
    if (run.options.evidence == EvidencePolicy::kNone) return;
    for (NodeId id : ready) {
      if (holds_matches(run.find_evidence(id)) && is_class_node(run.tree.at(id))) run.state<JavaState>(&kStateKey).classes.insert(id);
    }
  }
  bool needs_bytes(const AnalysisRun& run, const Node& n) const override {
    auto it = run.states.find(&kStateKey);
    return it != run.states.end() && static_cast<const JavaState&>(*it->second).classes.count(n.id) != 0;
  }
  void run(AnalysisRun& run) const override {
    if (run.options.evidence == EvidencePolicy::kNone) return;
    std::map<NodeId, std::vector<Finding*>> wanting;
    for (auto* part : {&run.doc.findings, &run.doc.signals}) {
      for (Finding& f : *part) {
        if (wants_code_evidence(run.options, f) && is_class_node(run.tree.at(f.node))) wanting[f.node].push_back(&f);
      }
    }
    for (auto& [id, findings] : wanting) {
      Node& n = run.tree.at(id);
      const ByteView bytes = n.data.bytes();
      auto parsed = java::parse_class(bytes);
      if (!parsed) {
        n.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "class file: " + parsed.error().message, "java",
                                 parsed.error().offset});
        continue;
      }
      for (Finding* f : findings) {
        for (EvidenceString& s : f->strings) {
          if (!s.view.empty()) continue;  // a decoding view's text is not what the constant pool stores
          if (auto loc = java::locate(*parsed, bytes, s.offset, s.length)) s.code = std::move(*loc);
        }
      }
    }
    run.states.erase(&kStateKey);
  }
};

}  // namespace

const Analyzer& java_analyzer() {
  static const JavaAnalyzer a;
  return a;
}

}  // namespace fwscan
