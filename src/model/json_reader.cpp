// JSON report -> report model. The inverse of report/json_writer.cpp: every field the writer
// writes is read, and what the writer derives (the summary, a finding's description, the
// provenance chain) is checked against the model instead of being trusted.
#include "model/json_reader.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>
#include <variant>

namespace fwscan {
namespace {

using Json = nlohmann::ordered_json;

// A report that does not fit the schema: the message names the JSON path.
struct SchemaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw SchemaError(path + ": " + what); }

const Json& field(const Json& j, const std::string& path, const char* key) {
  if (!j.is_object()) fail(path, "expected an object");
  auto it = j.find(key);
  if (it == j.end()) fail(path, std::string("missing \"") + key + "\"");
  return *it;
}

std::string str(const Json& j, const std::string& path, const char* key) {
  const Json& v = field(j, path, key);
  if (!v.is_string()) fail(path + "." + key, "expected a string");
  return v.get<std::string>();
}

// null or absent -> "" (the writer writes null for an empty view, source, scope ...).
std::string str_or_empty(const Json& j, const std::string& path, const char* key) {
  if (!j.is_object()) fail(path, "expected an object");
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string()) fail(path + "." + key, "expected a string or null");
  return it->get<std::string>();
}

std::optional<std::string> opt_str(const Json& j, const std::string& path, const char* key) {
  const Json& v = field(j, path, key);
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) fail(path + "." + key, "expected a string or null");
  return v.get<std::string>();
}

std::uint64_t u64_of(const Json& v, const std::string& path) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) fail(path, "expected an unsigned integer");
  return v.get<std::uint64_t>();
}

std::uint64_t u64(const Json& j, const std::string& path, const char* key) {
  return u64_of(field(j, path, key), path + "." + key);
}

template <class T>
T bounded(const Json& j, const std::string& path, const char* key) {
  const std::uint64_t v = u64(j, path, key);
  if (v > std::numeric_limits<T>::max()) fail(path + "." + key, "out of range");
  return static_cast<T>(v);
}

std::optional<std::uint64_t> opt_u64(const Json& j, const std::string& path, const char* key) {
  const Json& v = field(j, path, key);
  if (v.is_null()) return std::nullopt;
  return u64_of(v, path + "." + key);
}

double number(const Json& j, const std::string& path, const char* key) {
  const Json& v = field(j, path, key);
  if (!v.is_number()) fail(path + "." + key, "expected a number");
  return v.get<double>();
}

bool boolean(const Json& j, const std::string& path, const char* key) {
  const Json& v = field(j, path, key);
  if (!v.is_boolean()) fail(path + "." + key, "expected true or false");
  return v.get<bool>();
}

const Json& array(const Json& j, const std::string& path, const char* key) {
  const Json& v = field(j, path, key);
  if (!v.is_array()) fail(path + "." + key, "expected an array");
  return v;
}

std::vector<std::string> strings(const Json& j, const std::string& path, const char* key) {
  std::vector<std::string> out;
  const Json& a = array(j, path, key);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string()) fail(path + "." + key + "[" + std::to_string(i) + "]", "expected a string");
    out.push_back(a[i].get<std::string>());
  }
  return out;
}

std::string at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

template <class E, class NameFn>
E enum_of(const std::string& name, const std::string& path, std::initializer_list<E> values, NameFn name_of) {
  for (E e : values) {
    if (name_of(e) == name) return e;
  }
  fail(path, "unknown value \"" + name + "\"");
}

Severity diag_severity(const std::string& s, const std::string& path) {
  return enum_of(s, path, {Severity::kInfo, Severity::kWarning, Severity::kError}, severity_name);
}

RuleSeverity rule_severity(const std::string& s, const std::string& path) {
  auto v = parse_rule_severity(s);
  if (!v) fail(path, "unknown severity \"" + s + "\"");
  return *v;
}

Encoding encoding(const Json& j, const std::string& path, const char* key) {
  const std::string name = str(j, path, key);
  const auto e = encoding_from_name(name);
  if (!e) fail(path + "." + key, "unknown encoding \"" + name + "\"");
  return *e;
}

