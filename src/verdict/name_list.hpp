#pragma once
// Lists of names, read from their structure (docs/verdicts.md, "Explained"). Locale data holds
// the label as one language name among hundreds, in every language: ICU's resource bundles,
// gettext catalogues of ISO 639 names, Unicode's character-name words. A vocabulary of list
// names cannot follow them into every language, so this reads the shape instead: the label's
// item and its neighbours, cut at string separators, are each a short name made of letters.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/blob.hpp"
#include "core/encoding.hpp"

namespace fwscan::verdict {

struct NameRun {
  std::uint64_t begin = 0, end = 0;   // the run's extent in the node's bytes
  std::size_t distinct = 0;           // distinct names in it, the label's own item included
  std::vector<std::string> first;     // a few of them, UTF-8, in file order, for the explanation
};

// The run of consecutive names around the item that holds [begin, end), read in `encoding`
// within `window` bytes on either side. Items are separated by NUL, CR or LF code units (runs of
// them count as one separator). An item is a name when it holds 2 to 48 characters, starts with
// a letter, and holds at least 2 letters and otherwise only what joins or qualifies a name
// (space, '-', '\'', '.', parentheses, digits, U+00B7, U+2019). A letter is an ASCII letter or a
// code point from U+00C0 outside the punctuation, symbol, private-use, presentation-form and
// emoji blocks. nullopt when the label's own item is not a name, or is an identifier (a
// camelCase step: isUyghur in a symbol table is code, not a list entry; its neighbours may have
// one, as Zulu's isiSwahili does). The run stops at the first item on either side that is not a
// name, and at the window. A UTF-16 label of Latin-1 letters is also read in the other byte
// order one byte over (the same bytes), and the longer run is taken.
std::optional<NameRun> name_run_around(ByteView bytes, std::uint64_t begin, std::uint64_t end, Encoding encoding,
                                       std::uint64_t window);

}  // namespace fwscan::verdict
