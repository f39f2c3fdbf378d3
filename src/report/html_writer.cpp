// The HTML report (docs/html-report.md): one self-contained file for readers who are not
// engineers. No script, no external resource: a Content-Security-Policy that allows only the
// inline style, so opening it fetches nothing. Every text that comes from the input (names,
// matched text, context, symbols, messages) is made visible first (terminal_safe: controls,
// bidi and invisible characters as \xNN or \uXXXX) and then HTML-escaped, so it can neither
// inject markup nor reorder what the reader sees.
#include <fmt/format.h>

#include <map>

#include "core/hash.hpp"
#include "core/terminal_text.hpp"
#include "formats/common/stream_handler.hpp"
#include "report/document.hpp"

namespace fwscan {
namespace {

constexpr std::size_t kMaxTreeNodes = 5000;  // a larger tree is cut there, and says so

std::string H(std::string_view s) { return html_visible_text(s); }

}  // namespace

std::string html_visible_text(std::string_view s) {
  const std::string safe = terminal_safe(s);
  std::string out;
  out.reserve(safe.size());
  for (char c : safe) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace {

std::string_view sev_class(RuleSeverity s) { return rule_severity_name(s); }

constexpr const char* kStyle = R"(
body{font:15px/1.45 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:70em;color:#1d1d1f;padding:0 1em}
h1{font-size:1.6em;margin:0}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f6f6f6;padding:.6em;overflow-x:auto}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
.finding{border:1px solid #ddd;border-left:6px solid #999;border-radius:4px;padding:.6em 1em;margin:1em 0}
.finding h3{margin:.2em 0;font-size:1.1em}.sev{display:inline-block;min-width:5.5em;font-weight:700;color:#fff;border-radius:3px;padding:0 .4em;margin-right:.5em;text-align:center}
.critical{border-left-color:#8b0000}.critical .sev,.sev.critical{background:#8b0000}
.high{border-left-color:#d9480f}.high .sev,.sev.high{background:#d9480f}
.medium{border-left-color:#e8a200}.medium .sev,.sev.medium{background:#b07b00}
.low{border-left-color:#1c7ed6}.low .sev,.sev.low{background:#1c7ed6}
.info{border-left-color:#868e96}.info .sev,.sev.info{background:#868e96}
.why{background:#fffbe6;padding:.4em .6em;border-radius:3px}.match{margin:.6em 0 .6em 1em}.muted{color:#666}
ul.tree{list-style:none;padding-left:1.2em;border-left:1px dotted #ccc}ul.tree li{margin:.1em 0}
)";

}  // namespace

std::string_view html_style() { return kStyle; }

namespace {

void write_chain(const ReportDocument& doc, const Finding& f, std::ostream& out) {
  if (f.node >= doc.tree.size()) return;
  out << "<details class=\"chain\"><summary>Hash chain: every step from the input to this file</summary>\n"
         "<table><tr><th>step</th><th>how</th><th>offset</th><th>size</th><th>SHA-256</th></tr>\n";
  std::size_t k = 0;
  for (const NodeRecord* n : chain_to(doc.tree, f.node)) {
    std::string how = "the input";
    if (n->parent && n->step.entry.empty()) how = "chunk found by " + n->step.handler;
    else if (n->parent) how = n->step.handler + " entry " + n->step.entry + (n->step.origin == ChildOrigin::kCarved ? " (carved)" : " (decoded)");
    out << fmt::format("<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td><code>{}</code></td></tr>\n", ++k, H(how),
                       n->parent ? hex_u64(n->step.offset) : "0", n->size(), H(n->sha256));
  }
  out << "</table>";
  if (const auto& off = doc.tree.at(f.node).root_offset) out << fmt::format("<p>This file lies at offset <code>{}</code> of the input.</p>", hex_u64(*off));
  out << "</details>\n";
}

// `where`: the section, else what the format has instead (an ELF's segment, a PE's RVA).
// `at`: what l.va is ("virtual address"; "offset" in a class file, which has no addresses).
void write_code(const CodeLocation& l, const std::string& where, std::ostream& out, const char* at = "virtual address") {
  out << fmt::format("<p>In <code>{}</code> at {} <code>{}</code>; the string starts at <code>{}</code>.</p>\n",
                     H(where), at, hex_u64(l.va), hex_u64(l.string_va));
  if (l.refs.empty()) out << "<p class=\"muted\">No code reference to it was found.</p>\n";
  for (const auto& r : l.refs) {
    out << fmt::format("<p>Used by function <b><code>{}</code></b>+{} at <code>{}</code> ({}{}; function from {}).</p>\n", H(r.function),
                       hex_u64(r.function_offset), hex_u64(r.insn_va), H(r.kind),
                       r.via_slot ? ", through the pointer at " + hex_u64(*r.via_slot) : "", H(r.function_source));
    if (!r.disasm.empty()) {
      out << "<pre class=\"disasm\">";
      for (const auto& line : r.disasm) out << H(line) << "\n";
      out << "</pre>\n";
    }
  }
}

void write_finding(const ReportDocument& doc, const Finding& f, std::size_t i, std::ostream& out) {
  out << fmt::format("<article class=\"finding {}\" id=\"finding-{}\">\n<h3><span class=\"sev\">{}</span>{}/{}</h3>\n", sev_class(f.severity), i + 1,
                     rule_severity_name(f.severity), H(f.ns), H(f.rule));
  const std::string desc = f.meta.get_string("description");
  if (!desc.empty()) out << "<p>" << H(desc) << "</p>\n";
  if (f.verdict) out << "<p class=\"why\"><b>Why:</b> " << H(f.verdict->explanation) << "</p>\n";
  out << fmt::format("<table><tr><th>File</th><td><code>{}</code></td></tr><tr><th>SHA-256</th><td><code>{}</code></td></tr></table>\n",
                     H(f.locator), H(f.node_sha256));
  write_chain(doc, f, out);
  for (const auto& s : f.strings) {
    out << fmt::format("<div class=\"match\"><p><code>{}</code> at offset <code>{}</code>{}: <b>&ldquo;{}&rdquo;</b> ({}{})</p>\n", H(s.id),
                       hex_u64(s.offset), s.root_offset ? " (input offset <code>" + hex_u64(*s.root_offset) + "</code>)" : "", H(s.text),
                       H(encoding_name(s.encoding)), s.view.empty() ? "" : ", found in the " + H(s.view) + " view");
    if (!s.source.empty()) out << "<p>As written in the file: <code>" << H(s.source) << "</code></p>\n";
    if (!s.context.empty() && s.context != s.text) out << "<p>Context: <code>" << H(s.context) << "</code></p>\n";
    if (s.code) {
      std::visit(overloaded{[&](const ElfLocation& l) { write_code(l, l.section.empty() ? l.segment : l.section, out); },
                            [&](const PeLocation& l) { write_code(l, (l.section.empty() ? "PE image" : l.section) + " (rva " + hex_u64(l.rva) + ")", out); },
                            [&](const JavaLocation& l) { write_code(l, "class " + l.class_name + ", constant #" + std::to_string(l.constant), out, "offset"); }},
                 *s.code);
    }
    out << "</div>\n";
  }
  for (const auto& a : f.also_in) out << "<p class=\"muted\">The same content is also at <code>" << H(a) << "</code>.</p>\n";
  for (const auto& a : f.shared_with) out << "<p class=\"muted\">The same content is in another input at <code>" << H(a) << "</code>.</p>\n";
  out << "</article>\n";
}

void write_tree_node(const ReportDocument& doc, NodeId id, std::size_t& shown, std::ostream& out) {
  if (shown >= kMaxTreeNodes) return;
  ++shown;
  const NodeRecord& n = doc.tree.at(id);
  std::string label = n.kind == NodeKind::kRoot ? n.locator
                      : n.kind == NodeKind::kChunk ? n.step.handler + "@" + hex_u64(n.step.offset)
                                                   : n.step.entry;
  out << "<li><code>" << H(label) << "</code> <span class=\"muted\">" << H(human_size(n.size()));
  if (n.handler) out << ", " << H(*n.handler) << (n.description.empty() ? "" : ": " + H(n.description));
  if (n.coverage) out << fmt::format(", {:.1f}% explained", *n.coverage * 100.0);
  if (n.bytes && n.kind == NodeKind::kEntry) out << "; bytes: " << H(byte_account_line(*n.bytes));
  if (n.duplicate_of) out << ", same content as <code>" << H(doc.tree.at(*n.duplicate_of).locator) << "</code>";
  out << "</span>";
  bool open = false;
  auto open_list = [&]() {
    if (!open) out << "\n<ul class=\"tree\">\n";
    open = true;
  };
  for (const auto& r : n.unknown) {
    if (r.padding) continue;
    open_list();
    out << fmt::format("<li class=\"muted\">unknown data {}..{} ({}), entropy {:.2f}</li>\n", hex_u64(r.offset), hex_u64(r.offset + r.size),
                       H(human_size(r.size)), r.entropy);
  }
  for (NodeId c : n.children) {
    if (shown >= kMaxTreeNodes) break;
    open_list();
    write_tree_node(doc, c, shown, out);
  }
  if (open) out << "</ul>";
  out << "</li>\n";
}

}  // namespace

void write_html_report(const ReportDocument& doc, std::ostream& out) {
  std::string names;
  for (const auto& in : doc.inputs) names += (names.empty() ? "" : ", ") + in.name;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>fwscan report: " << H(names) << "</title>\n<style>" << html_style() << "</style></head>\n<body>\n";
  out << "<header><h1>fwscan report</h1>\n<p class=\"muted\">fwscan " << H(doc.tool_version) << ", " << doc.rules_count
      << " rules (digest <code>" << H(doc.rules_digest) << "</code>)";
  for (const auto& [name, version] : doc.libraries) out << ", " << H(name) << " " << H(version);
  out << "</p>\n<table><tr><th>Input</th><th>Size</th><th>SHA-256</th><th>Bytes</th></tr>\n";
  for (const auto& in : doc.inputs) {
    const bool counted = in.root && doc.tree.at(*in.root).bytes;
    out << fmt::format("<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td class=\"bytes\">{}</td></tr>\n", H(in.name), H(human_size(in.size)),
                       H(in.sha256), counted ? H(byte_account_line(*doc.tree.at(*in.root).bytes)) : "");
  }
  out << "</table>\n";
  if (!doc.command_line.empty()) {
    std::string cmd;
    for (const auto& a : doc.command_line) cmd += (cmd.empty() ? "" : " ") + a;
    out << "<p class=\"muted\">Command: <code>" << H(cmd) << "</code></p>\n";
  }
  if (!doc.sandbox.empty()) out << "<p class=\"muted\">Sandbox: " << H(doc.sandbox) << "</p>\n";
  out << "</header>\n";

  // Summary: by severity, then by namespace.
  constexpr RuleSeverity kOrder[] = {RuleSeverity::kCritical, RuleSeverity::kHigh, RuleSeverity::kMedium, RuleSeverity::kLow, RuleSeverity::kInfo};
  out << fmt::format("<section id=\"summary\"><h2>Summary</h2>\n<p><b id=\"finding-count\">{}</b> finding(s).</p>\n<table><tr><th>Namespace</th>",
                     doc.findings.size());
  for (RuleSeverity s : kOrder) out << "<th><span class=\"sev " << sev_class(s) << "\">" << rule_severity_name(s) << "</span></th>";
  out << "</tr>\n";
  std::map<std::string, std::map<RuleSeverity, std::size_t>> by_ns;
  for (const auto& f : doc.findings) ++by_ns[f.ns][f.severity];
  by_ns.emplace("all", std::map<RuleSeverity, std::size_t>{});
  for (const auto& f : doc.findings) ++by_ns["all"][f.severity];
  for (const auto& [ns, counts] : by_ns) {
    if (ns == "all") continue;
    out << "<tr><td>" << H(ns) << "</td>";
    for (RuleSeverity s : kOrder) out << "<td>" << (counts.count(s) ? counts.at(s) : 0) << "</td>";
    out << "</tr>\n";
  }
  out << "<tr><th>all</th>";
  for (RuleSeverity s : kOrder) out << "<th id=\"count-" << sev_class(s) << "\">" << (by_ns["all"].count(s) ? by_ns["all"].at(s) : 0) << "</th>";
  out << "</tr></table></section>\n";

  out << fmt::format("<section id=\"findings\"><h2>Findings ({})</h2>\n", doc.findings.size());
  if (doc.findings.empty()) out << "<p>None.</p>\n";
  for (std::size_t i = 0; i < doc.findings.size(); ++i) write_finding(doc, doc.findings[i], i, out);
  out << "</section>\n";

  std::size_t unknown = 0;
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& r : n.unknown) unknown += r.padding ? 0 : 1;
  }
  out << fmt::format("<section id=\"tree\"><h2>Extraction tree</h2>\n<p>{} nodes, {} unknown data region(s).</p>\n", doc.tree.size(), unknown);
  std::size_t shown = 0;
  out << "<ul class=\"tree\">\n";
  for (NodeId r : doc.tree.roots()) write_tree_node(doc, r, shown, out);
  out << "</ul>\n";
  if (shown < doc.tree.size()) out << fmt::format("<p class=\"muted\">The first {} nodes are shown; the JSON report lists all {}.</p>\n", shown, doc.tree.size());
  out << "</section>\n";

  std::size_t ndiag = doc.diagnostics.size();
  for (const auto& n : doc.tree.nodes()) ndiag += n.diagnostics.size();
  out << fmt::format("<section id=\"diagnostics\"><h2>Diagnostics ({})</h2>\n", ndiag);
  if (ndiag > 0) {
    out << "<table><tr><th>severity</th><th>code</th><th>where</th><th>message</th></tr>\n";
    for (const auto& d : doc.diagnostics) {
      out << fmt::format("<tr><td>{}</td><td>{}</td><td></td><td>{}</td></tr>\n", H(severity_name(d.severity)), H(diag_code_name(d.code)), H(d.message));
    }
    for (const auto& n : doc.tree.nodes()) {
      for (const auto& d : n.diagnostics) {
        out << fmt::format("<tr><td>{}</td><td>{}</td><td><code>{}</code>{}</td><td>{}</td></tr>\n", H(severity_name(d.severity)),
                           H(diag_code_name(d.code)), H(n.locator), d.offset ? " +" + hex_u64(*d.offset) : "", H(d.message));
      }
    }
    out << "</table>\n";
  }
  out << "</section>\n</body></html>\n";
}

}  // namespace fwscan