Diagnostic read_diag(const Json& j, const std::string& path) {
  Diagnostic d;
  d.severity = diag_severity(str(j, path, "severity"), path + ".severity");
  const std::string code = str(j, path, "code");
  const auto known = diag_code_from_name(code);
  if (!known) fail(path + ".code", "unknown diagnostic code \"" + code + "\"");
  d.code = *known;
  d.handler = str(j, path, "handler");
  d.message = str(j, path, "message");
  d.offset = opt_u64(j, path, "offset");
  return d;
}

std::vector<Diagnostic> read_diags(const Json& j, const std::string& path, const char* key) {
  std::vector<Diagnostic> out;
  const Json& a = array(j, path, key);
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(read_diag(a[i], at(path + "." + key, i)));
  return out;
}

RuleMeta read_meta(const Json& j, const std::string& path) {
  if (!j.is_object()) fail(path, "expected an object");
  RuleMeta meta;
  auto value_of = [&](const Json& v, const std::string& p) -> MetaValue {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer()) return v.get<std::int64_t>();
    fail(p, "expected a string, an integer or a boolean");
  };
  for (const auto& [k, v] : j.items()) {
    const std::string p = path + "." + k;
    if (v.is_array()) {  // a key the rule repeats
      for (std::size_t i = 0; i < v.size(); ++i) meta.entries.emplace_back(k, value_of(v[i], at(p, i)));
    } else {
      meta.entries.emplace_back(k, value_of(v, p));
    }
  }
  return meta;
}

EntryMeta read_entry(const Json& j, const std::string& path) {
  EntryMeta m;
  m.kind = enum_of(str(j, path, "kind"), path + ".kind",
                   {EntryKind::kFile, EntryKind::kDirectory, EntryKind::kSymlink, EntryKind::kHardlink, EntryKind::kCharDevice,
                    EntryKind::kBlockDevice, EntryKind::kFifo, EntryKind::kSocket, EntryKind::kOther},
                   entry_kind_name);
  auto opt32 = [&](const char* key) -> std::optional<std::uint32_t> {
    if (!j.contains(key)) return std::nullopt;
    return bounded<std::uint32_t>(j, path, key);
  };
  m.mode = opt32("mode");
  m.uid = opt32("uid");
  m.gid = opt32("gid");
  m.dev_major = opt32("dev_major");
  m.dev_minor = opt32("dev_minor");
  if (j.contains("mtime")) {
    const Json& v = j["mtime"];
    if (!v.is_number_integer()) fail(path + ".mtime", "expected an integer");
    m.mtime = v.get<std::int64_t>();
  }
  if (j.contains("link_target")) m.link_target = str(j, path, "link_target");
  return m;
}

ProvenanceStep read_step(const Json& j, const std::string& path) {
  ProvenanceStep s;
  s.handler = str(j, path, "handler");
  s.offset = u64(j, path, "offset");
  s.length = u64(j, path, "length");
  s.entry = str(j, path, "entry");
  s.origin = enum_of(str(j, path, "origin"), path + ".origin", {ChildOrigin::kCarved, ChildOrigin::kDecoded},
                     [](ChildOrigin o) { return std::string_view(o == ChildOrigin::kCarved ? "carved" : "decoded"); });
  return s;
}

void read_program_summary(const Json& j, const std::string& path, ProgramSummary& e) {
  e.arch = str(j, path, "arch");
  e.bits = static_cast<int>(bounded<std::uint16_t>(j, path, "bits"));
  e.entry = u64(j, path, "entry");
  e.stripped = boolean(j, path, "stripped");
  e.needed = strings(j, path, "needed");
  e.imports = u64(j, path, "imports");
  e.exports = strings(j, path, "exports");
  e.function_count = u64(j, path, "function_count");
  const Json& fns = array(j, path, "functions");
  for (std::size_t i = 0; i < fns.size(); ++i) {
    const std::string p = at(path + ".functions", i);
    e.functions.push_back({u64(fns[i], p, "va"), u64(fns[i], p, "size"), str(fns[i], p, "name"), str(fns[i], p, "source")});
  }
  e.swept = boolean(j, path, "code_swept");
  e.instructions = u64(j, path, "instructions");
}

