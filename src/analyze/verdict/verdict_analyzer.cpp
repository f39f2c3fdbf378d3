// The verdict analyzer: after YARA and code evidence, the signals become label findings with a
// verdict (verdict/verdict.hpp, docs/verdicts.md).
#include "analyze/analyzer.hpp"
#include "verdict/policy.hpp"
#include "verdict/verdict.hpp"

namespace fwscan {
namespace {

class VerdictAnalyzer final : public Analyzer {
 public:
  std::string_view id() const override { return "verdict"; }
  std::string_view description() const override {
    return "signals combined within scopes into label findings with a verdict (rules/verdict.policy)";
  }
  // The string scope reads the bytes between two signals of one node.
  void mark_bytes_needed(const AnalysisRun& run, std::vector<bool>& needed) const override {
    if (!run.options.rules || !run.options.rules->policy()) return;
    for (const Finding& s : run.doc.signals) needed[s.node] = true;
  }
  void run(AnalysisRun& run) const override {
    if (run.options.rules && run.options.rules->policy()) verdict::apply(run.doc, run.tree, *run.options.rules->policy());
  }
};

}  // namespace

const Analyzer& verdict_analyzer() {
  static const VerdictAnalyzer analyzer;
  return analyzer;
}

}  // namespace fwscan
