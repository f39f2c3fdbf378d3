// The worker pool (core/worker_pool.hpp) and the parallel pipeline: every task runs once, tasks
// really run at the same time, and the report is byte-identical whatever the number of threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/worker_pool.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

// Firmware with containers of many siblings, file systems, ELF code evidence, the verdict stage
// and its context pass, damaged input and duplicates: every parallel step has work.
ScanOptions rich_options(unsigned jobs) {
  ScanOptions opts;
  opts.rules = bundled_rules();
  opts.evidence = EvidencePolicy::kAll;
  opts.jobs = jobs;
  return opts;
}

void add_rich_inputs(Pipeline& p) {
  p.add_file(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  p.add_file(corpus_dir() / "firmware/dahua_demo/dahua_demo.bin");
  p.add_file(corpus_dir() / "verdict/eval/image_pair.tar");
  p.add_file(corpus_dir() / "malformed/swkh_bad_checksums.dav");
  p.add_file(corpus_dir() / "firmware/flash_dump/nor_flash.bin.xz");
  p.add_file(corpus_dir() / "fs/ext/ext4_extents.img.xz");
  for (const char* arch : {"arm", "mips", "x86_64"}) p.add_file(corpus_dir() / "elf" / arch / "face_attr-O2-pic-stripped");
  p.add_file(corpus_dir() / "verdict/eval/face_file_0.thumb.elf");
  p.add_file(corpus_dir() / "firmware/hikvision_demo/digicap.dav");  // a second input, same content
}

ReportDocument rich_scan(unsigned jobs) {
  Pipeline p(rich_options(jobs));
  add_rich_inputs(p);
  return p.finish();
}

}  // namespace

TEST_CASE("worker pool: every index runs exactly once, on a worker in range", "[pool]") {
  for (unsigned jobs : {1U, 2U, 7U}) {
    WorkerPool pool(jobs);
    REQUIRE(pool.jobs() == jobs);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{1000}}) {
      std::vector<std::atomic<int>> runs(n);
      std::atomic<bool> bad_worker{false};
      pool.run(n, [&](std::size_t i, unsigned w) {
        runs[i]++;
        if (w >= jobs) bad_worker = true;
      });
      for (std::size_t i = 0; i < n; ++i) CHECK(runs[i] == 1);
      CHECK_FALSE(bad_worker);
    }
  }
}

TEST_CASE("worker pool: with two jobs, two tasks run at the same time", "[pool]") {
  WorkerPool pool(2);
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  bool met = false;
  // Each task waits for the other to start; on one thread the first would time out alone.
  pool.run(2, [&](std::size_t, unsigned) {
    std::unique_lock lock(mu);
    ++started;
    cv.notify_all();
    if (cv.wait_for(lock, std::chrono::seconds(30), [&] { return started == 2; })) met = true;
  });
  CHECK(met);
}

TEST_CASE("worker pool: a throwing task does not stop the others and is rethrown; nested runs are inline", "[pool]") {
  WorkerPool pool(3);
  std::atomic<int> done{0};
  CHECK_THROWS_AS(pool.run(50, [&](std::size_t i, unsigned) {
                    if (i == 7) throw std::runtime_error("task 7");
                    ++done;
                  }),
                  std::runtime_error);
  CHECK(done == 49);
  // The pool still works after an exception, and a task may call run() itself.
  std::atomic<int> inner{0};
  pool.run(4, [&](std::size_t, unsigned) { pool.run(5, [&](std::size_t, unsigned) { ++inner; }); });
  CHECK(inner == 20);
}

