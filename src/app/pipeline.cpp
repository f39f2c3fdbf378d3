#include "app/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <map>
#include <set>

#include "app/extract_writer.hpp"
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "elf/string_evidence.hpp"
#include "report/text_encoding.hpp"
#include "scan/text_views.hpp"
#include "unpack/unpacker.hpp"
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

}  // namespace

Pipeline::Pipeline(ScanOptions options, const Registry& registry)
    : options_(std::move(options)),
      pool_(options_.jobs == 0 ? WorkerPool::default_jobs() : options_.jobs),
      registry_(registry) {
  doc_.tool_version = FWSCAN_VERSION;
  doc_.limits = options_.limits;
  if (options_.rules) {
    doc_.rules_digest = options_.rules->digest();
    doc_.rules_count = options_.rules->rule_count();
    doc_.rule_files = options_.rules->files();
  }
}

Pipeline::~Pipeline() = default;

void Pipeline::add_file(const std::filesystem::path& path) {
  auto blob = Blob::map_file(path);
  const std::string name = path.filename().string();
  if (!blob) {
    doc_.inputs.push_back({name, "", 0, std::nullopt});
    doc_.diagnostics.push_back({Severity::kError, DiagCode::kIoError, blob.error().message, "", std::nullopt});
    return;
  }
  add_blob(std::move(blob).value(), name);
}

void Pipeline::add_blob(Blob blob, const std::string& name) {
  ReportInput in{name, sha256_hex(blob.bytes()), blob.size(), std::nullopt};
  std::size_t same = 0;
  for (const auto& other : doc_.inputs) same += other.name == name ? 1 : 0;
  // Each input has its own budget, node count and duplicate map: a second firmware version is
  // unpacked and scanned whole, whatever the first held (content shared between the two is
  // reported as shared, Finding::shared_with).
  Unpacker unpacker(registry_, options_.limits, &pool_);
  in.root = unpacker.unpack(std::move(blob), name, tree_, static_cast<unsigned>(same + 1));
  doc_.inputs.push_back(std::move(in));
}

namespace {

struct NodeScan {
  const Node& node;
  const std::vector<std::pair<std::uint64_t, std::uint64_t>>& carved;
  const std::vector<std::string>* duplicates;
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
    if (ns.duplicates != nullptr) f.also_in = *ns.duplicates;
    (signal ? signals : out).push_back(std::move(f));
  }
}

}  // namespace

namespace {
// The order tasks are taken in: largest node first, so one large file taken last does not leave
// the other threads idle (outputs are still merged in node order).
std::vector<std::size_t> largest_first(const ExtractionTree& tree, const std::vector<NodeId>& ids) {
  std::vector<std::size_t> order(ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return tree.at(ids[a]).size() > tree.at(ids[b]).size(); });
  return order;
}

// What scanning one node produced; merged into the document in node order.
struct NodeOutcome {
  std::vector<Finding> findings, signals;
  std::vector<Diagnostic> diagnostics;
};
}  // namespace

