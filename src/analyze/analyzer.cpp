#include "analyze/analyzer.hpp"

#include <algorithm>

namespace fwscan {

#define FWSCAN_ANALYZER(name) const Analyzer& name##_analyzer();
#include "analyze/analyzers.def"
#undef FWSCAN_ANALYZER

const std::vector<const Analyzer*>& analyzers() {
  static const std::vector<const Analyzer*> all{
#define FWSCAN_ANALYZER(name) &name##_analyzer(),
#include "analyze/analyzers.def"
#undef FWSCAN_ANALYZER
  };
  return all;
}

bool wants_code_evidence(const ScanOptions& options, const Finding& f) {
  return options.evidence == EvidencePolicy::kAll ||
         (options.evidence == EvidencePolicy::kRules && f.meta.get_string("evidence") == "xref");
}

std::vector<std::size_t> largest_first(const ExtractionTree& tree, const std::vector<NodeId>& ids) {
  std::vector<std::size_t> order(ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return tree.at(ids[a]).size() > tree.at(ids[b]).size(); });
  return order;
}

}  // namespace fwscan
