#pragma once
// Runs a rule pack's samples: every file in <samples>/<rule>/match/ must raise that rule (through
// the whole pipeline, decoding views included), and no file in nomatch/ may raise anything above
// info. Every rule needs at least one sample of each kind.
#include <filesystem>
#include <memory>
#include <vector>

#include "scan/rule_lint.hpp"
#include "scan/rule_set.hpp"

namespace fwscan {

struct SampleStats {
  std::size_t match_files = 0, nomatch_files = 0;
};

std::vector<LintIssue> check_rule_samples(const std::filesystem::path& samples_root,
                                          const std::shared_ptr<const RuleSet>& rules, SampleStats* stats = nullptr);

}  // namespace fwscan
