// No raw input byte reaches a terminal (core/terminal_text.hpp): names and matches full of ESC,
// OSC, NUL, bidi and C1 controls come out of the text report and the identify tree as visible
// escapes, and CJK labels come out as they are.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/terminal_text.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

// Every line of `text` (split at the writer's own newlines) is terminal-safe.
void check_lines(const std::string& text) {
  std::istringstream in(text);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    INFO(line);
    CHECK(is_terminal_safe(line));
  }
  CHECK(lines > 3);
}

}  // namespace

TEST_CASE("terminal text: controls, bidi, C1 and bad UTF-8 become escapes; CJK stays", "[terminal]") {
  CHECK(terminal_safe("plain ascii, 维族 人脸") == "plain ascii, 维族 人脸");
  CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(terminal_safe("\x1b]0;pwned\x07") == "\\x1B]0;pwned\\x07");     // OSC: sets the window title
  CHECK(terminal_safe("\x1b[2J\x1b[H") == "\\x1B[2J\\x1B[H");           // CSI: clears the screen
  CHECK(terminal_safe("line\nforged [CRITICAL]") == "line\\x0Aforged [CRITICAL]");
  CHECK(terminal_safe("del\x7f") == "del\\x7F");
  CHECK(terminal_safe("\xc2\x9b" "31m") == "\\u009B31m");                // C1 CSI, UTF-8 encoded
  CHECK(terminal_safe("abc\xe2\x80\xaetxt.exe") == "abc\\u202Etxt.exe");  // right-to-left override
  CHECK(terminal_safe("\xe2\x81\xa6x\xe2\x81\xa9") == "\\u2066x\\u2069");  // isolates
  CHECK(terminal_safe("\xef\xbb\xbf" "BOM") == "\\uFEFFBOM");
  CHECK(terminal_safe("\xf3\xa0\x80\x81tag") == "\\U000E0001tag");
  CHECK(terminal_safe("\xff\xfe") == "\\xFF\\xFE");
  CHECK(terminal_safe("\xc0\xaf") == "\\xC0\\xAF");                        // overlong '/'
  CHECK(terminal_safe("\xed\xa0\x80") == "\\xED\\xA0\\x80");               // a surrogate
  CHECK(terminal_safe("cut \xe7\xbb") == "cut \\xE7\\xBB");                // truncated sequence
  for (const char* s : {"\x1b[31m", "a\tb", "\xc2\x85", "\xe2\x80\x8b"}) {
    CHECK_FALSE(is_terminal_safe(s));
    CHECK(is_terminal_safe(terminal_safe(s)));
  }
}

TEST_CASE("terminal text: a tar whose names and contents hold escapes gives a safe report and tree", "[terminal][hostile]") {
  const std::string name = "\x1b]0;pwned\x07\xe2\x80\xae" "evil\x1b[2J\xc2\x9b" "1m.txt";
  const std::string content = "face_detect race=1 label=维族 \x1b[31mred\x1b[0m\n\x1b]8;;http://x\x07link\n";
  ByteBuilder tar;
  tar.bytes(tar_header(name, content.size())).str(content).align(512);
  tar.bytes(tar_header("link\x1b[8m", 0, '2', "target\x1b[28m\xe2\x80\xae")).fill(0, 1024);
  ScanOptions opts;
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  opts.rules = *rules;
  const ReportDocument doc = scan_blob(tar.blob(), "in\x1b[1m.tar", opts);
  // The scan found the label in the hostile entry (the test exercises matched text, not only names).
  bool label = false;
  for (const auto& f : doc.findings) label = label || f.rule == "ETHN_Minority_Label";
  REQUIRE(label);
  for (int v = 0; v <= 2; ++v) {
    std::ostringstream text;
    write_text_report(doc, text, v);
    check_lines(text.str());
    if (v == 2) {
      CHECK(text.str().find("\\x1B]0;pwned\\x07\\u202Eevil") != std::string::npos);  // the name, visible
      CHECK(text.str().find("维族") != std::string::npos);
    }
  }
  std::ostringstream tree;
  write_identify_tree(doc, tree);
  check_lines(tree.str());
}

TEST_CASE("terminal text: the demo's report starts with its summary, gives each file's SHA-256, and holds no control byte", "[terminal]") {
  const ReportDocument doc = scan_path(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  REQUIRE(doc.findings.size() > 10);
  for (int v = 0; v <= 2; ++v) {
    std::ostringstream text;
    write_text_report(doc, text, v);
    const std::string t = text.str();
    check_lines(t);
    // The summary comes before the findings, by severity, then by namespace.
    const auto summary = t.find("SUMMARY: " + std::to_string(doc.findings.size()) + " finding(s): ");
    REQUIRE(summary != std::string::npos);
    CHECK(summary < t.find("FINDINGS ("));
    CHECK(t.find("\n  ethnicity_classification: ", summary) < t.find("FINDINGS ("));
    // Every finding names the SHA-256 of its file; with -v, its chain from the input.
    std::size_t shas = 0;
    for (const Finding& f : doc.findings) shas += t.find("  file sha256 " + f.node_sha256) != std::string::npos ? 1 : 0;
    CHECK(shas == doc.findings.size());
    CHECK((t.find("  chain digicap.dav (9320 B, sha256 " + doc.inputs[0].sha256 + ")") != std::string::npos) == (v >= 1));
  }
}

TEST_CASE("terminal text: JSON escapes DEL, C1, bidi and invisible characters and parses back to the same string",
          "[terminal][json]") {
  // U+202E (bidi override), U+0085 (C1 NEL), U+200B (zero width space), U+E0041 (tag A), DEL
  // (which nlohmann writes raw), and a CJK label that stays as it is.
  const std::string s = "a\u202Eb\u0085c\u200Bd\U000E0041e\x7F 维族";
  const std::string dumped = nlohmann::json(s).dump();
  const std::string safe = json_escape_invisible(dumped);
  CHECK(safe == "\"a\\u202eb\\u0085c\\u200bd\\udb40\\udc41e\\u007f 维族\"");
  CHECK(nlohmann::json::parse(safe).get<std::string>() == s);
  CHECK(json_escape_invisible("{\"k\": \"plain 人脸\"}") == "{\"k\": \"plain 人脸\"}");
}
