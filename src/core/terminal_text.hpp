#pragma once
// The one sanitiser for text that reaches a terminal or a text report (DESIGN.md: no raw input
// byte reaches a terminal). Input-derived strings (entry names, matched text, symbol names,
// messages that quote them, file names) may hold escape sequences that clear the screen, set the
// window title, hide the lines after them (OSC, CSI), or reorder what is shown (bidi controls).
#include <string>
#include <string_view>

namespace fwscan {

// `s` with every byte that a terminal could act on written as visible text: C0 controls
// (newline and tab included, so input cannot forge report lines), DEL and invalid UTF-8 bytes
// as \xNN; C1 controls, bidi and invisible format characters (U+061C, U+200B-U+200F,
// U+2028-U+202E, U+2060-U+2069, U+FEFF, U+FFF9-U+FFFB, tags U+E0000-U+E007F) as \uXXXX or
// \UXXXXXXXX. Printable UTF-8 (CJK labels included) is kept as it is.
std::string terminal_safe(std::string_view s);

// True when terminal_safe(s) == s.
bool is_terminal_safe(std::string_view s);

// JSON text (as a JSON library dumps it: valid UTF-8, C0 controls already escaped) with DEL and
// the same C1, bidi and invisible characters written as \uXXXX escapes (surrogate pairs above
// U+FFFF), so `cat report.json` cannot reorder or hide what a terminal shows. Such characters
// can only stand inside JSON strings, and the escape parses back to the same string.
std::string json_escape_invisible(std::string_view json);

}  // namespace fwscan
