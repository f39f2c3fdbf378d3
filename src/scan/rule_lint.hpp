#pragma once
// The rule-pack linter behind `fwscan rules check` (DESIGN.md 8): one rule per file named like
// the file, namespace = folder = meta category, complete and valid meta, no string shorter than
// 4 bytes, no unbounded regex, and no YARA compiler warning (slow-scan warnings included).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scan/rule_set.hpp"

namespace fwscan {

struct LintIssue {
  std::string file;  // relative to the rules root
  int line = 0;
  std::string message;
};

std::vector<LintIssue> lint_rule_tree(const std::filesystem::path& root, const RuleSet& compiled);

// Minimum length in bytes of a YARA hex string body (between the braces); -1 when malformed.
int hex_string_min_length(std::string_view body);
// Length in bytes of a YARA text string body (between the quotes), escapes counted as one.
int text_string_length(std::string_view body);
// True when a regex body (between the slashes) has an unbounded quantifier (*, +, {n,}).
bool regex_is_unbounded(std::string_view body);

}  // namespace fwscan
