#include "verdict/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "core/hash.hpp"
#include "verdict/name_list.hpp"

namespace fwscan::verdict {
namespace {

bool is_alpha(std::uint8_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_upper(std::uint8_t c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(std::uint8_t c) { return c >= 'a' && c <= 'z'; }
bool is_digit(std::uint8_t c) { return c >= '0' && c <= '9'; }

// Signals per node beyond which the rest are not combined (a diagnostic says so).
constexpr std::size_t kMaxSignalsPerNode = 4000;
// Occurrences of one label in one node that are scored (the best one makes the finding).
constexpr std::size_t kMaxScoredPerLabel = 64;
// Occurrences of one label listed in its finding.
constexpr std::size_t kMaxListedPerLabel = 16;

struct Occ {
  const KindPolicy* kind = nullptr;
  const Finding* signal = nullptr;      // the signal rule's match
  const EvidenceString* ev = nullptr;
  std::string key;                      // the text, ASCII folded to lower case
  NodeId node = 0, root = 0;
  std::uint64_t begin = 0, end = 0;
  std::vector<std::string> functions;   // sorted: functions whose code uses the string
  std::vector<std::string> callers;     // sorted: their direct callers
  bool absorbed = false;                // part of a longer signal (是否少数民族 holds 少数民族)
  std::string explained;                // benign context that explains it
};

std::string fold(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

struct Contribution {
  const Occ* occ = nullptr;
  Scope scope = Scope::kImage;
  std::string function;
  double factor = 0.0;
  double value = 0.0;
};

std::string first_common(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  return both.empty() ? "" : both.front();
}

// The function both strings are used by, or the one that uses one and directly calls the
// function using the other ("f, which calls g"); "" when none.
std::string shared_function(const Occ& a, const Occ& b) {
  if (auto f = first_common(a.functions, b.functions); !f.empty()) return f;
  if (auto f = first_common(a.callers, b.functions); !f.empty()) return f + ", which calls " + a.functions.front();
  if (auto f = first_common(a.functions, b.callers); !f.empty()) return f + ", which calls " + b.functions.front();
  return "";
}

std::uint64_t distance(const Occ& a, const Occ& b) {
  if (a.end <= b.begin) return b.begin - a.end;
  if (b.end <= a.begin) return a.begin - b.end;
  return 0;
}

// One string: close, with no string separator between them in the node's bytes.
bool same_string(const Occ& a, const Occ& b, ByteView bytes, std::uint64_t gap) {
  if (distance(a, b) > gap) return false;
  if (a.begin < b.end && b.begin < a.end) return true;  // overlapping
  const std::uint64_t lo = a.end <= b.begin ? a.end : b.end;
  const std::uint64_t hi = a.end <= b.begin ? b.begin : a.begin;
  const bool wide = is_utf16(a.ev->encoding);
  for (std::uint64_t i = lo; i < hi && i < bytes.size(); ++i) {
    const std::uint8_t c = bytes[i];
    if (wide) {
      if (c == 0 && i + 1 < hi && bytes[i + 1] == 0) return false;
      if (c == '\n') return false;
      continue;
    }
    if (c == 0 || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '>') return false;
  }
  return true;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string describe_label(const Occ& o) {
  std::string enc(encoding_name(o.ev->encoding));
  if (!o.ev->view.empty() && o.ev->view != enc) enc += ", " + o.ev->view + " view";
  return fmt::format("{} ({})", quoted(o.ev->text), enc);
}

class Engine {
 public:
  Engine(ReportDocument& doc, ExtractionTree& tree, const Policy& policy, const NodeBytes& bytes)
      : doc_(doc), tree_(tree), policy_(policy), bytes_(bytes) {}
  ByteView bytes_of(NodeId id) const { return bytes_ ? bytes_(id) : tree_.at(id).data.bytes(); }

  void run() {
    collect();
    for (auto& [node, idx] : by_node_) resolve_overlaps(idx);
    for (auto& [node, idx] : by_node_) explain_lists(idx);
    for (auto& [node, idx] : by_node_) explain_name_runs(idx);
    build_representatives();
    make_findings();
  }

 private:
  NodeId root_of(NodeId n) const {
    NodeId cur = n;
    for (std::size_t guard = 0; guard < tree_.size(); ++guard) {
      const auto& p = tree_.at(cur).parent;
      if (!p) break;
      cur = *p;
    }
    return cur;
  }

  void collect() {
    std::set<std::string> unknown;
    std::set<std::tuple<NodeId, std::uint64_t, std::uint64_t, const KindPolicy*>> seen;
    for (const Finding& f : doc_.signals) {
      const std::string kind_name = f.meta.get_string("signal");
      const KindPolicy* k = policy_.kind(kind_name);
      if (k == nullptr) {
        unknown.insert(f.rule + " (" + kind_name + ")");
        continue;
      }
      for (const EvidenceString& s : f.strings) {
        if (!seen.emplace(f.node, s.offset, s.offset + s.length, k).second) continue;
        Occ o;
        o.kind = k;
        o.signal = &f;
        o.ev = &s;
        o.key = fold(s.text);
        o.node = f.node;
        o.root = root_of(f.node);
        o.begin = s.offset;
        o.end = s.offset + s.length;
        if (s.code) {
          CodeUsers users = code_users(*s.code);
          o.functions = std::move(users.functions);
          o.callers = std::move(users.callers);
          for (auto* v : {&o.functions, &o.callers}) {
            std::sort(v->begin(), v->end());
            v->erase(std::unique(v->begin(), v->end()), v->end());
          }
        }
        occs_.push_back(std::move(o));
      }
    }
    for (std::size_t i = 0; i < occs_.size(); ++i) by_node_[occs_[i].node].push_back(i);
    for (auto& [node, idx] : by_node_) {
      std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(occs_[a].begin, occs_[b].end) < std::tie(occs_[b].begin, occs_[a].end);
      });
      if (idx.size() > kMaxSignalsPerNode) {
        tree_.at(node).diagnostics.push_back(
            {Severity::kWarning, DiagCode::kVerdictSignalCap,
             fmt::format("{} signals; only the first {} by offset were combined", idx.size(), kMaxSignalsPerNode), "verdict",
             occs_[idx[kMaxSignalsPerNode]].begin});
        idx.resize(kMaxSignalsPerNode);
      }
    }
    if (!unknown.empty()) {
      std::string list;
      for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
      doc_.diagnostics.push_back({Severity::kWarning, DiagCode::kVerdictUnknownSignal,
                                  "signal rules name kinds the verdict policy does not define: " + list, "verdict", std::nullopt});
    }
  }

  // A benign match holding a label explains it; a longer signal holding a shorter one (是否少数民族
  // holds 少数民族, 维族人员实时预警 holds 维族) absorbs it: they are one signal, the longer one.
  void resolve_overlaps(const std::vector<std::size_t>& idx) {
    for (std::size_t ai = 0; ai < idx.size(); ++ai) {
      Occ& a = occs_[idx[ai]];
      if (a.kind->role == Role::kBenign) continue;
      for (std::size_t bi = 0; bi < idx.size(); ++bi) {
        const Occ& b = occs_[idx[bi]];
        if (b.begin > a.begin) break;
        if (bi == ai || b.end <= a.begin) continue;
        // Two overlapping matches of one kind are one signal (EM_NATION and NATION_TYPE in
        // EM_NATION_TYPE): the earlier (or, at one start, the longer) one stands.
        if (b.kind == a.kind && b.kind->role != Role::kBenign && (b.begin < a.begin || b.end > a.end)) {
          a.absorbed = true;
          continue;
        }
        if (b.end < a.end || (b.end - b.begin) <= (a.end - a.begin)) continue;
        if (b.kind->role == Role::kBenign) {
          if (b.kind->mode == BenignMode::kCovers && a.explained.empty()) {
            a.explained = fmt::format("inside {} ({})", quoted(b.ev->text), b.kind->name);
          }
        } else if (b.kind->role == Role::kSubject || b.kind == a.kind) {
          a.absorbed = true;
        }
      }
    }
  }

  // A label among `min` distinct names of a list (nationalities, languages) in its record or
  // function is a list entry, not a classification.
  void explain_lists(const std::vector<std::size_t>& idx) {
    for (std::size_t ai : idx) {
      Occ& a = occs_[ai];
      if (a.kind->role == Role::kBenign || a.absorbed || !a.explained.empty()) continue;
      std::map<const KindPolicy*, std::set<std::string>> names;
      for (std::size_t bi : idx) {
        const Occ& b = occs_[bi];
        if (b.kind->mode != BenignMode::kList || b.key == a.key) continue;
        if (distance(a, b) <= policy_.record_window || !shared_function(a, b).empty()) names[b.kind].insert(b.ev->text);
      }
      for (const auto& [k, set] : names) {
        if (static_cast<int>(set.size()) < k->list_min) continue;
        std::string some;
        int shown = 0;
        for (const auto& n : set) {
          if (shown++ == 3) break;
          some += (some.empty() ? "" : ", ") + n;
        }
        a.explained = fmt::format("an entry of a list of {} {} names ({}, ...)", set.size(), k->name, some);
        break;
      }
    }
  }

  // The same, read from the list's shape in any language (verdict/name_list.hpp): the label is
  // one item of a run of `names` distinct names, and no signal of another kind (an attribute,
  // face or person vocabulary) sits among them; a table of face attributes that holds the label
  // is scored, not explained. Once one label of a node is such an entry, the node is a list of
  // names (a locale table), and a run of `min` names explains its other labels, as `min` known
  // names do.
  void explain_name_runs(const std::vector<std::size_t>& idx) {
    const KindPolicy* k = nullptr;
    for (const KindPolicy& kp : policy_.kinds) {
      if (kp.mode == BenignMode::kList && kp.list_names != 0) k = &kp;
    }
    if (k == nullptr) return;
    struct Candidate {
      Occ* occ;
      NameRun run;
    };
    std::vector<Candidate> candidates;
    for (std::size_t ai : idx) {
      Occ& a = occs_[ai];
      if (a.kind->role == Role::kBenign || a.absorbed || !a.explained.empty()) continue;
      auto run = name_run_around(bytes_of(a.node), a.begin, a.end, a.ev->encoding, policy_.record_window);
      if (!run || static_cast<int>(run->distinct) < k->list_min || holds_other_signal(a, *run, idx)) continue;
      candidates.push_back({&a, std::move(*run)});
    }
    const Candidate* proof = nullptr;
    for (const Candidate& c : candidates) {
      if (static_cast<int>(c.run.distinct) >= k->list_names && (proof == nullptr || c.run.distinct > proof->run.distinct)) {
        proof = &c;
      }
    }
    if (proof == nullptr) return;
    for (const Candidate& c : candidates) {
      std::string some;
      for (const auto& n : c.run.first) some += (some.empty() ? "" : ", ") + n;
      c.occ->explained = fmt::format("an entry of a list of {} names ({}, ...)", c.run.distinct, some);
      if (static_cast<int>(c.run.distinct) < k->list_names) {
        c.occ->explained += fmt::format(" in a file that lists \"{}\" among {} names at {}", proof->occ->ev->text,
                                        proof->run.distinct, hex_u64(proof->run.begin));
      }
    }
  }

  bool holds_other_signal(const Occ& a, const NameRun& run, const std::vector<std::size_t>& idx) const {
    for (std::size_t bi : idx) {
      const Occ& b = occs_[bi];
      if (b.kind->role == Role::kBenign || b.kind == a.kind || b.absorbed) continue;
      if (b.begin < run.end && b.end > run.begin) return true;
    }
    return false;
  }

  bool counts(const Occ& o) const {
    return !o.absorbed && o.explained.empty() &&
           (o.kind->role != Role::kBenign || o.kind->mode == BenignMode::kPenalty);
  }

  // Per image: one occurrence for every distinct (kind, text), the image-scope corroborators.
  void build_representatives() {
    for (const Occ& o : occs_) {
      if (!counts(o)) continue;
      reps_[o.root].emplace(std::make_pair(o.kind, o.key), &o);
    }
  }

  Scope scope_between(const Occ& s, const Occ& o, std::string& function) const {
    if (o.node != s.node) return Scope::kImage;
    if (same_string(s, o, bytes_of(s.node), policy_.string_gap)) return Scope::kString;
    function = shared_function(s, o);
    if (!function.empty()) return Scope::kFunction;
    // In an executable whose code was swept, the functions are the records: the linker orders
    // its string tables as it likes, so nearness there says nothing (not so in a class file).
    if (!(s.functions.empty() && o.functions.empty()) && s.ev->code && o.ev->code && layout_reordered(*s.ev->code) &&
        layout_reordered(*o.ev->code)) {
      return Scope::kFile;
    }
    if (distance(s, o) <= policy_.record_window) return Scope::kRecord;
    return Scope::kFile;
  }

  std::vector<Contribution> score(const Occ& s, double& total) const {
    // Best (narrowest) scope per distinct (kind, text).
    std::map<std::pair<const KindPolicy*, std::string>, Contribution> best;
    auto offer = [&](const Occ& o) {
      if (&o == &s || !counts(o) || o.key == s.key) return;
      Contribution c;
      c.occ = &o;
      c.scope = scope_between(s, o, c.function);
      const auto si = static_cast<std::size_t>(c.scope);
      c.factor = o.kind->role == Role::kBenign ? policy_.benign_factor[si] : policy_.factor[si];
      if (c.factor <= 0.0) return;
      auto [it, inserted] = best.emplace(std::make_pair(o.kind, o.key), c);
      if (!inserted && c.scope < it->second.scope) it->second = c;
    };
    for (std::size_t i : by_node_.at(s.node)) offer(occs_[i]);
    if (auto r = reps_.find(s.root); r != reps_.end()) {
      for (const auto& [key, o] : r->second) {
        if (o->node != s.node) offer(*o);
      }
    }
    std::map<const KindPolicy*, std::vector<Contribution>> by_kind;
    for (auto& [key, c] : best) by_kind[key.first].push_back(c);
    std::vector<Contribution> out;
    total = 0.0;
    for (auto& [k, list] : by_kind) {
      std::sort(list.begin(), list.end(), [](const Contribution& a, const Contribution& b) {
        return std::tie(a.scope, a.occ->begin) < std::tie(b.scope, b.occ->begin);
      });
      if (static_cast<int>(list.size()) > k->cap) list.resize(static_cast<std::size_t>(k->cap));
      for (auto& c : list) {
        c.value = (k->role == Role::kBenign ? -1.0 : 1.0) * k->weight * c.factor;
        total += c.value;
        out.push_back(c);
      }
    }
    std::sort(out.begin(), out.end(), [](const Contribution& a, const Contribution& b) {
      return std::tie(a.scope, a.occ->node, a.occ->begin) < std::tie(b.scope, b.occ->node, b.occ->begin);
    });
    return out;
  }

  std::string explain(const Occ& s, const std::vector<Contribution>& cs, double total, RuleSeverity sev,
                      RuleSeverity unclamped) const {
    const std::string label = describe_label(s);
    if (!s.explained.empty()) return fmt::format("{} is {} → info", label, s.explained);
    std::string raised, lowered;
    for (std::size_t i = 0; i < cs.size();) {
      // Group consecutive contributions of one scope (and function).
      std::size_t j = i;
      std::string terms;
      double sum = 0.0;
      while (j < cs.size() && cs[j].scope == cs[i].scope && cs[j].function == cs[i].function &&
             (cs[j].value < 0) == (cs[i].value < 0)) {
        terms += fmt::format("{}{} ({})", terms.empty() ? "" : ", ", quoted(cs[j].occ->ev->text), cs[j].occ->kind->name);
        sum += cs[j].value;
        ++j;
      }
      std::string where;
      switch (cs[i].scope) {
        case Scope::kString: where = "in the same string"; break;
        case Scope::kFunction: where = "used by the same function " + cs[i].function; break;
        case Scope::kRecord: where = fmt::format("in the same record (within {} bytes)", policy_.record_window); break;
        case Scope::kFile: where = "elsewhere in the same file"; break;
        case Scope::kImage: where = "in another file of the same image"; break;
      }
      std::string& target = cs[i].value < 0 ? lowered : raised;
      target += fmt::format("{}{} {} ({:+.2f})", target.empty() ? "" : "; ", terms, where, sum);
      i = j;
    }
    std::string out = label;
    if (raised.empty() && lowered.empty()) {
      out += ": no corroborating signal in its string, function, record, file or image (a lone label)";
    }
    if (!raised.empty()) out += " with " + raised;
    if (!lowered.empty()) out += "; lowered by " + lowered;
    out += fmt::format(" → score {:.2f} → {}", total, rule_severity_name(unclamped));
    if (sev != unclamped) out += fmt::format(", at most {} for a {}", rule_severity_name(sev), s.kind->name);
    return out;
  }

  void make_findings() {
    // Group subject occurrences by (node, kind, text).
    std::map<std::tuple<NodeId, std::string, std::string>, std::vector<const Occ*>> groups;
    for (const auto& [node, idx] : by_node_) {
      for (std::size_t i : idx) {
        const Occ& o = occs_[i];
        if (o.kind->role != Role::kSubject || o.absorbed) continue;
        groups[{o.node, o.kind->name, o.key}].push_back(&o);
      }
    }
    for (const auto& [key, list] : groups) {
      const Occ* best = nullptr;
      std::vector<Contribution> best_cs;
      double best_total = 0.0;
      RuleSeverity best_sev = RuleSeverity::kInfo, best_unclamped = RuleSeverity::kInfo;
      std::size_t scored = 0;
      for (const Occ* o : list) {
        if (scored++ == kMaxScoredPerLabel) break;
        double total = 0.0;
        std::vector<Contribution> cs;
        RuleSeverity sev = RuleSeverity::kInfo, unclamped = RuleSeverity::kInfo;
        if (o->explained.empty()) {
          cs = score(*o, total);
          unclamped = policy_.severity_of(total);
          sev = std::min(unclamped, o->kind->max);
        }
        if (best == nullptr || sev > best_sev || (sev == best_sev && total > best_total + 1e-9)) {
          best = o;
          best_cs = std::move(cs);
          best_total = total;
          best_sev = sev;
          best_unclamped = unclamped;
        }
      }
      emit(*best, list, best_cs, best_total, best_sev, best_unclamped);
    }
  }

  void emit(const Occ& s, const std::vector<const Occ*>& list, const std::vector<Contribution>& cs, double total,
            RuleSeverity sev, RuleSeverity unclamped) {
    Finding f;
    f.ns = s.kind->ns;
    f.rule = s.kind->finding;
    f.severity = sev;
    f.meta.entries.emplace_back("description", s.kind->title.empty() ? s.kind->name : s.kind->title);
    f.meta.entries.emplace_back("signal", s.kind->name);
    f.meta.entries.emplace_back("signal_rule", s.signal->ns + "/" + s.signal->rule);
    for (const auto& [k, v] : s.signal->meta.entries) {
      if (k == "reference") f.meta.entries.emplace_back(k, v);
    }
    f.meta.entries.emplace_back("evidence", std::string("xref"));
    f.node = s.node;
    f.locator = s.signal->locator;
    f.node_sha256 = s.signal->node_sha256;
    f.also_in = s.signal->also_in;
    f.strings.push_back(*s.ev);
    for (const Occ* o : list) {
      if (f.strings.size() >= kMaxListedPerLabel) break;
      if (o != &s) f.strings.push_back(*o->ev);
    }
    Verdict v;
    v.kind = s.kind->name;
    v.score = std::round(total * 100.0) / 100.0;
    v.explained_by = s.explained;
    v.occurrences = list.size();
    for (const auto& c : cs) {
      if (c.value > 0 && (v.scope.empty() || c.scope < *parse_scope(v.scope))) v.scope = std::string(scope_name(c.scope));
      VerdictSignal vs;
      vs.kind = c.occ->kind->name;
      vs.rule = c.occ->signal->ns + "/" + c.occ->signal->rule;
      vs.text = c.occ->ev->text;
      vs.encoding = c.occ->ev->encoding;
      vs.view = c.occ->ev->view;
      vs.locator = c.occ->signal->locator;
      vs.offset = c.occ->begin;
      vs.scope = std::string(scope_name(c.scope));
      vs.function = c.function;
      vs.contribution = std::round(c.value * 100.0) / 100.0;
      v.signals.push_back(std::move(vs));
    }
    v.explanation = explain(s, cs, total, sev, unclamped);
    f.verdict = std::move(v);
    doc_.findings.push_back(std::move(f));
  }

  ReportDocument& doc_;
  ExtractionTree& tree_;
  const Policy& policy_;
  const NodeBytes& bytes_;
  std::vector<Occ> occs_;
  std::map<NodeId, std::vector<std::size_t>> by_node_;
  std::map<NodeId, std::map<std::pair<const KindPolicy*, std::string>, const Occ*>> reps_;
};

}  // namespace

void apply(ReportDocument& doc, ExtractionTree& tree, const Policy& policy, const NodeBytes& bytes) {
  Engine e(doc, tree, policy, bytes);
  e.run();
}

// name_run_around reads `record_window` bytes either side of a label, and one byte more for the
// other UTF-16 reading; same_string reads between two signals at most `string_gap` apart.
std::uint64_t read_reach(const Policy& policy) { return std::max(policy.record_window, policy.string_gap) + 2; }

bool identifier_token_ok(ByteView d, std::uint64_t begin, std::uint64_t end) {
  if (begin >= end || end > d.size()) return false;
  std::uint64_t b = begin;
  while (b < end && !is_alpha(d[b])) ++b;                              // a delimiter the pattern included
  if (b + 1 < end && is_lower(d[b]) && is_upper(d[b + 1])) ++b;        // the tail of a prefix: yRace
  if (b >= end) return false;
  auto left_ok = [&](std::uint64_t p) {
    if (p == 0) return true;
    const std::uint8_t c = d[p - 1];
    if (!is_alpha(c)) return true;                                     // '_', digits, punctuation, NUL
    return is_lower(c) && is_upper(d[p]);                              // camelCase step: byRace
  };
  // A length-prefixed string (pyc marshal, Java constant pool, DEX) ends where its length says,
  // whatever byte follows it (marshal's next type code is a letter).
  const bool length_prefixed = b > 0 && d[b - 1] != 0 && b + d[b - 1] <= d.size() && b + d[b - 1] >= end &&
                               !is_alpha(d[b - 1]);
  auto right_ok = [&](std::uint64_t e) {
    if (e >= d.size() || !is_alpha(d[e])) return true;
    if (length_prefixed && e == b + d[b - 1]) return true;
    if (is_upper(d[e]) && !is_upper(d[e - 1])) return true;            // raceType
    const bool plural = (d[e] == 's') && (e + 1 >= d.size() || !is_alpha(d[e + 1]));
    return plural;
  };
  // Trailing delimiters the pattern included do not count.
  std::uint64_t e = end;
  while (e > b && !is_alpha(d[e - 1]) && !is_digit(d[e - 1]) && d[e - 1] != '_') --e;
  if (!left_ok(b) || !right_ok(e)) return false;
  // Prose: a lone lower-case or capitalised word with a letter-space on either side.
  std::uint64_t ws = b, we = e;
  while (ws > 0 && (is_alpha(d[ws - 1]) || is_digit(d[ws - 1]) || d[ws - 1] == '_')) --ws;
  while (we < d.size() && (is_alpha(d[we]) || is_digit(d[we]) || d[we] == '_')) ++we;
  bool has_inner_upper = false, has_sep = false;
  for (std::uint64_t i = ws + 1; i < we; ++i) {
    has_inner_upper = has_inner_upper || is_upper(d[i]);
    has_sep = has_sep || d[i] == '_' || is_digit(d[i]);
  }
  if (has_inner_upper || has_sep) return true;                         // an identifier, not a word
  const bool space_before = ws >= 2 && d[ws - 1] == ' ' && is_alpha(d[ws - 2]);
  const bool space_after = we + 1 < d.size() && d[we] == ' ' && is_alpha(d[we + 1]);
  return !(space_before || space_after);
}

}  // namespace fwscan::verdict
