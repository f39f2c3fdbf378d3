// The ELF analyzer: a summary of every ELF node (architecture, symbols, functions), and the
// code that uses each matched string of the findings that want evidence (--evidence), in
// parallel, one task per ELF, under one instruction budget for the run.
#include <algorithm>
#include <map>
#include <optional>

#include "analyze/analyzer.hpp"
#include "elf/string_evidence.hpp"

namespace fwscan {
namespace {

class ElfAnalyzer final : public Analyzer {
 public:
  std::string_view id() const override { return "elf"; }
  std::string_view description() const override {
    return "ELF summaries; the functions that use each matched string (LIEF + Capstone)";
  }
  void mark_bytes_needed(const AnalysisRun& run, std::vector<bool>& needed) const override {
    for (const Node& n : run.tree.nodes()) {
      if (n.is_content() && !n.duplicate_of && elf::looks_like_elf(n.data.bytes())) needed[n.id] = true;
    }
  }
  void run(AnalysisRun& run) const override {
    constexpr std::size_t kMaxListedFunctions = 5000;
    ExtractionTree& tree = run.tree;
    std::map<NodeId, std::vector<Finding*>> wanting;  // ELF node -> findings that want code evidence
    std::vector<Finding*> all;
    for (Finding& f : run.doc.findings) all.push_back(&f);
    for (Finding& f : run.doc.signals) all.push_back(&f);
    for (Finding* fp : all) {
      Finding& f = *fp;
      const bool want = run.options.evidence == EvidencePolicy::kAll ||
                        (run.options.evidence == EvidencePolicy::kRules && f.meta.get_string("evidence") == "xref");
      if (want) wanting[f.node].push_back(&f);
    }
    std::vector<NodeId> elves;
    for (const Node& n : tree.nodes()) {
      if (!n.is_content() || n.duplicate_of || !elf::looks_like_elf(n.data.bytes())) continue;
      if (wanting.count(n.id) == 0 && !run.options.elf_summaries) continue;
      elves.push_back(n.id);
    }
    // One instruction budget for the run, shared by every swept ELF and allotted in node order
    // before any sweep starts: each ELF reserves what its sweep could decode at most (its size over
    // its architecture's shortest instruction), so the allotment, and the report, never depend on
    // which sweep finishes first. An ELF left with less than it could use says so.
    std::vector<std::uint64_t> caps(elves.size(), 0);
    std::uint64_t remaining = run.options.limits.max_instructions_total;
    for (std::size_t t = 0; t < elves.size(); ++t) {
      Node& n = tree.at(elves[t]);
      if (wanting.count(n.id) == 0) continue;
      const std::uint64_t could = std::min(run.options.limits.max_instructions,
                                           n.size() / elf::shortest_instruction(n.data.bytes()));
      caps[t] = std::min(could, remaining);
      remaining -= caps[t];
      if (caps[t] < could) {
        n.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitInstructions,
                                 caps[t] == 0 ? "the run's instruction budget is spent: code not swept, no code evidence"
                                              : "the run's instruction budget leaves this sweep " + std::to_string(caps[t]) +
                                                    " instructions; later code not swept",
                                 "elf", std::nullopt});
      }
    }
    // One task per ELF: it writes that node's diagnostics, summary slot and the evidence of the
    // findings on that node only.
    std::vector<std::optional<ElfSummary>> summaries(elves.size());
    const auto order = largest_first(tree, elves);
    run.pool.run(elves.size(), [&](std::size_t k, unsigned) {
      const std::size_t t = order[k];
      Node& n = tree.at(elves[t]);
      auto it = wanting.find(n.id);
      const bool sweep = it != wanting.end() && caps[t] > 0;
      auto analysis = elf::ElfAnalysis::analyze(n.data.bytes(), sweep, caps[t]);
      if (!analysis) {
        n.diagnostics.push_back(diagnostic_from_error(analysis.error(), "elf"));
        return;
      }
      const auto& a = **analysis;
      for (auto d : a.diagnostics()) {
        d.handler = "elf";
        n.diagnostics.push_back(std::move(d));
      }
      summaries[t] = a.summary(kMaxListedFunctions);
      if (!sweep) return;
      for (Finding* f : it->second) {
        for (EvidenceString& s : f->strings) {
          if (s.view == "unescaped") continue;  // escaped text is not what the code references
          s.code = a.locate(s.offset, s.length, s.encoding);
        }
      }
    });
    for (std::size_t t = 0; t < elves.size(); ++t) {
      if (summaries[t]) run.doc.facts.emplace(elves[t], std::move(*summaries[t]));
    }
  }
};

}  // namespace

const Analyzer& elf_analyzer() {
  static const ElfAnalyzer analyzer;
  return analyzer;
}

}  // namespace fwscan
