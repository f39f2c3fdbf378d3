#include "scan/rule_lint.hpp"

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "scan/rule_match.hpp"

namespace fwscan {
namespace {

constexpr int kMinStringBytes = 4;

// Recursive-descent minimum length of a hex string: bytes, jumps [n-m] (n counts), and
// alternatives ( a | b ) (the shortest counts).
class HexParser {
 public:
  explicit HexParser(std::string_view s) : s_(s) {}
  int parse() {
    const int n = sequence();
    skip_ws();
    return (ok_ && pos_ == s_.size()) ? n : -1;
  }

 private:
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  int sequence() {
    int total = 0;
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] == ')' || s_[pos_] == '|') return total;
      const char c = s_[pos_];
      if (c == '(') {
        ++pos_;
        int best = sequence();
        skip_ws();
        while (pos_ < s_.size() && s_[pos_] == '|') {
          ++pos_;
          best = std::min(best, sequence());
          skip_ws();
        }
        if (pos_ >= s_.size() || s_[pos_] != ')') { ok_ = false; return total; }
        ++pos_;
        total += best;
      } else if (c == '[') {
        const auto close = s_.find(']', pos_);
        if (close == std::string_view::npos) { ok_ = false; return total; }
        const std::string_view jump = s_.substr(pos_ + 1, close - pos_ - 1);
        int n = 0;
        for (char d : jump) {
          if (d < '0' || d > '9') break;
          n = n * 10 + (d - '0');
        }
        total += n;
        pos_ = close + 1;
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {  // comment to end of line
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (pos_ + 1 < s_.size() && (std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == '?' || c == '~')) {
        if (c == '~') ++pos_;
        pos_ += 2;
        ++total;
      } else {
        ok_ = false;
        return total;
      }
    }
  }
  std::string_view s_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool valid_date(const std::string& d) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}$)");
  return std::regex_match(d, re);
}

}  // namespace

int hex_string_min_length(std::string_view body) { return HexParser(body).parse(); }

int text_string_length(std::string_view body) {
  int n = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) {
      i += body[i + 1] == 'x' ? 3 : 1;
    }
    ++n;
  }
  return n;
}

bool regex_is_unbounded(std::string_view body) {
  bool in_class = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\\') { ++i; continue; }
    if (in_class) { if (c == ']') in_class = false; continue; }
    if (c == '[') { in_class = true; continue; }
    if (c == '*' || c == '+') return true;
    if (c == '{') {
      const auto close = body.find('}', i);
      if (close == std::string_view::npos) return false;
      const std::string_view q = body.substr(i + 1, close - i - 1);
      if (!q.empty() && q.back() == ',') return true;
      i = close;
    }
  }
  return false;
}

