// The YARA analyzer: rules/ over every unique node, its raw bytes and its decoding views
// (scan/text_views.hpp), in parallel; findings, and the signals of the verdict stage. An image
// holding a label is scanned again with the context rules (rules/context/).
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "analyze/analyzer.hpp"
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "report/text_encoding.hpp"
#include "scan/rule_set.hpp"
#include "scan/text_views.hpp"
#include "verdict/policy.hpp"
#include "verdict/verdict.hpp"

namespace fwscan {
namespace {

std::string basename_of(const std::string& entry) {
  const auto slash = entry.find_last_of('/');
  return slash == std::string::npos ? entry : entry.substr(slash + 1);
}

// Byte ranges of a node that a scanned child holds as a carved slice: matches there are
// reported on the child, where the provenance is more precise.
std::vector<std::pair<std::uint64_t, std::uint64_t>> carved_child_ranges(const ExtractionTree& tree, const Node& n) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (NodeId cid : n.children) {
    const Node& c = tree.at(cid);
    if (c.step.origin != ChildOrigin::kCarved || !c.is_content() || c.size() == 0) continue;
    ranges.emplace_back(c.step.offset, c.step.offset + c.size());
  }
  return ranges;
}

// A container is scanned over its own bytes: what its carved children do not hold, and `margin`
// bytes into each child on both sides, the longest match a string of the pack can have
// (ScanSession::block_overlap), so a match across a child's edge is still the container's. A
// child's bytes are scanned when the child is (a carved child is a node of its own, or the
// duplicate of one), and a match inside a child was the child's to report already
// (inside_carved); so a SquashFS image followed by its padding is no longer scanned twice. A
// rule's condition at the container sees the container's own bytes, not its children's.
std::vector<Extent> own_extents(std::vector<Extent> data, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& children,
                               std::uint64_t margin) {
  for (const auto& [begin, end] : children) {
    if (end - begin <= 2 * margin) continue;
    // A child that covers its container whole is the container's bytes again: a duplicate of it
    // or of an ancestor, which nothing else scans (handlers refuse such maps today; this keeps a
    // later one from hiding the bytes).
    if (!data.empty() && begin == 0 && end >= data.back().offset + data.back().size) continue;
    const std::uint64_t cut_begin = begin + margin, cut_end = end - margin;
    std::vector<Extent> kept;
    for (const Extent& e : data) {
      const std::uint64_t e_end = e.offset + e.size;
      if (e_end <= cut_begin || e.offset >= cut_end) {
        kept.push_back(e);
        continue;
      }
      if (e.offset < cut_begin) kept.push_back({e.offset, cut_begin - e.offset});
      if (e_end > cut_end) kept.push_back({cut_end, e_end - cut_end});
    }
    data = std::move(kept);
  }
  return data;
}

constexpr int kStateKey = 0;  // this analyzer's AnalysisRun::states slot
struct YaraState final : AnalyzerState {
  std::vector<std::unique_ptr<ScanSession>> sessions;  // one per thread, kept between batches
};

struct NodeScan {
  const Node& node;
  const std::vector<std::pair<std::uint64_t, std::uint64_t>>& carved;
};

bool inside_carved(const NodeScan& ns, std::uint64_t begin, std::uint64_t end) {
  return std::any_of(ns.carved.begin(), ns.carved.end(),
                     [&](const auto& r) { return begin >= r.first && end <= r.second; });
}

constexpr std::size_t kMaxSignalMatchesPerString = 256;

bool is_signal_rule(const RuleMatch& m) { return m.meta.get("signal") != nullptr; }

// String ids of signal rules that start with "$id_" must match a whole identifier token
// (verdict::identifier_token_ok): "race" in byRace or "race": yes; in trace or "data race": no.
bool wants_token(const std::string& id) { return id.rfind("$id_", 0) == 0; }

// Compressed or encrypted bytes hold no text: a signal match there is a coincidence when it is
// short enough to be expected by chance in this many random bytes. Expected chance matches are
// the node's size times the match's case variants over 256^length ("race" nocase in 12 MB of
// xz: 0.045); at 1/1000 or more, a match whose surrounding 1 KiB looks random (entropy above
// 7.5 bits per byte; text and code stay well below) is dropped. A long label (维族 is 6 fixed
// bytes: 10^-8 chance matches per GiB) is never dropped, wherever it sits.
bool chance_match(ByteView bytes, std::uint64_t begin, std::uint64_t length) {
  if (length == 0 || length > 8) return false;
  double variants = 1.0;
  for (std::uint64_t i = begin; i < begin + length; ++i) {
    const std::uint8_t c = bytes[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) variants *= 2.0;
  }
  const double expected = static_cast<double>(bytes.size()) * variants / std::pow(256.0, static_cast<double>(length));
  if (expected < 1e-3) return false;
  constexpr std::uint64_t kHalfWindow = 512;
  const std::uint64_t lo = begin > kHalfWindow ? begin - kHalfWindow : 0;
  const std::uint64_t hi = std::min<std::uint64_t>(bytes.size(), begin + length + kHalfWindow);
  return shannon_entropy(bytes.subspan(lo, hi - lo)) > 7.5;
}

// Turns the matches of one scan of a node (its bytes, or a decoding view of them) into findings,
// or into signals for the verdict stage when the rule names a signal kind.
// The piece a large node's decoding views are made of (see scan_ready).
constexpr std::uint64_t kViewPiece = 32ULL << 20;

void add_findings(std::vector<RuleMatch>& matches, const NodeScan& ns, const DecodedView* view,
                  std::vector<Finding>& out, std::vector<Finding>& signals) {
  const ByteView node_bytes = ns.node.data.bytes();
  const ByteView scanned = view != nullptr ? ByteView(view->bytes.data(), view->bytes.size()) : node_bytes;
  const bool transcoded = view != nullptr && view->encoding.has_value();
  for (RuleMatch& m : matches) {
    const bool signal = is_signal_rule(m);
    Finding f;
    f.ns = m.ns;
    f.rule = m.rule;
    f.severity = m.severity();
    f.meta = m.meta;
    f.node = ns.node.id;
    f.locator = ns.node.locator;
    f.node_sha256 = ns.node.sha256;
    std::map<std::string, std::size_t> per_id;
    for (const StringMatch& s : m.strings) {
      // A signal's first matches per string are enough to place it; a page of 人脸 is not 10,000 signals.
      if (signal && ++per_id[s.id] > kMaxSignalMatchesPerString) continue;
      if (signal && wants_token(s.id) && !verdict::identifier_token_ok(scanned, s.offset, s.offset + s.length)) continue;
      if (signal && view == nullptr && chance_match(scanned, s.offset, s.length)) continue;
      std::uint64_t begin = s.offset, end = s.offset + s.length;
      if (view != nullptr) std::tie(begin, end) = view->original_range(s.offset, s.length);
      if (inside_carved(ns, begin, end)) continue;  // a carved child reports it
      EvidenceString e;
      e.id = s.id;
      e.offset = begin;
      e.length = static_cast<std::uint32_t>(end - begin);
      if (ns.node.root_offset) e.root_offset = *ns.node.root_offset + begin;
      const ByteView bytes(s.data.data(), s.data.size());
      if (transcoded) {
        // The view is UTF-8 decoded from the node's own bytes: the text is the view's, the hex
        // the file's, so the match can be checked against the file byte for byte.
        e.encoding = *view->encoding;
        e.text = std::string(as_chars(scanned.subspan(s.offset, s.length)));
        e.hex = to_hex(node_bytes.subspan(begin, end - begin));
        e.context = context_text(scanned, s.offset, s.length, Encoding::kUtf8);
        e.view = view->name;
      } else {
        DecodedText t = decode_match_text(s.id, bytes);
        e.encoding = t.encoding;
        e.text = std::move(t.text);
        e.hex = to_hex(bytes);
        e.context = context_text(scanned, s.offset, s.length, e.encoding);
        if (view != nullptr) {
          e.view = view->name;
          e.source = std::string(as_chars(node_bytes.subspan(begin, std::min<std::uint64_t>(end - begin, 256))));
        }
      }
      f.strings.push_back(std::move(e));
    }
    if (!m.strings.empty() && f.strings.empty()) continue;  // fully explained by carved children, or no token
    (signal ? signals : out).push_back(std::move(f));
  }
}

// The node phase. Every unique content node is scanned once, in parallel, over its bytes and its
// decoding views, with the label rules and, when the pack has them, the context rules
// (rules/context/): both sets compiled together (RuleSet::scan_set), so one pass of the
// automaton gives the matches of both, told apart by namespace. The views of a node live only as
// long as its task. Each task writes only its node's NodeEvidence.
void scan_ready(AnalysisRun& run, const std::vector<NodeId>& ready) {
  const std::shared_ptr<const RuleSet>& rules = run.options.rules;
  const auto& policy = rules->policy();
  const bool context = policy && rules->context();
  ExtractionTree& tree = run.tree;
  std::vector<NodeId> todo;
  for (NodeId id : ready) {
    const Node& n = tree.at(id);
    if (n.is_content() && n.size() != 0 && !n.duplicate_of) todo.push_back(id);
  }
  if (todo.empty()) return;
  for (NodeId id : todo) run.evidence_of(id);  // sized before the tasks write their slots
  auto& sessions = run.state<YaraState>(&kStateKey).sessions;
  if (sessions.size() < run.pool.jobs()) sessions.resize(run.pool.jobs());  // one YARA scanner per thread
  const std::shared_ptr<const RuleSet> scan_set = rules->scan_set_ptr(rules);
  const auto order = largest_first(tree, todo);
  run.pool.run(todo.size(), [&](std::size_t k, unsigned worker) {
    const std::size_t t = order[k];
    if (!sessions[worker]) sessions[worker] = std::make_unique<ScanSession>(scan_set, run.options.limits.yara_timeout_seconds);
    ScanSession& session = *sessions[worker];
    const Node& n = tree.at(todo[t]);
    NodeEvidence& out = run.evidence[todo[t]];
    out.scanned = true;
    ScanContext ctx;
    ctx.depth = n.depth;
    ctx.handler = n.handler.value_or("");
    ctx.locator = n.locator;
    ctx.name = basename_of(n.step.entry);
    ctx.is_elf = has_bytes_at(n.data.bytes(), 0, "\x7f" "ELF");
    const auto ranges = carved_child_ranges(tree, n);
    const NodeScan ns{n, ranges};
    // The views are made once per node, or per piece of a node too large for its views to be
    // held whole (below).
    // Decoding view: escaped text (\uXXXX, &#...;, %XX, \xNN) scanned as the text it encodes;
    // transcoding views: GBK, Big5 and UTF-16 text runs as UTF-8 (one label, one string).
    const bool by_piece = session.rule_count() > 0 && n.size() > run.options.limits.max_resident_bytes / 8;
    std::vector<DecodedView> views;
    if (session.rule_count() > 0 && !by_piece) views = decoding_views(n.data, n.entropy, !ctx.is_elf);
    // Per rule set: non-signal rules report a node once, so a view adds only the rules its bytes
    // did not raise.
    std::set<std::string> raised_main, raised_context;
    auto take = [&](std::vector<RuleMatch>& matches, const DecodedView* view) {
      std::array<std::vector<RuleMatch>, 2> parts;  // label rules, context rules
      for (RuleMatch& m : matches) parts[context && RuleSet::is_context_namespace(m.ns) ? 1 : 0].push_back(std::move(m));
      for (std::size_t p = 0; p < parts.size(); ++p) {
        if (parts[p].empty()) continue;
        std::set<std::string>& raised = p == 0 ? raised_main : raised_context;
        std::erase_if(parts[p], [&](const RuleMatch& m) { return !is_signal_rule(m) && raised.count(m.ns + "/" + m.rule) != 0; });
        for (const auto& m : parts[p]) {
          if (!is_signal_rule(m)) raised.insert(m.ns + "/" + m.rule);
        }
        if (p == 0) add_findings(parts[p], ns, view, out.findings, out.signals);
        else add_findings(parts[p], ns, view, out.context_findings, out.context_signals);
      }
    };
    // A node with holes is scanned in its data alone; a container in its own bytes.
    const std::vector<Extent> data = own_extents(n.data.data_extents(), ranges, session.block_overlap());
    auto matches = session.scan(n.data.bytes(), data, ctx, out.diagnostics);
    if (!matches) {
      out.diagnostics.push_back(diagnostic_from_error(matches.error(), "yara"));
      return;
    }
    take(*matches, nullptr);
    auto scan_view = [&](const DecodedView& view) {
      const Extent all{0, view.bytes.size()};
      auto vmatches = session.scan({view.bytes.data(), view.bytes.size()}, {&all, 1}, ctx, out.diagnostics);
      if (vmatches) take(*vmatches, &view);
    };
    for (const DecodedView& view : views) scan_view(view);
    if (by_piece) {
      // A node over an eighth of the resident-memory budget: its views (up to 1.5 times the text
      // each) are made and scanned one piece at a time, each mapped back into the node, so they
      // are never all held. A text run across a piece boundary is split there: said.
      out.diagnostics.push_back({Severity::kInfo, DiagCode::kViewsSplit,
                                 "decoding views made per " + std::to_string(kViewPiece >> 20) + " MiB piece of this " + std::to_string(n.size() >> 20) +
                                     " MiB node (over an eighth of the resident-memory budget): a text run across a piece boundary is split there",
                                 "yara", std::nullopt});
      for (std::uint64_t off = 0; off < n.size(); off += kViewPiece) {
        const Blob piece = *n.data.slice(off, std::min(kViewPiece, n.size() - off));
        for (const DecodedView& v : decoding_views(piece, shannon_entropy(piece.bytes()), !ctx.is_elf)) {
          DecodedView in_node;
          in_node.name = v.name;
          in_node.encoding = v.encoding;
          in_node.append_piece(v, off);
          in_node.finish(n.size());
          scan_view(in_node);
        }
      }
    }
    out.had_signals = !out.signals.empty() || !out.context_signals.empty();
  });
}

// run(): every node's label matches in node order, then the context matches of the nodes whose
// image holds a label (or every image, with context_everywhere): the order the context rules had
// when they were a second pass over those images, so the report did not change. A finding in a
// node whose content other nodes repeat names them (also_in).
void merge_scans(AnalysisRun& run) {
  const auto& policy = run.options.rules->policy();
  const bool context = policy && run.options.rules->context();
  ExtractionTree& tree = run.tree;
  std::map<NodeId, std::vector<std::string>> duplicates;
  for (const Node& n : tree.nodes()) {
    if (n.duplicate_of) duplicates[*n.duplicate_of].push_back(n.locator);
  }
  std::vector<NodeId> scanned;
  for (const Node& n : tree.nodes()) {
    const NodeEvidence* e = run.find_evidence(n.id);
    if (e != nullptr && e->scanned) scanned.push_back(n.id);
  }
  auto merge = [&](NodeId id, std::vector<Finding>& findings, std::vector<Finding>& signals) {
    auto dup = duplicates.find(id);
    for (auto* part : {&findings, &signals}) {
      for (Finding& f : *part) {
        if (dup != duplicates.end()) f.also_in = dup->second;
        (part == &findings ? run.doc.findings : run.doc.signals).push_back(std::move(f));
      }
    }
    findings.clear();
    signals.clear();
  };
  for (NodeId id : scanned) {
    NodeEvidence& e = run.evidence[id];
    Node& n = tree.at(id);
    n.diagnostics.insert(n.diagnostics.end(), std::make_move_iterator(e.diagnostics.begin()),
                         std::make_move_iterator(e.diagnostics.end()));
    e.diagnostics.clear();
    merge(id, e.findings, e.signals);
  }
  if (!context) return;
  // Context and benign signals (rules/context/) only matter in an image where a label is.
  auto root_of = [&](NodeId id) {
    NodeId cur = id;
    while (tree.at(cur).parent) cur = *tree.at(cur).parent;
    return cur;
  };
  std::set<NodeId> roots;
  for (const Finding& f : run.doc.signals) {
    const auto* k = policy->kind(f.meta.get_string("signal"));
    if (k != nullptr && k->role == verdict::Role::kSubject) roots.insert(root_of(f.node));
  }
  for (NodeId id : scanned) {
    NodeEvidence& e = run.evidence[id];
    if (run.options.context_everywhere || roots.count(root_of(id)) != 0) merge(id, e.context_findings, e.context_signals);
    e.context_findings.clear();
    e.context_signals.clear();
  }
}

void drop_explained_by_descendants(const ExtractionTree& tree, std::vector<Finding>& findings) {
  // A container's match whose every matched string (id and bytes) also matched the same rule in
  // a node extracted from it (a decoded file, where offsets cannot be mapped back) adds nothing:
  // the descendant carries the precise provenance.
  auto is_ancestor = [&](NodeId a, NodeId d) {
    std::optional<NodeId> cur = tree.at(d).parent;
    while (cur) {
      if (*cur == a) return true;
      cur = tree.at(*cur).parent;
    }
    return false;
  };
  auto keys = [](const Finding& f) {
    std::set<std::pair<std::string, std::string>> k;
    for (const auto& s : f.strings) k.emplace(s.id, s.hex);
    return k;
  };
  std::vector<bool> drop(findings.size(), false);
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    if (f.strings.empty()) continue;
    const auto fk = keys(f);
    for (std::size_t j = 0; j < findings.size() && !drop[i]; ++j) {
      const Finding& g = findings[j];
      if (i == j || g.ns != f.ns || g.rule != f.rule || !is_ancestor(f.node, g.node)) continue;
      const auto gk = keys(g);
      drop[i] = std::includes(gk.begin(), gk.end(), fk.begin(), fk.end());
    }
  }
  std::vector<Finding> kept;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(findings[i]));
  }
  findings = std::move(kept);
}

class YaraAnalyzer final : public Analyzer {
 public:
  std::string_view id() const override { return "yara"; }
  std::string_view description() const override {
    return "rules/ over every node and its decoding views: findings, and the verdict stage's signals";
  }
  void scan_nodes(AnalysisRun& run, const std::vector<NodeId>& ready) const override {
    if (run.options.rules) scan_ready(run, ready);
  }
  // Every node is scanned in the node phase; run() reads no byte.
  bool needs_bytes(const AnalysisRun&, const Node&) const override { return false; }
  void run(AnalysisRun& run) const override {
    if (!run.options.rules) return;
    merge_scans(run);
    run.states.erase(&kStateKey);  // the scanners
    const ExtractionTree& tree = run.tree;
    drop_explained_by_descendants(tree, run.doc.findings);
    drop_explained_by_descendants(tree, run.doc.signals);
  }
};

}  // namespace

const Analyzer& yara_analyzer() {
  static const YaraAnalyzer analyzer;
  return analyzer;
}

}  // namespace fwscan
