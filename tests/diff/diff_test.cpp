// fwscan diff on the generated firmware series (tools/gen_diff_series.py): each version changes
// one thing, and SERIES.json says what, with the byte offsets the generator found in the files it
// built. The diff must report exactly that change and leave every other finding unchanged.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "app/diff_run.hpp"
#include "diff/report_diff.hpp"
#include "report/document.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

const std::filesystem::path kSeries = corpus_dir() / "diff_series";

nlohmann::json series() {
  const auto bytes = read_file(kSeries / "SERIES.json");
  return nlohmann::json::parse(std::string(bytes.begin(), bytes.end()));
}

ScanOptions diff_options() {
  ScanOptions opts;
  opts.rules = bundled_rules();
  opts.jobs = 2;
  return opts;
}

struct Run {
  DiffSide old_side, new_side;
  ReportDiff diff;
};

Run diff_of(const std::filesystem::path& old_path, const std::filesystem::path& new_path) {
  const ScanOptions opts = diff_options();
  auto old_side = load_diff_side(old_path, opts, nullptr);
  REQUIRE(old_side);
  const auto paths = finding_paths(old_side->doc);
  auto new_side = load_diff_side(new_path, opts, &paths);
  REQUIRE(new_side);
  Run r{std::move(*old_side), std::move(*new_side), {}};
  r.diff = diff_reports(r.old_side, r.new_side, Registry::builtin());
  return r;
}

std::string key_path(const nlohmann::json& s, const std::string& file) { return s["member"].get<std::string>() + "!" + file; }

// Whether every string of the finding lies in [begin, end) of its node.
bool all_inside(const Finding& f, std::uint64_t begin, std::uint64_t end) {
  if (f.strings.empty()) return false;
  for (const auto& s : f.strings) {
    if (s.offset < begin || s.offset + s.length > end) return false;
  }
  return true;
}

std::size_t count_state(const ReportDiff& d, DiffState s) { return d.count(s); }

}  // namespace

TEST_CASE("diff: the key path drops the input, offsets, container kinds and stream names", "[diff]") {
  const Registry& r = Registry::builtin();
  CHECK(finding_path("v1.dav/swkh@0x0:app.img/squashfs@0x0:usr/bin/faced", r) == "app.img!usr/bin/faced");
  CHECK(finding_path("dump.bin/squashfs@0x40000:etc/passwd", r) == "etc/passwd");
  CHECK(finding_path("fw.tgz/gzip@0x0:fw.tar/tar@0x0:etc/passwd", r) == "etc/passwd");  // the gzip name is the stream's
  CHECK(finding_path("faced", r).empty());  // the input itself
}

TEST_CASE("diff: the same image against itself changes nothing", "[diff]") {
  const auto s = series();
  const Run r = diff_of(kSeries / s["base"].get<std::string>(), kSeries / s["base"].get<std::string>());
  REQUIRE(!r.diff.items.empty());
  CHECK(r.diff.count(DiffState::kUnchanged) == r.diff.items.size());
  CHECK(r.diff.old_classification() > 0);
  CHECK(r.diff.still_classification() == r.diff.old_classification());
  for (const auto& item : r.diff.items) CHECK(item.notes.empty());
}

