#pragma once
// One report model, many writers (DESIGN.md 4.8). A writer is a pure function of the model
// (model/report.hpp); the registry below lists them, one line each (report/writers.cpp).
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "model/report.hpp"

namespace fwscan {

struct WriterOptions {
  int verbosity = 0;  // text: -v adds rule meta, -vv the extraction tree and disassembly
  unsigned jobs = 1;  // json: threads that render the large arrays (the bytes are the same for any count)
};

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual std::string_view id() const = 0;         // --format name: "text", "json"
  virtual std::string_view file_name() const = 0;  // in the -o folder: "report.txt"
  virtual std::string_view description() const = 0;
  virtual void write(const ReportDocument& doc, std::ostream& out, const WriterOptions& options) const = 0;
};

// Every writer, in --format order.
const std::vector<const ReportWriter*>& report_writers();
const ReportWriter* find_report_writer(std::string_view id);
// "text, json": the ids, for usage and error messages.
std::string report_writer_ids();

void write_text_report(const ReportDocument& doc, std::ostream& out, int verbosity = 0);
// A byte account in one line: "2.0 MiB: 1.2 MiB read (64.0 KiB of them verified), 700 KiB
// located by a map, ... ; 99.95% of the non-padding bytes read or located". Plain ASCII.
std::string byte_account_line(const ByteAccount& a);
// `jobs` threads render the elements of the large arrays (nodes, findings), in blocks written in
// order: the bytes are the same for any count.
void write_json_report(const ReportDocument& doc, std::ostream& out, unsigned jobs = 1);
void write_identify_tree(const ReportDocument& doc, std::ostream& out);
// One self-contained HTML file, no script and no external resource (docs/html-report.md).
void write_html_report(const ReportDocument& doc, std::ostream& out);
// Input-derived text for HTML: made visible (terminal_safe) and then escaped; and the page style
// the HTML writers share.
std::string html_visible_text(std::string_view s);
std::string_view html_style();
// SARIF 2.1.0 (docs/sarif.md).
void write_sarif_report(const ReportDocument& doc, std::ostream& out);
// A finding's stable key as a SHA-256 (SARIF partialFingerprints): its rule, its path inside the
// firmware (diff/report_diff.hpp finding_path: no offsets, container kinds or stream names) and
// its decoded texts. Repacking the image or moving the bytes within a file does not change it.
std::string finding_fingerprint(const Finding& f);

}  // namespace fwscan