TEST_CASE("worker pool: dynamic tasks run once each, costliest first on one thread, and may add more", "[pool]") {
  // A tree: task i < 8 adds two children 100 + 2i and 101 + 2i, of cost i; the roots cost 10 + i.
  auto tree = [](WorkerPool& pool, std::vector<std::uint64_t>& order, std::mutex& mu) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> roots;
    for (std::uint64_t i = 0; i < 8; ++i) roots.emplace_back(i, 10 + i);
    run_dynamic(pool, roots, [&](std::uint64_t id, unsigned worker, const AddTask& add) {
      CHECK(worker < pool.jobs());
      {
        std::lock_guard lock(mu);
        order.push_back(id);
      }
      if (id < 8) {
        add(100 + 2 * id, id);
        add(101 + 2 * id, id);
      }
    });
  };
  for (unsigned jobs : {1U, 3U}) {
    WorkerPool pool(jobs);
    std::vector<std::uint64_t> order;
    std::mutex mu;
    tree(pool, order, mu);
    std::multiset<std::uint64_t> ran(order.begin(), order.end());
    CHECK(ran.size() == 24);
    for (std::uint64_t i = 0; i < 8; ++i) {
      CHECK(ran.count(i) == 1);
      CHECK(ran.count(100 + 2 * i) == 1);
      CHECK(ran.count(101 + 2 * i) == 1);
    }
    if (jobs == 1) {
      // One thread: the costliest ready task first, the lower id among equals: the roots
      // (10-17) from 7 down, then the children by their parent's cost, the lower id first.
      std::vector<std::uint64_t> want;
      for (std::uint64_t i = 8; i-- > 0;) want.push_back(i);
      for (std::uint64_t i = 8; i-- > 0;) {
        want.push_back(100 + 2 * i);
        want.push_back(101 + 2 * i);
      }
      CHECK(order == want);
    }
  }
  WorkerPool pool(2);
  CHECK_THROWS_AS(run_dynamic(pool, {{1, 1}, {2, 2}}, [&](std::uint64_t id, unsigned, const AddTask&) {
                    if (id == 2) throw std::runtime_error("task 2");
                  }),
                  std::runtime_error);
}

TEST_CASE("pipeline: the JSON report is byte-identical for 1, 2 and 5 jobs", "[app][jobs]") {
  const ReportDocument one = rich_scan(1);
  // The scan exercises the parallel steps (facts of this corpus, not of the pool).
  REQUIRE(one.inputs.size() == 11);
  REQUIRE(one.tree.size() > 100);
  REQUIRE(one.findings.size() > 20);
  REQUIRE(one.facts.size() >= 4);
  bool verdict = false, code = false, shared = false;
  for (const auto& f : one.findings) {
    verdict = verdict || f.verdict.has_value();
    shared = shared || !f.shared_with.empty();
    for (const auto& s : f.strings) code = code || (elf_location(s) != nullptr && !elf_location(s)->refs.empty());
  }
  CHECK(verdict);
  CHECK(code);
  CHECK(shared);
  const std::string expected = json_of(one);
  for (unsigned jobs : {2U, 5U}) {
    INFO("jobs " << jobs);
    CHECK(json_of(rich_scan(jobs)) == expected);
  }
}

// The pipeline lets go of a node's bytes once no analyzer still to run reads them
// (Analyzer::mark_bytes_needed). An analyzer that reads a node it did not mark would see it empty,
// and its part of the report would change: so the report must be the one of a run that keeps
// every byte, for each evidence policy (which decides what the ELF layer reads).
TEST_CASE("pipeline: releasing bytes once no analyzer reads them leaves the report unchanged", "[app][jobs][release]") {
  for (EvidencePolicy evidence : {EvidencePolicy::kAll, EvidencePolicy::kRules, EvidencePolicy::kNone}) {
    INFO("evidence " << static_cast<int>(evidence));
    ScanOptions keep = rich_options(2);
    keep.evidence = evidence;
    keep.keep_bytes = true;
    // An ELF without a label: only the ELF layer reads it after YARA (its summary).
    const auto plain_elf = external_dir() / "FACT_core/src/test/data/test_executable";
    Pipeline kept(keep);
    add_rich_inputs(kept);
    kept.add_file(plain_elf);
    const ReportDocument kept_doc = kept.finish();
    ScanOptions release = keep;
    release.keep_bytes = false;
    Pipeline released(release);
    add_rich_inputs(released);
    released.add_file(plain_elf);
    const ReportDocument released_doc = released.finish();
    CHECK(json_of(released_doc) == json_of(kept_doc));
    // Bytes were really released: none is left once the scan is done, while the run that keeps
    // them still holds every content node's.
    const ExtractionTree kept_tree = kept.take_tree();
    const ExtractionTree released_tree = released.take_tree();
    REQUIRE(released_tree.size() == kept_tree.size());
    std::size_t holding = 0;
    for (std::size_t i = 0; i < kept_tree.size(); ++i) {
      const auto id = static_cast<NodeId>(i);
      CHECK(released_tree.at(id).data.empty());
      if (kept_tree.at(id).is_content() && kept_tree.at(id).size() > 0) {
        CHECK(kept_tree.at(id).data.size() == kept_tree.at(id).size());
        ++holding;
      }
    }
    CHECK(holding > 50);
  }
}