TEST_CASE("diff: one label removed from the ELF: exactly its findings are removed, and its function is gone", "[diff]") {
  const auto s = series();
  const auto& v = s["versions"]["v2_one_removed.dav"];
  const Run r = diff_of(kSeries / s["base"].get<std::string>(), kSeries / "v2_one_removed.dav");
  const std::string path = key_path(s, v["file"]);
  const std::uint64_t begin = v["offset"], end = begin + v["length"].get<std::uint64_t>();
  const std::string function = v["function"];
  // By construction: removed are the findings of the ELF whose every string lay inside the
  // removed literal, or inside the removed function's name (its symbol); nothing else changed.
  std::size_t expected_removed = 0;
  for (const Finding& f : r.old_side.doc.findings) {
    if (finding_path(f.locator, Registry::builtin()) != path) continue;
    bool in_name = !f.strings.empty();
    for (const auto& str : f.strings) in_name = in_name && function.find(str.text) != std::string::npos;
    if (all_inside(f, begin, end) || in_name) ++expected_removed;
  }
  REQUIRE(expected_removed >= 2);
  CHECK(count_state(r.diff, DiffState::kRemoved) == expected_removed);
  CHECK(count_state(r.diff, DiffState::kAdded) == 0);
  CHECK(count_state(r.diff, DiffState::kMoved) == 0);
  CHECK(count_state(r.diff, DiffState::kChanged) == 0);
  CHECK(r.diff.count(DiffState::kUnchanged) == r.diff.items.size() - expected_removed);
  std::size_t function_gone = 0;
  for (const auto& item : r.diff.items) {
    if (item.state != DiffState::kRemoved) continue;
    CHECK(item.path == path);
    const Finding& f = *item.old_finding;
    bool in_name = true;
    for (const auto& str : f.strings) in_name = in_name && function.find(str.text) != std::string::npos;
    CHECK((all_inside(f, begin, end) || in_name));
    for (const auto& n : item.notes) function_gone += n.find("function " + function) == 0 && n.find("is gone from NEW") != std::string::npos ? 1 : 0;
  }
  CHECK(function_gone == expected_removed);  // every removed finding names the function that went
  // The UTF-16 alarm label moved within the ELF (the code before it shrank) and is still used by
  // the one function that used it (tools/gen_elf_corpus.py: face_alarm_name).
  bool alarm = false;
  for (const auto& item : r.diff.items) {
    if (item.texts != std::vector<std::string>{"维族人员实时预警"}) continue;
    alarm = true;
    CHECK(item.state == DiffState::kUnchanged);
    REQUIRE(item.new_finding);
    for (const auto& str : item.new_finding->strings) {
      REQUIRE(elf_location(str) != nullptr);
      for (const auto& ref : elf_location(str)->refs) CHECK(ref.function == "face_alarm_name");
      CHECK_FALSE(elf_location(str)->refs.empty());
    }
  }
  CHECK(alarm);
  CHECK(r.diff.headline() == std::to_string(r.diff.old_classification() - expected_removed) + " of " +
                                 std::to_string(r.diff.old_classification()) + " classification findings of OLD are still present in NEW");
}

TEST_CASE("diff: fields renamed to reserved names are removed, and the new names are told", "[diff]") {
  const auto s = series();
  const auto& v = s["versions"]["v3_renamed.dav"];
  const Run r = diff_of(kSeries / s["base"].get<std::string>(), kSeries / "v3_renamed.dav");
  const std::string path = key_path(s, v["file"]);
  std::map<std::string, std::string> renamed;  // old identifier -> new, by construction
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& x : v["renames"]) {
    renamed[x["old"]] = x["new"];
    const std::uint64_t at = x["offset"];
    ranges.emplace_back(at, at + x["old"].get<std::string>().size());
  }
  std::size_t expected_removed = 0;
  for (const Finding& f : r.old_side.doc.findings) {
    if (finding_path(f.locator, Registry::builtin()) != path) continue;
    for (const auto& [b, e] : ranges) expected_removed += all_inside(f, b, e) ? 1 : 0;
  }
  REQUIRE(expected_removed >= 2);
  CHECK(count_state(r.diff, DiffState::kRemoved) == expected_removed);
  CHECK(r.diff.count(DiffState::kUnchanged) == r.diff.items.size() - expected_removed);
  std::map<std::string, std::string> told;
  for (const auto& item : r.diff.items) {
    if (item.state != DiffState::kRemoved) continue;
    CHECK(item.path == path);
    REQUIRE(item.renames.size() == 1);
    told[item.renames[0].old_text] = item.renames[0].new_text;
    // Where the identifier stood in OLD, by construction.
    const auto it = std::find_if(ranges.begin(), ranges.end(), [&](const auto& rg) { return rg.first == item.renames[0].old_offset; });
    CHECK(it != ranges.end());
  }
  CHECK(told == renamed);
}

TEST_CASE("diff: the same files repacked (another compression) change nothing", "[diff]") {
  const auto s = series();
  const Run r = diff_of(kSeries / s["base"].get<std::string>(), kSeries / "v4_repacked.dav");
  CHECK(r.old_side.doc.inputs.front().sha256 != r.new_side.doc.inputs.front().sha256);
  REQUIRE(!r.diff.items.empty());
  CHECK(r.diff.count(DiffState::kUnchanged) == r.diff.items.size());
}

