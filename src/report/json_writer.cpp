// JSON report: the document verbatim, fixed key order, no timestamps or absolute paths. Written
// one finding and one node at a time (never the whole report as one JSON value).
// Schema: docs/report-schema.md (schema_version 1).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "core/terminal_text.hpp"
#include "core/worker_pool.hpp"
#include "report/document.hpp"

namespace fwscan {
namespace {

using Json = nlohmann::ordered_json;

Json meta_json(const RuleMeta& meta) {
  Json j = Json::object();
  for (const auto& [k, v] : meta.entries) {
    Json value;
    if (const auto* s = std::get_if<std::string>(&v)) value = *s;
    else if (const auto* i = std::get_if<std::int64_t>(&v)) value = *i;
    else value = std::get<bool>(v);
    if (j.contains(k)) {
      if (!j[k].is_array()) j[k] = Json::array({j[k]});
      j[k].push_back(value);
    } else {
      j[k] = value;
    }
  }
  return j;
}

Json diag_json(const Diagnostic& d) {
  Json j;
  j["severity"] = severity_name(d.severity);
  j["code"] = diag_code_name(d.code);
  j["handler"] = d.handler;
  j["message"] = d.message;
  j["offset"] = d.offset ? Json(*d.offset) : Json(nullptr);
  return j;
}

Json entry_json(const EntryMeta& m) {
  Json j;
  j["kind"] = entry_kind_name(m.kind);
  if (m.mode) j["mode"] = *m.mode;
  if (m.uid) j["uid"] = *m.uid;
  if (m.gid) j["gid"] = *m.gid;
  if (m.mtime) j["mtime"] = *m.mtime;
  if (!m.link_target.empty()) j["link_target"] = m.link_target;
  if (m.dev_major) j["dev_major"] = *m.dev_major;
  if (m.dev_minor) j["dev_minor"] = *m.dev_minor;
  return j;
}

Json node_json(const NodeTable& tree, const NodeRecord& n) {
  Json j;
  j["id"] = n.id;
  j["parent"] = n.parent ? Json(*n.parent) : Json(nullptr);
  j["locator"] = n.locator;
  j["kind"] = node_kind_name(n.kind);
  j["depth"] = n.depth;
  j["size"] = n.size();
  j["sha256"] = n.sha256;
  j["entropy"] = std::round(n.entropy * 1000.0) / 1000.0;
  j["root_offset"] = n.root_offset ? Json(*n.root_offset) : Json(nullptr);
  j["handler"] = n.handler ? Json(*n.handler) : Json(nullptr);
  j["description"] = n.description;
  if (n.handler) j["confidence"] = confidence_name(n.confidence);
  if (n.kind == NodeKind::kEntry) j["entry"] = entry_json(n.meta);
  if (!n.properties.empty()) {
    Json p = Json::object();
    for (const auto& [k, v] : n.properties) p[k] = v;
    j["properties"] = p;
  }
  if (n.duplicate_of) j["duplicate_of"] = tree.at(*n.duplicate_of).locator;
  Json prov = Json::array();
  for (const auto& s : tree.provenance(n.id)) {
    Json step;
    step["handler"] = s.handler;
    step["offset"] = s.offset;
    step["length"] = s.length;
    step["entry"] = s.entry;
    step["origin"] = s.origin == ChildOrigin::kCarved ? "carved" : "decoded";
    prov.push_back(step);
  }
  j["provenance"] = prov;
  if (n.coverage) {
    j["coverage"] = std::round(*n.coverage * 10000.0) / 10000.0;
    Json unk = Json::array();
    for (const auto& r : n.unknown) {
      unk.push_back({{"offset", r.offset}, {"size", r.size}, {"entropy", std::round(r.entropy * 1000.0) / 1000.0},
                     {"padding", r.padding}});
    }
    j["unknown_regions"] = unk;
  }
  if (!n.verified.empty()) {
    Json v = Json::array();
    for (const auto& e : n.verified) v.push_back({{"offset", e.offset}, {"size", e.size}});
    j["verified"] = v;
  }
  if (n.bytes) {
    j["bytes"] = {{"verified", n.bytes->verified}, {"read", n.bytes->read}, {"located", n.bytes->located},
                  {"padding", n.bytes->padding}, {"unknown", n.bytes->unknown}};
  }
  Json d = Json::array();
  for (const auto& diag : n.diagnostics) d.push_back(diag_json(diag));
  j["diagnostics"] = d;
  return j;
}

constexpr int kIndent = 2;

// C1, bidi and invisible characters are escaped too (core/terminal_text.hpp), so a terminal
// showing the report shows every string as it is.
std::string dumped(const Json& j) {
  return json_escape_invisible(j.dump(kIndent, ' ', false, nlohmann::json::error_handler_t::replace));
}

// Writes `text` (a value dumped at nesting level 0) as a value at nesting `level`: every line
// after the first gets the level's indentation. Dumped strings hold no raw newline (it is
// escaped), so every newline is a line break of the layout.
std::string indented(const std::string& text, int level) {
  const std::string pad(static_cast<std::size_t>(level * kIndent), ' ');
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t from = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
    out.append(text, from, nl + 1 - from);
    out += pad;
    from = nl + 1;
  }
  out.append(text, from, std::string::npos);
  return out;
}
void put_indented(std::ostream& out, const std::string& text, int level) { out << indented(text, level); }

// The report's top-level object, written one member at a time, and its large arrays one element
// at a time, in exactly the layout of nlohmann's dump(2) of the whole document (a test parses
// the output and dumps it again), without ever holding the whole document as one JSON value.
class TopLevel {
 public:
  TopLevel(std::ostream& out, unsigned jobs) : out_(out) {
    if (jobs > 1) pool_ = std::make_unique<WorkerPool>(jobs);
    out_ << "{";
  }
  void member(std::string_view key, const Json& value) {
    open(key);
    put_indented(out_, dumped(value), 1);
  }
  // An array member whose elements are made by `make(i)`: rendered a block at a time, on the
  // pool when there is one, and written in order (a report's node summaries are most of its
  // bytes: tens of MiB for a root file system of programs).
  template <class Make>
  void array(std::string_view key, std::size_t n, Make&& make) {
    open(key);
    if (n == 0) {
      out_ << "[]";
      return;
    }
    out_ << "[";
    constexpr std::size_t kBlock = 64;
    std::vector<std::string> rendered;
    for (std::size_t first = 0; first < n; first += kBlock) {
      const std::size_t count = std::min(kBlock, n - first);
      rendered.assign(count, std::string());
      auto render = [&](std::size_t k, unsigned) { rendered[k] = indented(dumped(make(first + k)), 2); };
      if (pool_) {
        pool_->run(count, render);
      } else {
        for (std::size_t k = 0; k < count; ++k) render(k, 0);
      }
      for (std::size_t k = 0; k < count; ++k) out_ << (first + k == 0 ? "\n" : ",\n") << "    " << rendered[k];
    }
    out_ << "\n  ]";
  }
  void close() { out_ << (first_ ? "}" : "\n}"); }

