#include "app/verify.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

#include "app/pipeline.hpp"
#include "core/hash.hpp"
#include "core/terminal_text.hpp"
#include "report/text_encoding.hpp"
#include "scan/text_views.hpp"

namespace fwscan {
namespace {

std::string short_hash(const std::string& h) { return h.substr(0, 16) + "…"; }

}  // namespace

VerifyResult verify_report(const ReportDocument& doc, const Blob& image, Limits limits, unsigned jobs,
                           std::optional<std::uint64_t> keep_bytes) {
  VerifyResult r;
  r.image_sha256 = sha256_hex(image.bytes());
  const ReportInput* input = nullptr;
  for (const ReportInput& in : doc.inputs) {
    if (in.sha256 == r.image_sha256 && in.root) input = &in;
  }
  if (input == nullptr) {
    r.fatal = "the image (sha256 " + r.image_sha256 + ") is none of the report's inputs";
    for (const ReportInput& in : doc.inputs) r.fatal += "; " + in.name + " has sha256 " + in.sha256;
    return r;
  }
  r.input = input->name;
  // The nodes on the chains of this input's findings, by locator.
  std::set<std::string> wanted;
  std::vector<std::size_t> mine;  // indices of the findings in this input
  for (std::size_t i = 0; i < doc.findings.size(); ++i) {
    const Finding& f = doc.findings[i];
    if (f.node >= doc.tree.size()) {
      r.failures.push_back({i, f.ns + "/" + f.rule, f.locator, "", "its node is not in the report's tree"});
      continue;
    }
    const auto chain = chain_to(doc.tree, f.node);
    if (chain.front()->id != *input->root) continue;  // another input's
    mine.push_back(i);
    for (const NodeRecord* n : chain) wanted.insert(n->locator);
  }
  // Unpack again as the scan did (the report's limits; a report's root is named as the input was),
  // keeping the bytes of those nodes only.
  ScanOptions opts;
  opts.limits = std::move(limits);
  opts.jobs = jobs;
  // What is kept is bounded: half the resident-memory budget of decoded bytes (the input itself
  // is mapped, not decoded). A node past it is reported as not checked, never as verified.
  const std::uint64_t cap = keep_bytes.value_or(opts.limits.max_resident_bytes / 2);
  std::uint64_t kept = 0;
  opts.keep_bytes_of = [&wanted, &kept, cap](const NodeRecord& n, const NodeEvidence*) {
    if (wanted.count(n.locator) == 0) return false;
    if (!n.parent) return true;
    if (kept + n.size() > cap) return false;
    kept += n.size();
    return true;
  };
  Pipeline p(opts);
  p.add_blob(image, input->name);
  (void)p.finish();
  const ExtractionTree tree = p.take_tree();
  std::map<std::string, const Node*> derived;
  for (const Node& n : tree.nodes()) {
    if (wanted.count(n.locator) != 0) derived.emplace(n.locator, &n);
  }
  std::map<std::string, std::string> hashed;  // locator -> SHA-256 of the derived bytes, once
  for (std::size_t i : mine) {
    const Finding& f = doc.findings[i];
    const std::string rule = f.ns + "/" + f.rule;
    ++r.findings;
    const auto chain = chain_to(doc.tree, f.node);
    bool chain_ok = true;
    const Node* holder = nullptr;
    for (std::size_t k = 0; k < chain.size() && chain_ok; ++k) {
      const NodeRecord& want = *chain[k];
      ++r.steps;
      auto fail = [&](const std::string& why) {
        r.failures.push_back({i, rule, f.locator, fmt::format("step {} of {} ({})", k + 1, chain.size(), want.locator), why});
        chain_ok = false;
      };
      auto it = derived.find(want.locator);
      if (it == derived.end()) {
        fail("the image does not unpack to this node");
        break;
      }
      const Node& got = *it->second;
      if (got.duplicate_of || (got.data.empty() && got.size() > 0)) {
        fail("its bytes were not kept (a duplicate, or past half the resident-memory budget, --max-resident-mib): not checked");
        break;
      }
      if (got.size() != want.size()) {
        fail(fmt::format("{} bytes, the report says {}", got.size(), want.size()));
        break;
      }
      auto h = hashed.find(want.locator);
      if (h == hashed.end()) h = hashed.emplace(want.locator, sha256_hex(got.data)).first;
      if (h->second != want.sha256) fail("sha256 " + short_hash(h->second) + ", the report says " + short_hash(want.sha256));
      holder = &got;
    }
    if (!chain_ok || holder == nullptr) continue;
    if (f.node_sha256 != chain.back()->sha256) {
      r.failures.push_back({i, rule, f.locator, "finding", "node_sha256 " + short_hash(f.node_sha256) + " is not its node's " +
                                                               short_hash(chain.back()->sha256)});
      continue;
    }
    const ByteView bytes = holder->data.bytes();
    for (const EvidenceString& s : f.strings) {
      ++r.strings;
      const std::string where = "string " + s.id + " @" + hex_u64(s.offset);
      if (s.offset > bytes.size() || s.length > bytes.size() - s.offset) {
        r.failures.push_back({i, rule, f.locator, where, "past the end of its node"});
        continue;
      }
      const ByteView at = bytes.subspan(s.offset, s.length);
      std::string expect = s.hex;
      std::string found = to_hex(at);
      if (s.view == "unescaped") {  // the hex is the decoded text; the node holds its escapes
        auto v = unescape_view(at, 0);
        found = v ? to_hex({v->bytes.data(), v->bytes.size()}) : found;
      }
      if (found != expect) {
        r.failures.push_back({i, rule, f.locator, where, "the bytes there are " + found.substr(0, 64) + ", the report says " + expect.substr(0, 64)});
      } else if (s.root_offset && holder->root_offset && *s.root_offset != *holder->root_offset + s.offset) {
        r.failures.push_back({i, rule, f.locator, where, "root_offset " + hex_u64(*s.root_offset) + ", but the node is at " + hex_u64(*holder->root_offset) + " of the image"});
      }
    }
  }
  return r;
}

void write_verify_text(const VerifyResult& r, std::ostream& out) {
  if (!r.fatal.empty()) {
    out << "fwscan verify: FAILED: " << terminal_safe(r.fatal) << "\n";
    return;
  }
  out << "fwscan verify: input " << terminal_safe(r.input) << " (sha256 " << r.image_sha256 << ")\n";
  out << fmt::format("{} findings, {} chain steps, {} strings checked: ", r.findings, r.steps, r.strings);
  if (r.failures.empty()) {
    out << "every hash and every matched byte is as the report says\n";
    return;
  }
  out << r.failures.size() << " mismatch(es)\n";
  for (const VerifyFailure& f : r.failures) {
    out << fmt::format("FAILED finding {} {} at {}: {}: {}\n", f.finding + 1, terminal_safe(f.rule), terminal_safe(f.locator),
                       terminal_safe(f.step), terminal_safe(f.message));
  }
}

}  // namespace fwscan
