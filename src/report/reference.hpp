#pragma once
// Reference pages generated from the tables they document, so a page cannot go stale:
// docs/diagnostics.md is `fwscan diagnostics` (a test compares the two).
#include <ostream>

namespace fwscan {

// Markdown: every diagnostic code with its meaning (core/diagnostic_codes.def).
void write_diagnostics_reference(std::ostream& out);

}  // namespace fwscan
