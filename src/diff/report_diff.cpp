#include "diff/report_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "analyze/analyzer.hpp"
#include "core/hash.hpp"
#include "core/terminal_text.hpp"
#include "model/locator.hpp"
#include "report/document.hpp"
#include "report/text_encoding.hpp"
#include "unpack/registry.hpp"
#include "verdict/policy.hpp"

namespace fwscan {
namespace {

using Json = nlohmann::ordered_json;

std::string rule_of(const Finding& f) { return f.ns + "/" + f.rule; }

std::vector<std::string> texts_of(const Finding& f) {
  std::set<std::string> t;
  for (const auto& s : f.strings) t.insert(s.text);
  return {t.begin(), t.end()};
}

// Named functions that code evidence says use the finding's strings (sub_<va> names are
// addresses: they say nothing across versions).
std::set<std::string> functions_of(const Finding& f) {
  std::set<std::string> out;
  for (const auto& s : f.strings) {
    if (!s.code) continue;
    for (auto& name : code_users(*s.code).functions) {
      if (name.rfind("sub_", 0) != 0) out.insert(std::move(name));
    }
  }
  return out;
}

bool intersects(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : a) {
    if (std::binary_search(b.begin(), b.end(), x)) return true;
  }
  return false;
}

std::string last_component(const std::string& path) {
  const auto cut = path.find_last_of("/!");
  return cut == std::string::npos ? path : path.substr(cut + 1);
}

// A version's content nodes by key path, in node order.
std::multimap<std::string, const NodeRecord*> nodes_by_path(const ReportDocument& doc, const Registry& registry) {
  std::multimap<std::string, const NodeRecord*> out;
  for (const NodeRecord& n : doc.tree.nodes()) {
    if (n.is_content()) out.emplace(finding_path(n.locator, registry), &n);
  }
  return out;
}

const NodeRecord* node_at(const std::multimap<std::string, const NodeRecord*>& by_path, const std::string& path) {
  auto it = by_path.find(path);
  return it == by_path.end() ? nullptr : it->second;
}

bool identifier_unit(ByteView d, std::uint64_t p, Encoding e) {
  auto ident = [](std::uint8_t c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (e == Encoding::kUtf16le) return p + 1 < d.size() && d[p + 1] == 0 && ident(d[p]);
  if (e == Encoding::kUtf16be) return p + 1 < d.size() && d[p] == 0 && ident(d[p + 1]);
  if (e == Encoding::kAscii || e == Encoding::kUtf8 || e == Encoding::kBinary) return p < d.size() && ident(d[p]);
  return false;  // GBK, Big5: a text, not an identifier
}

// Every occurrence of `needle` in `hay`, at most `cap`.
std::vector<std::uint64_t> occurrences(ByteView hay, ByteView needle, std::size_t cap) {
  std::vector<std::uint64_t> out;
  if (needle.empty() || needle.size() > hay.size()) return out;
  std::uint64_t from = 0;
  while (out.size() < cap && from + needle.size() <= hay.size()) {
    const void* hit = ::memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
    if (hit == nullptr) break;
    const auto at = static_cast<std::uint64_t>(static_cast<const std::uint8_t*>(hit) - hay.data());
    out.push_back(at);
    from = at + 1;
  }
  return out;
}

std::string quoted(const std::string& s) { return "\"" + terminal_safe(s) + "\""; }

}  // namespace

std::string_view diff_state_name(DiffState s) {
  switch (s) {
    case DiffState::kUnchanged: return "unchanged";
    case DiffState::kMoved: return "moved";
    case DiffState::kChanged: return "changed";
    case DiffState::kRemoved: return "removed";
    case DiffState::kAdded: return "added";
  }
  return "unchanged";
}

bool DiffItem::classification() const {
  const auto& f = new_finding ? *new_finding : *old_finding;
  return f.verdict.has_value();
}

RuleSeverity DiffItem::severity() const { return new_finding ? new_finding->severity : old_finding->severity; }

std::size_t ReportDiff::count(DiffState s) const {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [&](const DiffItem& i) { return i.state == s; }));
}

