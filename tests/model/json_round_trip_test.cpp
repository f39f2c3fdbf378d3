// The report model round trip: a JSON report read back into the model writes the same JSON, byte
// for byte, and renders the same text; and a report file is hostile input like any other.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

#include "core/terminal_text.hpp"
#include "model/json_reader.hpp"
#include "report/document.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::string text_of(const ReportDocument& doc, int verbosity) {
  std::ostringstream os;
  write_text_report(doc, os, verbosity);
  return os.str();
}

std::string identify_of(const ReportDocument& doc) {
  std::ostringstream os;
  write_identify_tree(doc, os);
  return os.str();
}

// Scans several inputs in one run, with code evidence for every match: verdicts, signals, ELF
// summaries and code references, duplicates, unknown regions, entry metadata and diagnostics.
ReportDocument rich_report() {
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  ScanOptions opts;
  opts.rules = *rules;
  opts.evidence = EvidencePolicy::kAll;
  Pipeline p(opts);
  p.add_file(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  p.add_file(corpus_dir() / "firmware/dahua_demo/dahua_demo.bin");
  p.add_file(corpus_dir() / "malformed/dirtraversal.tar");
  p.add_file(corpus_dir() / "verdict/eval/image_pair.tar");
  p.add_file(corpus_dir() / "malformed/swkh_bad_checksums.dav");
  p.add_file(corpus_dir() / "firmware/flash_dump/spi_raw_uboot.bin.xz");  // partitions, located bytes
  p.add_file(corpus_dir() / "pe/x86_64/face_attr.dll");                  // a PE summary, PE code evidence
  p.add_file(corpus_dir() / "java/face_attr.jar");                        // Java method evidence
  return p.finish();
}

void check_round_trip(const ReportDocument& doc) {
  const std::string json = json_of(doc);
  auto back = read_json_report(json);
  INFO((back ? std::string() : back.error().message));
  REQUIRE(back);
  CHECK(json_of(*back) == json);
  for (int v = 0; v <= 2; ++v) CHECK(text_of(*back, v) == text_of(doc, v));
  CHECK(identify_of(*back) == identify_of(doc));
}

}  // namespace

TEST_CASE("model: a scanned report read back from JSON writes the same JSON and text", "[model][json]") {
  const ReportDocument doc = rich_report();
  // The report exercises what the reader must carry: these are facts of the scan, not of the reader.
  REQUIRE(doc.inputs.size() == 8);
  REQUIRE(!doc.findings.empty());
  REQUIRE(!doc.signals.empty());
  REQUIRE(!doc.facts.empty());
  bool pe_code = false, pe_facts = false, java_code = false;
  bool verdict = false, code = false, dup = false, unknown = false, entry_meta = false, diags = false, verified = false, located = false;
  for (const auto& f : doc.findings) {
    verdict = verdict || f.verdict.has_value();
    for (const auto& s : f.strings) {
      code = code || (elf_location(s) != nullptr && !elf_location(s)->refs.empty());
      const auto* pe = s.code ? std::get_if<PeLocation>(&*s.code) : nullptr;
      pe_code = pe_code || (pe != nullptr && !pe->refs.empty());
      const auto* java = s.code ? std::get_if<JavaLocation>(&*s.code) : nullptr;
      java_code = java_code || (java != nullptr && !java->refs.empty());
    }
  }
  for (const auto& n : doc.tree.nodes()) {
    dup = dup || n.duplicate_of.has_value();
    unknown = unknown || !n.unknown.empty();
    entry_meta = entry_meta || n.meta.mode.has_value();
    diags = diags || !n.diagnostics.empty();
    verified = verified || !n.verified.empty();
    located = located || (n.bytes && n.bytes->located > 0);
  }
  for (const auto& [id, facts] : doc.facts) {
    const auto* pe = std::get_if<PeSummary>(&facts);
    pe_facts = pe_facts || (pe != nullptr && !pe->version_info.empty() && !pe->pdb_id.empty());
  }
  CHECK(pe_code);
  CHECK(java_code);
  CHECK(pe_facts);
  CHECK(verified);
  CHECK(located);
  CHECK(verdict);
  CHECK(code);
  CHECK(dup);
  CHECK(unknown);
  CHECK(entry_meta);
  CHECK(diags);
  check_round_trip(doc);
}

TEST_CASE("model: the streamed JSON writer writes what a JSON library dumps of the parsed report", "[model][json]") {
  // The writer emits the report member by member and element by element; an independent parse
  // and dump(2) of its output must give the same bytes (valid JSON, the one canonical layout).
  const auto check = [](const ReportDocument& doc) {
    const std::string json = json_of(doc);
    const auto parsed = nlohmann::ordered_json::parse(json);
    CHECK(json_escape_invisible(parsed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n" == json);
  };
  check(rich_report());
  check(unpack_path(corpus_dir() / "malformed/dirtraversal.tar").report);
  check(ReportDocument{});  // every array empty
}

TEST_CASE("model: the JSON writer writes the same bytes on any number of threads", "[model][json][jobs]") {
  const ReportDocument doc = rich_report();
  REQUIRE(doc.tree.size() > 64);  // the nodes span more than one of the writer's blocks
  const std::string one = json_of(doc);
  for (const unsigned jobs : {2U, 3U}) {
    std::ostringstream out;
    write_json_report(doc, out, jobs);
    CHECK(out.str() == one);
  }
}

TEST_CASE("model: unpack-only reports of every external sample round-trip", "[model][json][external]") {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(external_dir())) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    ++n;
    INFO(e.path().string());
    check_round_trip(unpack_path(e.path()).report);
  }
  CHECK(n >= 50);
}

