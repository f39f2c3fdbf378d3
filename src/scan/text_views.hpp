#pragma once
// Decoding views: transformations that cannot be written as YARA strings at sane cost. A view
// is the node's bytes with the escapes decoded; a map gives each view byte's offset in the
// original, so a finding made on the view still points at the node's own bytes.
//
// "unescaped" decodes, anywhere in the data:
//   \uXXXX (JavaScript/JSON, either case, surrogate pairs)  → UTF-8
//   \xNN runs (C, Python byte literals)                     → the bytes
//   &#NNNN; and &#xHHHH; (HTML/XML numeric entities)         → UTF-8
//   %HH runs that decode to non-ASCII bytes (URL encoding)   → the bytes
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/blob.hpp"

namespace fwscan {

struct DecodedView {
  std::string name;                    // "unescaped"
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint64_t> origin;   // origin[i] = offset in the original of view byte i; size()+1 entries
  std::uint64_t escapes = 0;           // how many escape sequences were decoded

  // Original [begin, end) covering view bytes [offset, offset + length).
  std::pair<std::uint64_t, std::uint64_t> original_range(std::uint64_t offset, std::uint64_t length) const;
};

// nullopt when the data is not text (under 85% printable ASCII in its first MiB) or holds fewer
// than `min_escapes` escape sequences: nothing worth a view.
std::optional<DecodedView> unescape_view(ByteView data, std::uint64_t min_escapes = 2);

}  // namespace fwscan
