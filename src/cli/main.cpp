// fwscan command line. Exit codes: 0 = no finding at or above --fail-on, 1 = findings,
// 2 = usage or fatal error. diff: 1 while NEW holds a finding at or above --fail-on. verify: 1 on
// any mismatch between the report and the image.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analyze/analyzer.hpp"
#include "app/diff_run.hpp"
#include "app/extract_writer.hpp"
#include "app/pipeline.hpp"
#include "app/rule_check.hpp"
#include "app/sandbox.hpp"
#include "app/verify.hpp"
#include "scan/atom_quality.hpp"
#include "scan/rule_lint.hpp"
#include "formats/common/stream_handler.hpp"
#include "model/json_reader.hpp"
#include "report/document.hpp"
#include "report/reference.hpp"
#include "core/terminal_text.hpp"
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

// Report files: never through a symlink planted where the file goes (O_NOFOLLOW).
bool write_file(const std::filesystem::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0;
}

// Writes the report in each format: to `out_dir` under the writer's file name, and the first
// format to stdout when there is no folder or `echo_text` and it is text. False when a file failed.
bool write_reports(const fwscan::ReportDocument& doc, const std::vector<const fwscan::ReportWriter*>& writers,
                   const std::string& out_dir, const fwscan::WriterOptions& wo) {
  if (out_dir.empty()) {
    writers.front()->write(doc, std::cout, wo);
    return true;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  bool ok = true;
  for (const auto* w : writers) {
    std::ostringstream os;
    w->write(doc, os, wo);
    if (!write_file(std::filesystem::path(out_dir) / std::string(w->file_name()), os.str())) {
      std::cerr << "fwscan: cannot write " << w->file_name() << " in the output folder\n";
      ok = false;
    }
  }
  for (const auto* w : writers) {
    if (w->id() == "text") w->write(doc, std::cout, wo);
  }
  return ok;
}

// --format a,b -> writers; empty: `fallback`. Null entry on an unknown name (reported).
std::optional<std::vector<const fwscan::ReportWriter*>> pick_writers(const std::string& csv, std::vector<std::string> fallback) {
  std::vector<std::string> names = split_csv(csv);
  if (names.empty()) names = std::move(fallback);
  std::vector<const fwscan::ReportWriter*> out;
  for (const auto& n : names) {
    const auto* w = fwscan::find_report_writer(n);
    if (w == nullptr) {
      std::cerr << "fwscan: unknown format '" << fwscan::terminal_safe(n) << "' (" << fwscan::report_writer_ids() << ")\n";
      return std::nullopt;
    }
    out.push_back(w);
  }
  return out;
}

void print_formats(std::ostream& out) {
  const auto& reg = fwscan::Registry::builtin();
  out << fmt::format("{:<12} {:<12} {:<11}{}\n", "id", "category", "does", "description");
  for (std::size_t i = 0; i < reg.size(); ++i) {
    const auto& info = reg.at(i).info();
    out << fmt::format("{:<12} {:<12} {:<11}{}\n", info.id, fwscan::category_name(info.category),
                       fwscan::support_name(info.support), info.description);
    for (const auto& m : info.magics) {
      out << fmt::format("{:<36} magic {}{}{}\n", "", m.pattern,
                         m.header_offset ? fmt::format(" at +{}", m.header_offset) : "",
                         m.at_start_only ? " (start only)" : "");
    }
    for (const auto& l : info.limitations) out << fmt::format("{:<36} limitation: {}\n", "", l);
  }
}

// The command line for the report, with the values of --password given on it replaced: a report
// is published, a password is not.
std::vector<std::string> redacted_command_line(int argc, char** argv) {
  std::vector<std::string> out;
  bool secret_next = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (secret_next) {
      a = "(password)";
      secret_next = false;
    } else if (a == "--password") {
      secret_next = true;
    } else if (a.rfind("--password=", 0) == 0) {
      a = "--password=(password)";
    }
    out.push_back(std::move(a));
  }
  return out;
}

