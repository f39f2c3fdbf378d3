// The verdict analyzer: after YARA and code evidence, the signals become label findings with a
// verdict (verdict/verdict.hpp, docs/verdicts.md).
#include <algorithm>
#include <map>

#include "analyze/analyzer.hpp"
#include "verdict/policy.hpp"
#include "verdict/verdict.hpp"

namespace fwscan {
namespace {

constexpr int kStateKey = 0;  // this analyzer's AnalysisRun::states slot

// Of each node with signals, the bytes the stage reads: those within verdict::read_reach of a
// signal, at their offsets (the rest is a hole, never read), or the node's own bytes when the
// reach covers most of it.
struct VerdictState final : AnalyzerState {
  std::map<NodeId, Blob> bytes;
};

Blob around_signals(const Blob& data, const NodeEvidence& e, std::uint64_t reach) {
  std::vector<Extent> spans;
  for (const auto* part : {&e.signals, &e.context_signals}) {
    for (const Finding& f : *part) {
      for (const EvidenceString& s : f.strings) {
        const std::uint64_t lo = s.offset > reach ? s.offset - reach : 0;
        const std::uint64_t hi = std::min<std::uint64_t>(data.size(), s.offset + s.length + reach);
        if (lo < hi) spans.push_back({lo, hi - lo});
      }
    }
  }
  std::sort(spans.begin(), spans.end(), [](const Extent& a, const Extent& b) { return a.offset < b.offset; });
  std::vector<Extent> merged;
  std::uint64_t covered = 0;
  for (const Extent& x : spans) {
    if (!merged.empty() && x.offset <= merged.back().offset + merged.back().size) {
      Extent& m = merged.back();
      const std::uint64_t end = std::max(m.offset + m.size, x.offset + x.size);
      covered += end - (m.offset + m.size);
      m.size = end - m.offset;
    } else {
      merged.push_back(x);
      covered += x.size;
    }
  }
  if (covered * 2 >= data.size()) return data;  // most of it: keep the node's own bytes
  auto buffer = OutputBuffer::make(data.size());
  if (!buffer) return data;
  for (const Extent& x : merged) buffer->write_at(x.offset, data.bytes().subspan(x.offset, x.size));
  buffer->resize(data.size());
  return Blob::adopt(std::move(*buffer));
}

class VerdictAnalyzer final : public Analyzer {
 public:
  std::string_view id() const override { return "verdict"; }
  std::string_view description() const override {
    return "signals combined within scopes into label findings with a verdict (rules/verdict.policy)";
  }
  // The node phase keeps, of each node with signals, the bytes around them: what the string,
  // record and name-list scopes read, so the node's own bytes can go with its batch.
  void scan_nodes(AnalysisRun& run, const std::vector<NodeId>& ready) const override {
    if (!run.options.rules || !run.options.rules->policy()) return;
    const std::uint64_t reach = verdict::read_reach(*run.options.rules->policy());
    auto& st = run.state<VerdictState>(&kStateKey);
    for (NodeId id : ready) {
      const NodeEvidence* e = run.find_evidence(id);
      if (e == nullptr || !e->had_signals) continue;
      st.bytes.emplace(id, around_signals(run.tree.at(id).data, *e, reach));
    }
  }
  bool needs_bytes(const AnalysisRun&, const Node&) const override { return false; }
  void run(AnalysisRun& run) const override {
    if (!run.options.rules || !run.options.rules->policy()) return;
    auto& st = run.state<VerdictState>(&kStateKey);
    verdict::apply(run.doc, run.tree, *run.options.rules->policy(), [&](NodeId id) {
      auto it = st.bytes.find(id);
      return it != st.bytes.end() ? it->second.bytes() : ByteView{};
    });
    run.states.erase(&kStateKey);
  }
};

}  // namespace

const Analyzer& verdict_analyzer() {
  static const VerdictAnalyzer analyzer;
  return analyzer;
}

}  // namespace fwscan
