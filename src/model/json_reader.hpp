#pragma once
// Reads a JSON report (docs/report-schema.md, schema_version 1) back into the report model, so a
// saved report can be rendered again, compared or stored without the image. Writing the model
// read from a report gives that report again, byte for byte (tests/model/json_round_trip_test).
//
// A report file is input like any other: sizes, nesting depth and every reference between
// nodes are checked, and what does not fit is an error that names the JSON path.
#include <cstddef>
#include <string_view>

#include "core/result.hpp"
#include "model/report.hpp"

namespace fwscan {

inline constexpr std::size_t kMaxReportBytes = std::size_t{1} << 31;
inline constexpr int kMaxReportNesting = 64;

Result<ReportDocument> read_json_report(std::string_view text);

}  // namespace fwscan