void Pipeline::scan_nodes(const std::shared_ptr<const RuleSet>& rules, const std::vector<bool>& selected) {
  ExtractionTree& tree = tree_;
  std::map<NodeId, std::vector<std::string>> duplicates;
  for (const Node& n : tree.nodes()) {
    if (n.duplicate_of) duplicates[*n.duplicate_of].push_back(n.locator);
  }
  std::vector<NodeId> todo;
  for (std::size_t i = 0; i < tree.size(); ++i) {
    const Node& n = tree.at(static_cast<NodeId>(i));
    if (selected[i] && n.is_content() && n.size() != 0 && !n.duplicate_of) todo.push_back(n.id);
  }
  views_.resize(tree.size());
  std::vector<NodeOutcome> outcomes(todo.size());
  std::vector<std::unique_ptr<ScanSession>> sessions(pool_.jobs());  // one YARA scanner per thread
  // Each task reads the tree and writes only its node's outcome and view slot.
  const auto order = largest_first(tree, todo);
  pool_.run(todo.size(), [&](std::size_t k, unsigned worker) {
    const std::size_t t = order[k];
    if (!sessions[worker]) sessions[worker] = std::make_unique<ScanSession>(rules, options_.limits.yara_timeout_seconds);
    ScanSession& session = *sessions[worker];
    const Node& n = tree.at(todo[t]);
    NodeOutcome& out = outcomes[t];
    ScanContext ctx;
    ctx.depth = n.depth;
    ctx.handler = n.handler.value_or("");
    ctx.locator = n.locator;
    ctx.name = basename_of(n.step.entry);
    ctx.is_elf = has_bytes_at(n.data.bytes(), 0, "\x7f" "ELF");
    std::vector<Diagnostic>& diags = out.diagnostics;
    auto matches = session.scan(n.data.bytes(), ctx, diags);
    if (!matches) {
      diags.push_back(diagnostic_from_error(matches.error(), "yara"));
      return;
    }
    const auto ranges = carved_child_ranges(tree, n);
    auto dup = duplicates.find(n.id);
    const NodeScan ns{n, ranges, dup != duplicates.end() ? &dup->second : nullptr};
    // Non-signal rules report a node once: a view adds only the rules its bytes did not raise.
    std::set<std::string> raised;
    for (const auto& m : *matches) {
      if (!is_signal_rule(m)) raised.insert(m.ns + "/" + m.rule);
    }
    add_findings(*matches, ns, nullptr, out.findings, out.signals);
    auto scan_view = [&](const DecodedView& view) {
      auto vmatches = session.scan({view.bytes.data(), view.bytes.size()}, ctx, diags);
      if (!vmatches) return;
      std::erase_if(*vmatches, [&](const RuleMatch& m) { return !is_signal_rule(m) && raised.count(m.ns + "/" + m.rule) != 0; });
      for (const auto& m : *vmatches) {
        if (!is_signal_rule(m)) raised.insert(m.ns + "/" + m.rule);
      }
      add_findings(*vmatches, ns, &view, out.findings, out.signals);
    };
    // The views are made once per node and kept for a second pass (the context rules).
    auto& cached = views_[n.id];
    if (!cached) {
      std::vector<DecodedView> views;
      if (session.rule_count() > 0) {
        // Decoding view: escaped text (\uXXXX, &#...;, %XX, \xNN) scanned as the text it encodes.
        if (!ctx.is_elf) {
          if (auto view = unescape_view(n.data.bytes())) views.push_back(std::move(*view));
        }
        // Transcoding views: GBK, Big5 and UTF-16 text runs as UTF-8 (one label, one string).
        for (DecodedView& view : transcode_views(n.data.bytes(), n.entropy)) views.push_back(std::move(view));
      }
      cached = std::move(views);
    }
    for (const DecodedView& view : *cached) scan_view(view);
  });
  for (std::size_t t = 0; t < todo.size(); ++t) {
    Node& n = tree.at(todo[t]);
    NodeOutcome& out = outcomes[t];
    n.diagnostics.insert(n.diagnostics.end(), std::make_move_iterator(out.diagnostics.begin()),
                         std::make_move_iterator(out.diagnostics.end()));
    for (Finding& f : out.findings) doc_.findings.push_back(std::move(f));
    for (Finding& f : out.signals) doc_.signals.push_back(std::move(f));
  }
}

ReportDocument Pipeline::finish() {
  ExtractionTree& tree = tree_;
  if (options_.rules) {
    scan_nodes(options_.rules, std::vector<bool>(tree.size(), true));
    // Context and benign signals (rules/context/) only matter in an image where a label is:
    // scan those images again with them.
    const auto& policy = options_.rules->policy();
    if (options_.rules->context() && policy) {
      auto root_of = [&](NodeId id) {
        NodeId cur = id;
        while (tree.at(cur).parent) cur = *tree.at(cur).parent;
        return cur;
      };
      std::set<NodeId> roots;
      for (const Finding& f : doc_.signals) {
        const auto* k = policy->kind(f.meta.get_string("signal"));
        if (k != nullptr && k->role == verdict::Role::kSubject) roots.insert(root_of(f.node));
      }
      if (options_.context_everywhere) {
        for (std::size_t i = 0; i < tree.size(); ++i) roots.insert(root_of(static_cast<NodeId>(i)));
      }
      if (!roots.empty()) {
        std::vector<bool> selected(tree.size(), false);
        for (std::size_t i = 0; i < tree.size(); ++i) selected[i] = roots.count(root_of(static_cast<NodeId>(i))) != 0;
        scan_nodes(options_.rules->context(), selected);
      }
    }
    views_ = {};
  }
  drop_explained_by_descendants(doc_.findings);
  drop_explained_by_descendants(doc_.signals);
  analyze_elves();
  if (options_.rules && options_.rules->policy()) verdict::apply(doc_, tree_, *options_.rules->policy());
  if (options_.extract_to) {
    auto stats = write_extraction(tree_, *options_.extract_to);
    if (stats) extract_stats_ = *stats;
    else doc_.diagnostics.push_back({Severity::kError, DiagCode::kIoError, stats.error().message, "extract", std::nullopt});
  }
  mark_shared();
  doc_.tree = tree_.snapshot();
  std::stable_sort(doc_.findings.begin(), doc_.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.locator != b.locator) return a.locator < b.locator;
    if (a.ns != b.ns) return a.ns < b.ns;
    return a.rule < b.rule;
  });
  return std::move(doc_);
}

