// The ELF analyzer: a summary of every ELF and PE node (architecture, symbols, functions), and the
// code that uses each matched string of the findings that want evidence (--evidence), in
// parallel (per ELF, and per piece of a large sweep), under one instruction budget for the run.
//
// Most of it runs in the node phase, while the unpacker walks, so that an ELF's bytes can go
// with its batch: an ELF is analysed there when it is known what it needs. Label findings are
// known in the node phase. A context or benign signal (rules/context/) only corroborates or
// lowers a label of its own file (the verdict's function scope never pairs two files), so its
// code is wanted only in an ELF that holds a label itself: an ELF with context signals alone is
// summarised, not swept. A context finding (a rule of rules/context/ that is not a signal) is
// reported only in an image that holds a label, so an ELF that only such findings want evidence
// for waits (its bytes kept) until a label is seen in its image, and is then swept; if none is,
// run() summarises it. What
// waits is bounded (ScanOptions::waiting_bytes): past it, the ELFs that have waited longest are
// swept at once, as if their image held a label; if none comes, run() reports them as if unswept
// (a second LIEF load keeps that summary). Only the run's instruction budget, which their sweeps
// were charged, can tell: a later ELF may get less of it.
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "analyze/analyzer.hpp"
#include "core/worker_pool.hpp"
#include "elf/string_evidence.hpp"
#include "verdict/policy.hpp"

namespace fwscan {
namespace {

constexpr std::size_t kMaxListedFunctions = 5000;
constexpr int kStateKey = 0;  // this analyzer's AnalysisRun::states slot

struct ElfState final : AnalyzerState {
  bool started = false;
  std::uint64_t remaining = 0;  // of the run's instruction budget
  std::vector<char> done;       // by node id: analysed, its bytes no longer needed
  std::map<NodeId, std::vector<Diagnostic>> diagnostics;  // merged into the nodes by run()
  std::map<NodeId, NodeFacts> summaries;
  std::set<NodeId> labelled;                        // roots of images where a label was seen
  std::map<NodeId, std::vector<NodeId>> waiting;    // root -> ELFs only context matches want evidence for
  std::uint64_t waiting_bytes = 0;
  // ELFs swept before their image showed a label (too much waiting): what they would report
  // unswept, which run() keeps if no label ever comes.
  struct Unswept {
    std::vector<Diagnostic> diagnostics;
    std::optional<NodeFacts> summary;
  };
  std::map<NodeId, Unswept> unswept;
  bool is_done(NodeId id) const { return id < done.size() && done[id] != 0; }
};

bool wants_evidence(const ScanOptions& options, const Finding& f) { return wants_code_evidence(options, f); }

bool any_wants(const ScanOptions& options, const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return wants_evidence(options, f); });
}

// A subject signal: a label the verdict stage scores (verdict.policy, role subject).
bool is_subject(const verdict::Policy* policy, const Finding& f) {
  if (policy == nullptr) return false;
  const auto* k = policy->kind(f.meta.get_string("signal"));
  return k != nullptr && k->role == verdict::Role::kSubject;
}

bool has_subject(const verdict::Policy* policy, const std::vector<Finding>& signals) {
  return std::any_of(signals.begin(), signals.end(), [&](const Finding& f) { return is_subject(policy, f); });
}

// A program image the layer reads: an ELF, or a PE (EXE, DLL) through the same model. A PE
// followed by an overlay is carved as its own node at offset 0 (the pe handler's chunk): that
// node is the image, and the file holding it is not read a second time.
bool is_elf_node(const ExtractionTree& tree, const Node& n) {
  if (!n.is_content() || n.duplicate_of) return false;
  if (elf::looks_like_elf(n.data.bytes())) return true;
  if (!pe::looks_like_pe(n.data.bytes())) return false;
  return std::none_of(n.children.begin(), n.children.end(), [&](NodeId c) {
    const NodeRecord& child = tree.at(c);
    return child.step.handler == "pe" && child.step.offset == 0 && child.step.origin == ChildOrigin::kCarved;
  });
}

NodeId root_of(const ExtractionTree& tree, NodeId id) {
  NodeId cur = id;
  while (tree.at(cur).parent) cur = *tree.at(cur).parent;
  return cur;
}

// What an analysed ELF says: its diagnostics (the ELF layer's) and its summary.
void report_into(const elf::ElfAnalysis& a, std::vector<Diagnostic>& diags, std::optional<NodeFacts>& summary) {
  for (auto d : a.diagnostics()) {
    d.handler = a.is_pe() ? "pe" : "elf";
    diags.push_back(std::move(d));
  }
  summary = a.facts(kMaxListedFunctions);
}