std::size_t ReportDiff::old_classification() const {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [](const DiffItem& i) {
    return i.state != DiffState::kAdded && i.old_finding->verdict.has_value();
  }));
}

std::size_t ReportDiff::still_classification() const {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [](const DiffItem& i) {
    return still_present(i.state) && i.old_finding->verdict.has_value();
  }));
}

std::string ReportDiff::headline() const {
  return fmt::format("{} of {} classification findings of OLD are still present in NEW", still_classification(), old_classification());
}

bool ReportDiff::new_at_or_above(RuleSeverity threshold) const {
  return std::any_of(items.begin(), items.end(), [&](const DiffItem& i) {
    return i.state != DiffState::kRemoved && i.new_finding && i.new_finding->severity >= threshold;
  });
}

std::string finding_path(std::string_view locator, const Registry& registry) {
  const auto parsed = parse_locator(locator);
  if (!parsed) return std::string(locator);
  std::string out;
  for (const LocatorStep& step : parsed->steps) {
    if (!step.entry) continue;
    const Handler* h = registry.find(step.handler);
    if (h != nullptr && h->info().category == Category::kCompression) continue;
    if (!out.empty()) out += '!';
    out += *step.entry;
  }
  return out;
}

bool diff_keeps_old(const NodeEvidence* found, const verdict::Policy* policy) {
  if (found == nullptr) return false;
  if (!found->findings.empty()) return true;
  if (policy == nullptr) return false;
  return std::any_of(found->signals.begin(), found->signals.end(), [&](const Finding& f) {
    const auto* k = policy->kind(f.meta.get_string("signal"));
    return k != nullptr && k->role == verdict::Role::kSubject;
  });
}

std::optional<Rename> find_rename(ByteView old_bytes, ByteView new_bytes, std::uint64_t offset, std::uint64_t length,
                                  Encoding encoding, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& others) {
  constexpr std::uint64_t kAnchor = 24, kMinAnchor = 4;
  if (offset > old_bytes.size() || length > old_bytes.size() - offset || length == 0) return std::nullopt;
  const std::uint64_t unit = is_utf16(encoding) ? 2 : 1;
  std::uint64_t b = offset, e = offset + length;
  // The whole identifier the match is part of: "Ethnic" in byEthnic is the field byEthnic.
  while (b >= unit && identifier_unit(old_bytes, b - unit, encoding) && identifier_unit(old_bytes, b, encoding)) b -= unit;
  while (e + unit <= old_bytes.size() && identifier_unit(old_bytes, e, encoding) && identifier_unit(old_bytes, e - unit, encoding)) e += unit;
  std::uint64_t left = b > kAnchor ? b - kAnchor : 0;
  std::uint64_t right = std::min<std::uint64_t>(old_bytes.size(), e + kAnchor);
  for (const auto& [ob, oe] : others) {  // another match's bytes may be gone too: not an anchor
    if (oe <= b && oe > left) left = oe;
    if (ob >= e && ob < right) right = ob;
    if (ob < b && oe > b) left = b;  // overlapping: no left anchor
    if (ob < right && oe > e && ob <= e) right = e;
  }
  if (b - left < kMinAnchor || right - e < kMinAnchor) return std::nullopt;
  const ByteView before = old_bytes.subspan(left, b - left);
  const ByteView after = old_bytes.subspan(e, right - e);
  const std::uint64_t reach = 4 * (e - b) + 64;  // how long the new text may be
  std::optional<std::pair<std::uint64_t, std::uint64_t>> best;
  for (std::uint64_t p : occurrences(new_bytes, before, 256)) {
    const std::uint64_t s = p + before.size();
    const std::uint64_t limit = std::min<std::uint64_t>(new_bytes.size(), s + reach + after.size());
    if (limit <= s) continue;
    const auto hits = occurrences(new_bytes.subspan(s, limit - s), after, 1);
    if (hits.empty()) continue;
    const std::uint64_t q = s + hits.front();
    const auto distance = [&](std::uint64_t at) { return at > b ? at - b : b - at; };
    if (!best || distance(s) < distance(best->first)) best = std::make_pair(s, q);
  }
  if (!best) return std::nullopt;
  auto [s, q] = *best;
  const ByteView was = old_bytes.subspan(b, e - b);
  ByteView now = new_bytes.subspan(s, q - s);
  if (now.size() == was.size() && std::equal(now.begin(), now.end(), was.begin())) return std::nullopt;  // still there
  // NUL padding that an in-place rename left (a shorter name in the same bytes) is not text.
  while (!now.empty() && now.back() == 0) now = now.first(now.size() - 1);
  Rename r;
  r.old_text = decode_text(encoding, was).text;
  r.new_text = now.empty() ? std::string() : decode_text(encoding, now).text;
  r.old_offset = b;
  r.new_offset = s;
  return r;
}