// Found by fuzz_unpack: cramfs entries whose names differ only in bytes that are not UTF-8 got one
// locator in the JSON (each such byte became U+FFFD), and the report could not be read back.
TEST_CASE("model: entries whose names differ only in invalid UTF-8 keep distinct locators that round-trip", "[model][json][hostile]") {
  std::vector<std::uint8_t> tar;
  for (const std::string name : {"a\xff.txt", "a\xfe.txt", "a\xe7\xbb.txt", "\xe7\xbb\xb4\xe6\x97\x8f.txt"}) {
    const auto h = tar_header(name, 3);
    tar.insert(tar.end(), h.begin(), h.end());
    std::vector<std::uint8_t> body(512, 0);
    body[0] = 'x', body[1] = 'y', body[2] = 'z';
    tar.insert(tar.end(), body.begin(), body.end());
  }
  tar.resize(tar.size() + 1024, 0);
  const Unpacked u = unpack_bytes(tar, "names.tar");
  for (const char* want : {"names.tar/tar@0x0:a%FF.txt", "names.tar/tar@0x0:a%FE.txt", "names.tar/tar@0x0:a%E7%BB.txt", "names.tar/tar@0x0:维族.txt"}) {
    INFO(want);
    CHECK(node_at(u, want) != nullptr);
  }
  check_round_trip(u.report);
}

TEST_CASE("model: the reader refuses damaged reports and names the JSON path", "[model][json][hostile]") {
  const std::string good = json_of(unpack_path(corpus_dir() / "malformed/dirtraversal.tar").report);
  REQUIRE(read_json_report(good));
  auto refused = [&](const std::string& bad, const std::string& where) {
    auto r = read_json_report(bad);
    INFO(where);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find(where) != std::string::npos);
    for (unsigned char c : r.error().message) CHECK((c >= 0x20 && c < 0x7F));  // printable, whatever the file held
  };
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  refused(good.substr(0, good.size() / 2), "not JSON");
  refused(std::string(200, '[') + std::string(200, ']'), "nested deeper");
  refused(edited("\"schema_version\": 1", "\"schema_version\": 2"), "$.schema_version");
  refused(edited("\"parent\": 0", "\"parent\": 7"), ".parent");
  refused(edited("\"id\": 1,", "\"id\": 5,"), "$.nodes[1].id");
  refused(edited("\"kind\": \"chunk\"", "\"kind\": \"\\u0001chunk\""), "\\x01chunk");
  refused(edited("\"nodes\": ", "\"nodes\": 5, \"x\": "), "$.summary.nodes");
  refused(edited("\"size\": ", "\"size\": -"), ".size");
  // A locator must be its parent's with the node's own step (model/locator.hpp).
  refused(edited("\"locator\": \"dirtraversal.tar/tar@0x0:", "\"locator\": \"dirtraversal.tar/tar@0x200:"), "$.nodes[2].locator");
  refused(edited("\"locator\": \"dirtraversal.tar/tar@0x0:", "\"locator\": \"dirtraversal.tar/zip@0x0:"), "$.nodes[2].locator");
  refused(edited("\"locator\": \"dirtraversal.tar\"", "\"locator\": \"dirtraversal.tar/tar@0x0\""), "$.nodes[0].locator");
  // The byte account must sum to the node's size, no class alone past it.
  const std::string bytes_at = "\"bytes\": {";
  REQUIRE(good.find(bytes_at) != std::string::npos);
  auto account_edit = [&](const std::string& key, const std::string& value) {
    std::string s = good;
    const auto at = s.find("\"" + key + "\": ", s.find(bytes_at)) + key.size() + 4;
    const auto end = s.find_first_of(",\n}", at);
    return s.replace(at, end - at, value);
  };
  refused(account_edit("read", "1"), ".bytes");
  refused(account_edit("unknown", "18446744073709551615"), ".bytes");
}

TEST_CASE("model: a finding's hash chain is its node's path in the tree, and the reader holds it to that", "[model][json]") {
  const ReportDocument doc = scan_path(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  const std::string json = json_of(doc);
  const auto j = nlohmann::json::parse(json);
  std::size_t checked = 0;
  for (const auto& f : j["findings"]) {
    const auto& chain = f["chain"];
    REQUIRE(chain.size() >= 2);
    CHECK(chain.front()["locator"] == "digicap.dav");
    CHECK(chain.front()["sha256"] == j["inputs"][0]["sha256"]);
    CHECK(chain.back()["locator"] == f["locator"]);
    CHECK(chain.back()["sha256"] == f["node_sha256"]);
    for (std::size_t k = 1; k < chain.size(); ++k) {
      // Each step's locator extends the one before: by its handler's chunk ("/swkh@0x0:app.img"
      // when the chunk is not a node of its own), or by its entry in the chunk node before it.
      const std::string prev = chain[k - 1]["locator"], cur = chain[k]["locator"];
      CHECK((cur.rfind(prev + "/" + chain[k]["handler"].get<std::string>() + "@", 0) == 0 || cur.rfind(prev + ":", 0) == 0));
      ++checked;
    }
    if (!f["image_offset"].is_null()) CHECK(f["strings"][0]["root_offset"] == f["image_offset"].get<std::uint64_t>() + f["strings"][0]["offset"].get<std::uint64_t>());
  }
  CHECK(checked > 20);
  // A chain step that is not the tree's is refused.
  const std::string sha = j["findings"][0]["chain"][1]["sha256"];
  std::string bad = json;
  const auto at = bad.find("\"chain\"");
  REQUIRE(at != std::string::npos);
  const auto step = bad.find(sha, at);
  REQUIRE(step != std::string::npos);
  bad[step] = bad[step] == '0' ? '1' : '0';
  auto r = read_json_report(bad);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("$.findings[0].chain[1]") != std::string::npos);
}
