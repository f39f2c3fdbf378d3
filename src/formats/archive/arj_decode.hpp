#pragma once
// ARJ's decompressors (arj.txt, "ARJ technical information"; the decoder is Haruhiko Okumura's
// ar002 LZ77 + static Huffman coding with ARJ's parameters):
//   methods 1-3: blocks of Huffman-coded literals/lengths (510 symbols) and positions, a 26,624
//                byte window, matches of 3-256 bytes;
//   method 4:    "fastest": lengths and positions in unary-prefixed bit fields.
// Bits are read most significant first; past the packed data they read as zeros, as ARJ does.
// Every table and reference is checked: a damaged stream is an error, never a read out of bounds.
#include <cstdint>
#include <vector>

#include "core/blob.hpp"
#include "core/result.hpp"

namespace fwscan::arj {

// Decodes `packed` (one member's compressed bytes) to exactly `original_size` bytes.
Result<std::vector<std::uint8_t>> decode(ByteView packed, int method, std::uint64_t original_size);

}  // namespace fwscan::arj
