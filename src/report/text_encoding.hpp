#pragma once
// Decodes matched bytes for display: the encoding comes from the YARA string id's suffix
// (_utf8, _gbk, _big5, _utf16le, _utf16be) or, failing that, from the bytes themselves.
#include <string>
#include <string_view>

#include "core/blob.hpp"

namespace fwscan {

struct DecodedText {
  std::string encoding;
  std::string text;   // UTF-8; undecodable bytes as \xNN
};

DecodedText decode_match_text(std::string_view string_id, ByteView bytes);
std::string to_hex(ByteView bytes);
// Decoded text of the bytes around [offset, offset+length) in `encoding` (as returned by
// decode_match_text), about `radius` bytes each side, newlines and controls shown as spaces.
std::string context_text(ByteView data, std::uint64_t offset, std::uint64_t length, const std::string& encoding,
                         std::size_t radius = 32);
bool is_valid_utf8(std::string_view s);

}  // namespace fwscan
