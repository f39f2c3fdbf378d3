// The worker pool (core/worker_pool.hpp) and the parallel pipeline: every task runs once, tasks
// really run at the same time, and the report is byte-identical whatever the number of threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
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

// An ELF that only context rules match (a locale table: benign list names, face vocabulary),
// then, in the same tar, a file with a label. Context signals only corroborate or lower a label of
// their own file, so the ELF is summarised, never swept (analyze/elf), label in its image or not.
const std::filesystem::path kContextElf = corpus_dir() / "verdict/eval/neg_locale_table.powerpc.elf";

// A tar of these files, in this order.
std::vector<std::uint8_t> tar_of(const std::vector<std::pair<std::string, std::vector<std::uint8_t>>>& files) {
  std::vector<std::uint8_t> tar;
  for (const auto& [name, body] : files) {
    const auto h = tar_header(name, body.size());
    tar.insert(tar.end(), h.begin(), h.end());
    tar.insert(tar.end(), body.begin(), body.end());
    tar.resize((tar.size() + 511) / 512 * 512, 0);
  }
  tar.resize(tar.size() + 1024, 0);
  return tar;
}

std::vector<std::uint8_t> context_then_label_tar() {
  const std::string label = "\xe6\x98\xaf\xe5\x90\xa6\xe5\xb0\x91\xe6\x95\xb0\xe6\xb0\x91\xe6\x97\x8f\n";  // 是否少数民族
  return tar_of({{"a_locale.elf", read_file(kContextElf)}, {"z_label.txt", std::vector<std::uint8_t>(label.begin(), label.end())}});
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
// (Analyzer::needs_bytes): after the node phase of each batch the unpacker finishes, and before
// each run(). An analyzer that reads a node it let go would see it empty, and its part of the
// report would change: so the report must be the one of a run that keeps every byte, for each
// evidence policy (which decides what the ELF layer reads), and for batches of one node each, with
// ELFs that may not wait for a label (analyze/elf) or may, which moves every node phase, every
// release and every SquashFS file's decoding to another point of the walk.
TEST_CASE("pipeline: releasing bytes once no analyzer reads them leaves the report unchanged", "[app][jobs][release]") {
  struct Variant {
    EvidencePolicy evidence;
    std::uint64_t batch_bytes, waiting_bytes;
  };
  const ScanOptions defaults;
  const std::vector<Variant> variants = {{EvidencePolicy::kAll, defaults.batch_bytes, defaults.waiting_bytes},
                                         {EvidencePolicy::kRules, defaults.batch_bytes, defaults.waiting_bytes},
                                         {EvidencePolicy::kNone, defaults.batch_bytes, defaults.waiting_bytes},
                                         {EvidencePolicy::kAll, 1, defaults.waiting_bytes},
                                         {EvidencePolicy::kRules, 1, 0}};
  std::map<EvidencePolicy, std::string> kept_json;
  for (const Variant& v : variants) {
    INFO("evidence " << static_cast<int>(v.evidence) << ", batch " << v.batch_bytes << ", waiting " << v.waiting_bytes);
    ScanOptions keep = rich_options(2);
    keep.evidence = v.evidence;
    keep.keep_bytes = true;
    // An ELF without a label: only the ELF layer reads it after YARA (its summary).
    const auto plain_elf = external_dir() / "FACT_core/src/test/data/test_executable";
    Pipeline kept(keep);
    add_rich_inputs(kept);
    kept.add_file(plain_elf);
    kept.add_blob(Blob::own(context_then_label_tar()), "context_then_label.tar");
    kept.add_file(kContextElf);
    const ReportDocument kept_doc = kept.finish();
    if (kept_json.count(v.evidence) == 0) kept_json[v.evidence] = json_of(kept_doc);
    ScanOptions release = keep;
    release.keep_bytes = false;
    release.batch_bytes = v.batch_bytes;
    release.waiting_bytes = v.waiting_bytes;
    Pipeline released(release);
    add_rich_inputs(released);
    released.add_file(plain_elf);
    released.add_blob(Blob::own(context_then_label_tar()), "context_then_label.tar");
    released.add_file(kContextElf);
    const ReportDocument released_doc = released.finish();
    // The ELF with context signals alone was not swept: its code could change no verdict.
    std::size_t context_signals = 0;
    for (const Finding& f : released_doc.signals) {
      if (f.locator != "context_then_label.tar/tar@0x0:a_locale.elf") continue;
      ++context_signals;
      for (const auto& str : f.strings) CHECK(elf_location(str) == nullptr);
    }
    CHECK(context_signals > 0);
    CHECK(json_of(released_doc) == kept_json.at(v.evidence));
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

// Members decoded one after another are scanned and let go batch by batch: sixteen gzip members of
// 8 MiB each, every one different, hold one batch at a time, not 128 MiB. The label in the last
// member is still found, at its offset in that member (by construction).
TEST_CASE("pipeline: decoded members are scanned and let go batch by batch", "[app][release]") {
  constexpr std::size_t kMembers = 16, kMember = 8U << 20;
  const std::string label = "\xe6\x98\xaf\xe5\x90\xa6\xe5\xb0\x91\xe6\x95\xb0\xe6\xb0\x91\xe6\x97\x8f";  // 是否少数民族
  std::vector<std::uint8_t> input;
  std::uint64_t label_at = 0;
  for (std::size_t m = 0; m < kMembers; ++m) {
    std::vector<std::uint8_t> member(kMember, 0);
    for (std::size_t i = 0; i < member.size(); i += 4096) member[i] = static_cast<std::uint8_t>(m + 1);  // all differ
    if (m + 1 == kMembers) {
      label_at = kMember / 2;
      std::copy(label.begin(), label.end(), member.begin() + static_cast<std::ptrdiff_t>(label_at));
    }
    const auto gz = gzip_bytes(member);
    input.insert(input.end(), gz.begin(), gz.end());
  }
  ScanOptions opts;
  opts.rules = bundled_rules();
  opts.jobs = 2;
  opts.batch_bytes = kMember;
  reset_peak();
  const long before = status_mib("VmHWM");
  const ReportDocument doc = scan_blob(Blob::own(std::move(input)), "members.gz", opts);
  const long grew = status_mib("VmHWM") - before;
  INFO("peak RSS grew by " << grew << " MiB");
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kBound = 1L << 20;  // ASan's quarantine keeps freed memory resident: the outcome alone is checked
#else
  constexpr long kBound = 64;  // 128 MiB decoded; one or two members held at a time, and the scan's own
#endif
  CHECK(grew < kBound);
  bool found = false;
  for (const Finding& f : doc.findings) {
    for (const auto& s : f.strings) {
      found = found || (s.offset == label_at && f.locator.find("gzip@") != std::string::npos && s.text.find("少数民族") != std::string::npos);
    }
  }
  CHECK(found);
  std::size_t members = 0;
  for (const auto& n : doc.tree.nodes()) members += n.kind == NodeKind::kEntry && n.size() == kMember ? 1 : 0;
  CHECK(members == kMembers);
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

// LIEF holds three copies of an ELF while it parses: an ELF over Limits::max_elf_bytes is not
// loaded, and says so; the others are summarised as before.
TEST_CASE("pipeline: an ELF over the ELF layer's size limit is not loaded, and says why", "[app][elf][memory]") {
  const auto small = corpus_dir() / "elf/arm/face_attr-O2-pic-stripped";
  const auto bytes = read_file(small);
  ScanOptions opts = rich_options(2);
  opts.limits.max_elf_bytes = bytes.size() - 1;
  Pipeline p(opts);
  p.add_file(small);
  p.add_blob(Blob::own(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 64)), "head.bin");  // not an ELF
  const ReportDocument doc = p.finish();
  CHECK(doc.facts.empty());
  const NodeRecord* elf = node_at(doc, "face_attr-O2-pic-stripped");
  REQUIRE(elf != nullptr);
  bool said = false;
  for (const auto& d : elf->diagnostics) {
    said = said || (d.code == DiagCode::kLimitSize && d.message.find(std::to_string(bytes.size()) + " bytes is over") != std::string::npos);
  }
  CHECK(said);
  // Findings are still reported, without code evidence.
  REQUIRE(!doc.findings.empty());
  for (const auto& f : doc.findings) {
    for (const auto& s : f.strings) CHECK(elf_location(s) == nullptr);
  }
  opts.limits.max_elf_bytes = bytes.size();
  Pipeline q(opts);
  q.add_file(small);
  CHECK(q.finish().facts.size() == 1);
  // The resident-memory budget bounds it too: no ELF over an eighth of it.
  for (const std::uint64_t eighth : {bytes.size() - 1, std::uint64_t{bytes.size()}}) {
    ScanOptions r = rich_options(2);
    r.limits.max_resident_bytes = 8 * eighth;
    Pipeline rp(r);
    rp.add_file(small);
    const ReportDocument rd = rp.finish();
    CHECK(rd.facts.size() == (eighth < bytes.size() ? 0U : 1U));
    const NodeRecord* relf = node_at(rd, "face_attr-O2-pic-stripped");
    REQUIRE(relf != nullptr);
    bool named = false;
    for (const auto& d : relf->diagnostics) named = named || d.message.find("an eighth of the resident-memory budget") != std::string::npos;
    CHECK(named == (eighth < bytes.size()));
  }
}

// Context and benign signals only corroborate or lower a label of their own file: an ELF that
// holds them alone is summarised, not swept, so the run's instruction budget goes to the ELFs
// with labels. Here the budget is exactly what the labelled ELF (x86-64: 1-byte instructions)
// can reserve; before, the locale ELF before it in the tar was swept first and left it short.
TEST_CASE("pipeline: context signals want code evidence only in an ELF that holds a label", "[app][elf]") {
  const auto label_elf = read_file(corpus_dir() / "elf/x86_64/face_attr-O2-pic-stripped");
  REQUIRE(label_elf.size() > 20);
  REQUIRE((label_elf[18] | label_elf[19] << 8) == 62);  // EM_X86_64
  const auto tar = tar_of({{"a_locale.elf", read_file(kContextElf)}, {"b_face.elf", label_elf}});
  for (unsigned jobs : {1U, 2U}) {
    ScanOptions opts;
    opts.rules = bundled_rules();
    opts.jobs = jobs;
    opts.limits.max_instructions_total = label_elf.size();
    const ReportDocument doc = scan_blob(Blob::own(std::vector<std::uint8_t>(tar)), "ctx.tar", opts);
    const NodeRecord* locale = nullptr;
    const NodeRecord* face = nullptr;
    for (const NodeRecord& n : doc.tree.nodes()) {
      if (n.locator == "ctx.tar/tar@0x0:a_locale.elf") locale = &n;
      if (n.locator == "ctx.tar/tar@0x0:b_face.elf") face = &n;
    }
    REQUIRE(locale != nullptr);
    REQUIRE(face != nullptr);
    std::size_t locale_signals = 0;
    for (const Finding& f : doc.signals) locale_signals += f.node == locale->id ? 1 : 0;
    CHECK(locale_signals > 0);  // the image holds a label, so its context signals are reported
    REQUIRE(doc.elf_summary(locale->id) != nullptr);
    CHECK_FALSE(doc.elf_summary(locale->id)->swept);
    REQUIRE(doc.elf_summary(face->id) != nullptr);
    CHECK(doc.elf_summary(face->id)->swept);
    for (const auto& d : face->diagnostics) CHECK(d.code != DiagCode::kLimitInstructions);
    std::size_t with_refs = 0;
    for (const Finding& f : doc.findings) {
      if (f.node != face->id) continue;
      for (const auto& s : f.strings) with_refs += elf_location(s) != nullptr && !elf_location(s)->refs.empty() ? 1 : 0;
    }
    CHECK(with_refs > 0);
  }
}

// A context finding (a rule of the context folder that is not a signal) is reported, with its
// code evidence, in an image that holds a label: the ELF it matches waits for a label in its image
// and is swept when one comes; alone, it is only summarised and the finding is not reported.
TEST_CASE("pipeline: an ELF that a context finding wants evidence for waits for a label in its image", "[app][elf]") {
  TempDir dir("ctx_rules");
  const auto pack = dir.path() / "rules";
  std::filesystem::copy(rules_dir(), pack, std::filesystem::copy_options::recursive);
  {
    std::ofstream out(pack / "context" / "CTX_Locale_Row.yar");
    out << "rule CTX_Locale_Row\n{\n    meta:\n        description = \"a locale table row\"\n"
           "        severity = \"low\"\n        evidence = \"xref\"\n    strings:\n"
           "        $row = \"en-US|English|English\"\n    condition:\n        $row\n}\n";
  }
  auto rules = RuleSet::compile_dir(pack);
  REQUIRE(rules);
  for (std::uint64_t waiting : {ScanOptions{}.waiting_bytes, std::uint64_t{0}}) {
    INFO("waiting bytes " << waiting);
    ScanOptions opts;
    opts.rules = *rules;
    opts.jobs = 2;
    opts.batch_bytes = 1;  // the ELF and the label come in different batches
    opts.waiting_bytes = waiting;
    const ReportDocument with_label = scan_blob(Blob::own(context_then_label_tar()), "t.tar", opts);
    const Finding* row = nullptr;
    for (const Finding& f : with_label.findings) {
      if (f.rule == "CTX_Locale_Row") row = &f;
    }
    REQUIRE(row != nullptr);
    CHECK(row->locator == "t.tar/tar@0x0:a_locale.elf");
    REQUIRE(row->strings.size() == 1);
    REQUIRE(elf_location(row->strings[0]) != nullptr);
    CHECK_FALSE(elf_location(row->strings[0])->refs.empty());
    const ReportDocument alone = scan_blob(Blob::own(read_file(kContextElf)), "locale.elf", opts);
    for (const Finding& f : alone.findings) CHECK(f.rule != "CTX_Locale_Row");
    REQUIRE(alone.inputs.size() == 1);
    REQUIRE(alone.elf_summary(*alone.inputs[0].root) != nullptr);
    CHECK_FALSE(alone.elf_summary(*alone.inputs[0].root)->swept);
  }
}