void read_code_location(const Json& j, const std::string& path, CodeLocation& l) {
  l.va = u64(j, path, "va");
  l.section = str(j, path, "section");
  l.string_va = u64(j, path, "string_va");
  l.string_text = str(j, path, "string");
  const Json& refs = array(j, path, "refs");
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const Json& r = refs[i];
    const std::string p = at(path + ".refs", i);
    CodeReference c;
    c.insn_va = u64(r, p, "insn_va");
    c.function = str(r, p, "function");
    c.function_va = u64(r, p, "function_va");
    c.function_offset = u64(r, p, "function_offset");
    c.function_source = str(r, p, "function_source");
    c.kind = str(r, p, "kind");
    c.via_slot = opt_u64(r, p, "via_slot");
    c.disasm = strings(r, p, "disasm");
    c.exported_via = strings(r, p, "exported_via");
    c.callers = strings(r, p, "callers");
    l.refs.push_back(std::move(c));
  }
}

// One reader per evidence alternative (model/report.hpp). read_layer visits every alternative of
// the variant, so a layer without a reader here does not compile.
void read_alternative(const Json& j, const std::string& path, ElfLocation& out) {
  read_code_location(j, path, out);
  out.segment = str(j, path, "segment");
}
void read_alternative(const Json& j, const std::string& path, PeLocation& out) {
  read_code_location(j, path, out);
  out.rva = u64(j, path, "rva");
}
void read_alternative(const Json& j, const std::string& path, JavaLocation& out) {
  read_code_location(j, path, out);
  out.class_name = str(j, path, "class");
  out.constant = bounded<std::uint16_t>(j, path, "constant");
}
void read_alternative(const Json& j, const std::string& path, ElfSummary& e) {
  read_program_summary(j, path, e);
  e.endian = str(j, path, "endian");
  e.type = str(j, path, "type");
  e.interpreter = str(j, path, "interpreter");
  e.build_id = str(j, path, "build_id");
  e.pie = boolean(j, path, "pie");
}
void read_alternative(const Json& j, const std::string& path, PeSummary& e) {
  read_program_summary(j, path, e);
  e.type = str(j, path, "type");
  e.subsystem = str(j, path, "subsystem");
  e.timestamp = bounded<std::uint32_t>(j, path, "timestamp");
  e.image_base = u64(j, path, "image_base");
  e.pdb_path = str(j, path, "pdb_path");
  e.pdb_id = str(j, path, "pdb_id");
  const Json& vi = array(j, path, "version_info");
  for (std::size_t i = 0; i < vi.size(); ++i) {
    const std::string p = at(path + ".version_info", i);
    if (!vi[i].is_array() || vi[i].size() != 2 || !vi[i][0].is_string() || !vi[i][1].is_string()) fail(p, "not a [name, value] pair");
    e.version_info.emplace_back(vi[i][0].get<std::string>(), vi[i][1].get<std::string>());
  }
  e.signed_ = boolean(j, path, "signed");
  e.dotnet = boolean(j, path, "dotnet");
}

template <class Variant, class KeyFn, std::size_t... I>
std::optional<Variant> read_layer_impl(const Json& j, const std::string& path, KeyFn key, std::index_sequence<I...>) {
  std::optional<Variant> found;
  auto one = [&](auto alternative) {
    const std::string k(key(alternative));
    if (!j.contains(k)) return;
    if (found) fail(path + "." + k, "a second evidence layer on one item");
    read_alternative(j[k], path + "." + k, alternative);
    found = std::move(alternative);
  };
  (one(std::variant_alternative_t<I, Variant>{}), ...);
  return found;
}

template <class Variant, class KeyFn>
std::optional<Variant> read_layer(const Json& j, const std::string& path, KeyFn key) {
  return read_layer_impl<Variant>(j, path, key, std::make_index_sequence<std::variant_size_v<Variant>>{});
}

EvidenceString read_evidence(const Json& j, const std::string& path) {
  EvidenceString e;
  e.id = str(j, path, "id");
  e.offset = u64(j, path, "offset");
  e.length = bounded<std::uint32_t>(j, path, "length");
  e.root_offset = opt_u64(j, path, "root_offset");
  e.encoding = encoding(j, path, "encoding");
  e.text = str(j, path, "text");
  e.hex = str(j, path, "hex");
  e.context = str(j, path, "context");
  e.view = str_or_empty(j, path, "view");
  e.source = str_or_empty(j, path, "source");
  e.code = read_layer<CodeEvidence>(j, path, [](const auto& a) { return evidence_key(a); });
  return e;
}

