#include <unistd.h>

#include <map>
#include <set>

#include "app/extract_writer.hpp"
#include "app/pipeline.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::set<std::string> files_under(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (auto it = std::filesystem::recursive_directory_iterator(dir); it != std::filesystem::recursive_directory_iterator(); ++it) {
    out.insert(std::filesystem::relative(it->path(), dir).generic_string() + (it->is_symlink() ? "@" : ""));
  }
  return out;
}
}  // namespace

TEST_CASE("safe_components refuses escapes", "[app][extract]") {
  REQUIRE(safe_components("a/./b//c").value() == std::vector<std::string>{"a", "b", "c"});
  REQUIRE_FALSE(safe_components("../x"));
  REQUIRE_FALSE(safe_components("a/../../x"));
  REQUIRE_FALSE(safe_components("/etc/passwd"));
  REQUIRE_FALSE(safe_components(""));
  REQUIRE_FALSE(safe_components(std::string(300, 'a')));
  REQUIRE_FALSE(safe_components(std::string("a\0b", 3)));
}

TEST_CASE("extract: dirtraversal.tar writes nothing outside its folder and reports refusals", "[app][extract]") {
  const TempDir tmp("extract");
  const auto& base = tmp.path();
  const auto out = base / "out";
  Unpacked doc = unpack_path(corpus_dir() / "malformed/dirtraversal.tar");
  auto stats = write_extraction(doc.tree, out);
  REQUIRE(stats);
  const std::set<std::string> expected = {
      "dirtraversal.tar.extracted",
      "dirtraversal.tar.extracted/tar@0x0",
      "dirtraversal.tar.extracted/tar@0x0/ok",
      "dirtraversal.tar.extracted/tar@0x0/ok/readme.txt",
      "dirtraversal.tar.extracted/tar@0x0/evil_link",
      "dirtraversal.tar.extracted/tar@0x0/evil_link/through_link.txt",
  };
  REQUIRE(files_under(out) == expected);            // no symlink ("@"), no escaped file
  REQUIRE(std::filesystem::directory_iterator(base) != std::filesystem::directory_iterator());
  REQUIRE(files_under(base).size() == expected.size() + 1);  // only "out" itself beside them
  REQUIRE_FALSE(std::filesystem::exists("/tmp/fwscan_absolute.txt"));
  REQUIRE(stats->refused == 3);
  REQUIRE(stats->not_created == 4);  // two symlinks, the hard link and the device: recorded only
  std::size_t refused = 0, recorded = 0;
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& d : n.diagnostics) {
      refused += d.code == DiagCode::kPathRefused ? 1 : 0;
      recorded += d.code == DiagCode::kNotCreated ? 1 : 0;
    }
  }
  REQUIRE(refused == 3);
  REQUIRE(recorded == 4);
}

TEST_CASE("extract: a pre-planted symlink in the output folder is not followed", "[app][extract]") {
  const TempDir tmp("extract_link");
  const auto& base = tmp.path();
  std::filesystem::create_directories(base / "out" / "dirtraversal.tar.extracted");
  std::filesystem::create_directories(base / "elsewhere");
  std::filesystem::create_directory_symlink(base / "elsewhere", base / "out" / "dirtraversal.tar.extracted" / "tar@0x0");
  Unpacked doc = unpack_path(corpus_dir() / "malformed/dirtraversal.tar");
  auto stats = write_extraction(doc.tree, base / "out");
  REQUIRE(stats);
  REQUIRE(std::filesystem::is_empty(base / "elsewhere"));
  REQUIRE(stats->files == 0);
}

namespace {
// Every file under `dir` with its bytes ("@" marks a link, which must not exist).
std::map<std::string, std::string> contents_under(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (auto it = std::filesystem::recursive_directory_iterator(dir); it != std::filesystem::recursive_directory_iterator(); ++it) {
    const std::string rel = std::filesystem::relative(it->path(), dir).generic_string();
    if (it->is_symlink()) out[rel + "@"] = "";
    else if (it->is_regular_file()) {
      const auto bytes = read_file(it->path());
      out[rel] = std::string(bytes.begin(), bytes.end());
    } else out[rel + "/"] = "";
  }
  return out;
}
}  // namespace

// A scan with --extract-to writes each batch of nodes as the walk finishes it and lets its bytes
// go: the folder it writes is the one a writer given the whole tree (every byte kept) writes,
// with the same refusals, for batches of 1 byte (each node alone) and of the default size.
TEST_CASE("extract: a scan writes the extraction batch by batch, the same files as from the whole tree", "[app][extract]") {
  const TempDir tmp("extract_batches");
  for (const char* sample : {"firmware/hikvision_demo/digicap.dav", "malformed/dirtraversal.tar"}) {
    INFO(sample);
    const auto path = corpus_dir() / sample;
    Unpacked whole = unpack_path(path);
    const auto want_dir = tmp.path() / (std::filesystem::path(sample).filename().string() + ".whole");
    auto want_stats = write_extraction(whole.tree, want_dir);
    REQUIRE(want_stats);
    const auto want = contents_under(want_dir);
    REQUIRE(want.size() >= 4);
    std::size_t want_refused = 0;
    for (const auto& n : whole.tree.nodes()) {
      for (const auto& d : n.diagnostics) want_refused += d.code == DiagCode::kPathRefused ? 1 : 0;
    }
    for (std::uint64_t batch : {std::uint64_t{1}, ScanOptions{}.batch_bytes}) {
      INFO("batch " << batch);
      ScanOptions opts;
      opts.batch_bytes = batch;
      opts.extract_to = tmp.path() / (std::filesystem::path(sample).filename().string() + "." + std::to_string(batch));
      Pipeline p(opts);
      p.add_file(path);
      const ReportDocument doc = p.finish();
      REQUIRE(p.extract_stats());
      CHECK(p.extract_stats()->files == want_stats->files);
      CHECK(p.extract_stats()->refused == want_stats->refused);
      CHECK(p.extract_stats()->not_created == want_stats->not_created);
      CHECK(contents_under(*opts.extract_to) == want);
      std::size_t refused = 0;
      for (const auto& n : doc.tree.nodes()) {
        for (const auto& d : n.diagnostics) refused += d.code == DiagCode::kPathRefused ? 1 : 0;
      }
      CHECK(refused == want_refused);
    }
  }
}