// Loads every ELF of `elves` (node order), sweeps those with findings in `wanting` under the
// run's budget, writes the evidence into those findings, and keeps each ELF's diagnostics and
// summary in the state. Tasks on run_dynamic: every ELF is loaded (LIEF), the largest first; one
// without findings that want evidence is summarised there, the others plan their sweep and make
// its pieces ready (XrefIndex::plan cuts large code at function starts, the same way for any job
// count), swept by whichever thread is free, costliest first. Then one task per swept ELF
// assembles its index and writes the evidence. A task writes only its own slots.
void analyse(AnalysisRun& run, ElfState& st, const std::vector<NodeId>& elves,
             const std::map<NodeId, std::vector<Finding*>>& wanting, const std::set<NodeId>& early = {}) {
  if (elves.empty()) return;
  ExtractionTree& tree = run.tree;
  if (!st.started) {
    st.started = true;
    st.remaining = run.options.limits.max_instructions_total;
  }
  if (st.done.size() < tree.size()) st.done.resize(tree.size(), 0);
  // One instruction budget for the run, shared by every swept ELF and allotted in the order the
  // ELFs are analysed (node order within a batch) before any of their sweeps starts: each ELF
  // reserves what its sweep could decode at most (its size over its architecture's shortest
  // instruction), so the allotment, and the report, never depend on which sweep finishes first.
  // An ELF left with less than it could use says so.
  std::vector<std::uint64_t> caps(elves.size(), 0);
  std::vector<std::vector<Diagnostic>> diags(elves.size());
  for (std::size_t t = 0; t < elves.size(); ++t) {
    const Node& n = tree.at(elves[t]);
    if (wanting.count(n.id) == 0) continue;
    const std::uint64_t could = std::min(run.options.limits.max_instructions,
                                         n.size() / elf::shortest_instruction(n.data.bytes()));
    caps[t] = std::min(could, st.remaining);
    st.remaining -= caps[t];
    if (caps[t] < could) {
      diags[t].push_back({Severity::kWarning, DiagCode::kLimitInstructions,
                          caps[t] == 0 ? "the run's instruction budget is spent: code not swept, no code evidence"
                                       : "the run's instruction budget leaves this sweep " + std::to_string(caps[t]) +
                                             " instructions; later code not swept",
                          "elf", std::nullopt});
    }
  }
  std::vector<std::optional<NodeFacts>> summaries(elves.size());
  std::vector<ElfState::Unswept> unswept(elves.size());
  std::vector<std::unique_ptr<elf::ElfAnalysis>> loaded(elves.size());
  std::vector<std::vector<elf::SweepOutput>> outputs(elves.size());
  auto report = [&](const elf::ElfAnalysis& a, std::size_t t) { report_into(a, diags[t], summaries[t]); };
  std::vector<std::pair<std::uint64_t, std::uint64_t>> loads;  // (id, cost): id = ELF << 32 | piece + 1
  for (std::size_t t = 0; t < elves.size(); ++t) loads.emplace_back(std::uint64_t{t} << 32, tree.at(elves[t]).size());
  // LIEF holds about three copies of an ELF while it loads: none over an eighth of the
  // resident-memory budget, and one ELF over a 32nd of it at a time.
  const Limits& limits = run.options.limits;
  const std::uint64_t elf_limit = std::min(limits.max_elf_bytes, limits.max_resident_bytes / 8);
  std::mutex large_load;
  run_dynamic(run.pool, loads, [&](std::uint64_t id, unsigned, const AddTask& add) {
    const std::size_t t = static_cast<std::size_t>(id >> 32);
    if ((id & 0xFFFFFFFFU) != 0) {
      const std::size_t task = static_cast<std::size_t>(id & 0xFFFFFFFFU) - 1;
      outputs[t][task] = loaded[t]->sweep_task(task);
      return;
    }
    const Node& n = tree.at(elves[t]);
    if (n.size() > elf_limit) {
      diags[t].push_back({Severity::kWarning, DiagCode::kLimitSize,
                          "an ELF of " + std::to_string(n.size()) + " bytes is over the ELF layer's limit of " + std::to_string(elf_limit) + " bytes" +
                              (elf_limit < limits.max_elf_bytes ? " (an eighth of the resident-memory budget, --max-resident-mib)" : "") +
                              " (LIEF holds three copies while it parses): no summary, no code evidence",
                          "elf", std::nullopt});
      return;
    }
    std::unique_lock<std::mutex> one_large(large_load, std::defer_lock);
    if (n.size() > limits.max_resident_bytes / 32) one_large.lock();
    auto analysis = elf::ElfAnalysis::load(n.data.bytes());
    if (one_large.owns_lock()) one_large.unlock();
    if (!analysis) {
      diags[t].push_back(diagnostic_from_error(analysis.error(), "elf"));
      return;
    }
    if (wanting.count(n.id) == 0 || caps[t] == 0) {
      (*analysis)->finish(std::nullopt);
      report(**analysis, t);
      return;
    }
    if (early.count(n.id) != 0) {  // swept before its image showed a label: also what it says unswept
      if (auto plain = elf::ElfAnalysis::load(n.data.bytes())) {
        (*plain)->finish(std::nullopt);
        report_into(**plain, unswept[t].diagnostics, unswept[t].summary);
      }
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
    elf::ElfAnalysis& a = *loaded[t];
    a.finish(std::move(outputs[t]));
    report(a, t);
    for (Finding* f : wanting.at(elves[t])) {
      for (EvidenceString& s : f->strings) {
        if (s.view == "unescaped") continue;  // escaped text is not what the code references
        s.code = a.evidence(s.offset, s.length, s.encoding);
      }
    }
    loaded[t].reset();
  });
  for (std::size_t t = 0; t < elves.size(); ++t) {
    st.done[elves[t]] = 1;
    if (!diags[t].empty()) {
      auto& to = st.diagnostics[elves[t]];
      to.insert(to.end(), std::make_move_iterator(diags[t].begin()), std::make_move_iterator(diags[t].end()));
    }
    if (summaries[t]) st.summaries.emplace(elves[t], std::move(*summaries[t]));
    if (early.count(elves[t]) != 0) st.unswept.emplace(elves[t], std::move(unswept[t]));
  }
}

class ElfAnalyzer final : public Analyzer {
 public:
  std::string_view id() const override { return "elf"; }
  std::string_view description() const override {
    return "ELF and PE summaries; the functions that use each matched string (LIEF, Zydis + Capstone)";
  }

  // The node phase: the ELFs of the batch whose findings want evidence are swept (and those that
  // waited for a label that this batch shows in their image); the ELFs nothing wants evidence
  // for are summarised; those that only context matches want evidence for wait, bytes kept.
  void scan_nodes(AnalysisRun& run, const std::vector<NodeId>& ready) const override {
    const ExtractionTree& tree = run.tree;
    ElfState& st = run.state<ElfState>(&kStateKey);
    const auto* policy = run.options.rules ? run.options.rules->policy().get() : nullptr;
    std::set<NodeId> newly;  // roots where this batch shows the first label
    if (policy != nullptr) {
      for (NodeId id : ready) {
        const NodeEvidence* e = run.find_evidence(id);
        if (e == nullptr) continue;
        for (const Finding& f : e->signals) {
          const auto* k = policy->kind(f.meta.get_string("signal"));
          if (k == nullptr || k->role != verdict::Role::kSubject) continue;
          const NodeId root = root_of(tree, id);
          if (st.labelled.insert(root).second) newly.insert(root);
          break;
        }
      }
    }
    std::vector<NodeId> elves;
    std::map<NodeId, std::vector<Finding*>> wanting;
    std::set<NodeId> early;  // swept before their image showed a label
    auto want = [&](NodeId id, std::vector<Finding>& findings) {
      for (Finding& f : findings) {
        if (wants_evidence(run.options, f)) wanting[id].push_back(&f);
      }
    };
    auto stop_waiting = [&](NodeId id) {
      NodeEvidence& e = run.evidence[id];
      want(id, e.context_findings);
      if (has_subject(policy, e.signals)) want(id, e.context_signals);
      elves.push_back(id);
      st.waiting_bytes -= tree.at(id).size();
    };
    for (NodeId root : newly) {
      auto w = st.waiting.find(root);
      if (w == st.waiting.end()) continue;
      for (NodeId id : w->second) stop_waiting(id);
      st.waiting.erase(w);
    }
    for (NodeId id : ready) {
      const Node& n = tree.at(id);
      if (!is_elf_node(tree, n)) continue;
      NodeEvidence* e = id < run.evidence.size() ? &run.evidence[id] : nullptr;
      const bool label_wants = e != nullptr && (any_wants(run.options, e->findings) || any_wants(run.options, e->signals));
      // Context and benign signals only corroborate or lower a label of their own file (the
      // verdict pairs two files at image scope, never by function), so their code is wanted
      // only in an ELF that holds a label itself.
      const bool own_label = e != nullptr && has_subject(policy, e->signals);
      const bool context_wants = e != nullptr && (any_wants(run.options, e->context_findings) ||
                                                  (own_label && any_wants(run.options, e->context_signals)));
      const bool labelled = run.options.context_everywhere || st.labelled.count(root_of(tree, id)) != 0;
      if (context_wants && !labelled) {
        st.waiting[root_of(tree, id)].push_back(id);
        st.waiting_bytes += n.size();
        continue;
      }
      if (label_wants || context_wants) {
        want(id, e->findings);
        want(id, e->signals);
        want(id, e->context_findings);
        if (own_label) want(id, e->context_signals);
      } else if (!run.options.elf_summaries) {
        continue;
      }
      elves.push_back(id);
    }
    // Too much waiting: the ELFs that came first go first (node order across images).
    if (st.waiting_bytes > run.options.waiting_bytes) {
      std::vector<NodeId> queued;
      for (const auto& [root, ids] : st.waiting) queued.insert(queued.end(), ids.begin(), ids.end());
      std::sort(queued.begin(), queued.end());
      for (NodeId id : queued) {
        if (st.waiting_bytes <= run.options.waiting_bytes / 2) break;
        stop_waiting(id);
        early.insert(id);
      }
      for (auto it = st.waiting.begin(); it != st.waiting.end();) {
        std::erase_if(it->second, [&](NodeId id) { return early.count(id) != 0; });
        it = it->second.empty() ? st.waiting.erase(it) : std::next(it);
      }
    }
    std::sort(elves.begin(), elves.end());
    analyse(run, st, elves, wanting, early);
  }

  bool needs_bytes(const AnalysisRun& run, const Node& n) const override {
    auto it = run.states.find(&kStateKey);
    if (it != run.states.end() && static_cast<const ElfState&>(*it->second).is_done(n.id)) return false;
    return is_elf_node(run.tree, n);
  }

  // What the node phase left: the ELFs that waited for a label their image never showed (only
  // summarised, unless a finding in the report wants their evidence); then every ELF's
  // diagnostics and summary into the report, in node order.
  void run(AnalysisRun& run) const override {
    ExtractionTree& tree = run.tree;
    ElfState& st = run.state<ElfState>(&kStateKey);
    const auto* policy = run.options.rules ? run.options.rules->policy().get() : nullptr;
    std::set<NodeId> with_label;  // nodes that hold a label (a context signal's code matters only there)
    for (const Finding& f : run.doc.signals) {
      if (is_subject(policy, f)) with_label.insert(f.node);
    }
    std::map<NodeId, std::vector<Finding*>> wanting;  // ELF node -> findings that want code evidence
    for (auto* part : {&run.doc.findings, &run.doc.signals}) {
      for (Finding& f : *part) {
        if (st.is_done(f.node) || !wants_evidence(run.options, f)) continue;
        if (part == &run.doc.signals && !is_subject(policy, f) && with_label.count(f.node) == 0) continue;
        wanting[f.node].push_back(&f);
      }
    }
    std::vector<NodeId> elves;
    for (const Node& n : tree.nodes()) {
      if (st.is_done(n.id) || !is_elf_node(tree, n)) continue;
      if (wanting.count(n.id) == 0 && !run.options.elf_summaries) continue;
      elves.push_back(n.id);
    }
    analyse(run, st, elves, wanting);
    // An ELF swept before its image showed a label, in an image that never did: its context
    // matches are not reported, and it reports what it would have unswept.
    for (auto& [id, plain] : st.unswept) {
      if (run.options.context_everywhere || st.labelled.count(root_of(tree, id)) != 0) continue;
      st.diagnostics.erase(id);
      st.summaries.erase(id);
      if (!plain.diagnostics.empty()) st.diagnostics.emplace(id, std::move(plain.diagnostics));
      if (plain.summary) st.summaries.emplace(id, std::move(*plain.summary));
    }
    for (auto& [id, d] : st.diagnostics) {
      Node& n = tree.at(id);
      n.diagnostics.insert(n.diagnostics.end(), std::make_move_iterator(d.begin()), std::make_move_iterator(d.end()));
    }
    for (auto& [id, summary] : st.summaries) run.doc.facts.emplace(id, std::move(summary));
    run.states.erase(&kStateKey);
  }
};

}  // namespace

const Analyzer& elf_analyzer() {
  static const ElfAnalyzer analyzer;
  return analyzer;
}

}  // namespace fwscan