 private:
  void open(std::string_view key) {
    out_ << (first_ ? "\n" : ",\n") << "  " << dumped(Json(std::string(key))) << ": ";
    first_ = false;
  }
  std::ostream& out_;
  bool first_ = true;
  std::unique_ptr<WorkerPool> pool_;
};

Json code_location_json(const CodeLocation& l) {
  Json refs = Json::array();
  for (const auto& r : l.refs) {
    refs.push_back({{"insn_va", r.insn_va}, {"function", r.function}, {"function_va", r.function_va},
                    {"function_offset", r.function_offset}, {"function_source", r.function_source},
                    {"kind", r.kind}, {"via_slot", r.via_slot ? Json(*r.via_slot) : Json(nullptr)},
                    {"disasm", r.disasm}, {"exported_via", r.exported_via}, {"callers", r.callers}});
  }
  return {{"va", l.va}, {"section", l.section}, {"string_va", l.string_va}, {"string", l.string_text}, {"refs", refs}};
}

Json location_json(const ElfLocation& l) {
  Json j = code_location_json(l);
  j["segment"] = l.segment;
  return j;
}

Json location_json(const PeLocation& l) {
  Json j = code_location_json(l);
  j["rva"] = l.rva;
  return j;
}

Json location_json(const JavaLocation& l) {
  Json j = code_location_json(l);
  j["class"] = l.class_name;
  j["constant"] = l.constant;
  return j;
}

Json program_summary_json(const ProgramSummary& e) {
  Json fns = Json::array();
  for (const auto& fn : e.functions) fns.push_back({{"va", fn.va}, {"size", fn.size}, {"name", fn.name}, {"source", fn.source}});
  return {{"arch", e.arch}, {"bits", e.bits}, {"entry", e.entry}, {"stripped", e.stripped},
          {"needed", e.needed}, {"imports", e.imports}, {"exports", e.exports},
          {"function_count", e.function_count}, {"functions", fns}, {"code_swept", e.swept},
          {"instructions", e.instructions}};
}

Json summary_json(const ElfSummary& e) {
  Json j = program_summary_json(e);
  j["endian"] = e.endian;
  j["type"] = e.type;
  j["interpreter"] = e.interpreter;
  j["build_id"] = e.build_id;
  j["pie"] = e.pie;
  return j;
}

Json summary_json(const PeSummary& e) {
  Json j = program_summary_json(e);
  j["type"] = e.type;
  j["subsystem"] = e.subsystem;
  j["timestamp"] = e.timestamp;
  j["image_base"] = e.image_base;
  j["pdb_path"] = e.pdb_path;
  j["pdb_id"] = e.pdb_id;
  Json vi = Json::array();
  for (const auto& [k, v] : e.version_info) vi.push_back({k, v});
  j["version_info"] = vi;
  j["signed"] = e.signed_;
  j["dotnet"] = e.dotnet;
  return j;
}

// The finding's hash chain (model chain_to): every step from the input to the file that holds the
// match, with its handler, offset, size and SHA-256; and the match's node offset in the input
// when every step is carved.
Json chain_json(const NodeTable& tree, NodeId node) {
  Json chain = Json::array();
  for (const NodeRecord* n : chain_to(tree, node)) {
    chain.push_back({{"locator", n->locator}, {"handler", n->step.handler}, {"offset", n->step.offset}, {"size", n->size()},
                     {"sha256", n->sha256}, {"origin", n->step.origin == ChildOrigin::kCarved ? "carved" : "decoded"}});
  }
  return chain;
}

Json finding_json(const NodeTable& tree, const Finding& f) {
  Json jf;
  jf["namespace"] = f.ns;
  jf["rule"] = f.rule;
  jf["severity"] = rule_severity_name(f.severity);
  jf["description"] = f.meta.get_string("description");
  jf["locator"] = f.locator;
  jf["node"] = f.node;
  jf["node_sha256"] = f.node_sha256;
  if (f.node < tree.size()) {
    jf["chain"] = chain_json(tree, f.node);
    jf["image_offset"] = tree.at(f.node).root_offset ? Json(*tree.at(f.node).root_offset) : Json(nullptr);
  }
  Json strings = Json::array();
  for (const auto& s : f.strings) {
    Json js = {{"id", s.id}, {"offset", s.offset}, {"length", s.length},
               {"root_offset", s.root_offset ? Json(*s.root_offset) : Json(nullptr)},
               {"encoding", std::string(encoding_name(s.encoding))}, {"text", s.text}, {"hex", s.hex}, {"context", s.context},
               {"view", s.view.empty() ? Json(nullptr) : Json(s.view)},
               {"source", s.view.empty() ? Json(nullptr) : Json(s.source)}};
    if (s.code) {
      std::visit([&](const auto& l) { js[std::string(evidence_key(l))] = location_json(l); }, *s.code);
    }
    strings.push_back(js);
  }
  jf["strings"] = strings;
  jf["also_in"] = f.also_in;
  jf["shared_with"] = f.shared_with;
  jf["meta"] = meta_json(f.meta);
  if (f.verdict) {
    const Verdict& v = *f.verdict;
    Json sigs = Json::array();
    for (const auto& s : v.signals) {
      sigs.push_back({{"kind", s.kind}, {"rule", s.rule}, {"text", s.text}, {"encoding", std::string(encoding_name(s.encoding))},
                      {"view", s.view.empty() ? Json(nullptr) : Json(s.view)}, {"locator", s.locator},
                      {"offset", s.offset}, {"scope", s.scope},
                      {"function", s.function.empty() ? Json(nullptr) : Json(s.function)},
                      {"contribution", s.contribution}});
    }
    jf["verdict"] = {{"kind", v.kind}, {"score", v.score}, {"scope", v.scope.empty() ? Json(nullptr) : Json(v.scope)},
                     {"occurrences", v.occurrences}, {"signals", sigs},
                     {"explained_by", v.explained_by.empty() ? Json(nullptr) : Json(v.explained_by)},
                     {"explanation", v.explanation}};
  }
  return jf;
}

Json node_with_facts_json(const ReportDocument& doc, const NodeRecord& n) {
  Json jn = node_json(doc.tree, n);
  if (auto it = doc.facts.find(n.id); it != doc.facts.end()) {
    std::visit([&](const auto& e) { jn[std::string(facts_key(e))] = summary_json(e); }, it->second);
  }
  return jn;
}

}  // namespace