ReportDiff diff_reports(const DiffSide& old_side, const DiffSide& new_side, const Registry& registry) {
  ReportDiff d;
  d.old_name = old_side.name;
  d.new_name = new_side.name;
  if (!old_side.doc.inputs.empty()) d.old_sha256 = old_side.doc.inputs.front().sha256;
  if (!new_side.doc.inputs.empty()) d.new_sha256 = new_side.doc.inputs.front().sha256;
  d.old_rules_digest = old_side.doc.rules_digest;
  d.new_rules_digest = new_side.doc.rules_digest;
  if (d.old_rules_digest != d.new_rules_digest) {
    d.warnings.push_back("OLD and NEW were scanned with different rule packs (" + d.old_rules_digest.substr(0, 12) + ", " +
                         d.new_rules_digest.substr(0, 12) + "): a difference may come from the rules, not the firmware");
  }
  if (old_side.doc.inputs.size() != 1 || new_side.doc.inputs.size() != 1) {
    d.warnings.push_back("a report of several inputs: their findings are compared as one version");
  }
  if (old_side.bytes_capped || new_side.bytes_capped) {
    d.warnings.push_back("the bytes kept around findings reached half the resident-memory budget (--max-resident-mib): renames past it are not told");
  }
  if (old_side.from_report || new_side.from_report) {
    d.warnings.push_back(std::string(old_side.from_report ? "OLD" : "NEW") +
                         " was given as a saved report, which holds no bytes: what took a removed text's place is told only when both versions are given as images");
  }

  struct Entry {
    const Finding* f;
    std::string rule, path;
    std::vector<std::string> texts;
    bool used = false;
  };
  auto entries = [&](const ReportDocument& doc) {
    std::vector<Entry> out;
    for (const Finding& f : doc.findings) out.push_back({&f, rule_of(f), finding_path(f.locator, registry), texts_of(f)});
    return out;
  };
  std::vector<Entry> olds = entries(old_side.doc), news = entries(new_side.doc);
  std::vector<std::optional<std::size_t>> pair(olds.size());
  std::vector<DiffState> state(olds.size(), DiffState::kRemoved);
  // Pass 1: the same key. Pass 2: the same rule and texts elsewhere (the same file name first).
  // Pass 3: the same rule and path, texts in common.
  auto match = [&](DiffState as, auto&& same, auto&& rank) {
    for (std::size_t i = 0; i < olds.size(); ++i) {
      if (pair[i]) continue;
      std::optional<std::size_t> best;
      for (std::size_t j = 0; j < news.size(); ++j) {
        if (news[j].used || !same(olds[i], news[j])) continue;
        if (!best || rank(olds[i], news[j]) < rank(olds[i], news[*best])) best = j;
      }
      if (!best) continue;
      news[*best].used = true;
      pair[i] = best;
      state[i] = as;
    }
  };
  auto none = [](const Entry&, const Entry&) { return 0; };
  match(DiffState::kUnchanged, [](const Entry& a, const Entry& b) { return a.rule == b.rule && a.path == b.path && a.texts == b.texts; }, none);
  match(DiffState::kMoved, [](const Entry& a, const Entry& b) { return a.rule == b.rule && a.texts == b.texts; },
        [](const Entry& a, const Entry& b) { return last_component(a.path) == last_component(b.path) ? 0 : 1; });
  match(DiffState::kChanged, [](const Entry& a, const Entry& b) { return a.rule == b.rule && a.path == b.path && intersects(a.texts, b.texts); }, none);

  const auto old_nodes = nodes_by_path(old_side.doc, registry);
  const auto new_nodes = nodes_by_path(new_side.doc, registry);
  auto bytes_of = [](const DiffSide& side, const std::string& locator) -> const Blob* {
    auto it = side.bytes.find(locator);
    return it == side.bytes.end() ? nullptr : &it->second;
  };
  // The old match ranges of each old node: anchors of a rename must not lean on them.
  std::map<std::string, std::vector<std::pair<std::uint64_t, std::uint64_t>>> matched_ranges;
  for (const Finding& f : old_side.doc.findings) {
    for (const auto& s : f.strings) {
      if (s.view.empty()) matched_ranges[f.locator].emplace_back(s.offset, s.offset + s.length);
    }
  }
  // The functions that used the text in OLD, and those whose symbol name held it (a label can be
  // an identifier: face_attr_minority_label): are they in NEW's ELF at the same path?
  auto note_functions_gone = [&](DiffItem& item, const Finding& old_f) {
    std::vector<std::pair<std::string, std::string>> fns;  // name, how it relates
    for (const auto& fn : functions_of(old_f)) fns.emplace_back(fn, "which used it in OLD");
    if (const ProgramSummary* before = old_side.doc.program_summary(old_f.node)) {
      for (const ElfFunction& fn : before->functions) {
        if (fn.name.rfind("sub_", 0) == 0) continue;
        for (const auto& t : item.texts) {
          if (!t.empty() && fn.name.find(t) != std::string::npos) {
            fns.emplace_back(fn.name, "whose name held it in OLD");
            break;
          }
        }
      }
    }
    if (fns.empty()) return;
    const NodeRecord* now = node_at(new_nodes, item.path);
    const ProgramSummary* summary = now != nullptr ? new_side.doc.program_summary(now->id) : nullptr;
    for (const auto& [fn, how] : fns) {
      if (summary == nullptr) {
        item.notes.push_back("function " + fn + ", " + how + ": NEW has no program (ELF or PE) at this path");
        continue;
      }
      const std::string& name = fn;  // a structured binding cannot be captured (clang 14)
      const bool listed = std::any_of(summary->functions.begin(), summary->functions.end(), [&name](const ElfFunction& x) { return x.name == name; });
      if (listed) item.notes.push_back("function " + fn + ", " + how + ", is still in NEW");
      else if (summary->functions.size() < summary->function_count)
        item.notes.push_back(fmt::format("function {}, {}, is not among the {} functions NEW lists (of {})", fn, how,
                                         summary->functions.size(), summary->function_count));
      else item.notes.push_back("function " + fn + ", " + how + ", is gone from NEW");
    }
  };
  auto find_renames = [&](DiffItem& item, const Finding& old_f, const std::vector<std::string>& gone) {
    const NodeRecord* now = node_at(new_nodes, item.path);
    if (now == nullptr) return;
    const Blob* ob = bytes_of(old_side, old_f.locator);
    const Blob* nb = bytes_of(new_side, now->locator);
    if (ob == nullptr || nb == nullptr) return;
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& s : old_f.strings) {
      if (!s.view.empty() || std::find(gone.begin(), gone.end(), s.text) == gone.end()) continue;
      std::vector<std::pair<std::uint64_t, std::uint64_t>> others;
      for (const auto& r : matched_ranges[old_f.locator]) {
        if (r != std::make_pair(s.offset, s.offset + s.length)) others.push_back(r);
      }
      auto r = find_rename(ob->bytes(), nb->bytes(), s.offset, s.length, s.encoding, others);
      if (r && seen.emplace(r->old_text, r->new_text).second) item.renames.push_back(std::move(*r));
    }
  };

  for (std::size_t i = 0; i < olds.size(); ++i) {
    DiffItem item;
    item.state = state[i];
    item.rule = olds[i].rule;
    item.path = olds[i].path;
    item.texts = olds[i].texts;
    item.old_finding = *olds[i].f;
    if (pair[i]) item.new_finding = *news[*pair[i]].f;
    const Finding& of = *olds[i].f;
    if (item.new_finding) {
      const Finding& nf = *item.new_finding;
      if (item.state == DiffState::kMoved) item.notes.push_back("now at " + news[*pair[i]].path);
      if (of.severity != nf.severity) {
        item.notes.push_back(fmt::format("severity {} in OLD, {} in NEW", rule_severity_name(of.severity), rule_severity_name(nf.severity)));
      }
      const auto before = functions_of(of), after = functions_of(nf);
      for (const auto& fn : before) {
        if (after.count(fn) == 0 && nf.strings.end() != std::find_if(nf.strings.begin(), nf.strings.end(), [](const EvidenceString& s) { return s.code.has_value(); }))
          item.notes.push_back("no longer used by function " + fn);
      }
      for (const auto& fn : after) {
        if (before.count(fn) == 0) item.notes.push_back("now used by function " + fn);
      }
      if (item.state == DiffState::kChanged) {
        const auto new_texts = texts_of(nf);
        std::set_difference(item.texts.begin(), item.texts.end(), new_texts.begin(), new_texts.end(), std::back_inserter(item.texts_removed));
        std::set_difference(new_texts.begin(), new_texts.end(), item.texts.begin(), item.texts.end(), std::back_inserter(item.texts_added));
        find_renames(item, of, item.texts_removed);
      }
    } else {
      const NodeRecord* now = node_at(new_nodes, item.path);
      if (now == nullptr) item.notes.push_back("the file is gone from NEW");
      else if (now->sha256 == of.node_sha256) item.notes.push_back("the file is in NEW unchanged (sha256 " + now->sha256.substr(0, 16) + "…): the rules or options differ");
      else item.notes.push_back("the file is still in NEW (" + now->locator + "), changed");
      note_functions_gone(item, of);
      find_renames(item, of, item.texts);
    }
    d.items.push_back(std::move(item));
  }
  for (const Entry& n : news) {
    if (n.used) continue;
    DiffItem item;
    item.state = DiffState::kAdded;
    item.rule = n.rule;
    item.path = n.path;
    item.texts = n.texts;
    item.new_finding = *n.f;
    const NodeRecord* before = node_at(old_nodes, n.path);
    if (before == nullptr) item.notes.push_back("the file is new in NEW");
    else if (before->sha256 == n.f->node_sha256) item.notes.push_back("the file is in OLD unchanged: the rules or options differ");
    else item.notes.push_back("the file was in OLD (" + before->locator + "), changed");
    d.items.push_back(std::move(item));
  }
  return d;
}

