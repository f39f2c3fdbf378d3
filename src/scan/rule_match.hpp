#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace fwscan {

enum class RuleSeverity : std::uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };

std::string_view rule_severity_name(RuleSeverity s);
std::optional<RuleSeverity> parse_rule_severity(std::string_view s);

using MetaValue = std::variant<std::string, std::int64_t, bool>;

struct RuleMeta {
  std::vector<std::pair<std::string, MetaValue>> entries;  // in rule order; keys may repeat
  const MetaValue* get(std::string_view key) const;
  std::string get_string(std::string_view key) const;      // "" when absent or not a string
};

struct StringMatch {
  std::string id;                       // "$uyghur_utf8"
  std::uint64_t offset = 0;             // in the scanned node
  std::uint32_t length = 0;             // match length
  std::vector<std::uint8_t> data;       // matched bytes (capped)
};

struct RuleMatch {
  std::string ns, rule;
  std::vector<std::string> tags;
  RuleMeta meta;
  std::vector<StringMatch> strings;
  RuleSeverity severity() const;        // from meta "severity"; medium when absent
};

}  // namespace fwscan
