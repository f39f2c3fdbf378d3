#include "app/pipeline.hpp"

#include "app/run_info.hpp"

#include <algorithm>
#include <map>

#include "analyze/analyzer.hpp"
#include "app/extract_writer.hpp"
#include "core/hash.hpp"
#include "unpack/unpacker.hpp"

namespace fwscan {

Pipeline::Pipeline(ScanOptions options, const Registry& registry)
    : options_(std::move(options)),
      pool_(options_.jobs == 0 ? WorkerPool::default_jobs() : options_.jobs),
      registry_(registry) {
  run_ = std::make_unique<AnalysisRun>(AnalysisRun{options_, pool_, tree_, doc_});
  doc_.tool_version = FWSCAN_VERSION;
  doc_.limits = options_.limits;
  if (options_.rules) {
    doc_.rules_digest = options_.rules->digest();
    doc_.rules_count = options_.rules->rule_count();
    doc_.rule_files = options_.rules->files();
  }
  if (options_.extract_to) {
    auto writer = ExtractionWriter::open(*options_.extract_to);
    if (writer) writer_ = std::move(writer).value();
    else doc_.diagnostics.push_back({Severity::kError, DiagCode::kIoError, writer.error().message, "extract", std::nullopt});
  }
}

Pipeline::~Pipeline() = default;

void Pipeline::add_file(const std::filesystem::path& path) {
  auto blob = Blob::map_file(path);
  const std::string name = path.filename().string();
  if (!blob) {
    doc_.inputs.push_back({name, "", 0, std::nullopt});
    doc_.diagnostics.push_back({Severity::kError, DiagCode::kIoError, blob.error().message, "", std::nullopt});
    return;
  }
  add_blob(std::move(blob).value(), name);
}

void Pipeline::add_blob(Blob blob, const std::string& name) {
  ReportInput in{name, sha256_hex(blob.bytes()), blob.size(), std::nullopt};
  std::size_t same = 0;
  for (const auto& other : doc_.inputs) same += other.name == name ? 1 : 0;
  // Each input has its own budget, node count and duplicate map: a second firmware version is
  // unpacked and scanned whole, whatever the first held (content shared between the two is
  // reported as shared, Finding::shared_with).
  Unpacker unpacker(registry_, options_.limits, &pool_);
  // The analyzers' node phase runs on each batch of nodes the walk finishes, and their bytes go
  // then: a scan holds what is in flight, not the whole tree. Every node of this input has been
  // through it when unpack() returns, so its bytes are gone before the next input is read.
  // The input's pages that the batch read leave the resident set too (a mapped file: the walk
  // reads them again from the page cache).
  const Blob input = blob;
  unpacker.on_ready([this, &input](const std::vector<NodeId>& ready) {
    node_phase(ready);
    if (releases()) input.drop_read_pages();
  }, options_.batch_bytes);
  in.root = unpacker.unpack(std::move(blob), name, tree_, static_cast<unsigned>(same + 1));
  doc_.inputs.push_back(std::move(in));
}

ReportDocument Pipeline::finish() {
  // The extraction was written batch by batch (node_phase); what no batch held is written now.
  if (writer_) {
    writer_->write_all(tree_);
    extract_stats_ = writer_->stats();
  }
  // Every analyzer's run() in turn (analyze/analyzers.def): YARA, ELF code evidence, verdicts.
  // Before each, the bytes that no analyzer still to run reads are released.
  const auto& all = analyzers();
  for (std::size_t i = 0; i < all.size(); ++i) {
    release_bytes(i);
    all[i]->run(*run_);
  }
  release_bytes(all.size());
  mark_shared();
  doc_.tree = tree_.snapshot();
  doc_.libraries = library_versions();
  std::stable_sort(doc_.findings.begin(), doc_.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.locator != b.locator) return a.locator < b.locator;
    if (a.ns != b.ns) return a.ns < b.ns;
    return a.rule < b.rule;
  });
  return std::move(doc_);
}

void Pipeline::node_phase(const std::vector<NodeId>& ready) {
  // The extraction first: then the batch's bytes can go once the analyzers are done with them.
  if (writer_) writer_->write(tree_, ready);
  for (const Analyzer* a : analyzers()) a->scan_nodes(*run_, ready);
  if (releases()) release_bytes(0, &ready);
}

void Pipeline::release_bytes(std::size_t next_analyzer, const std::vector<NodeId>* ids) {
  if (options_.keep_bytes) return;
  const auto& all = analyzers();
  // A slice shares its storage with the node it was carved from: the storage goes when the last
  // node holding it lets go.
  auto release = [&](NodeId id) {
    Node& n = tree_.at(id);
    if (n.data.empty()) return;
    if (options_.keep_bytes_of) {
      if (kept_.size() <= id) kept_.resize(tree_.size(), 0);
      if (kept_[id] == 0 && ids != nullptr) kept_[id] = options_.keep_bytes_of(n, run_->find_evidence(id)) ? 1 : 2;
      if (kept_[id] == 1) return;
    }
    for (std::size_t i = next_analyzer; i < all.size(); ++i) {
      if (all[i]->needs_bytes(*run_, n)) return;
    }
    n.data = Blob();
  };
  if (ids != nullptr) {
    for (NodeId id : *ids) release(id);
  } else {
    for (std::size_t i = 0; i < tree_.size(); ++i) release(static_cast<NodeId>(i));
  }
}

void Pipeline::mark_shared() {
  if (doc_.inputs.size() < 2) return;
  std::map<std::string, std::vector<std::pair<NodeId, std::string>>> by_content;  // sha256 -> (root, locator)
  for (const Node& n : tree_.nodes()) {
    if (!n.is_content() || n.size() == 0 || n.duplicate_of) continue;
    by_content[n.sha256].emplace_back(tree_.root_of(n.id), n.locator);
  }
  for (Finding& f : doc_.findings) {
    auto it = by_content.find(f.node_sha256);
    if (it == by_content.end()) continue;
    const NodeId root = tree_.root_of(f.node);
    for (const auto& [other_root, locator] : it->second) {
      if (other_root != root) f.shared_with.push_back(locator);
    }
  }
}

ExtractionTree Pipeline::take_tree() { return std::move(tree_); }

ReportDocument scan_blob(Blob blob, const std::string& name, const ScanOptions& options) {
  Pipeline p(options);
  p.add_blob(std::move(blob), name);
  return p.finish();
}

}  // namespace fwscan
