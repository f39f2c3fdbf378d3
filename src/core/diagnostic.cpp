#include "core/diagnostic.hpp"

namespace fwscan {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

Diagnostic diagnostic_from_error(const Error& error, std::string_view handler, Severity severity) {
  return Diagnostic{severity, std::string(errc_name(error.code)), error.message,
                    std::string(handler), error.offset};
}

}  // namespace fwscan