namespace {

std::string texts_line(const std::vector<std::string>& texts) {
  std::string out;
  for (const auto& t : texts) out += (out.empty() ? "" : ", ") + quoted(t);
  return out;
}

void write_item(const DiffItem& item, std::ostream& out) {
  out << fmt::format("  {:<9} {:<8} {}  {}\n", diff_state_name(item.state), rule_severity_name(item.severity()), terminal_safe(item.rule),
                     texts_line(item.texts));
  out << "            path: " << terminal_safe(item.path) << "\n";
  auto where = [](const Finding& f) {
    std::string at = terminal_safe(f.locator);
    if (!f.strings.empty()) at += " @" + hex_u64(f.strings.front().offset);
    return at;
  };
  if (item.old_finding) out << "            OLD: " << where(*item.old_finding) << "\n";
  if (item.new_finding) out << "            NEW: " << where(*item.new_finding) << "\n";
  if (!item.texts_removed.empty()) out << "            texts gone: " << texts_line(item.texts_removed) << "\n";
  if (!item.texts_added.empty()) out << "            texts new: " << texts_line(item.texts_added) << "\n";
  for (const Rename& r : item.renames) {
    if (r.new_text.empty()) out << "            deleted in place: " << quoted(r.old_text) << " (OLD " << hex_u64(r.old_offset) << ")\n";
    else out << "            renamed in place: " << quoted(r.old_text) << " -> " << quoted(r.new_text) << " (OLD " << hex_u64(r.old_offset)
             << ", NEW " << hex_u64(r.new_offset) << ")\n";
  }
  for (const auto& n : item.notes) out << "            " << terminal_safe(n) << "\n";
}

Json finding_ref(const Finding& f) {
  Json j;
  j["locator"] = f.locator;
  j["node_sha256"] = f.node_sha256;
  j["severity"] = rule_severity_name(f.severity);
  Json offsets = Json::array();
  for (const auto& s : f.strings) offsets.push_back(s.offset);
  j["offsets"] = offsets;
  if (f.verdict) j["explanation"] = f.verdict->explanation;
  return j;
}

}  // namespace