std::vector<LintIssue> lint_rule_tree(const std::filesystem::path& root, const RuleSet& compiled) {
  std::vector<LintIssue> issues;
  for (const auto& w : compiled.warnings()) issues.push_back({w.file, w.line, "compiler warning: " + w.message});
  static const std::regex rule_re(R"(^\s*(private\s+|global\s+)*rule\s+([A-Za-z_][A-Za-z0-9_]*))");
  static const std::regex meta_re(R"re(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$)re");
  static const std::regex string_re(R"re(^\s*\$([A-Za-z0-9_]*)\s*=\s*(.*)$)re");
  static const std::set<std::string> required = {"description", "author", "date", "severity", "score",
                                                 "category", "reference", "evidence"};
  for (const std::string& rel : compiled.files()) {
    std::ifstream in(root / rel);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    const std::filesystem::path p(rel);
    const std::string stem = p.stem().string();
    const std::string ns = p.has_parent_path() ? p.parent_path().generic_string() : "default";
    std::vector<std::pair<int, std::string>> rules;
    std::vector<std::pair<std::string, std::pair<int, std::string>>> metas;
    enum class Section { kNone, kMeta, kStrings, kCondition } section = Section::kNone;
    std::string pending_hex;  // multi-line hex string
    int pending_line = 0;
    std::string pending_id;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const int lineno = static_cast<int>(i) + 1;
      std::string line = lines[i];
      std::smatch m;
      if (std::regex_search(line, m, rule_re)) {
        rules.emplace_back(lineno, m[2]);
        section = Section::kNone;
        continue;
      }
      const std::string t = trim(line);
      if (t == "meta:") { section = Section::kMeta; continue; }
      if (t == "strings:") { section = Section::kStrings; continue; }
      if (t == "condition:") { section = Section::kCondition; continue; }
      if (t.rfind("//", 0) == 0 || t.empty()) continue;
      if (section == Section::kMeta && std::regex_match(line, m, meta_re)) {
        std::string v = m[2];
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        metas.push_back({m[1], {lineno, v}});
        continue;
      }
      if (section != Section::kStrings) continue;
      std::string id, def;
      int at = lineno;
      if (!pending_hex.empty()) {
        pending_hex += " " + t;
        if (t.find('}') == std::string::npos) continue;
        id = pending_id;
        def = pending_hex;
        at = pending_line;
        pending_hex.clear();
      } else if (std::regex_match(line, m, string_re)) {
        id = "$" + std::string(m[1]);
        def = trim(m[2]);
        if (!def.empty() && def.front() == '{' && def.find('}') == std::string::npos) {
          pending_hex = def;
          pending_id = id;
          pending_line = lineno;
          continue;
        }
      } else {
        continue;
      }
      if (def.empty()) continue;
      if (def.front() == '"') {
        const auto close = def.rfind('"');
        const int len = text_string_length(std::string_view(def).substr(1, close - 1));
        if (len < kMinStringBytes) issues.push_back({rel, at, id + " is " + std::to_string(len) + " bytes; strings need at least 4"});
      } else if (def.front() == '{') {
        const auto close = def.find('}');
        const int len = hex_string_min_length(std::string_view(def).substr(1, close - 1));
        if (len < 0) issues.push_back({rel, at, id + ": cannot read hex string"});
        else if (len < kMinStringBytes) issues.push_back({rel, at, id + " can match " + std::to_string(len) + " bytes; strings need at least 4"});
      } else if (def.front() == '/') {
        const auto close = def.rfind('/');
        if (regex_is_unbounded(std::string_view(def).substr(1, close - 1))) {
          issues.push_back({rel, at, id + ": unbounded regex quantifier (*, + or {n,}); bound it"});
        }
      }
    }
    if (rules.size() != 1) {
      issues.push_back({rel, 1, "holds " + std::to_string(rules.size()) + " rules; exactly one rule per file"});
      continue;
    }
    const auto& [rule_line, rule_name] = rules[0];
    if (rule_name != stem) issues.push_back({rel, rule_line, "rule '" + rule_name + "' must be named like its file ('" + stem + "')"});
    std::set<std::string> present;
    for (const auto& [key, val] : metas) {
      present.insert(key);
      const auto& [line, v] = val;
      if (key == "severity" && !parse_rule_severity(v)) issues.push_back({rel, line, "severity '" + v + "' is not info|low|medium|high|critical"});
      if (key == "date" && !valid_date(v)) issues.push_back({rel, line, "date '" + v + "' is not YYYY-MM-DD"});
      if (key == "category" && v != ns) issues.push_back({rel, line, "category '" + v + "' must equal the namespace (folder) '" + ns + "'"});
      if (key == "evidence" && v != "strings" && v != "xref") issues.push_back({rel, line, "evidence '" + v + "' is not strings|xref"});
      if (key == "score") {
        const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoi(v) > 100) issues.push_back({rel, line, "score '" + v + "' is not an integer 0-100"});
      }
      if ((key == "description" || key == "reference" || key == "author") && v.empty()) issues.push_back({rel, line, key + " is empty"});
    }
    for (const auto& key : required) {
      if (present.count(key) == 0) issues.push_back({rel, rule_line, "meta '" + key + "' is missing"});
    }
  }
  return issues;
}

}  // namespace fwscan
