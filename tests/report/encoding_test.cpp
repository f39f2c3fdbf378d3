// Encodings are one enum (core/encoding.hpp): names round-trip, string ids name them by token,
// and decoding honours the hint. Expected bytes are built here, from the standards' code tables.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "core/encoding.hpp"
#include "report/text_encoding.hpp"

using namespace fwscan;

namespace {
ByteView bv(const std::vector<std::uint8_t>& v) { return {v.data(), v.size()}; }
}  // namespace

TEST_CASE("encodings: every value has one name that reads back", "[report][encoding]") {
  std::set<std::string> names;
  for (Encoding e : kAllEncodings) {
    const std::string name(encoding_name(e));
    CHECK(names.insert(name).second);
    REQUIRE(encoding_from_name(name) == e);
  }
  CHECK(names == std::set<std::string>{"ascii", "utf-8", "gbk", "big5", "utf-16le", "utf-16be", "binary"});
  CHECK_FALSE(encoding_from_name("utf16le"));  // a string-id token, not a report name
  CHECK_FALSE(encoding_from_name("UTF-8"));
  CHECK_FALSE(encoding_from_name(""));
}

TEST_CASE("encodings: a string id names its encoding with a whole token", "[report][encoding]") {
  CHECK(encoding_of_string_id("$label_gbk") == Encoding::kGbk);
  CHECK(encoding_of_string_id("$ctx_gb18030_face") == Encoding::kGbk);
  CHECK(encoding_of_string_id("$a_big5") == Encoding::kBig5);
  CHECK(encoding_of_string_id("$x_wide") == Encoding::kUtf16le);
  CHECK(encoding_of_string_id("$x_utf16le") == Encoding::kUtf16le);
  CHECK(encoding_of_string_id("$x_utf16be") == Encoding::kUtf16be);
  CHECK(encoding_of_string_id("$x_utf8") == Encoding::kUtf8);
  CHECK_FALSE(encoding_of_string_id("$gbkish"));      // part of a word is not a token
  CHECK_FALSE(encoding_of_string_id("$widen_text"));
  CHECK_FALSE(encoding_of_string_id("$label"));
}

TEST_CASE("encodings: decoding follows the hint, then the bytes", "[report][encoding]") {
  const std::vector<std::uint8_t> gbk = {0xCE, 0xAC, 0xD7, 0xE5};           // 维族 in GB2312
  const std::vector<std::uint8_t> big5 = {0xBA, 0xFB, 0xB1, 0xDA};          // 維族 in Big5
  const std::vector<std::uint8_t> le = {0xF4, 0x7E, 0xCF, 0x65};            // 维族 in UTF-16LE
  const std::vector<std::uint8_t> be = {0x7E, 0xF4, 0x65, 0xCF};            // 维族 in UTF-16BE
  const std::vector<std::uint8_t> utf8 = {0xE7, 0xBB, 0xB4, 0xE6, 0x97, 0x8F};  // 维族 in UTF-8
  CHECK(decode_match_text("$l_gbk", bv(gbk)).text == "维族");
  CHECK(decode_match_text("$l_gbk", bv(gbk)).encoding == Encoding::kGbk);
  CHECK(decode_match_text("$l_big5", bv(big5)).text == "維族");
  CHECK(decode_text(Encoding::kUtf16le, bv(le)).text == "维族");
  CHECK(decode_text(Encoding::kUtf16be, bv(be)).text == "维族");
  const DecodedText u = decode_text(std::nullopt, bv(utf8));
  CHECK(u.encoding == Encoding::kUtf8);
  CHECK(u.text == "维族");
  CHECK(decode_text(Encoding::kUtf8, bv(utf8)).encoding == Encoding::kUtf8);
  const std::vector<std::uint8_t> ascii = {'f', 'a', 'c', 'e'};
  CHECK(decode_text(std::nullopt, bv(ascii)).encoding == Encoding::kAscii);
  const std::vector<std::uint8_t> wide = {'f', 0, 'a', 0, 'c', 0, 'e', 0};
  CHECK(decode_text(std::nullopt, bv(wide)).encoding == Encoding::kUtf16le);
  const std::vector<std::uint8_t> junk = {0xFF, 0xFE, 0x01};
  const DecodedText b = decode_text(std::nullopt, bv(junk));
  CHECK(b.encoding == Encoding::kBinary);
  CHECK(b.text == "\\xff\\xfe\\x01");
  // Bytes that are not in the hinted charset fall back to what they are.
  CHECK(decode_text(Encoding::kGbk, bv(junk)).encoding == Encoding::kBinary);
}

TEST_CASE("encodings: context stays inside the string in its own code units", "[report][encoding]") {
  // "a" and a NUL unit, then 维族 in UTF-16LE between NUL units.
  std::vector<std::uint8_t> d = {'a', 0, 0, 0, 0xF4, 0x7E, 0xCF, 0x65, 0, 0, 'z', 0};
  CHECK(context_text(bv(d), 4, 4, Encoding::kUtf16le) == "维族");
  std::vector<std::uint8_t> g = {'x', '=', 0xCE, 0xAC, 0xD7, 0xE5, 0, 'q'};
  CHECK(context_text(bv(g), 2, 4, Encoding::kGbk) == "x=维族");
}
