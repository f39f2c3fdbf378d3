// fwscan verify: a saved report checked against its image. Every corpus image's report, written
// to JSON and read back, verifies; a report with one hash, byte or offset altered, or another
// image, fails, naming the finding and the step.
#include <catch2/catch.hpp>

#include <sstream>

#include "app/verify.hpp"
#include "model/json_reader.hpp"
#include "report/document.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

const std::filesystem::path kDemo = corpus_dir() / "firmware/hikvision_demo/digicap.dav";

// The report as a reader of report.json has it.
ReportDocument saved(const ReportDocument& doc) {
  std::ostringstream os;
  write_json_report(doc, os);
  auto back = read_json_report(os.str());
  REQUIRE(back);
  return std::move(*back);
}

VerifyResult verify_against(const ReportDocument& doc, const std::filesystem::path& image) {
  auto blob = Blob::map_file(image);
  REQUIRE(blob);
  return verify_report(doc, *blob, doc.limits, 2);
}

const NodeRecord* node_by_locator(const ReportDocument& doc, const std::string& locator) {
  for (const NodeRecord& n : doc.tree.nodes()) {
    if (n.locator == locator) return &n;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("verify: the report of every corpus image verifies against it", "[verify][corpus]") {
  std::size_t images = 0, findings = 0, strings = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus_dir())) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    const auto ext = e.path().extension();
    if (ext == ".json" || ext == ".md") continue;
    INFO(e.path().string());
    const ReportDocument doc = saved(scan_path(e.path()));
    const VerifyResult r = verify_against(doc, e.path());
    for (const auto& f : r.failures) INFO(f.locator << ": " << f.step << ": " << f.message);
    CHECK(r.fatal.empty());
    CHECK(r.failures.empty());
    CHECK(r.findings == doc.findings.size());
    ++images;
    findings += r.findings;
    strings += r.strings;
  }
  CHECK(images >= 300);
  CHECK(findings >= 300);
  CHECK(strings >= findings);
}

TEST_CASE("verify: an altered hash, byte or offset fails at its step; another image fails whole", "[verify]") {
  const ReportDocument doc = saved(scan_path(kDemo));
  REQUIRE(verify_against(doc, kDemo).ok());
  // The ELF finding's chain: digicap.dav, its member app.img, ..., the SquashFS file davinci.
  std::size_t elf_finding = doc.findings.size();
  for (std::size_t i = 0; i < doc.findings.size(); ++i) {
    if (doc.findings[i].locator == "digicap.dav/swkh@0x0:app.img/squashfs@0x0:davinci") elf_finding = i;
  }
  REQUIRE(elf_finding < doc.findings.size());
  const NodeRecord* app = node_by_locator(doc, "digicap.dav/swkh@0x0:app.img");
  REQUIRE(app != nullptr);

  SECTION("a middle step's hash") {
    ReportDocument bad = doc;
    NodeRecord& n = bad.tree.at(app->id);
    n.sha256[0] = n.sha256[0] == '0' ? '1' : '0';
    const VerifyResult r = verify_against(bad, kDemo);
    CHECK_FALSE(r.ok());
    bool named = false;
    for (const auto& f : r.failures) {
      CHECK(f.step.rfind("step 2 of ", 0) == 0);
      CHECK(f.step.find(" (digicap.dav/swkh@0x0:app.img)") != std::string::npos);
      CHECK(f.message.find("the report says") != std::string::npos);
      named = named || f.finding == elf_finding;
    }
    CHECK(named);
    // Every finding below app.img fails, none other.
    std::size_t below = 0;
    for (const Finding& f : doc.findings) below += f.locator.rfind("digicap.dav/swkh@0x0:app.img/", 0) == 0 ? 1 : 0;
    CHECK(r.failures.size() == below);
  }
  SECTION("a matched byte") {
    ReportDocument bad = doc;
    EvidenceString& s = bad.findings[elf_finding].strings.front();
    s.hex[0] = s.hex[0] == 'f' ? 'e' : 'f';
    const VerifyResult r = verify_against(bad, kDemo);
    REQUIRE(r.failures.size() == 1);
    CHECK(r.failures[0].finding == elf_finding);
    CHECK(r.failures[0].step.rfind("string " + s.id + " @0x", 0) == 0);
  }
  SECTION("an offset") {
    ReportDocument bad = doc;
    bad.findings[elf_finding].strings.front().offset += 1;
    const VerifyResult r = verify_against(bad, kDemo);
    REQUIRE(r.failures.size() == 1);
    CHECK(r.failures[0].finding == elf_finding);
  }
  SECTION("a node that the image does not unpack to") {
    ReportDocument bad = doc;
    NodeRecord& n = bad.tree.at(bad.findings[elf_finding].node);
    n.locator += "x";
    const VerifyResult r = verify_against(bad, kDemo);
    REQUIRE_FALSE(r.failures.empty());
    CHECK(r.failures[0].message == "the image does not unpack to this node");
  }
  SECTION("bytes past the bound it keeps are not checked, and not passed") {
    auto blob = Blob::map_file(kDemo);
    REQUIRE(blob);
    const VerifyResult r = verify_report(doc, *blob, doc.limits, 2, std::uint64_t{1});
    CHECK_FALSE(r.ok());
    REQUIRE(r.failures.size() == doc.findings.size());
    for (const auto& f : r.failures) CHECK(f.message.find("not checked") != std::string::npos);
  }
  SECTION("another image") {
    const VerifyResult r = verify_against(doc, corpus_dir() / "firmware/dahua_demo/dahua_demo.bin");
    CHECK_FALSE(r.fatal.empty());
    CHECK(r.fatal.find("none of the report's inputs") != std::string::npos);
  }
}