Verdict read_verdict(const Json& j, const std::string& path) {
  Verdict v;
  v.kind = str(j, path, "kind");
  v.score = number(j, path, "score");
  v.scope = str_or_empty(j, path, "scope");
  v.occurrences = u64(j, path, "occurrences");
  const Json& sigs = array(j, path, "signals");
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    const Json& s = sigs[i];
    const std::string p = at(path + ".signals", i);
    VerdictSignal vs;
    vs.kind = str(s, p, "kind");
    vs.rule = str(s, p, "rule");
    vs.text = str(s, p, "text");
    vs.encoding = encoding(s, p, "encoding");
    vs.view = str_or_empty(s, p, "view");
    vs.locator = str(s, p, "locator");
    vs.offset = u64(s, p, "offset");
    vs.scope = str(s, p, "scope");
    vs.function = str_or_empty(s, p, "function");
    vs.contribution = number(s, p, "contribution");
    v.signals.push_back(std::move(vs));
  }
  v.explained_by = str_or_empty(j, path, "explained_by");
  v.explanation = str(j, path, "explanation");
  return v;
}

class Reader {
 public:
  explicit Reader(const Json& root) : j_(root) {}

  ReportDocument read() {
    const Json& j = j_;
    if (!j.is_object()) fail("$", "expected an object");
    if (u64(j, "$", "schema_version") != static_cast<std::uint64_t>(kReportSchemaVersion)) {
      fail("$.schema_version", "this build reads schema version " + std::to_string(kReportSchemaVersion));
    }
    doc_.tool_version = str(field(j, "$", "tool"), "$.tool", "version");
    const Json& tool = field(j, "$", "tool");
    if (tool.contains("sandbox")) doc_.sandbox = str(tool, "$.tool", "sandbox");
    auto pairs = [&](const char* key, std::vector<std::pair<std::string, std::string>>& to) {
      if (!tool.contains(key)) return;
      const Json& o = tool[key];
      if (!o.is_object()) fail(std::string("$.tool.") + key, "expected an object");
      for (const auto& [k, v] : o.items()) {
        if (!v.is_string()) fail(std::string("$.tool.") + key + "." + k, "expected a string");
        to.emplace_back(k, v.get<std::string>());
      }
    };
    pairs("libraries", doc_.libraries);
    pairs("options", doc_.options);
    if (tool.contains("command_line")) doc_.command_line = strings(tool, "$.tool", "command_line");
    const Json& rules = field(j, "$", "rules");
    doc_.rules_digest = str(rules, "$.rules", "digest");
    doc_.rules_count = u64(rules, "$.rules", "count");
    doc_.rule_files = strings(rules, "$.rules", "files");
    read_limits(field(j, "$", "limits"));
    read_nodes(array(j, "$", "nodes"));
    read_inputs(array(j, "$", "inputs"));
    read_findings(array(j, "$", "findings"));
    read_signals(array(j, "$", "signals"));
    doc_.diagnostics = read_diags(j, "$", "diagnostics");
    check_summary(field(j, "$", "summary"));
    return std::move(doc_);
  }

 private:
  void read_limits(const Json& l) {
    const std::string p = "$.limits";
    doc_.limits.max_depth = static_cast<int>(bounded<std::uint16_t>(l, p, "max_depth"));
    doc_.limits.max_node_bytes = u64(l, p, "max_node_bytes");
    doc_.limits.max_total_bytes = u64(l, p, "max_total_bytes");
    // Added within schema 1: a report written before it has none.
    if (l.contains("max_resident_bytes")) doc_.limits.max_resident_bytes = u64(l, p, "max_resident_bytes");
    doc_.limits.max_children_per_node = bounded<std::uint32_t>(l, p, "max_children_per_node");
    doc_.limits.max_nodes = bounded<std::uint32_t>(l, p, "max_nodes");
    doc_.limits.max_expansion_ratio = number(l, p, "max_expansion_ratio");
  }

  NodeId node_of_locator(const std::string& locator, const std::string& path) const {
    auto it = by_locator_.find(locator);
    if (it == by_locator_.end()) fail(path, "no node has locator \"" + locator + "\"");
    return it->second;
  }