TEST_CASE("pipeline: unpack-only reports of every corpus and external sample are the same for 1 and 3 jobs",
          "[app][jobs][external]") {
  std::size_t n = 0;
  for (const auto& dir : {corpus_dir(), external_dir()}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file() || e.is_symlink()) continue;
      ++n;
      INFO(e.path().string());
      std::string first;
      for (unsigned jobs : {1U, 3U}) {
        ScanOptions opts;
        opts.jobs = jobs;
        Pipeline p(opts);
        p.add_file(e.path());
        const std::string json = json_of(p.finish());
        if (jobs == 1) first = json;
        else CHECK(json == first);
      }
    }
  }
  CHECK(n >= 200);
}

TEST_CASE("pipeline: one instruction budget per run, allotted in node order whatever the job count", "[app][jobs][elf]") {
  // Three ELFs whose findings want code evidence. The budget covers what the first could decode
  // at most (its size over its shortest instruction, read here from the header) and 10 more.
  const std::vector<std::filesystem::path> files = {corpus_dir() / "elf/arm/face_attr-O2-pic-stripped",
                                                    corpus_dir() / "elf/mips/face_attr-O2-pic-stripped",
                                                    corpus_dir() / "elf/x86_64/face_attr-O2-pic-stripped"};
  const auto first = read_file(files[0]);
  REQUIRE(first.size() > 20);
  REQUIRE(first[5] == 1);                      // little-endian
  REQUIRE((first[18] | first[19] << 8) == 40);  // EM_ARM: Thumb, 2-byte instructions
  const std::uint64_t first_bound = first.size() / 2;
  auto scan = [&](unsigned jobs) {
    ScanOptions opts;
    opts.rules = bundled_rules();
    opts.evidence = EvidencePolicy::kAll;
    opts.jobs = jobs;
    opts.limits.max_instructions_total = first_bound + 10;
    Pipeline p(opts);
    for (const auto& f : files) p.add_file(f);
    return p.finish();
  };
  const ReportDocument doc = scan(1);
  REQUIRE(doc.inputs.size() == 3);
  auto budget_note = [&](std::size_t input) -> std::string {
    for (const auto& d : doc.tree.at(*doc.inputs[input].root).diagnostics) {
      if (d.code == DiagCode::kLimitInstructions) return d.message;
    }
    return "";
  };
  CHECK(budget_note(0).empty());
  CHECK(budget_note(1).find("leaves this sweep 10 instructions") != std::string::npos);
  CHECK(budget_note(2).find("budget is spent") != std::string::npos);
  REQUIRE(doc.elf_summary(*doc.inputs[0].root) != nullptr);
  REQUIRE(doc.elf_summary(*doc.inputs[2].root) != nullptr);
  CHECK(doc.elf_summary(*doc.inputs[0].root)->swept);
  CHECK(doc.elf_summary(*doc.inputs[0].root)->instructions > 10);
  CHECK(doc.elf_summary(*doc.inputs[1].root)->instructions <= 10);
  CHECK_FALSE(doc.elf_summary(*doc.inputs[2].root)->swept);
  CHECK(json_of(scan(3)) == json_of(doc));
}