TEST_CASE("diff: a saved report stands for its image; the JSON says the same as the text", "[diff]") {
  const auto s = series();
  TempDir dir("diff_report");
  // OLD as a saved report: the findings diff the same; renames need OLD's bytes, and it says so.
  const ScanOptions opts = diff_options();
  auto old_scan = scan_path(kSeries / s["base"].get<std::string>());
  const auto saved = dir.path() / "old.json";
  {
    std::ofstream out(saved);
    write_json_report(old_scan, out);
  }
  REQUIRE(looks_like_report(saved));
  CHECK_FALSE(looks_like_report(kSeries / "v3_renamed.dav"));
  const Run from_image = diff_of(kSeries / s["base"].get<std::string>(), kSeries / "v3_renamed.dav");
  const Run from_report = diff_of(saved, kSeries / "v3_renamed.dav");
  REQUIRE(from_report.diff.items.size() == from_image.diff.items.size());
  for (std::size_t i = 0; i < from_image.diff.items.size(); ++i) {
    CHECK(from_report.diff.items[i].state == from_image.diff.items[i].state);
    CHECK(from_report.diff.items[i].renames.empty());
  }
  bool warned = false;
  for (const auto& w : from_report.diff.warnings) warned = warned || w.find("saved report") != std::string::npos;
  CHECK(warned);
  std::ostringstream json;
  write_diff_json(from_image.diff, json);
  const auto j = nlohmann::json::parse(json.str());
  CHECK(j["summary"]["headline"] == from_image.diff.headline());
  CHECK(j["summary"]["removed"] == from_image.diff.count(DiffState::kRemoved));
  std::size_t renames = 0;
  for (const auto& item : j["items"]) renames += item.contains("renames") ? item["renames"].size() : 0;
  CHECK(renames == 2);
  std::ostringstream text;
  write_diff_text(from_image.diff, text);
  CHECK(text.str().find(from_image.diff.headline()) != std::string::npos);
  CHECK(text.str().find("\"byEthnic\" -> \"byRes0\"") != std::string::npos);
  std::ostringstream html;
  write_diff_html(from_image.diff, html);
  CHECK(html.str().find(from_image.diff.headline()) != std::string::npos);
  CHECK(html.str().find("Renamed in place: &ldquo;byEthnic&rdquo; &rarr; &ldquo;byRes0&rdquo;") != std::string::npos);
  CHECK(html.str().find("<script") == std::string::npos);
  CHECK(html.str().find("default-src 'none'") != std::string::npos);
}

TEST_CASE("diff: a rename is told from the bytes on both sides, never from a guess", "[diff]") {
  auto v = [](const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
  const std::string old_text = std::string("....BYTE bySex;\n    BYTE byEthnic;\n    BYTE byMask;\n", 51);
  const std::string new_text = std::string("XX....BYTE bySex;\n    BYTE byRes0;\n    BYTE byMask;\n", 51);
  const auto at = old_text.find("Ethnic");
  auto r = find_rename(v(old_text), v(new_text), at, 6, Encoding::kAscii, {});
  REQUIRE(r);
  CHECK(r->old_text == "byEthnic");
  CHECK(r->new_text == "byRes0");
  CHECK(r->old_offset == old_text.find("byEthnic"));
  CHECK(r->new_offset == new_text.find("byRes0"));
  // The text still there: no rename. The neighbours changed too: nothing is told.
  CHECK_FALSE(find_rename(v(old_text), v(old_text), at, 6, Encoding::kAscii, {}));
  const std::string rewritten = "typedef struct { int a; int b; } other;\n";
  CHECK_FALSE(find_rename(v(old_text), v(rewritten), at, 6, Encoding::kAscii, {}));
  // A NUL-separated table renamed in place, padded with NULs: the padding is not text.
  const std::string table_old = std::string("byAge\0byEthnic\0bySex\0", 21);
  const std::string table_new = std::string("byAge\0byRes0\0\0\0bySex\0", 21);
  auto t = find_rename(v(table_old), v(table_new), table_old.find("Ethnic"), 6, Encoding::kAscii, {});
  REQUIRE(t);
  CHECK(t->new_text == "byRes0");
}
