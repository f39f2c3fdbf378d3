// fwscan command line. Exit codes: 0 = no finding at or above --fail-on, 1 = findings,
// 2 = usage or fatal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/extract_writer.hpp"
#include "app/pipeline.hpp"
#include "app/rule_check.hpp"
#include "scan/atom_quality.hpp"
#include "scan/rule_lint.hpp"
#include "formats/common/stream_handler.hpp"
#include "report/document.hpp"
#include "unpack/registry.hpp"

namespace {

using fwscan::RuleSeverity;

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

std::string default_rules_dir() {
  if (const char* env = std::getenv("FWSCAN_RULES")) return env;
  return FWSCAN_DEFAULT_RULES_DIR;
}

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

void print_formats(std::ostream& out) {
  const auto& reg = fwscan::Registry::builtin();
  out << fmt::format("{:<12} {:<12} {}\n", "id", "category", "description");
  for (std::size_t i = 0; i < reg.size(); ++i) {
    const auto& info = reg.at(i).info();
    out << fmt::format("{:<12} {:<12} {}\n", info.id, fwscan::category_name(info.category), info.description);
    for (const auto& m : info.magics) {
      out << fmt::format("{:<25} magic {}{}{}\n", "", m.pattern,
                         m.header_offset ? fmt::format(" at +{}", m.header_offset) : "",
                         m.at_start_only ? " (start only)" : "");
    }
    for (const auto& l : info.limitations) out << fmt::format("{:<25} limitation: {}\n", "", l);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fwscan: unpack camera/NVR firmware, scan it with YARA rules, report the evidence"};
  app.set_version_flag("--version", std::string("fwscan ") + FWSCAN_VERSION);
  app.require_subcommand(1);

  fwscan::Limits limits;
  std::vector<std::string> password_files;
  auto add_limits = [&](CLI::App* sub) {
    sub->add_option("--max-depth", limits.max_depth, "nesting depth limit")->capture_default_str();
    sub->add_option("--password", limits.passwords, "a password to try on encrypted archive entries (repeatable)");
    sub->add_option("--password-file", password_files, "a file of passwords to try, one per line")->check(CLI::ExistingFile);
  };

  // scan
  std::vector<std::string> scan_inputs;
  std::string out_dir, rules_dir = default_rules_dir(), formats_csv, fail_on = "high", extract_to;
  int verbosity = 0;
  auto* scan = app.add_subcommand("scan", "unpack, scan with YARA and report");
  scan->add_option("FIRMWARE", scan_inputs, "firmware images")->required()->check(CLI::ExistingFile);
  scan->add_option("-o,--output", out_dir, "write report files (report.json, ...) to this folder");
  scan->add_option("--rules", rules_dir, "rules folder")->capture_default_str();
  scan->add_option("--format", formats_csv, "comma-separated: text,json (default: text on stdout; json too with -o)");
  scan->add_option("--fail-on", fail_on, "exit 1 when a finding is at or above this severity")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}))->capture_default_str();
  scan->add_option("--extract-to", extract_to, "also write every extracted file to this folder");
  scan->add_flag("-v", verbosity, "more detail (-v: rule meta, -vv: extraction tree and disassembly)");
  std::string evidence = "rules";
  scan->add_option("--evidence", evidence, "code evidence for matches in ELF files: all, rules (rules with evidence = \"xref\"), none")
      ->check(CLI::IsMember({"all", "rules", "none"}))->capture_default_str();
  add_limits(scan);

  // extract
  std::string extract_input, extract_out;
  auto* extract = app.add_subcommand("extract", "unpack to a folder, safely");
  extract->add_option("FIRMWARE", extract_input)->required()->check(CLI::ExistingFile);
  extract->add_option("-o,--output", extract_out, "output folder")->required();
  add_limits(extract);

  // identify
  std::vector<std::string> identify_inputs;
  auto* identify = app.add_subcommand("identify", "show the extraction tree and unknown regions; writes nothing");
  identify->add_option("FIRMWARE", identify_inputs)->required()->check(CLI::ExistingFile);
  add_limits(identify);

  auto* formats = app.add_subcommand("formats", "list the formats this build understands");

  std::string check_dir, samples_dir;
  auto* rules = app.add_subcommand("rules", "rule tooling");
  rules->require_subcommand(1);
  auto* rules_check = rules->add_subcommand("check", "compile and lint a rule tree, run its match/nomatch samples");
  rules_check->add_option("DIR", check_dir, "rules folder (default: bundled rules)");
  rules_check->add_option("--samples", samples_dir, "samples folder <rule>/{match,nomatch}/ (default: DIR/../corpus/rules when present)");
  std::string table_dir, table_out;
  auto* rules_table = rules->add_subcommand(
      "atom-table", "write the tree's avoided words as an atom quality table for `yara --atom-quality-table`");
  rules_table->add_option("DIR", table_dir, "rules folder (default: bundled rules)");
  rules_table->add_option("-o,--output", table_out, "table file to write")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitClean : kExitError;
  }

  try {
    for (const auto& f : password_files) {  // appended after the --password ones, in file order
      std::ifstream in(f);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) limits.passwords.push_back(line);
      }
    }
    if (limits.passwords.size() > fwscan::Limits::kMaxPasswords) {
      std::cerr << "fwscan: " << limits.passwords.size() << " passwords given; the first " << fwscan::Limits::kMaxPasswords << " are tried\n";
    }
    if (formats->parsed()) {
      print_formats(std::cout);
      return kExitClean;
    }
    if (rules_table->parsed()) {
      const std::filesystem::path dir = table_dir.empty() ? default_rules_dir() : table_dir;
      auto prefs = fwscan::AtomPreferences::load(dir / fwscan::kAtomPreferencesFile);
      if (!prefs) {
        std::cerr << prefs.error().message << "\n";
        return kExitError;
      }
      const std::string table = prefs->yara_quality_table();
      if (!write_file(table_out, table)) {
        std::cerr << "fwscan: cannot write " << table_out << "\n";
        return kExitError;
      }
      std::cout << fmt::format("{}: {} atoms of the avoided words; use: yara --atom-quality-table={} ...\n", table_out,
                               table.size() / 5, table_out);
      return kExitClean;
    }
    if (rules_check->parsed()) {
      const std::string dir = check_dir.empty() ? default_rules_dir() : check_dir;
      auto set = fwscan::RuleSet::compile_dir(dir);
      if (!set) {
        std::cerr << set.error().message << "\n";
        return kExitError;
      }
      std::vector<fwscan::LintIssue> issues = fwscan::lint_rule_tree(dir, **set);
      std::string samples = samples_dir;
      if (samples.empty()) {
        const auto guess = std::filesystem::path(dir) / ".." / "corpus" / "rules";
        if (std::filesystem::is_directory(guess)) samples = guess.lexically_normal().string();
      }
      fwscan::SampleStats stats;
      if (!samples.empty()) {
        auto more = fwscan::check_rule_samples(samples, *set, &stats);
        issues.insert(issues.end(), more.begin(), more.end());
      }
      for (const auto& i : issues) std::cout << i.file << ":" << i.line << ": " << i.message << "\n";
      std::cout << fmt::format("{}: {} rules in {} files compiled, linted{}; {} issue(s)\n", dir, (*set)->rule_count(),
                               (*set)->files().size(),
                               samples.empty() ? ", no samples"
                                               : fmt::format(", {} match and {} nomatch samples run", stats.match_files, stats.nomatch_files),
                               issues.size());
      // What the pack costs a scan, without timing it (scan/atom_quality.hpp).
      const auto profile = (*set)->profile(fwscan::ByteView());
      std::cout << fmt::format("{}: the automaton leaves its root on {} byte values (fewer is faster; see {})\n", dir,
                               profile.root_bytes.size(), fwscan::kAtomPreferencesFile);
      if (const auto& ctx = (*set)->context()) {
        std::cout << fmt::format("{}: the context rules ({}, scanned only in images with a label) leave it on {}\n", dir,
                                 fwscan::kContextFolder, ctx->profile(fwscan::ByteView()).root_bytes.size());
      }
      return issues.empty() ? kExitClean : kExitError;
    }
    if (identify->parsed()) {
      fwscan::Pipeline p({limits, nullptr});
      for (const auto& f : identify_inputs) p.add_file(f);
      fwscan::ReportDocument doc = p.finish();
      fwscan::write_identify_tree(doc, std::cout);
      return doc.diagnostics.empty() ? kExitClean : kExitError;
    }
    if (extract->parsed()) {
      fwscan::Pipeline p({limits, nullptr});
      p.add_file(extract_input);
      fwscan::ReportDocument doc = p.finish();
      auto stats = fwscan::write_extraction(doc, extract_out);
      if (!stats) {
        std::cerr << "fwscan: " << stats.error().message << "\n";
        return kExitError;
      }
      std::ostringstream json;
      fwscan::write_json_report(doc, json);
      write_file(std::filesystem::path(extract_out) / "fwscan-report.json", json.str());
      std::cout << fmt::format("extracted {} files, {} folders into {}; {} entries refused, {} links/devices recorded not created\n",
                               stats->files, stats->directories, extract_out, stats->refused, stats->not_created);
      for (const auto& n : doc.tree.nodes()) {
        for (const auto& d : n.diagnostics) {
          if (d.handler == "extract" && d.code != "not_created") std::cout << "  refused: " << n.locator << ": " << d.message << "\n";
        }
      }
      return doc.diagnostics.empty() ? kExitClean : kExitError;
    }
    if (scan->parsed()) {
      auto set = fwscan::RuleSet::compile_dir(rules_dir);
      if (!set) {
        std::cerr << "fwscan: " << set.error().message << "\n";
        return kExitError;
      }
      fwscan::ScanOptions opts{limits, *set};
      opts.evidence = evidence == "all" ? fwscan::EvidencePolicy::kAll
                      : evidence == "none" ? fwscan::EvidencePolicy::kNone : fwscan::EvidencePolicy::kRules;
      fwscan::Pipeline p(opts);
      for (const auto& f : scan_inputs) p.add_file(f);
      fwscan::ReportDocument doc = p.finish();
      if (!extract_to.empty()) {
        auto stats = fwscan::write_extraction(doc, extract_to);
        if (!stats) std::cerr << "fwscan: " << stats.error().message << "\n";
      }
      std::vector<std::string> fmts = split_csv(formats_csv);
      if (fmts.empty()) fmts = out_dir.empty() ? std::vector<std::string>{"text"} : std::vector<std::string>{"text", "json"};
      for (const auto& f : fmts) {
        if (f != "text" && f != "json") {
          std::cerr << "fwscan: unknown format '" << f << "' (text, json)\n";
          return kExitError;
        }
      }
      const bool want_text = std::find(fmts.begin(), fmts.end(), "text") != fmts.end();
      const bool want_json = std::find(fmts.begin(), fmts.end(), "json") != fmts.end();
      if (!out_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(out_dir, ec);
        if (want_json) {
          std::ostringstream os;
          fwscan::write_json_report(doc, os);
          if (!write_file(std::filesystem::path(out_dir) / "report.json", os.str())) {
            std::cerr << "fwscan: cannot write " << out_dir << "/report.json\n";
            return kExitError;
          }
        }
        if (want_text) {
          std::ostringstream os;
          fwscan::write_text_report(doc, os, verbosity);
          write_file(std::filesystem::path(out_dir) / "report.txt", os.str());
        }
      }
      if (want_text) fwscan::write_text_report(doc, std::cout, verbosity);
      else if (want_json && out_dir.empty()) fwscan::write_json_report(doc, std::cout);
      const RuleSeverity threshold = fwscan::parse_rule_severity(fail_on).value_or(RuleSeverity::kHigh);
      if (!doc.diagnostics.empty() && doc.tree.size() == 0) return kExitError;
      return doc.count_at_or_above(threshold) > 0 ? kExitFindings : kExitClean;
    }
  } catch (const std::exception& e) {
    std::cerr << "fwscan: internal error: " << e.what() << "\n";
    return kExitError;
  }
  return kExitError;
}