// Confines the process before the scan reads its inputs (app/sandbox.hpp): reads under the
// inputs, the rules and the password files, writes under the output folders. The status line
// for the report; "" with --no-sandbox.
std::string confine_scan(bool off, const std::vector<std::string>& inputs, std::vector<std::filesystem::path> reads,
                         const std::vector<std::filesystem::path>& writes) {
  if (off) return "";
  fwscan::SandboxPolicy policy;
  std::uint64_t input_bytes = 0;
  for (const auto& in : inputs) {
    reads.emplace_back(in);
    std::error_code ec;
    const auto size = std::filesystem::file_size(in, ec);
    if (!ec) input_bytes += size;
  }
  policy.read = std::move(reads);
  for (const auto& w : writes) {
    if (!w.empty()) policy.write.push_back(w);
  }
  policy.address_space += input_bytes;  // inputs are mapped whole
  const fwscan::SandboxStatus status = fwscan::confine(policy);
  if (!status.landlock) std::cerr << "fwscan: " << status.summary << "\n";
  return status.summary;
}

}  // namespace

int main(int argc, char** argv) {
  // Buffers up to 64 MiB come from the heap and are reused once freed, not mapped anew for each
  // ELF that LIEF copies or each view a node gets: on a virtual machine the page faults of fresh
  // mappings cost a tenth of a scan. Up to 128 MiB of freed memory is kept for the next nodes
  // (256 MiB and 1 GiB were no faster, and held 20 MiB more at the peak of the bench root).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  CLI::App app{"fwscan: unpack camera/NVR firmware, scan it with YARA rules, report the evidence"};
  app.set_version_flag("--version", std::string("fwscan ") + FWSCAN_VERSION);
  app.require_subcommand(1);

  fwscan::Limits limits;
  std::vector<std::string> password_files;
  unsigned jobs = 0;
  std::uint64_t resident_mib = limits.max_resident_bytes >> 20;
  bool no_sandbox = false;
  auto add_limits = [&](CLI::App* sub) {
    sub->add_flag("--no-sandbox", no_sandbox, "do not confine the scan (Landlock, seccomp, rlimits); for debugging");
    sub->add_option("-j,--jobs", jobs, "threads (0: one per hardware thread); the report is the same for any count")
        ->check(CLI::Range(0U, fwscan::WorkerPool::kMaxJobs))->capture_default_str();
    sub->add_option("--max-depth", limits.max_depth, "nesting depth limit")->capture_default_str();
    sub->add_option("--max-resident-mib", resident_mib,
                    "resident-memory budget for decoded bytes: one decode takes at most half, the walk lets go of analysed bytes "
                    "before it decodes more, and no ELF over an eighth is loaded (limit_resident diagnostics say where it cut)")
        ->check(CLI::Range(std::uint64_t{64}, std::uint64_t{1} << 20))->capture_default_str();
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
  bool no_rule_cache = false;
  scan->add_flag("--no-rule-cache", no_rule_cache,
                 "compile the rules even when a compiled copy is cached ($FWSCAN_CACHE_DIR, else $XDG_CACHE_HOME/fwscan or ~/.cache/fwscan)");
  scan->add_option("--format", formats_csv, "comma-separated: " + fwscan::report_writer_ids() + " (default: text on stdout; json too with -o)");
  scan->add_option("--fail-on", fail_on, "exit 1 when a finding is at or above this severity")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}))->capture_default_str();
  scan->add_option("--extract-to", extract_to, "also write every extracted file to this folder");
  scan->add_flag("-v", verbosity, "more detail (-v: rule meta, -vv: extraction tree and disassembly)");
  std::string evidence = "rules";
  scan->add_option("--evidence", evidence, "code evidence for matches in ELF files: all, rules (rules with evidence = \"xref\"), none")
      ->check(CLI::IsMember({"all", "rules", "none"}))->capture_default_str();
  std::uint64_t batch_mib = fwscan::ScanOptions{}.batch_bytes >> 20;
  scan->add_option("--batch-mib", batch_mib,
                   "decoded MiB the analyzers take from the unpacker at a time, then let go: less memory, or more parallel work; "
                   "the report is the same for any value")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20))->capture_default_str();
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

  // report
  std::string report_input, report_out, report_formats;
  int report_verbosity = 0;
  auto* report = app.add_subcommand("report", "render a saved report.json again (no image needed)");
  report->add_option("REPORT", report_input, "a report.json written by fwscan scan")->required()->check(CLI::ExistingFile);
  report->add_option("--format", report_formats, "comma-separated: " + fwscan::report_writer_ids() + " (default: text)");
  report->add_option("-o,--output", report_out, "write the report files to this folder");
  report->add_flag("-v", report_verbosity, "more detail, as for scan");

  // diff
  std::string diff_old, diff_new, diff_out, diff_formats, diff_fail_on = "high";
  auto* diff = app.add_subcommand("diff", "compare two versions (images or saved reports): what is still there, moved, changed, renamed or gone");
  diff->add_option("OLD", diff_old, "the old version: a firmware image, or a report.json of it")->required()->check(CLI::ExistingFile);
  diff->add_option("NEW", diff_new, "the new version: a firmware image, or a report.json of it")->required()->check(CLI::ExistingFile);
  diff->add_option("-o,--output", diff_out, "write diff.txt and diff.json (and diff.html with --format) to this folder");
  diff->add_option("--format", diff_formats, "comma-separated: text, json, html (default: text on stdout; text and json with -o)");
  diff->add_option("--rules", rules_dir, "rules folder, for a version given as an image")->capture_default_str();
  diff->add_option("--evidence", evidence, "code evidence for a version given as an image: all, rules, none")
      ->check(CLI::IsMember({"all", "rules", "none"}))->capture_default_str();
  diff->add_option("--fail-on", diff_fail_on, "exit 1 when NEW still holds, or newly holds, a finding at or above this severity")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}))->capture_default_str();
  add_limits(diff);

  // verify
  std::string verify_report_path, verify_image;
  auto* verify = app.add_subcommand("verify", "check a saved report against its image: every hash of every finding's chain, and the matched bytes");
  verify->add_option("REPORT", verify_report_path, "a report.json written by fwscan scan")->required()->check(CLI::ExistingFile);
  verify->add_option("IMAGE", verify_image, "the image it describes (one of its inputs)")->required()->check(CLI::ExistingFile);
  add_limits(verify);

  auto* formats = app.add_subcommand("formats", "list the formats this build understands");
  bool formats_markdown = false;
  formats->add_flag("--markdown", formats_markdown, "as the Markdown page docs/formats.md");
  auto* diagnostics = app.add_subcommand("diagnostics", "list every diagnostic code and its meaning (docs/diagnostics.md)");
  auto* analyzers = app.add_subcommand("analyzers", "list the analyzers, in run order, and the report writers");

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

  // sandbox-probe (hidden, for the sandbox test): confine as a scan does, then act as a parser
  // gone wrong would, and print what the kernel allowed.
  std::vector<std::string> probe_read, probe_write, probe_open, probe_create;
  auto* probe = app.add_subcommand("sandbox-probe", "")->group("");
  probe->add_option("--read", probe_read, "allowed to read");
  probe->add_option("--write", probe_write, "allowed to write");
  probe->add_option("--open", probe_open, "files to open for reading once confined");
  probe->add_option("--create", probe_create, "files to create once confined");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version: CLI11's own text, which quotes no argument.
    if (e.get_exit_code() == 0) return app.exit(e) == 0 ? kExitClean : kExitError;
    // A usage error quotes the argument it refuses (a file name, a value): sanitised, like
    // every other input-derived text that reaches a terminal.
    std::cerr << fwscan::terminal_safe(e.what()) << "\nRun with --help for more information.\n";
    return kExitError;
  }

  try {
    limits.max_resident_bytes = resident_mib << 20;
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
    // scan and diff: the rules compiled (or read from the cache), the threads and the evidence
    // asked for; nullopt (said on stderr) when the rules do not compile.
    auto rule_scan_options = [&](bool use_cache) -> std::optional<fwscan::ScanOptions> {
      const auto cache = use_cache ? fwscan::default_rule_cache() : std::nullopt;
      auto set = fwscan::RuleSet::compile_dir(rules_dir, fwscan::AtomChoice::kSteered, cache ? &*cache : nullptr);
      if (!set) {
        std::cerr << "fwscan: " << fwscan::terminal_safe(set.error().message) << "\n";
        return std::nullopt;
      }
      fwscan::ScanOptions opts{limits, *set};
      opts.jobs = jobs;
      opts.evidence = evidence == "all" ? fwscan::EvidencePolicy::kAll
                      : evidence == "none" ? fwscan::EvidencePolicy::kNone : fwscan::EvidencePolicy::kRules;
      return opts;
    };
    std::vector<std::filesystem::path> rule_reads{rules_dir};  // what a scan reads besides its inputs
    rule_reads.insert(rule_reads.end(), password_files.begin(), password_files.end());
    if (formats->parsed()) {
      if (formats_markdown) fwscan::write_formats_reference(std::cout);
      else print_formats(std::cout);
      return kExitClean;
    }
    if (diagnostics->parsed()) {
      fwscan::write_diagnostics_reference(std::cout);
      return kExitClean;
    }
    if (analyzers->parsed()) {
      std::cout << "analyzers, in run order:\n";
      for (const fwscan::Analyzer* a : fwscan::analyzers()) std::cout << fmt::format("  {:<10} {}\n", a->id(), a->description());
      std::cout << "report writers (--format):\n";
      for (const fwscan::ReportWriter* w : fwscan::report_writers()) {
        std::cout << fmt::format("  {:<10} {:<12} {}\n", w->id(), w->file_name(), w->description());
      }
      return kExitClean;
    }
    if (rules_table->parsed()) {
      const std::filesystem::path dir = table_dir.empty() ? default_rules_dir() : table_dir;
      auto prefs = fwscan::AtomPreferences::load(dir / fwscan::kAtomPreferencesFile);
      if (!prefs) {
        std::cerr << fwscan::terminal_safe(prefs.error().message) << "\n";
        return kExitError;
      }
      const std::string table = prefs->yara_quality_table();
      if (!write_file(table_out, table)) {
        std::cerr << "fwscan: cannot write " << fwscan::terminal_safe(table_out) << "\n";
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
        std::cerr << fwscan::terminal_safe(set.error().message) << "\n";
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
      for (const auto& i : issues) std::cout << fwscan::terminal_safe(i.file) << ":" << i.line << ": " << fwscan::terminal_safe(i.message) << "\n";
      std::cout << fmt::format("{}: {} rules in {} files compiled, linted{}; {} issue(s)\n", fwscan::terminal_safe(dir), (*set)->rule_count(),
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
    if (probe->parsed()) {
      fwscan::SandboxPolicy policy;
      policy.read.assign(probe_read.begin(), probe_read.end());
      policy.write.assign(probe_write.begin(), probe_write.end());
      const fwscan::SandboxStatus status = fwscan::confine(policy);
      std::cout << "sandbox: " << status.summary << "\n";
      auto outcome = [](int fd) {
        if (fd >= 0) {
          ::close(fd);
          return std::string("allowed");
        }
        return std::string("refused (") + std::strerror(errno) + ")";
      };
      for (const auto& f : probe_open) std::cout << "open " << fwscan::terminal_safe(f) << ": " << outcome(::open(f.c_str(), O_RDONLY | O_CLOEXEC)) << "\n";
      for (const auto& f : probe_create) {
        std::cout << "create " << fwscan::terminal_safe(f) << ": " << outcome(::open(f.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) << "\n";
      }
      std::cout << "socket: " << outcome(::socket(AF_INET, SOCK_STREAM, 0)) << "\n";
      char* const argv_true[] = {const_cast<char*>("/bin/true"), nullptr};
      ::execv("/bin/true", argv_true);  // returns only when refused
      std::cout << "exec: refused (" << std::strerror(errno) << ")\n";
      return status.landlock ? kExitClean : 77;  // 77: the kernel lacks Landlock (the test skips)
    }
    if (report->parsed()) {
      const auto writers = pick_writers(report_formats, {"text"});
      if (!writers) return kExitError;
      auto blob = fwscan::Blob::map_file(report_input);
      if (!blob) {
        std::cerr << "fwscan: " << fwscan::terminal_safe(blob.error().message) << "\n";
        return kExitError;
      }
      auto doc = fwscan::read_json_report(fwscan::as_chars(blob->bytes()));
      if (!doc) {
        std::cerr << "fwscan: " << fwscan::terminal_safe(doc.error().message) << "\n";
        return kExitError;
      }
      return write_reports(*doc, *writers, report_out, {report_verbosity, jobs == 0 ? fwscan::WorkerPool::default_jobs() : jobs}) ? kExitClean : kExitError;
    }
    if (diff->parsed()) {
      std::vector<std::string> names = split_csv(diff_formats);
      if (names.empty()) names = diff_out.empty() ? std::vector<std::string>{"text"} : std::vector<std::string>{"text", "json"};
      for (const auto& n : names) {
        if (n != "text" && n != "json" && n != "html") {
          std::cerr << "fwscan: unknown diff format '" << fwscan::terminal_safe(n) << "' (text, json, html)\n";
          return kExitError;
        }
      }
      const auto opts = rule_scan_options(true);
      if (!opts) return kExitError;
      confine_scan(no_sandbox, {diff_old, diff_new}, rule_reads, {diff_out});
      auto old_side = fwscan::load_diff_side(diff_old, *opts, nullptr);
      if (!old_side) {
        std::cerr << "fwscan: " << fwscan::terminal_safe(old_side.error().message) << "\n";
        return kExitError;
      }
      const std::set<std::string> paths = fwscan::finding_paths(old_side->doc);
      auto new_side = fwscan::load_diff_side(diff_new, *opts, &paths);
      if (!new_side) {
        std::cerr << "fwscan: " << fwscan::terminal_safe(new_side.error().message) << "\n";
        return kExitError;
      }
      const fwscan::ReportDiff d = fwscan::diff_reports(*old_side, *new_side, fwscan::Registry::builtin());
      auto render = [&](const std::string& format) {
        std::ostringstream os;
        if (format == "json") fwscan::write_diff_json(d, os);
        else if (format == "html") fwscan::write_diff_html(d, os);
        else fwscan::write_diff_text(d, os);
        return os.str();
      };
      if (diff_out.empty()) {
        std::cout << render(names.front());
      } else {
        std::error_code ec;
        std::filesystem::create_directories(diff_out, ec);
        for (const auto& n : names) {
          if (!write_file(std::filesystem::path(diff_out) / ("diff." + std::string(n == "text" ? "txt" : n)), render(n))) {
            std::cerr << "fwscan: cannot write diff." << n << " in the output folder\n";
            return kExitError;
          }
        }
        if (std::find(names.begin(), names.end(), "text") != names.end()) std::cout << render("text");
      }
      const RuleSeverity threshold = fwscan::parse_rule_severity(diff_fail_on).value_or(RuleSeverity::kHigh);
      return d.new_at_or_above(threshold) ? kExitFindings : kExitClean;
    }
    if (verify->parsed()) {
      auto report_blob = fwscan::Blob::map_file(verify_report_path);
      if (!report_blob) {
        std::cerr << "fwscan: " << fwscan::terminal_safe(report_blob.error().message) << "\n";
        return kExitError;
      }
      auto doc = fwscan::read_json_report(fwscan::as_chars(report_blob->bytes()));
      if (!doc) {
        std::cerr << "fwscan: " << fwscan::terminal_safe(doc.error().message) << "\n";
        return kExitError;
      }
      confine_scan(no_sandbox, {verify_report_path, verify_image}, {password_files.begin(), password_files.end()}, {});
      auto image = fwscan::Blob::map_file(verify_image);
      if (!image) {
        std::cerr << "fwscan: " << fwscan::terminal_safe(image.error().message) << "\n";
        return kExitError;
      }
      fwscan::Limits report_limits = doc->limits;  // the scan's, so the image unpacks to the same tree
      report_limits.passwords = limits.passwords;
      const fwscan::VerifyResult result = fwscan::verify_report(*doc, *image, report_limits, jobs);
      fwscan::write_verify_text(result, std::cout);
      return result.ok() ? kExitClean : kExitFindings;
    }
    if (identify->parsed()) {
      fwscan::ScanOptions opts{limits, nullptr};
      opts.jobs = jobs;
      const std::string sandbox = confine_scan(no_sandbox, identify_inputs, {password_files.begin(), password_files.end()}, {});
      fwscan::Pipeline p(opts);
      for (const auto& f : identify_inputs) p.add_file(f);
      fwscan::ReportDocument doc = p.finish();
      doc.sandbox = sandbox;
      fwscan::write_identify_tree(doc, std::cout);
      return doc.diagnostics.empty() ? kExitClean : kExitError;
    }
    if (extract->parsed()) {
      fwscan::ScanOptions opts{limits, nullptr};
      opts.jobs = jobs;
      opts.extract_to = extract_out;
      const std::string sandbox = confine_scan(no_sandbox, {extract_input}, {password_files.begin(), password_files.end()}, {extract_out});
      fwscan::Pipeline p(opts);
      p.add_file(extract_input);
      fwscan::ReportDocument doc = p.finish();
      doc.sandbox = sandbox;
      const auto& stats = p.extract_stats();
      if (!stats) {
        std::cerr << "fwscan: cannot write the output folder\n";
        return kExitError;
      }
      std::ostringstream json;
      fwscan::write_json_report(doc, json);
      write_file(std::filesystem::path(extract_out) / "fwscan-report.json", json.str());
      std::cout << fmt::format("extracted {} files, {} folders into {}; {} entries refused, {} links/devices recorded not created\n",
                               stats->files, stats->directories, fwscan::terminal_safe(extract_out), stats->refused, stats->not_created);
      for (const auto& n : doc.tree.nodes()) {
        for (const auto& d : n.diagnostics) {
          if (d.handler == "extract" && d.code != fwscan::DiagCode::kNotCreated) std::cout << "  refused: " << fwscan::terminal_safe(n.locator) << ": " << fwscan::terminal_safe(d.message) << "\n";
        }
      }
      return doc.diagnostics.empty() ? kExitClean : kExitError;
    }
    if (scan->parsed()) {
      auto scan_opts = rule_scan_options(!no_rule_cache);
      if (!scan_opts) return kExitError;
      fwscan::ScanOptions& opts = *scan_opts;
      opts.batch_bytes = batch_mib << 20;
      if (!extract_to.empty()) opts.extract_to = extract_to;
      const auto writers = pick_writers(formats_csv, out_dir.empty() ? std::vector<std::string>{"text"}
                                                                     : std::vector<std::string>{"text", "json"});
      if (!writers) return kExitError;
      const std::string sandbox = confine_scan(no_sandbox, scan_inputs, rule_reads, {out_dir, extract_to});
      fwscan::Pipeline p(opts);
      for (const auto& f : scan_inputs) p.add_file(f);
      fwscan::ReportDocument doc = p.finish();
      doc.sandbox = sandbox;
      doc.command_line = redacted_command_line(argc, argv);
      // The rules as given (the bundled pack is named so, not by the path it is installed at: no
      // machine path in a report by default); the digest says which pack it was.
      const std::string rules_given = scan->get_option("--rules")->count() > 0 ? rules_dir : "(bundled)";
      doc.options = {{"evidence", evidence}, {"rules", rules_given}, {"fail_on", fail_on},
                     {"passwords", std::to_string(limits.passwords.size())}, {"extract_to", extract_to}};
      if (!write_reports(doc, *writers, out_dir, {verbosity, jobs == 0 ? fwscan::WorkerPool::default_jobs() : jobs})) return kExitError;
      const RuleSeverity threshold = fwscan::parse_rule_severity(fail_on).value_or(RuleSeverity::kHigh);
      if (!doc.diagnostics.empty() && doc.tree.size() == 0) return kExitError;
      return doc.count_at_or_above(threshold) > 0 ? kExitFindings : kExitClean;
    }
  } catch (const std::exception& e) {
    std::cerr << "fwscan: internal error: " << fwscan::terminal_safe(e.what()) << "\n";
    return kExitError;
  }
  return kExitError;
}
