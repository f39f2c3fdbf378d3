// The ELF analyzer: a summary of every ELF node (architecture, symbols, functions), and the
// code that uses each matched string of the findings that want evidence (--evidence), in
// parallel (per ELF, and per piece of a large sweep), under one instruction budget for the run.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "analyze/analyzer.hpp"
#include "core/worker_pool.hpp"
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
    // Two rounds on the pool. 1: every ELF is loaded (LIEF), the largest first; one without
    // findings that want evidence is summarised and dropped there, the others plan their sweep
    // and make its pieces ready (XrefIndex::plan cuts large code at function starts, the same way
    // for any job count), to be swept by whichever thread is free, costliest first: one large ELF
    // no longer leaves the other threads idle. 2: one task per swept ELF assembles its index and
    // writes the evidence of the findings on it. A task writes only its own slots: that node's
    // diagnostics, summary and findings, or its piece's output.
    std::vector<std::optional<ElfSummary>> summaries(elves.size());
    std::vector<std::unique_ptr<elf::ElfAnalysis>> loaded(elves.size());
    std::vector<std::vector<elf::SweepOutput>> outputs(elves.size());
    auto report = [&](Node& n, const elf::ElfAnalysis& a, std::size_t t) {
      for (auto d : a.diagnostics()) {
        d.handler = "elf";
        n.diagnostics.push_back(std::move(d));
      }
      summaries[t] = a.summary(kMaxListedFunctions);
    };
    std::vector<std::pair<std::uint64_t, std::uint64_t>> loads;  // (id, cost): id = ELF << 32 | piece + 1
    for (std::size_t t = 0; t < elves.size(); ++t) loads.emplace_back(std::uint64_t{t} << 32, tree.at(elves[t]).size());
    run_dynamic(run.pool, loads, [&](std::uint64_t id, unsigned, const AddTask& add) {
      const std::size_t t = static_cast<std::size_t>(id >> 32);
      if ((id & 0xFFFFFFFFU) != 0) {
        const std::size_t task = static_cast<std::size_t>(id & 0xFFFFFFFFU) - 1;
        outputs[t][task] = loaded[t]->sweep_task(task);
        return;
      }
      Node& n = tree.at(elves[t]);
      auto analysis = elf::ElfAnalysis::load(n.data.bytes());
      if (!analysis) {
        n.diagnostics.push_back(diagnostic_from_error(analysis.error(), "elf"));
        return;
      }
      if (wanting.count(n.id) == 0 || caps[t] == 0) {
        (*analysis)->finish(std::nullopt);
        report(n, **analysis, t);
        return;
      }
      const elf::SweepPlan& plan = (*analysis)->plan_sweep(caps[t]);
      outputs[t].resize(plan.tasks());
      loaded[t] = std::move(*analysis);
      for (std::size_t i = 0; i < plan.tasks(); ++i) {
        std::uint64_t bytes = 0;
        for (std::size_t k = plan.serial ? 0 : i; k < (plan.serial ? plan.pieces.size() : i + 1); ++k) bytes += plan.pieces[k].size;
        add((std::uint64_t{t} << 32) | (i + 1), bytes);
      }
    });
    std::vector<std::size_t> swept;
    for (std::size_t t = 0; t < elves.size(); ++t) {
      if (loaded[t]) swept.push_back(t);
    }
    run.pool.run(swept.size(), [&](std::size_t k, unsigned) {
      const std::size_t t = swept[k];
      Node& n = tree.at(elves[t]);
      elf::ElfAnalysis& a = *loaded[t];
      a.finish(std::move(outputs[t]));
      report(n, a, t);
      for (Finding* f : wanting.at(n.id)) {
        for (EvidenceString& s : f->strings) {
          if (s.view == "unescaped") continue;  // escaped text is not what the code references
          s.code = a.locate(s.offset, s.length, s.encoding);
        }
      }
      loaded[t].reset();
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
