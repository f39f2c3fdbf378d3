#pragma once
// The inputs of fwscan diff (diff/report_diff.hpp): each version is a saved report, read as it
// is, or an image, scanned with the options of the run, keeping the bytes the diff reads (the
// nodes of the findings, and in NEW the nodes at the same paths).
#include <filesystem>
#include <set>
#include <string>

#include "analyze/scan_options.hpp"
#include "core/result.hpp"
#include "diff/report_diff.hpp"

namespace fwscan {

// Whether the file is a report that fwscan wrote (JSON with its schema_version), not an image.
bool looks_like_report(const std::filesystem::path& path);

// OLD: `keep_paths` null; the nodes with a finding or a label keep their bytes. NEW: the nodes
// whose key path is in `keep_paths` (OLD's findings' paths) keep theirs.
Result<DiffSide> load_diff_side(const std::filesystem::path& path, const ScanOptions& options,
                                const std::set<std::string>* keep_paths);

// The key paths of a version's findings.
std::set<std::string> finding_paths(const ReportDocument& doc);

}  // namespace fwscan
