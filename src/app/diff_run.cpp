#include "app/diff_run.hpp"

#include <algorithm>
#include <fstream>
#include <memory>

#include "analyze/analyzer.hpp"
#include "app/pipeline.hpp"
#include "model/json_reader.hpp"
#include "unpack/registry.hpp"

namespace fwscan {

bool looks_like_report(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const auto first = head.find_first_not_of(" \t\r\n");
  return first != std::string::npos && head[first] == '{' && head.find("\"schema_version\"") != std::string::npos;
}

std::set<std::string> finding_paths(const ReportDocument& doc) {
  std::set<std::string> out;
  for (const Finding& f : doc.findings) out.insert(finding_path(f.locator, Registry::builtin()));
  return out;
}

Result<DiffSide> load_diff_side(const std::filesystem::path& path, const ScanOptions& options,
                                const std::set<std::string>* keep_paths) {
  DiffSide side;
  side.name = path.filename().string();
  if (looks_like_report(path)) {
    auto blob = Blob::map_file(path);
    if (!blob) return blob.error();
    auto doc = read_json_report(as_chars(blob->bytes()));
    if (!doc) return make_error(doc.error().code, path.filename().string() + ": " + doc.error().message);
    side.doc = std::move(*doc);
    side.from_report = true;
    return side;
  }
  ScanOptions opts = options;
  const verdict::Policy* policy = options.rules ? options.rules->policy().get() : nullptr;
  // What is kept is bounded: half the resident-memory budget of decoded bytes (the input itself
  // is mapped, not decoded). Past it, no more is kept, and the diff says so.
  const std::uint64_t cap = options.limits.max_resident_bytes / 2;
  auto kept = std::make_shared<std::uint64_t>(0);
  auto capped = std::make_shared<bool>(false);
  auto within = [cap, kept, capped](const NodeRecord& n) {
    if (!n.parent) return true;
    if (*kept + n.size() > cap) {
      *capped = true;
      return false;
    }
    *kept += n.size();
    return true;
  };
  if (keep_paths == nullptr) {
    opts.keep_bytes_of = [policy, within](const NodeRecord& n, const NodeEvidence* found) {
      return diff_keeps_old(found, policy) && within(n);
    };
  } else {
    opts.keep_bytes_of = [keep_paths, within](const NodeRecord& n, const NodeEvidence*) {
      return keep_paths->count(finding_path(n.locator, Registry::builtin())) != 0 && within(n);
    };
  }
  Pipeline p(opts);
  p.add_file(path);
  side.doc = p.finish();
  if (side.doc.inputs.empty() || !side.doc.inputs.front().root) {
    std::string why = "cannot read it";
    if (!side.doc.diagnostics.empty()) why = side.doc.diagnostics.front().message;
    return make_error(Errc::kIo, path.filename().string() + ": " + why);
  }
  side.bytes_capped = *capped;
  ExtractionTree tree = p.take_tree();
  for (const Node& n : tree.nodes()) {
    if (!n.data.empty() && n.is_content()) side.bytes.emplace(n.locator, n.data);
  }
  return side;
}

}  // namespace fwscan
