#pragma once
// The verdict policy: how signals combine into findings, as data an auditor can review
// (rules/verdict.policy; docs/verdicts.md). No code is written per rule: signal rules name a
// kind in their meta (`signal = "minority_label"`), and this file says what each kind weighs,
// in which scopes, and which score makes which severity.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "scan/rule_match.hpp"

namespace fwscan::verdict {

// Where two signals meet, narrowest first.
enum class Scope : std::uint8_t { kString, kFunction, kRecord, kFile, kImage };
inline constexpr std::size_t kScopeCount = 5;
std::string_view scope_name(Scope s);
std::optional<Scope> parse_scope(std::string_view s);

enum class Role : std::uint8_t {
  kSubject,  // can be a finding, and corroborates other subjects
  kContext,  // only corroborates (face-analytics vocabulary)
  kBenign,   // lowers or explains
};

enum class BenignMode : std::uint8_t {
  kNone,
  kCovers,   // a benign match containing the label explains it (新疆维吾尔自治区 holds 维吾尔)
  kList,     // `min` distinct benign names with the label in one record or function: a list entry
  kPenalty,  // subtracts weight x benign factor of the scope, per distinct term up to `cap`
};

struct KindPolicy {
  std::string name;        // signal kind, as in the rules' meta
  Role role = Role::kContext;
  double weight = 0.0;
  int cap = 1;             // distinct texts of this kind that count
  BenignMode mode = BenignMode::kNone;
  int list_min = 0;
  // mode=list: a label that is one item of a run of at least this many distinct names (any
  // language; verdict/name_list.hpp), none holding a signal of another kind, is a list entry
  // too. 0: the vocabulary only.
  int list_names = 0;
  RuleSeverity max = RuleSeverity::kHigh;  // a subject's severity is clamped to this
  std::string ns, finding, title;          // subjects: the finding's namespace, name and title
};

struct Policy {
  std::vector<KindPolicy> kinds;
  std::array<double, kScopeCount> factor{};          // corroboration factor per scope
  std::array<double, kScopeCount> benign_factor{};   // penalty factor per scope
  std::uint64_t record_window = 1024;  // bytes of the file: two signals this close share a record
  std::uint64_t string_gap = 64;       // and this close with no string separator between: one string
  std::vector<std::pair<RuleSeverity, double>> thresholds;  // descending: score >= value -> severity

  static Result<Policy> load(const std::filesystem::path& file);
  static Result<Policy> parse(const std::string& text, const std::string& origin);
  const KindPolicy* kind(std::string_view name) const;
  // Severity of a score, before the kind's clamp: below the lowest threshold is info.
  RuleSeverity severity_of(double score) const;
};

// The policy file at the top of a rules tree.
inline constexpr const char* kPolicyFile = "verdict.policy";

}  // namespace fwscan::verdict
