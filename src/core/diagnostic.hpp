#pragma once
// A Diagnostic is recorded in the extraction tree, never printed by the code that finds it.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fwscan {

enum class Severity : std::uint8_t { kInfo, kWarning, kError };

std::string_view severity_name(Severity s);

// What a diagnostic is about: one closed set, listed with names and meanings in
// core/diagnostic_codes.def (and, generated from it, docs/diagnostics.md).
enum class DiagCode : std::uint16_t {
#define FWSCAN_DIAG(enumerator, name, meaning) enumerator,
#include "core/diagnostic_codes.def"
#undef FWSCAN_DIAG
};

struct DiagCodeInfo {
  DiagCode code;
  std::string_view name;     // stable snake_case, as reports write it
  std::string_view meaning;
};

// Every code, in the table's order.
std::span<const DiagCodeInfo> diag_codes();
std::string_view diag_code_name(DiagCode code);
std::optional<DiagCode> diag_code_from_name(std::string_view name);
// Writes the code's name (test messages, logs).
std::ostream& operator<<(std::ostream& out, DiagCode code);

struct Diagnostic {
  Severity severity = Severity::kWarning;
  DiagCode code = DiagCode::kMalformed;
  std::string message;
  std::string handler;  // may be empty (unpacker-level diagnostics)
  std::optional<std::uint64_t> offset;
};

using Diagnostics = std::vector<Diagnostic>;

// The diagnostic code an error code becomes.
DiagCode diag_code_of(Errc code);
// Turns an Error into a diagnostic attributed to `handler`.
Diagnostic diagnostic_from_error(const Error& error, std::string_view handler,
                                 Severity severity = Severity::kError);

}  // namespace fwscan