void write_diff_text(const ReportDiff& diff, std::ostream& out) {
  out << "fwscan diff\n";
  out << "  OLD: " << terminal_safe(diff.old_name) << (diff.old_sha256.empty() ? "" : " (sha256 " + diff.old_sha256 + ")") << "\n";
  out << "  NEW: " << terminal_safe(diff.new_name) << (diff.new_sha256.empty() ? "" : " (sha256 " + diff.new_sha256 + ")") << "\n";
  out << diff.headline() << ".\n";
  out << fmt::format("findings: {} unchanged, {} moved, {} changed, {} removed, {} added\n", diff.count(DiffState::kUnchanged),
                     diff.count(DiffState::kMoved), diff.count(DiffState::kChanged), diff.count(DiffState::kRemoved), diff.count(DiffState::kAdded));
  for (const auto& w : diff.warnings) out << "warning: " << terminal_safe(w) << "\n";
  for (DiffState s : {DiffState::kRemoved, DiffState::kAdded, DiffState::kChanged, DiffState::kMoved, DiffState::kUnchanged}) {
    if (diff.count(s) == 0) continue;
    out << "\n" << diff_state_name(s) << ":\n";
    for (const DiffItem& item : diff.items) {
      if (item.state == s) write_item(item, out);
    }
  }
}

