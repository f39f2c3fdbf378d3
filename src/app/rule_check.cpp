#include "app/rule_check.hpp"

#include <algorithm>
#include <set>

#include "app/pipeline.hpp"

namespace fwscan {
namespace {

// A rule is raised by a finding of its own, or, for a signal rule, by a signal.
bool raises(const ReportDocument& doc, const std::string& rule) {
  auto named = [&](const Finding& x) { return x.rule == rule; };
  return std::any_of(doc.findings.begin(), doc.findings.end(), named) ||
         std::any_of(doc.signals.begin(), doc.signals.end(), named);
}

}  // namespace

std::vector<LintIssue> check_rule_samples(const std::filesystem::path& samples_root,
                                          const std::shared_ptr<const RuleSet>& rules, SampleStats* stats) {
  std::vector<LintIssue> issues;
  const std::set<std::string> rule_names(rules->rule_names().begin(), rules->rule_names().end());
  ScanOptions opts;
  opts.rules = rules;
  opts.context_everywhere = true;  // a context rule's sample holds no label of its own
  std::set<std::string> with_match, with_nomatch;
  std::error_code ec;
  if (!std::filesystem::is_directory(samples_root, ec)) {
    issues.push_back({samples_root.string(), 0, "samples folder not found"});
    return issues;
  }
  std::vector<std::filesystem::path> dirs;
  for (const auto& d : std::filesystem::directory_iterator(samples_root)) {
    if (d.is_directory()) dirs.push_back(d.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    const std::string rule_name = dir.filename().string();
    if (rule_names.count(rule_name) == 0) {
      issues.push_back({dir.filename().string(), 0, "samples for a rule that does not exist"});
      continue;
    }
    for (const char* kind : {"match", "nomatch"}) {
      const auto sub = dir / kind;
      if (!std::filesystem::is_directory(sub, ec)) continue;
      std::vector<std::filesystem::path> files;
      for (const auto& f : std::filesystem::directory_iterator(sub)) {
        if (f.is_regular_file()) files.push_back(f.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        const std::string rel = rule_name + "/" + kind + "/" + f.filename().string();
        auto blob = Blob::map_file(f);
        if (!blob) {
          issues.push_back({rel, 0, blob.error().message});
          continue;
        }
        const ReportDocument doc = scan_blob(std::move(blob).value(), f.filename().string(), opts);
        if (std::string(kind) == "match") {
          with_match.insert(rule_name);
          if (stats) ++stats->match_files;
          if (!raises(doc, rule_name)) issues.push_back({rel, 0, "match sample does not raise " + rule_name});
        } else {
          with_nomatch.insert(rule_name);
          if (stats) ++stats->nomatch_files;
          // A signal rule's nomatch sample must not raise the signal either.
          if (std::any_of(doc.signals.begin(), doc.signals.end(), [&](const Finding& x) { return x.rule == rule_name; })) {
            issues.push_back({rel, 0, "nomatch sample raises the signal " + rule_name});
          }
          for (const auto& x : doc.findings) {
            if (x.severity > RuleSeverity::kInfo) {
              issues.push_back({rel, 0, "nomatch sample raises " + x.ns + "/" + x.rule + " (" +
                                             std::string(rule_severity_name(x.severity)) + ")"});
            }
          }
        }
      }
    }
  }
  for (const auto& r : rule_names) {
    if (with_match.count(r) == 0) issues.push_back({r, 0, "rule has no match/ sample"});
    if (with_nomatch.count(r) == 0) issues.push_back({r, 0, "rule has no nomatch/ sample"});
  }
  return issues;
}

}  // namespace fwscan
