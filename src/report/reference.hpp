#pragma once
// Reference pages generated from the tables they document, so a page cannot go stale:
// docs/diagnostics.md is `fwscan diagnostics`, docs/formats.md is `fwscan formats --markdown`
// (tests compare each page with its table).
#include <ostream>

namespace fwscan {

// Markdown: every diagnostic code with its meaning (core/diagnostic_codes.def).
void write_diagnostics_reference(std::ostream& out);
// Markdown: every handler of the registry (src/formats/formats.def), by category, with what it
// does with a format (reads it, or recognises it only), its magics and its known limitations.
void write_formats_reference(std::ostream& out);

}  // namespace fwscan
