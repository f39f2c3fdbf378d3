#include "model/report.hpp"

namespace fwscan {

std::size_t ReportDocument::count_at_or_above(RuleSeverity s) const {
  std::size_t n = 0;
  for (const auto& f : findings) {
    if (f.severity >= s) ++n;
  }
  return n;
}

}  // namespace fwscan
