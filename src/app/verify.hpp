#pragma once
// fwscan verify REPORT IMAGE (docs/verify.md): a saved report checked against the image it
// claims to describe. The image is unpacked again with the report's limits (no rules, no
// analysis), keeping the bytes of every node on a finding's chain; then, per finding, every step
// from the image down to the node that holds the match must exist under the same locator with
// the same size and SHA-256 (hashed here from the bytes), and every matched string's bytes must
// be at its offset, as the report gives them in hex. A report whose chain or bytes were altered,
// or an image that is not the one scanned, fails, and the output names the finding and the step.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/blob.hpp"
#include "core/limits.hpp"
#include "model/report.hpp"

namespace fwscan {

struct VerifyFailure {
  std::size_t finding = 0;       // index in the report's findings (1-based in the output)
  std::string rule;              // namespace/rule
  std::string locator;           // of the finding
  std::string step;              // the chain step (locator) or string id that failed
  std::string message;
};

struct VerifyResult {
  std::string input;             // the report input the image is
  std::string image_sha256;
  std::size_t findings = 0, steps = 0, strings = 0;
  std::vector<VerifyFailure> failures;
  std::string fatal;             // the image is none of the report's inputs, or cannot be read
  bool ok() const { return fatal.empty() && failures.empty(); }
};

// `limits`: the report's, with the passwords of the run (a report does not hold them). The
// decoded bytes kept for the check are bounded by `keep_bytes` (default: half the resident-memory
// budget); a node past it is reported as not checked, never as verified.
VerifyResult verify_report(const ReportDocument& doc, const Blob& image, Limits limits, unsigned jobs,
                           std::optional<std::uint64_t> keep_bytes = std::nullopt);

void write_verify_text(const VerifyResult& result, std::ostream& out);

}  // namespace fwscan
