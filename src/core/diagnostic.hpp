#pragma once
// A Diagnostic is recorded in the extraction tree, never printed by the code that finds it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fwscan {

enum class Severity : std::uint8_t { kInfo, kWarning, kError };

std::string_view severity_name(Severity s);

struct Diagnostic {
  Severity severity = Severity::kWarning;
  std::string code;     // stable snake_case: "truncated", "checksum_mismatch", "limit_depth"
  std::string message;
  std::string handler;  // may be empty (unpacker-level diagnostics)
  std::optional<std::uint64_t> offset;
};

using Diagnostics = std::vector<Diagnostic>;

// Turns an Error into a diagnostic attributed to `handler`.
Diagnostic diagnostic_from_error(const Error& error, std::string_view handler,
                                 Severity severity = Severity::kError);

}  // namespace fwscan
