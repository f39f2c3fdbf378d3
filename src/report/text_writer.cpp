// Text report: findings by severity with locator, offset and decoded text; then the extraction
// summary and the diagnostics. -v adds rule meta; -vv adds the extraction tree. Every string
// that comes from the model passes through T() (core/terminal_text.hpp): input bytes never
// reach the terminal as they are.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "core/hash.hpp"
#include "core/terminal_text.hpp"
#include "formats/common/stream_handler.hpp"
#include "report/document.hpp"

namespace fwscan {
namespace {

std::string T(std::string_view s) { return terminal_safe(s); }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string short_text(const std::string& s, std::size_t max = 80) {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return s.substr(0, cut) + "…";
}

void write_tree(const ReportDocument& doc, std::ostream& out, NodeId id, int indent) {
  const NodeRecord& n = doc.tree.at(id);
  std::string label;
  if (n.kind == NodeKind::kRoot) label = T(n.locator);
  else if (n.kind == NodeKind::kChunk) label = fmt::format("{}@{}", T(n.step.handler), hex_u64(n.step.offset));
  else label = T(n.step.entry);
  std::string extra;
  if (n.kind == NodeKind::kEntry && n.meta.kind != EntryKind::kFile) {
    extra = fmt::format(" [{}{}]", entry_kind_name(n.meta.kind), n.meta.link_target.empty() ? "" : " -> " + T(n.meta.link_target));
  } else {
    extra = fmt::format(" ({})", human_size(n.size()));
  }
  if (n.handler) extra += fmt::format("  {}: {}", T(*n.handler), T(n.description));
  if (n.duplicate_of) extra += "  = " + T(doc.tree.at(*n.duplicate_of).locator);
  out << std::string(static_cast<std::size_t>(indent) * 2, ' ') << label << extra << "\n";
  if (n.bytes && n.kind == NodeKind::kEntry) out << std::string(static_cast<std::size_t>(indent + 1) * 2, ' ') << "bytes: " << byte_account_line(*n.bytes) << "\n";
  if (n.coverage) {
    for (const auto& r : n.unknown) {
      out << std::string(static_cast<std::size_t>(indent + 1) * 2, ' ')
          << fmt::format("unknown {}..{} ({}){}, entropy {:.2f}\n", hex_u64(r.offset), hex_u64(r.offset + r.size),
                         human_size(r.size), r.padding ? " padding" : "", r.entropy);
    }
  }
  for (NodeId c : n.children) write_tree(doc, out, c, indent + 1);
}

// `where`: the section, else what the format has instead (an ELF's segment, a PE's RVA).
// `at`: what l.va is ("va"; "offset" in a class file, which has no addresses).
void write_code_location(const CodeLocation& l, const std::string& where, std::ostream& out, int verbosity, const char* at = "va") {
  out << fmt::format("       in {} at {} {}, string at {}\n", T(where), at, hex_u64(l.va), hex_u64(l.string_va));
  if (l.refs.empty()) out << "       no code reference found\n";
  for (const auto& r : l.refs) {
    out << fmt::format("       used by {}+{} at {} ({}{}; function from {})\n", T(r.function), hex_u64(r.function_offset),
                       hex_u64(r.insn_va), T(r.kind), r.via_slot ? ", pointer at " + hex_u64(*r.via_slot) : "",
                       T(r.function_source));
    if (!r.exported_via.empty()) {
      std::string ex;
      for (const auto& e : r.exported_via) ex += (ex.empty() ? "" : ", ") + T(e);
      out << "         reached from exports: " << ex << "\n";
    }
    if (verbosity >= 2) {
      for (const auto& line : r.disasm) out << "         " << T(line) << "\n";
    }
  }
}

}  // namespace

std::string byte_account_line(const ByteAccount& a) {
  const std::uint64_t meaningful = a.total() - a.padding;
  const double share = meaningful == 0 ? 100.0 : 100.0 * static_cast<double>(a.verified + a.read + a.located) / static_cast<double>(meaningful);
  return fmt::format("{}: {} read ({} of them verified by a check), {} located by a map, not read, {} padding, {} unknown; {:.2f}% of the non-padding bytes read or located",
                     human_size(a.total()), human_size(a.verified + a.read), human_size(a.verified), human_size(a.located), human_size(a.padding),
                     human_size(a.unknown), share);
}

void write_text_report(const ReportDocument& doc, std::ostream& out, int verbosity) {
  out << fmt::format("fwscan {} — {} rule(s), digest {}\n", doc.tool_version, doc.rules_count,
                     doc.rules_digest.substr(0, 16));
  for (const auto& in : doc.inputs) {
    out << fmt::format("input: {} ({}, sha256 {})\n", T(in.name), human_size(in.size), T(in.sha256));
    if (in.root && doc.tree.at(*in.root).bytes) out << "  bytes: " << byte_account_line(*doc.tree.at(*in.root).bytes) << "\n";
  }
  if (!doc.sandbox.empty()) out << "sandbox: " << T(doc.sandbox) << "\n";
  if (!doc.libraries.empty()) {
    std::string libs;
    for (const auto& [name, version] : doc.libraries) libs += fmt::format("{}{} {}", libs.empty() ? "" : ", ", T(name), T(version));
    out << "libraries: " << libs << "\n";
  }
  if (!doc.command_line.empty()) {
    std::string cmd;
    for (const auto& a : doc.command_line) {
      const bool plain = !a.empty() && a.find_first_of(" \t'\"\\$`") == std::string::npos;
      cmd += (cmd.empty() ? "" : " ") + (plain ? T(a) : "'" + T(a) + "'");
    }
    out << "command: " << cmd << "\n";
  }
  // The summary: by severity, then by namespace (most findings first).
  constexpr RuleSeverity kOrder[] = {RuleSeverity::kCritical, RuleSeverity::kHigh, RuleSeverity::kMedium, RuleSeverity::kLow, RuleSeverity::kInfo};
  auto by_severity = [&](const std::string* ns, bool skip_zero) {
    std::string line;
    for (RuleSeverity sev : kOrder) {
      std::size_t n = 0;
      for (const auto& f : doc.findings) n += f.severity == sev && (ns == nullptr || f.ns == *ns) ? 1 : 0;
      if (n == 0 && skip_zero) continue;
      line += fmt::format("{}{} {}", line.empty() ? "" : ", ", n, rule_severity_name(sev));
    }
    return line;
  };
  out << fmt::format("SUMMARY: {} finding(s): {}\n", doc.findings.size(), by_severity(nullptr, false));
  std::map<std::string, std::size_t> per_ns;
  for (const auto& f : doc.findings) ++per_ns[f.ns];
  std::vector<std::pair<std::string, std::size_t>> ns_order(per_ns.begin(), per_ns.end());
  std::stable_sort(ns_order.begin(), ns_order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [ns, n] : ns_order) out << fmt::format("  {}: {} ({})\n", T(ns), n, by_severity(&ns, true));
  out << "\n";
  if (doc.findings.empty()) {
    out << "FINDINGS: none\n";
  } else {
    // Grouped by namespace (most severe namespace first), then by severity and locator.
    std::map<std::string, RuleSeverity> worst;
    for (const auto& f : doc.findings) {
      auto [it, inserted] = worst.emplace(f.ns, f.severity);
      if (!inserted && f.severity > it->second) it->second = f.severity;
    }
    std::vector<std::string> order;
    for (const auto& [ns, sev] : worst) order.push_back(ns);
    std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) { return worst[a] > worst[b]; });
    out << fmt::format("FINDINGS ({})\n", doc.findings.size());
    for (const auto& ns : order) {
      std::size_t count = 0;
      for (const auto& f : doc.findings) count += f.ns == ns ? 1 : 0;
      out << fmt::format("\n== {} ({})\n", T(ns), count);
      for (const auto& f : doc.findings) {
        if (f.ns != ns) continue;
        out << fmt::format("\n[{}] {}/{}\n", upper(rule_severity_name(f.severity)), T(f.ns), T(f.rule));
        const std::string desc = f.meta.get_string("description");
        if (!desc.empty()) out << "  " << T(desc) << "\n";
        out << "  at   " << T(f.locator) << "\n";
        out << "  file sha256 " << T(f.node_sha256) << "\n";
        if (verbosity >= 1 && f.node < doc.tree.size()) {
          // The hash chain: every step from the input to the file, with its handler, offset,
          // size and SHA-256.
          const char* lead = "  chain ";
          for (const NodeRecord* n : chain_to(doc.tree, f.node)) {
            std::string what = T(n->locator);  // the input
            if (n->parent && n->step.entry.empty()) what = fmt::format("{} chunk @{}", T(n->step.handler), hex_u64(n->step.offset));
            else if (n->parent && n->step.origin == ChildOrigin::kCarved)
              what = fmt::format("{} entry {} @{}", T(n->step.handler), T(n->step.entry), hex_u64(n->step.offset));
            else if (n->parent) what = fmt::format("{} entry {} (decoded)", T(n->step.handler), T(n->step.entry));
            out << lead << fmt::format("{} ({} B, sha256 {})\n", what, n->size(), T(n->sha256));
            lead = "      > ";
          }
        }
        if (f.verdict) out << "  why  " << T(f.verdict->explanation) << "\n";
        for (const auto& s : f.strings) {
          out << fmt::format("  {} @{}{}: \"{}\" ({}{})\n", T(s.id), hex_u64(s.offset),
                             s.root_offset ? fmt::format(" (input offset {})", hex_u64(*s.root_offset)) : "",
                             T(short_text(s.text)), std::string(encoding_name(s.encoding)), s.view.empty() ? "" : ", " + T(s.view) + " view");
          if (!s.source.empty()) out << "       source: " << T(short_text(s.source, 100)) << "\n";
          if (!s.context.empty() && s.context != s.text) out << "       context: " << T(short_text(s.context, 120)) << "\n";
          if (s.code) {
            std::visit(overloaded{[&](const ElfLocation& l) { write_code_location(l, l.section.empty() ? l.segment : l.section, out, verbosity); },
                                  [&](const PeLocation& l) {
                                    write_code_location(l, (l.section.empty() ? "PE image" : l.section) + " (rva " + hex_u64(l.rva) + ")", out, verbosity);
                                  },
                                  [&](const JavaLocation& l) {
                                    write_code_location(l, "class " + l.class_name + ", constant #" + std::to_string(l.constant), out, verbosity, "offset");
                                  }},
                       *s.code);
          }
        }
        for (const auto& a : f.also_in) out << "  same content also at " << T(a) << "\n";
        for (const auto& a : f.shared_with) out << "  same content in another input at " << T(a) << "\n";
        if (verbosity >= 1) {
          for (const auto& [k, v] : f.meta.entries) {
            if (k == "description") continue;
            std::string value;
            if (const auto* str = std::get_if<std::string>(&v)) value = *str;
            else if (const auto* i = std::get_if<std::int64_t>(&v)) value = std::to_string(*i);
            else value = std::get<bool>(v) ? "true" : "false";
            out << fmt::format("  meta {} = {}\n", T(k), T(value));
          }
        }
      }
    }
  }

  // Extraction summary.
  std::map<std::string, std::size_t> by_handler;
  std::size_t entries = 0, chunks = 0, unknown = 0, dups = 0, not_files = 0;
  for (const auto& n : doc.tree.nodes()) {
    if (n.handler) ++by_handler[*n.handler];
    if (n.kind == NodeKind::kEntry) ++entries;
    if (n.kind == NodeKind::kChunk) ++chunks;
    if (n.duplicate_of) ++dups;
    if (!n.is_content()) ++not_files;
    for (const auto& r : n.unknown) unknown += r.padding ? 0 : 1;
  }
  out << fmt::format("\nEXTRACTION: {} nodes ({} entries, {} carved chunks, {} non-file entries, {} duplicates), {} unknown data regions\n",
                     doc.tree.size(), entries, chunks, not_files, dups, unknown);
  std::string formats;
  for (const auto& [h, c] : by_handler) formats += fmt::format("{}{} ×{}", formats.empty() ? "" : ", ", T(h), c);
  if (!formats.empty()) out << "  formats: " << formats << "\n";
  if (verbosity >= 2) {
    out << "\nTREE\n";
    for (NodeId r : doc.tree.roots()) write_tree(doc, out, r, 1);
  }

  std::size_t ndiag = doc.diagnostics.size();
  for (const auto& n : doc.tree.nodes()) ndiag += n.diagnostics.size();
  out << fmt::format("\nDIAGNOSTICS ({})\n", ndiag);
  for (const auto& d : doc.diagnostics) {
    out << fmt::format("  {} {}: {}\n", severity_name(d.severity), diag_code_name(d.code), T(d.message));
  }
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& d : n.diagnostics) {
      out << fmt::format("  {} {} [{}] at {}{}: {}\n", severity_name(d.severity), diag_code_name(d.code),
                         d.handler.empty() ? "-" : T(d.handler), T(n.locator),
                         d.offset ? " +" + hex_u64(*d.offset) : "", T(d.message));
    }
  }
}

void write_identify_tree(const ReportDocument& doc, std::ostream& out) {
  for (NodeId r : doc.tree.roots()) {
    const NodeRecord& root = doc.tree.at(r);
    out << fmt::format("{}  {}  sha256 {}\n", T(root.locator), human_size(root.size()), T(root.sha256));
    write_tree(doc, out, r, 1);
    if (root.coverage) out << fmt::format("  coverage: {:.2f}% of non-padding bytes identified\n", *root.coverage * 100.0);
    if (root.bytes) out << "  bytes: " << byte_account_line(*root.bytes) << "\n";
  }
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& d : n.diagnostics) {
      out << fmt::format("  {} {} [{}] at {}{}: {}\n", severity_name(d.severity), diag_code_name(d.code),
                         d.handler.empty() ? "-" : T(d.handler), T(n.locator),
                         d.offset ? " +" + hex_u64(*d.offset) : "", T(d.message));
    }
  }
}

}  // namespace fwscan