void write_json_report(const ReportDocument& doc, std::ostream& out, unsigned jobs) {
  TopLevel top(out, jobs);
  top.member("schema_version", kReportSchemaVersion);
  Json tool{{"name", "fwscan"}, {"version", doc.tool_version}};
  if (!doc.libraries.empty()) {
    Json libs = Json::object();
    for (const auto& [name, version] : std::map<std::string, std::string>(doc.libraries.begin(), doc.libraries.end())) libs[name] = version;
    tool["libraries"] = libs;
  }
  if (!doc.command_line.empty()) tool["command_line"] = doc.command_line;
  if (!doc.options.empty()) {
    Json opts = Json::object();
    for (const auto& [name, value] : std::map<std::string, std::string>(doc.options.begin(), doc.options.end())) opts[name] = value;
    tool["options"] = opts;
  }
  if (!doc.sandbox.empty()) tool["sandbox"] = doc.sandbox;
  top.member("tool", tool);
  top.member("rules", Json{{"digest", doc.rules_digest}, {"count", doc.rules_count}, {"files", doc.rule_files}});
  top.member("limits", Json{{"max_depth", doc.limits.max_depth},
                            {"max_node_bytes", doc.limits.max_node_bytes},
                            {"max_total_bytes", doc.limits.max_total_bytes},
                            {"max_resident_bytes", doc.limits.max_resident_bytes},
                            {"max_children_per_node", doc.limits.max_children_per_node},
                            {"max_nodes", doc.limits.max_nodes},
                            {"max_expansion_ratio", doc.limits.max_expansion_ratio}});
  Json inputs = Json::array();
  for (const auto& in : doc.inputs) {
    inputs.push_back({{"name", in.name}, {"sha256", in.sha256}, {"size", in.size},
                      {"root", in.root ? Json(doc.tree.at(*in.root).locator) : Json(nullptr)}});
  }
  top.member("inputs", inputs);
  Json summary;
  for (auto s : {RuleSeverity::kCritical, RuleSeverity::kHigh, RuleSeverity::kMedium, RuleSeverity::kLow, RuleSeverity::kInfo}) {
    std::size_t n = 0;
    for (const auto& f : doc.findings) n += f.severity == s ? 1 : 0;
    summary[std::string(rule_severity_name(s))] = n;
  }
  top.member("summary", Json{{"findings", doc.findings.size()}, {"by_severity", summary}, {"nodes", doc.tree.size()}});
  top.array("findings", doc.findings.size(), [&](std::size_t i) { return finding_json(doc.tree, doc.findings[i]); });
  // The signals the verdicts were made from (rules with meta `signal`), one entry per match.
  std::vector<std::pair<const Finding*, const EvidenceString*>> signals;
  for (const auto& f : doc.signals) {
    for (const auto& s : f.strings) signals.emplace_back(&f, &s);
  }
  top.array("signals", signals.size(), [&](std::size_t i) {
    const Finding& f = *signals[i].first;
    const EvidenceString& s = *signals[i].second;
    return Json{{"rule", f.ns + "/" + f.rule}, {"signal", f.meta.get_string("signal")}, {"locator", f.locator},
                {"id", s.id}, {"offset", s.offset}, {"length", s.length}, {"encoding", std::string(encoding_name(s.encoding))},
                {"view", s.view.empty() ? Json(nullptr) : Json(s.view)}, {"text", s.text}, {"hex", s.hex}};
  });
  top.array("nodes", doc.tree.size(), [&](std::size_t i) { return node_with_facts_json(doc, doc.tree.nodes()[i]); });
  top.array("diagnostics", doc.diagnostics.size(), [&](std::size_t i) { return diag_json(doc.diagnostics[i]); });
  top.close();
  out << "\n";
}

}  // namespace fwscan
