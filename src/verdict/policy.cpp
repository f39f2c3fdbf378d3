#include "verdict/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

namespace fwscan::verdict {
namespace {

constexpr std::array<std::string_view, kScopeCount> kScopeNames = {"string", "function", "record", "file", "image"};

// Splits a line into words; "quoted text" is one word, key="quoted" too.
std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
      continue;
    }
    if (!quoted && c == '#') break;
    if (!quoted && (c == ' ' || c == '\t')) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
      continue;
    }
    cur += c;
    any = true;
  }
  if (any) out.push_back(cur);
  return out;
}

std::optional<double> number(const std::string& s) {
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

std::string_view scope_name(Scope s) { return kScopeNames[static_cast<std::size_t>(s)]; }

std::optional<Scope> parse_scope(std::string_view s) {
  for (std::size_t i = 0; i < kScopeCount; ++i) {
    if (kScopeNames[i] == s) return static_cast<Scope>(i);
  }
  return std::nullopt;
}

Result<Policy> Policy::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(Errc::kIo, "cannot read verdict policy " + file.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), file.filename().string());
}

Result<Policy> Policy::parse(const std::string& text, const std::string& origin) {
  Policy p;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  std::array<bool, kScopeCount> have_scope{};
  auto fail = [&](const std::string& why) {
    return make_error(Errc::kMalformed, fmt::format("{}:{}: {}", origin, lineno, why));
  };
  while (std::getline(in, line)) {
    ++lineno;
    const auto w = words_of(line);
    if (w.empty()) continue;
    if (w[0] == "kind") {
      if (w.size() < 3) return fail("kind NAME ROLE [key=value ...]");
      KindPolicy k;
      k.name = w[1];
      if (w[2] == "subject") k.role = Role::kSubject;
      else if (w[2] == "context") k.role = Role::kContext;
      else if (w[2] == "benign") k.role = Role::kBenign;
      else return fail("role '" + w[2] + "' is not subject, context or benign");
      for (std::size_t i = 3; i < w.size(); ++i) {
        const auto eq = w[i].find('=');
        if (eq == std::string::npos) return fail("expected key=value, got '" + w[i] + "'");
        const std::string key = w[i].substr(0, eq), value = w[i].substr(eq + 1);
        if (key == "weight" || key == "cap" || key == "min" || key == "names") {
          const auto v = number(value);
          if (!v || *v < 0) return fail(key + " must be a number >= 0");
          if (key == "weight") k.weight = *v;
          else if (key == "cap") k.cap = static_cast<int>(*v);
          else if (key == "names") k.list_names = static_cast<int>(*v);
          else k.list_min = static_cast<int>(*v);
        } else if (key == "max") {
          const auto s = parse_rule_severity(value);
          if (!s) return fail("max '" + value + "' is not a severity");
          k.max = *s;
        } else if (key == "mode") {
          if (value == "covers") k.mode = BenignMode::kCovers;
          else if (value == "list") k.mode = BenignMode::kList;
          else if (value == "penalty") k.mode = BenignMode::kPenalty;
          else return fail("mode '" + value + "' is not covers, list or penalty");
        } else if (key == "ns") {
          k.ns = value;
        } else if (key == "finding") {
          k.finding = value;
        } else if (key == "title") {
          k.title = value;
        } else {
          return fail("unknown key '" + key + "'");
        }
      }
      if (k.role == Role::kSubject && (k.ns.empty() || k.finding.empty())) return fail("a subject needs ns= and finding=");
      if (k.role == Role::kBenign && k.mode == BenignMode::kNone) return fail("a benign kind needs mode=");
      if (k.mode == BenignMode::kList && k.list_min < 2) return fail("mode=list needs min >= 2");
      if (k.list_names != 0 && (k.mode != BenignMode::kList || k.list_names < 2)) {
        return fail("names= needs mode=list and a value >= 2");
      }
      if (p.kind(k.name) != nullptr) return fail("kind '" + k.name + "' twice");
      p.kinds.push_back(std::move(k));
    } else if (w[0] == "scope" || w[0] == "benign") {
      if (w.size() < 3) return fail(w[0] + " NAME FACTOR");
      const auto s = parse_scope(w[1]);
      const auto f = number(w[2]);
      if (!s) return fail("scope '" + w[1] + "' is not string, function, record, file or image");
      if (!f || *f < 0 || *f > 1) return fail("factor must be in [0, 1]");
      auto& slot = (w[0] == "scope" ? p.factor : p.benign_factor)[static_cast<std::size_t>(*s)];
      slot = *f;
      if (w[0] == "scope") have_scope[static_cast<std::size_t>(*s)] = true;
      for (std::size_t i = 3; i < w.size(); ++i) {
        const auto eq = w[i].find('=');
        const auto v = eq == std::string::npos ? std::nullopt : number(w[i].substr(eq + 1));
        if (!v || *v < 1) return fail("expected window=N or gap=N, got '" + w[i] + "'");
        const std::string key = w[i].substr(0, eq);
        if (key == "window" && *s == Scope::kRecord) p.record_window = static_cast<std::uint64_t>(*v);
        else if (key == "gap" && *s == Scope::kString) p.string_gap = static_cast<std::uint64_t>(*v);
        else return fail("'" + key + "' does not apply to scope " + w[1]);
      }
    } else if (w[0] == "threshold") {
      if (w.size() != 3) return fail("threshold SEVERITY SCORE");
      const auto s = parse_rule_severity(w[1]);
      const auto v = number(w[2]);
      if (!s || *s == RuleSeverity::kInfo) return fail("threshold severity must be low, medium, high or critical");
      if (!v) return fail("threshold score must be a number");
      p.thresholds.emplace_back(*s, *v);
    } else {
      return fail("unknown statement '" + w[0] + "'");
    }
  }
  for (std::size_t i = 0; i < kScopeCount; ++i) {
    if (!have_scope[i]) {
      return make_error(Errc::kMalformed, fmt::format("{}: scope {} has no factor", origin, kScopeNames[i]));
    }
  }
  if (p.thresholds.empty()) return make_error(Errc::kMalformed, origin + ": no threshold");
  std::sort(p.thresholds.begin(), p.thresholds.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return p;
}

const KindPolicy* Policy::kind(std::string_view name) const {
  for (const auto& k : kinds) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

RuleSeverity Policy::severity_of(double score) const {
  constexpr double kEps = 1e-9;
  for (const auto& [sev, min] : thresholds) {
    if (score + kEps >= min) return sev;
  }
  return RuleSeverity::kInfo;
}

}  // namespace fwscan::verdict