void Pipeline::analyze_elves() {
  constexpr std::size_t kMaxListedFunctions = 5000;
  ExtractionTree& tree = tree_;
  std::map<NodeId, std::vector<Finding*>> wanting;  // ELF node -> findings that want code evidence
  std::vector<Finding*> all;
  for (Finding& f : doc_.findings) all.push_back(&f);
  for (Finding& f : doc_.signals) all.push_back(&f);
  for (Finding* fp : all) {
    Finding& f = *fp;
    const bool want = options_.evidence == EvidencePolicy::kAll ||
                      (options_.evidence == EvidencePolicy::kRules && f.meta.get_string("evidence") == "xref");
    if (want) wanting[f.node].push_back(&f);
  }
  std::vector<NodeId> elves;
  for (const Node& n : tree.nodes()) {
    if (!n.is_content() || n.duplicate_of || !elf::looks_like_elf(n.data.bytes())) continue;
    if (wanting.count(n.id) == 0 && !options_.elf_summaries) continue;
    elves.push_back(n.id);
  }
  // One instruction budget for the run, shared by every swept ELF and allotted in node order
  // before any sweep starts: each ELF reserves what its sweep could decode at most (its size over
  // its architecture's shortest instruction), so the allotment, and the report, never depend on
  // which sweep finishes first. An ELF left with less than it could use says so.
  std::vector<std::uint64_t> caps(elves.size(), 0);
  std::uint64_t remaining = options_.limits.max_instructions_total;
  for (std::size_t t = 0; t < elves.size(); ++t) {
    Node& n = tree.at(elves[t]);
    if (wanting.count(n.id) == 0) continue;
    const std::uint64_t could = std::min(options_.limits.max_instructions,
                                         n.size() / elf::shortest_instruction(n.data.bytes()));
    caps[t] = std::min(could, remaining);
    remaining -= caps[t];
    if (caps[t] < could) {
      n.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitInstructions,
                               caps[t] == 0 ? "the run's instruction budget is spent: code not swept, no code evidence"
                                            : "the run's instruction budget leaves this sweep " + std::to_string(caps[t]) +
                                                  " instructions; later code not swept",
                               "elf", std::nullopt});
    }
  }
  // One task per ELF: it writes that node's diagnostics, summary slot and the evidence of the
  // findings on that node only.
  std::vector<std::optional<ElfSummary>> summaries(elves.size());
  const auto order = largest_first(tree, elves);
  pool_.run(elves.size(), [&](std::size_t k, unsigned) {
    const std::size_t t = order[k];
    Node& n = tree.at(elves[t]);
    auto it = wanting.find(n.id);
    const bool sweep = it != wanting.end() && caps[t] > 0;
    auto analysis = elf::ElfAnalysis::analyze(n.data.bytes(), sweep, caps[t]);
    if (!analysis) {
      n.diagnostics.push_back(diagnostic_from_error(analysis.error(), "elf"));
      return;
    }
    const auto& a = **analysis;
    for (auto d : a.diagnostics()) {
      d.handler = "elf";
      n.diagnostics.push_back(std::move(d));
    }
    summaries[t] = a.summary(kMaxListedFunctions);
    if (!sweep) return;
    for (Finding* f : it->second) {
      for (EvidenceString& s : f->strings) {
        if (s.view == "unescaped") continue;  // escaped text is not what the code references
        s.elf = a.locate(s.offset, s.length, s.encoding);
      }
    }
  });
  for (std::size_t t = 0; t < elves.size(); ++t) {
    if (summaries[t]) doc_.elf[elves[t]] = std::move(*summaries[t]);
  }
}

void Pipeline::drop_explained_by_descendants(std::vector<Finding>& findings) {
  // A container's match whose every matched string (id and bytes) also matched the same rule in
  // a node extracted from it (a decoded file, where offsets cannot be mapped back) adds nothing:
  // the descendant carries the precise provenance.
  const ExtractionTree& tree = tree_;
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

void Pipeline::mark_shared() {
  if (doc_.inputs.size() < 2) return;
  std::map<std::string, std::vector<std::pair<NodeId, std::string>>> by_content;  // sha256 -> (root, locator)
  for (const Node& n : tree_.nodes()) {
    if (!n.is_content() || n.size() == 0 || n.duplicate_of) continue;
    by_content[n.sha256].emplace_back(tree_.root_of(n.id), n.locator);
  }
  for (Finding& f : doc_.findings) {
    auto it = by_content.find(f.node_sha256);
    if (it == by_content.end()) continue;
    const NodeId root = tree_.root_of(f.node);
    for (const auto& [other_root, locator] : it->second) {
      if (other_root != root) f.shared_with.push_back(locator);
    }
  }
}

ExtractionTree Pipeline::take_tree() { return std::move(tree_); }

ReportDocument scan_blob(Blob blob, const std::string& name, const ScanOptions& options) {
  Pipeline p(options);
  p.add_blob(std::move(blob), name);
  return p.finish();
}

}  // namespace fwscan
