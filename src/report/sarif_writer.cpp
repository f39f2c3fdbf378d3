// SARIF 2.1.0 (docs/sarif.md): the findings as results, for code-scanning dashboards and the tools
// that read SARIF. One run; a rule descriptor per rule that has a result, from its meta; each
// result at the bytes it matched (an artifact per node of its hash chain, with its SHA-256 and
// its parent), the functions that use the string as logical locations, and a partial fingerprint
// from the finding's key (rule, path inside the firmware, decoded texts), which does not change
// when the image is repacked or the file moves within it.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/hash.hpp"
#include "core/terminal_text.hpp"
#include "diff/report_diff.hpp"
#include "report/document.hpp"
#include "unpack/registry.hpp"

namespace fwscan {
namespace {

using Json = nlohmann::ordered_json;

std::string_view level_of(RuleSeverity s) {
  switch (s) {
    case RuleSeverity::kCritical:
    case RuleSeverity::kHigh: return "error";
    case RuleSeverity::kMedium: return "warning";
    case RuleSeverity::kLow:
    case RuleSeverity::kInfo: return "note";
  }
  return "note";
}

// GitHub's security-severity: a number from 0.0 to 10.0, as a string.
std::string_view security_severity(RuleSeverity s) {
  switch (s) {
    case RuleSeverity::kCritical: return "9.5";
    case RuleSeverity::kHigh: return "8.0";
    case RuleSeverity::kMedium: return "5.5";
    case RuleSeverity::kLow: return "3.0";
    case RuleSeverity::kInfo: return "0.0";
  }
  return "0.0";
}

// A relative URI reference for a locator: every byte but the unreserved ones and '/' is
// percent-encoded (':' too, so that no first segment reads as a scheme).
std::string locator_uri(std::string_view locator) {
  std::string out;
  for (unsigned char c : locator) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                      c == '_' || c == '~' || c == '/' || c == '@';
    if (keep) out.push_back(static_cast<char>(c));
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string text_of(const Finding& f) {
  if (f.verdict && !f.verdict->explanation.empty()) return f.verdict->explanation;
  std::string texts;
  for (const auto& s : f.strings) texts += fmt::format("{}\"{}\"", texts.empty() ? "" : ", ", s.text);
  const std::string desc = f.meta.get_string("description");
  return (desc.empty() ? f.rule : desc) + (texts.empty() ? "" : ": " + texts);
}

std::vector<std::string> references(const Finding& f) {
  std::vector<std::string> out;
  for (const auto& [k, v] : f.meta.entries) {
    if (k == "reference") {
      if (const auto* s = std::get_if<std::string>(&v)) out.push_back(*s);
    }
  }
  return out;
}

}  // namespace

std::string finding_fingerprint(const Finding& f) {
  std::string key = f.ns + "/" + f.rule + '\0' + finding_path(f.locator, Registry::builtin());
  std::set<std::string> texts;
  for (const auto& s : f.strings) texts.insert(s.text);
  for (const auto& t : texts) key += '\0' + t;
  return sha256_hex(ByteView(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));  // NOLINT
}

void write_sarif_report(const ReportDocument& doc, std::ostream& out) {
  // Rules with results, in the order of their first result.
  std::vector<const Finding*> rule_first;
  std::map<std::string, std::size_t> rule_index;
  std::map<std::string, RuleSeverity> rule_worst;
  for (const Finding& f : doc.findings) {
    const std::string id = f.ns + "/" + f.rule;
    if (rule_index.emplace(id, rule_first.size()).second) rule_first.push_back(&f);
    auto [it, fresh] = rule_worst.emplace(id, f.severity);
    if (!fresh && f.severity > it->second) it->second = f.severity;
  }
  Json rules = Json::array();
  for (const Finding* f : rule_first) {
    const std::string id = f->ns + "/" + f->rule;
    const std::string desc = f->meta.get_string("description");
    Json r{{"id", id}, {"name", f->rule}};
    r["shortDescription"] = {{"text", (desc.empty() ? f->rule : desc).substr(0, 1024)}};
    const auto refs = references(*f);
    std::string full = desc.empty() ? f->rule : desc;
    for (const auto& ref : refs) full += "\nReference: " + ref;
    r["fullDescription"] = {{"text", full}};
    for (const auto& ref : refs) {
      if (ref.rfind("https://", 0) == 0 || ref.rfind("http://", 0) == 0) {
        r["helpUri"] = ref;
        break;
      }
    }
    const RuleSeverity meta_sev = parse_rule_severity(f->meta.get_string("severity")).value_or(rule_worst[id]);
    r["defaultConfiguration"] = {{"level", level_of(f->verdict ? rule_worst[id] : meta_sev)}};
    r["properties"] = {{"tags", Json::array({"security", f->ns})},
                       {"security-severity", security_severity(rule_worst[id])},
                       {"precision", f->verdict ? "high" : "medium"}};
    rules.push_back(std::move(r));
  }
  // Artifacts: every node on a finding's chain, parents first, each once.
  Json artifacts = Json::array();
  std::map<NodeId, std::size_t> artifact_index;
  for (const Finding& f : doc.findings) {
    if (f.node >= doc.tree.size()) continue;
    for (const NodeRecord* n : chain_to(doc.tree, f.node)) {
      if (artifact_index.count(n->id) != 0) continue;
      Json a{{"location", {{"uri", locator_uri(n->locator)}}}, {"length", n->size()}, {"hashes", {{"sha-256", n->sha256}}}};
      if (n->parent) a["parentIndex"] = artifact_index.at(*n->parent);
      a["properties"] = {{"locator", n->locator}};
      artifact_index.emplace(n->id, artifacts.size());
      artifacts.push_back(std::move(a));
    }
  }
  Json results = Json::array();
  for (const Finding& f : doc.findings) {
    const std::string id = f.ns + "/" + f.rule;
    Json res{{"ruleId", id}, {"ruleIndex", rule_index.at(id)}, {"level", level_of(f.severity)}, {"message", {{"text", text_of(f)}}}};
    Json locations = Json::array();
    for (const EvidenceString& s : f.strings) {
      if (locations.size() >= 10) break;  // the first ten matches; the rest are in the JSON report
      Json loc;
      Json phys{{"artifactLocation", {{"uri", locator_uri(f.locator)}}}, {"region", {{"byteOffset", s.offset}, {"byteLength", s.length}}}};
      if (auto it = artifact_index.find(f.node); it != artifact_index.end()) phys["artifactLocation"]["index"] = it->second;
      loc["physicalLocation"] = phys;
      if (s.code) {
        Json logical = Json::array();
        std::set<std::string> seen;
        for (const auto& fn : code_users(*s.code).functions) {
          if (seen.insert(fn).second) logical.push_back({{"name", fn}, {"fullyQualifiedName", f.locator + "!" + fn}, {"kind", "function"}});
        }
        if (!logical.empty()) loc["logicalLocations"] = logical;
      }
      loc["message"] = {{"text", fmt::format("{} \"{}\" ({}{})", s.id, s.text, encoding_name(s.encoding), s.view.empty() ? "" : ", " + s.view + " view")}};
      locations.push_back(std::move(loc));
    }
    if (locations.empty()) {
      Json phys{{"artifactLocation", {{"uri", locator_uri(f.locator)}}}};
      if (auto it = artifact_index.find(f.node); it != artifact_index.end()) phys["artifactLocation"]["index"] = it->second;
      locations.push_back({{"physicalLocation", phys}});
    }
    res["locations"] = locations;
    res["partialFingerprints"] = {{"fwscanFindingKey/v1", finding_fingerprint(f)}};
    Json props{{"severity", rule_severity_name(f.severity)}, {"locator", f.locator}, {"fileSha256", f.node_sha256}};
    if (f.verdict) props["verdict"] = {{"kind", f.verdict->kind}, {"score", f.verdict->score}};
    res["properties"] = props;
    results.push_back(std::move(res));
  }
  Json driver{{"name", "fwscan"}, {"version", doc.tool_version}, {"semanticVersion", doc.tool_version}, {"rules", rules}};
  Json invocation{{"executionSuccessful", doc.diagnostics.empty() || !doc.tree.nodes().empty()}};
  if (!doc.command_line.empty()) invocation["arguments"] = doc.command_line;
  Json run{{"tool", {{"driver", driver}}}, {"invocations", Json::array({invocation})}, {"artifacts", artifacts}, {"results", results}};
  Json libs = Json::object();
  for (const auto& [name, version] : doc.libraries) libs[name] = version;
  Json inputs = Json::array();
  for (const auto& in : doc.inputs) inputs.push_back({{"name", in.name}, {"sha256", in.sha256}, {"size", in.size}});
  run["properties"] = {{"rulesDigest", doc.rules_digest}, {"libraries", libs}, {"inputs", inputs}};
  const Json log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", Json::array({run})}};
  out << json_escape_invisible(log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) << "\n";
}

}  // namespace fwscan