void write_diff_html(const ReportDiff& diff, std::ostream& out) {
  auto H = [](std::string_view s) { return html_visible_text(s); };
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      << "<title>fwscan diff: " << H(diff.old_name) << " / " << H(diff.new_name) << "</title>\n<style>" << html_style() << "</style></head>\n<body>\n";
  out << "<header><h1>fwscan diff</h1>\n<table><tr><th>OLD</th><td><code>" << H(diff.old_name) << "</code></td><td><code>" << H(diff.old_sha256)
      << "</code></td></tr>\n<tr><th>NEW</th><td><code>" << H(diff.new_name) << "</code></td><td><code>" << H(diff.new_sha256) << "</code></td></tr></table>\n";
  out << "<p class=\"why\" id=\"headline\"><b>" << H(diff.headline()) << ".</b></p>\n";
  out << fmt::format("<p>{} unchanged, {} moved, {} changed, {} removed, {} added.</p>\n", diff.count(DiffState::kUnchanged),
                     diff.count(DiffState::kMoved), diff.count(DiffState::kChanged), diff.count(DiffState::kRemoved), diff.count(DiffState::kAdded));
  for (const auto& w : diff.warnings) out << "<p class=\"muted\">Warning: " << H(w) << "</p>\n";
  out << "</header>\n";
  for (DiffState st : {DiffState::kRemoved, DiffState::kAdded, DiffState::kChanged, DiffState::kMoved, DiffState::kUnchanged}) {
    if (diff.count(st) == 0) continue;
    out << "<section><h2>" << diff_state_name(st) << " (" << diff.count(st) << ")</h2>\n";
    for (const DiffItem& item : diff.items) {
      if (item.state != st) continue;
      out << fmt::format("<article class=\"finding {}\"><h3><span class=\"sev\">{}</span>{}</h3>\n", rule_severity_name(item.severity()),
                         rule_severity_name(item.severity()), H(item.rule));
      std::string texts;
      for (const auto& t : item.texts) texts += (texts.empty() ? "" : ", ") + ("&ldquo;" + H(t) + "&rdquo;");
      out << "<p><b>" << texts << "</b> in <code>" << H(item.path.empty() ? "(the input)" : item.path) << "</code></p>\n";
      if (item.old_finding) out << "<p>OLD: <code>" << H(item.old_finding->locator) << "</code></p>\n";
      if (item.new_finding) out << "<p>NEW: <code>" << H(item.new_finding->locator) << "</code></p>\n";
      for (const Rename& r : item.renames) {
        out << "<p class=\"why\">" << (r.new_text.empty() ? "Deleted in place: &ldquo;" + H(r.old_text) + "&rdquo;"
                                                          : "Renamed in place: &ldquo;" + H(r.old_text) + "&rdquo; &rarr; &ldquo;" + H(r.new_text) + "&rdquo;")
            << fmt::format(" (OLD {}, NEW {})</p>\n", hex_u64(r.old_offset), hex_u64(r.new_offset));
      }
      for (const auto& n : item.notes) out << "<p class=\"muted\">" << H(n) << "</p>\n";
      out << "</article>\n";
    }
    out << "</section>\n";
  }
  out << "</body></html>\n";
}