  // An entry name that is not UTF-8 is written in the report's JSON with U+FFFD for what is not
  // (as a JSON library dumps it), and in its locator with those bytes escaped (%FF): the locator
  // is the exact one. It agrees when its part, unescaped and dumped the same way, is the entry;
  // the name read back is then the locator's, byte for byte, as it was scanned.
  static std::optional<std::string> entry_as_written(std::string_view locator, std::string_view chunk, const std::string& entry) {
    const std::string prefix = std::string(chunk) + ":";
    if (locator.substr(0, prefix.size()) != prefix) return std::nullopt;
    std::string_view part = locator.substr(prefix.size());
    if (const std::size_t hash = part.rfind('#'); hash != std::string_view::npos) part = part.substr(0, hash);
    auto raw = unescape_locator_part(part);
    if (!raw) return std::nullopt;
    const std::string dumped = nlohmann::json(*raw).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (nlohmann::json::parse(dumped).get<std::string>() != entry) return std::nullopt;
    return raw;
  }

  // A node's locator is its parent's with this node's step (docs/locators.md), built the way
  // model/locator.hpp builds it: a report whose locators disagree with its tree is refused.
  void check_locator(NodeRecord& n, const std::string& path) const {
    const auto parsed = parse_locator(n.locator);
    if (!parsed) fail(path, "not a locator");
    if (!n.parent) {
      if (!parsed->steps.empty()) fail(path, "a root's locator has no step");
      return;
    }
    const NodeRecord& parent = table_.at(*n.parent);
    if (n.kind == NodeKind::kChunk) {
      if (n.locator != chunk_locator(parent.locator, n.step.handler, n.step.offset)) {
        fail(path, "not the parent's locator with this chunk's step");
      }
      return;
    }
    const std::string chunk = parent.kind == NodeKind::kChunk ? parent.locator : chunk_locator(parent.locator, n.step.handler, 0);
    if (entry_repeat(n.locator, chunk, n.step.entry)) return;
    auto exact = entry_as_written(n.locator, chunk, n.step.entry);
    if (!exact) fail(path, "not the parent's locator with this entry");
    n.step.entry = std::move(*exact);
  }

