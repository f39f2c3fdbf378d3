#pragma once
// Decodes matched bytes for display: the encoding comes from the YARA string id's token
// (core/encoding.hpp) or, failing that, from the bytes themselves.
#include <optional>
#include <string>
#include <string_view>

#include "core/blob.hpp"
#include "core/encoding.hpp"

namespace fwscan {

struct DecodedText {
  Encoding encoding = Encoding::kBinary;
  std::string text;   // UTF-8; undecodable bytes as \xNN
};

// Decodes `bytes` as `hint` (GBK, Big5, UTF-16) when it is one and they decode; otherwise, or
// with no hint, as what the bytes are: ASCII, UTF-8, NUL-interleaved UTF-16LE or binary.
DecodedText decode_text(std::optional<Encoding> hint, ByteView bytes);
// decode_text with the encoding the YARA string id names (encoding_of_string_id).
DecodedText decode_match_text(std::string_view string_id, ByteView bytes);
std::string to_hex(ByteView bytes);
// Decoded text of the bytes around [offset, offset+length) in `encoding` (as returned by
// decode_match_text), about `radius` bytes each side, newlines and controls shown as spaces.
std::string context_text(ByteView data, std::uint64_t offset, std::uint64_t length, Encoding encoding,
                         std::size_t radius = 32);
bool is_valid_utf8(std::string_view s);

}  // namespace fwscan