void write_diff_json(const ReportDiff& diff, std::ostream& out) {
  Json j;
  j["diff_schema_version"] = 1;
  j["old"] = {{"name", diff.old_name}, {"sha256", diff.old_sha256}, {"rules_digest", diff.old_rules_digest}};
  j["new"] = {{"name", diff.new_name}, {"sha256", diff.new_sha256}, {"rules_digest", diff.new_rules_digest}};
  Json summary;
  summary["headline"] = diff.headline();
  summary["old_classification"] = diff.old_classification();
  summary["still_present_classification"] = diff.still_classification();
  for (DiffState s : {DiffState::kUnchanged, DiffState::kMoved, DiffState::kChanged, DiffState::kRemoved, DiffState::kAdded}) {
    summary[std::string(diff_state_name(s))] = diff.count(s);
  }
  j["summary"] = summary;
  j["warnings"] = diff.warnings;
  Json items = Json::array();
  for (const DiffItem& item : diff.items) {
    Json i;
    i["state"] = diff_state_name(item.state);
    i["rule"] = item.rule;
    i["path"] = item.path;
    i["texts"] = item.texts;
    i["classification"] = item.classification();
    if (item.old_finding) i["old"] = finding_ref(*item.old_finding);
    if (item.new_finding) i["new"] = finding_ref(*item.new_finding);
    if (!item.texts_removed.empty()) i["texts_removed"] = item.texts_removed;
    if (!item.texts_added.empty()) i["texts_added"] = item.texts_added;
    Json renames = Json::array();
    for (const Rename& r : item.renames) {
      renames.push_back({{"old_text", r.old_text}, {"new_text", r.new_text}, {"old_offset", r.old_offset}, {"new_offset", r.new_offset}});
    }
    if (!renames.empty()) i["renames"] = renames;
    i["notes"] = item.notes;
    items.push_back(std::move(i));
  }
  j["items"] = items;
  out << json_escape_invisible(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) << "\n";
}

}  // namespace fwscan