  void read_nodes(const Json& nodes) {
    std::vector<std::pair<std::size_t, std::string>> duplicates;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const Json& jn = nodes[i];
      const std::string p = at("$.nodes", i);
      NodeRecord n;
      if (u64(jn, p, "id") != i) fail(p + ".id", "node ids must be 0, 1, 2... in order");
      if (auto parent = opt_u64(jn, p, "parent")) n.parent = static_cast<NodeId>(*parent);
      if (n.parent && *n.parent >= i) fail(p + ".parent", "a parent comes before its children");
      n.locator = str(jn, p, "locator");
      if (!by_locator_.emplace(n.locator, static_cast<NodeId>(i)).second) fail(p + ".locator", "locator used twice");
      n.kind = enum_of(str(jn, p, "kind"), p + ".kind", {NodeKind::kRoot, NodeKind::kChunk, NodeKind::kEntry}, node_kind_name);
      if ((n.kind == NodeKind::kRoot) != !n.parent) fail(p + ".kind", "roots, and only roots, have no parent");
      n.depth = static_cast<int>(bounded<std::uint16_t>(jn, p, "depth"));
      if (n.depth != (n.parent ? table_.at(*n.parent).depth + 1 : 0)) fail(p + ".depth", "not its parent's depth + 1");
      n.byte_size = u64(jn, p, "size");
      n.sha256 = str(jn, p, "sha256");
      n.entropy = number(jn, p, "entropy");
      n.root_offset = opt_u64(jn, p, "root_offset");
      n.handler = opt_str(jn, p, "handler");
      n.description = str(jn, p, "description");
      if (n.handler) {
        n.confidence = enum_of(str(jn, p, "confidence"), p + ".confidence",
                               {Confidence::kLow, Confidence::kMedium, Confidence::kHigh}, confidence_name);
      }
      if (n.kind == NodeKind::kEntry) n.meta = read_entry(field(jn, p, "entry"), p + ".entry");
      if (jn.contains("properties")) {
        const Json& props = jn["properties"];
        if (!props.is_object()) fail(p + ".properties", "expected an object");
        for (const auto& [k, v] : props.items()) {
          if (!v.is_string()) fail(p + ".properties." + k, "expected a string");
          n.properties.emplace_back(k, v.get<std::string>());
        }
      }
      // The first of identical nodes is the first processed, which may come later by id.
      if (jn.contains("duplicate_of")) duplicates.emplace_back(i, str(jn, p, "duplicate_of"));
      // The chain is derived from the parents: it must end with this node's own step.
      const Json& prov = array(jn, p, "provenance");
      const std::size_t want = n.parent ? table_.provenance(*n.parent).size() + 1 : 1;
      if (prov.size() != want) fail(p + ".provenance", "expected " + std::to_string(want) + " steps");
      n.step = read_step(prov.back(), at(p + ".provenance", prov.size() - 1));
      check_locator(n, p + ".locator");
      if (jn.contains("coverage")) {
        n.coverage = number(jn, p, "coverage");
        const Json& unk = array(jn, p, "unknown_regions");
        for (std::size_t k = 0; k < unk.size(); ++k) {
          const std::string q = at(p + ".unknown_regions", k);
          n.unknown.push_back({u64(unk[k], q, "offset"), u64(unk[k], q, "size"), number(unk[k], q, "entropy"),
                               boolean(unk[k], q, "padding")});
        }
      }
      if (jn.contains("verified")) {
        const Json& ver = array(jn, p, "verified");
        for (std::size_t k = 0; k < ver.size(); ++k) {
          const std::string q = at(p + ".verified", k);
          const Extent e{u64(ver[k], q, "offset"), u64(ver[k], q, "size")};
          if (e.offset > n.byte_size || e.size > n.byte_size - e.offset) fail(q, "outside the node");
          n.verified.push_back(e);
        }
      }
      if (jn.contains("bytes")) {
        const Json& b = field(jn, p, "bytes");
        const std::string q = p + ".bytes";
        n.bytes = ByteAccount{u64(b, q, "verified"), u64(b, q, "read"), u64(b, q, "located"), u64(b, q, "padding"), u64(b, q, "unknown")};
        std::uint64_t left = n.byte_size;  // each class taken from the size in turn: no sum can wrap
        for (const std::uint64_t v : {n.bytes->verified, n.bytes->read, n.bytes->located, n.bytes->padding, n.bytes->unknown}) {
          if (v > left) fail(q, "the classes sum past the node's size");
          left -= v;
        }
        if (left != 0) fail(q, "the classes do not sum to the node's size");
      }
      n.diagnostics = read_diags(jn, p, "diagnostics");
      const NodeId id = table_.add(std::move(n));
      if (auto facts = read_layer<NodeFacts>(jn, p, [](const auto& a) { return facts_key(a); })) doc_.facts.emplace(id, std::move(*facts));
    }
    std::set<std::size_t> dup_ids;
    for (const auto& d : duplicates) dup_ids.insert(d.first);
    for (const auto& [i, locator] : duplicates) {
      const std::string p = at("$.nodes", i) + ".duplicate_of";
      const NodeId first = node_of_locator(locator, p);
      if (dup_ids.count(first) != 0) fail(p, "not the first node of that content");
      table_.at(static_cast<NodeId>(i)).duplicate_of = first;
    }
    doc_.tree = std::move(table_);
  }

  void read_inputs(const Json& inputs) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::string p = at("$.inputs", i);
      ReportInput in;
      in.name = str(inputs[i], p, "name");
      in.sha256 = str(inputs[i], p, "sha256");
      in.size = u64(inputs[i], p, "size");
      if (auto root = opt_str(inputs[i], p, "root")) in.root = node_of_locator(*root, p + ".root");
      doc_.inputs.push_back(std::move(in));
    }
  }

  void read_findings(const Json& findings) {
    for (std::size_t i = 0; i < findings.size(); ++i) {
      const Json& jf = findings[i];
      const std::string p = at("$.findings", i);
      Finding f;
      f.ns = str(jf, p, "namespace");
      f.rule = str(jf, p, "rule");
      f.severity = rule_severity(str(jf, p, "severity"), p + ".severity");
      f.locator = str(jf, p, "locator");
      const std::uint64_t node = u64(jf, p, "node");
      if (node >= doc_.tree.size() || doc_.tree.at(static_cast<NodeId>(node)).locator != f.locator) {
        fail(p + ".node", "not the node of the finding's locator");
      }
      f.node = static_cast<NodeId>(node);
      f.node_sha256 = str(jf, p, "node_sha256");
      // The hash chain is the tree's (model chain_to): written from it, so checked against it.
      if (jf.contains("chain")) {
        const Json& chain = array(jf, p, "chain");
        const auto nodes = chain_to(doc_.tree, f.node);
        if (chain.size() != nodes.size()) fail(p + ".chain", "not the chain of the finding's node in the tree");
        for (std::size_t k = 0; k < chain.size(); ++k) {
          const std::string q = at(p + ".chain", k);
          if (str(chain[k], q, "locator") != nodes[k]->locator || str(chain[k], q, "sha256") != nodes[k]->sha256 ||
              u64(chain[k], q, "size") != nodes[k]->size()) {
            fail(q, "differs from that node in the tree");
          }
        }
      }
      const Json& ss = array(jf, p, "strings");
      for (std::size_t k = 0; k < ss.size(); ++k) f.strings.push_back(read_evidence(ss[k], at(p + ".strings", k)));
      f.also_in = strings(jf, p, "also_in");
      f.shared_with = strings(jf, p, "shared_with");
      f.meta = read_meta(field(jf, p, "meta"), p + ".meta");
      if (str(jf, p, "description") != f.meta.get_string("description")) fail(p + ".description", "differs from meta.description");
      if (jf.contains("verdict")) f.verdict = read_verdict(jf["verdict"], p + ".verdict");
      doc_.findings.push_back(std::move(f));
    }
  }

  // One entry per matched string; consecutive entries of one rule in one node are one match.
  void read_signals(const Json& signals) {
    for (std::size_t i = 0; i < signals.size(); ++i) {
      const Json& js = signals[i];
      const std::string p = at("$.signals", i);
      const std::string rule = str(js, p, "rule"), locator = str(js, p, "locator"), kind = str(js, p, "signal");
      const auto slash = rule.rfind('/');
      if (slash == std::string::npos) fail(p + ".rule", "expected namespace/rule");
      if (doc_.signals.empty() || doc_.signals.back().ns + "/" + doc_.signals.back().rule != rule ||
          doc_.signals.back().locator != locator || doc_.signals.back().meta.get_string("signal") != kind) {
        Finding f;
        f.ns = rule.substr(0, slash);
        f.rule = rule.substr(slash + 1);
        f.severity = RuleSeverity::kInfo;
        f.locator = locator;
        f.node = node_of_locator(locator, p + ".locator");
        f.node_sha256 = doc_.tree.at(f.node).sha256;
        f.meta.entries.emplace_back("signal", kind);
        doc_.signals.push_back(std::move(f));
      }
      EvidenceString e;
      e.id = str(js, p, "id");
      e.offset = u64(js, p, "offset");
      e.length = bounded<std::uint32_t>(js, p, "length");
      e.encoding = encoding(js, p, "encoding");
      e.view = str_or_empty(js, p, "view");
      e.text = str(js, p, "text");
      e.hex = str(js, p, "hex");
      doc_.signals.back().strings.push_back(std::move(e));
    }
  }

  void check_summary(const Json& s) {
    if (u64(s, "$.summary", "findings") != doc_.findings.size()) fail("$.summary.findings", "differs from the findings");
    if (u64(s, "$.summary", "nodes") != doc_.tree.size()) fail("$.summary.nodes", "differs from the nodes");
  }

  const Json& j_;
  ReportDocument doc_;
  NodeTable table_;
  std::map<std::string, NodeId> by_locator_;
};

// Error messages name JSON paths (keys come from the file) and quote the parser (which quotes
// the file): bytes that are not printable ASCII are written as \xNN.
std::string printable(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace

Result<ReportDocument> read_json_report(std::string_view text) {
  if (text.size() > kMaxReportBytes) return make_error(Errc::kLimitExceeded, "report larger than 2 GiB");
  try {
    const Json j = Json::parse(text, [](int depth, Json::parse_event_t, Json&) {
      if (depth > kMaxReportNesting) throw SchemaError("$: nested deeper than " + std::to_string(kMaxReportNesting));
      return true;
    });
    return Reader(j).read();
  } catch (const SchemaError& e) {
    return make_error(Errc::kMalformed, "report: " + printable(e.what()));
  } catch (const nlohmann::json::exception& e) {
    return make_error(Errc::kMalformed, "report: not JSON: " + printable(e.what()));
  }
}

}  // namespace fwscan
