#include "core/diagnostic.hpp"

#include <ostream>

namespace fwscan {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

namespace {
constexpr DiagCodeInfo kCodes[] = {
#define FWSCAN_DIAG(enumerator, name, meaning) {DiagCode::enumerator, name, meaning},
#include "core/diagnostic_codes.def"
#undef FWSCAN_DIAG
};
}  // namespace

std::span<const DiagCodeInfo> diag_codes() { return kCodes; }

std::string_view diag_code_name(DiagCode code) {
  const auto i = static_cast<std::size_t>(code);
  return i < std::size(kCodes) ? kCodes[i].name : "internal_error";
}

std::optional<DiagCode> diag_code_from_name(std::string_view name) {
  for (const auto& c : kCodes) {
    if (c.name == name) return c.code;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, DiagCode code) { return out << diag_code_name(code); }

DiagCode diag_code_of(Errc code) {
  switch (code) {
    case Errc::kNotThisFormat: return DiagCode::kNotThisFormat;
    case Errc::kTruncated: return DiagCode::kTruncated;
    case Errc::kMalformed: return DiagCode::kMalformed;
    case Errc::kUnsupported: return DiagCode::kUnsupported;
    case Errc::kChecksumMismatch: return DiagCode::kChecksumMismatch;
    case Errc::kLimitExceeded: return DiagCode::kLimitExceeded;
    case Errc::kIo: return DiagCode::kIoError;
    case Errc::kInternal: return DiagCode::kInternalError;
  }
  return DiagCode::kInternalError;
}

Diagnostic diagnostic_from_error(const Error& error, std::string_view handler, Severity severity) {
  return Diagnostic{severity, diag_code_of(error.code), error.message, std::string(handler), error.offset};
}

}  // namespace fwscan
