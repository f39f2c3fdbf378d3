// The writer registry: one class and one line per report format.
#include <string>

#include "report/document.hpp"

namespace fwscan {
namespace {

class TextWriter final : public ReportWriter {
 public:
  std::string_view id() const override { return "text"; }
  std::string_view file_name() const override { return "report.txt"; }
  std::string_view description() const override { return "findings by severity, extraction summary, diagnostics"; }
  void write(const ReportDocument& doc, std::ostream& out, const WriterOptions& o) const override {
    write_text_report(doc, out, o.verbosity);
  }
};

class JsonWriter final : public ReportWriter {
 public:
  std::string_view id() const override { return "json"; }
  std::string_view file_name() const override { return "report.json"; }
  std::string_view description() const override { return "the whole model (docs/report-schema.md); `fwscan report` reads it back"; }
  void write(const ReportDocument& doc, std::ostream& out, const WriterOptions& o) const override { write_json_report(doc, out, o.jobs); }
};

class SarifWriter final : public ReportWriter {
 public:
  std::string_view id() const override { return "sarif"; }
  std::string_view file_name() const override { return "report.sarif"; }
  std::string_view description() const override { return "SARIF 2.1.0 for code-scanning tools (docs/sarif.md)"; }
  void write(const ReportDocument& doc, std::ostream& out, const WriterOptions&) const override { write_sarif_report(doc, out); }
};

class HtmlWriter final : public ReportWriter {
 public:
  std::string_view id() const override { return "html"; }
  std::string_view file_name() const override { return "report.html"; }
  std::string_view description() const override { return "one self-contained page for readers (docs/html-report.md)"; }
  void write(const ReportDocument& doc, std::ostream& out, const WriterOptions&) const override { write_html_report(doc, out); }
};

}  // namespace

const std::vector<const ReportWriter*>& report_writers() {
  static const TextWriter text;
  static const JsonWriter json;
  static const SarifWriter sarif;
  static const HtmlWriter html;
  static const std::vector<const ReportWriter*> all{&text, &json, &sarif, &html};
  return all;
}

const ReportWriter* find_report_writer(std::string_view id) {
  for (const ReportWriter* w : report_writers()) {
    if (w->id() == id) return w;
  }
  return nullptr;
}

std::string report_writer_ids() {
  std::string ids;
  for (const ReportWriter* w : report_writers()) ids += (ids.empty() ? "" : ", ") + std::string(w->id());
  return ids;
}

}  // namespace fwscan
