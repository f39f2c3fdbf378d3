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
#include "core/encoding.hpp"

namespace fwscan {

struct DecodedView {
  std::string name;                    // "unescaped", or the source encoding of a transcoding view
  std::optional<Encoding> encoding;    // transcoding views: GBK, Big5, UTF-16LE or UTF-16BE
  std::vector<std::uint8_t> bytes;
  std::uint64_t escapes = 0;           // how many escape sequences were decoded

  // The offset in the original of view byte `view_offset`; bytes.size() gives the original's
  // size. Every byte of a decoded character or escape maps to where that character starts.
  std::uint64_t origin_at(std::uint64_t view_offset) const;
  // Original [begin, end) covering view bytes [offset, offset + length).
  std::pair<std::uint64_t, std::uint64_t> original_range(std::uint64_t offset, std::uint64_t length) const;

  // The map is kept as anchors, not a word per byte: from an anchor on, until the next, view
  // bytes map to the original by one of these steps.
  enum class Step : std::uint8_t {
    kSame,        // every byte maps to the anchor's offset (an escape, a run's closing newline)
    kBytes,       // one original byte per view byte (text copied as it is)
    kUtf16,       // one UTF-8 character per original UTF-16 unit (two bytes)
    kDoubleByte,  // one UTF-8 character per original ASCII byte or double-byte pair
  };
  // The bytes appended from now on map from `original` by `step`.
  void map_from_here(std::uint64_t original, Step step);
  // Ends the view: bytes.size() maps to the original's size.
  void finish(std::uint64_t original_size);
  // Appends a finished view of a piece of the original that starts at `shift`, after a newline
  // when this view holds a piece already (the newline maps to the previous piece's end).
  void append_piece(const DecodedView& piece, std::uint64_t shift);

 private:
  struct Anchor {
    std::uint64_t view, original;
    Step step;
  };
  std::vector<Anchor> anchors_;
};

// nullopt when the data is not text (under 85% printable ASCII in its first MiB) or holds fewer
// than `min_escapes` escape sequences: nothing worth a view.
std::optional<DecodedView> unescape_view(ByteView data, std::uint64_t min_escapes = 2);

// Transcoding views (one label, one string): the text runs of the data in GBK (GB2312 code
// points), Big5, UTF-16LE and UTF-16BE, decoded into UTF-8 and each followed by a newline, with
// every view byte mapped back to the offset of the character it came from. So a label written
// once in UTF-8 (or ASCII) matches in every one of those encodings, and in wide ASCII.
//   * A run is a maximal sequence of printable ASCII and CJK characters (U+3000-U+303F,
//     U+3400-U+9FFF, U+FF00-U+FFEF) in that encoding; GBK and Big5 runs need two CJK
//     characters, UTF-16 runs two CJK or four ASCII units.
//   * A GBK or Big5 run whose bytes are valid UTF-8 is UTF-8 text (scanned as it is) and is left
//     out; a UTF-16 run whose bytes are all printable ASCII is narrow ASCII text, left out too.
//   * Data whose entropy is above kTranscodeMaxEntropy (compressed or encrypted) gets no view.
//   * A UTF-16 run is bounded by a control unit (or the data's edge) on both sides; before it,
//     also by a unit that is not text and ends in a zero byte (utf16_bound_before).
// Views with no run are not returned.
inline constexpr double kTranscodeMaxEntropy = 7.5;
std::vector<DecodedView> transcode_views(ByteView data, double entropy);
// Whether the UTF-16 unit at d[p, p + 2) ends what comes before a UTF-16 string at p + 2: a
// control unit (NUL, newline, a length, a BOM), or a unit that is not text and whose second byte
// is zero: the NUL of a byte string that ends at an odd offset, which a linker packs against the
// 2-aligned string after it. The views and the ELF layer's enclosing string share it.
bool utf16_bound_before(ByteView d, std::size_t p, bool big_endian);

// Every view of a node's bytes: the unescaped view (when `unescape`) and the transcoding views.
// A blob with holes (Blob::data_extents) gets the views of each data extent, joined in order
// with a newline between them: a hole ends every text run, and is never read.
std::vector<DecodedView> decoding_views(const Blob& data, double entropy, bool unescape);

}  // namespace fwscan
