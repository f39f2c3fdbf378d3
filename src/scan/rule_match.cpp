#include "scan/rule_match.hpp"

namespace fwscan {

std::string_view rule_severity_name(RuleSeverity s) {
  switch (s) {
    case RuleSeverity::kInfo: return "info";
    case RuleSeverity::kLow: return "low";
    case RuleSeverity::kMedium: return "medium";
    case RuleSeverity::kHigh: return "high";
    case RuleSeverity::kCritical: return "critical";
  }
  return "medium";
}

std::optional<RuleSeverity> parse_rule_severity(std::string_view s) {
  if (s == "info") return RuleSeverity::kInfo;
  if (s == "low") return RuleSeverity::kLow;
  if (s == "medium") return RuleSeverity::kMedium;
  if (s == "high") return RuleSeverity::kHigh;
  if (s == "critical") return RuleSeverity::kCritical;
  return std::nullopt;
}

const MetaValue* RuleMeta::get(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string RuleMeta::get_string(std::string_view key) const {
  const MetaValue* v = get(key);
  if (v == nullptr) return {};
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return {};
}

RuleSeverity RuleMatch::severity() const {
  return parse_rule_severity(meta.get_string("severity")).value_or(RuleSeverity::kMedium);
}

}  // namespace fwscan
