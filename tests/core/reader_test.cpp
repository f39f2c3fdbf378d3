#include "core/checked_math.hpp"
#include "core/hash.hpp"
#include "core/reader.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using fwscan::test::ByteBuilder;

TEST_CASE("reader: reads both byte orders and advances", "[core]") {
  ByteBuilder b;
  b.u32le(0x11223344).u16be(0xABCD).u8(7);
  Reader r(b.view(), Endian::kLittle);
  REQUIRE(r.u32().value() == 0x11223344U);
  r.set_endian(Endian::kBig);
  REQUIRE(r.u16().value() == 0xABCD);
  REQUIRE(r.u8().value() == 7);
  REQUIRE(r.remaining() == 0);
}

TEST_CASE("reader: truncated reads fail with kTruncated and do not move", "[core]") {
  ByteBuilder b;
  b.u8(1).u8(2).u8(3);
  Reader r(b.view(), Endian::kLittle);
  auto v = r.u32();
  REQUIRE_FALSE(v);
  REQUIRE(v.error().code == Errc::kTruncated);
  REQUIRE(v.error().offset == 0U);
  REQUIRE(r.offset() == 0);
  REQUIRE_FALSE(r.bytes(4));
  REQUIRE(r.bytes(3));
  REQUIRE_FALSE(r.skip(1));
}

TEST_CASE("reader: cstring stops at NUL, rejects overlong and unterminated", "[core]") {
  ByteBuilder b;
  b.str("abc").u8(0).str("defgh");
  Reader r(b.view(), Endian::kLittle);
  REQUIRE(r.cstring(16).value() == "abc");
  REQUIRE(r.offset() == 4);
  auto tail = r.cstring(16);
  REQUIRE_FALSE(tail);
  REQUIRE(tail.error().code == Errc::kTruncated);
  Reader r2(b.view(), Endian::kLittle);
  REQUIRE(r2.cstring(2).error().code == Errc::kMalformed);
}

TEST_CASE("reader: seek is bounded and fixed_string trims at NUL", "[core]") {
  ByteBuilder b;
  b.fixed("name", 8).u32le(5);
  Reader r(b.view(), Endian::kLittle);
  REQUIRE(r.fixed_string(8).value() == "name");
  REQUIRE(r.seek(12));
  REQUIRE_FALSE(r.seek(13));
}

TEST_CASE("load helpers return nullopt out of range", "[core]") {
  ByteBuilder b;
  b.u32be(0xDEADBEEF);
  REQUIRE(load_be32(b.view(), 0) == 0xDEADBEEFU);
  REQUIRE_FALSE(load_be32(b.view(), 1));
  REQUIRE_FALSE(load_u8(b.view(), 4));
  REQUIRE_FALSE(subview(b.view(), 2, ~0ULL));
  REQUIRE(has_bytes_at(b.view(), 0, "\xde\xad"));
}

TEST_CASE("checked math: overflow and range checks", "[core]") {
  REQUIRE_FALSE(checked_add(~0ULL, 1));
  REQUIRE(checked_add(1, 2) == 3U);
  REQUIRE_FALSE(checked_mul(1ULL << 40, 1ULL << 30));
  REQUIRE_FALSE(checked_sub(1, 2));
  REQUIRE(range_fits(4, 4, 8));
  REQUIRE_FALSE(range_fits(5, 4, 8));
  REQUIRE_FALSE(range_fits(~0ULL, 2, 8));
  REQUIRE(align_up(13, 4) == 16);
}

TEST_CASE("blob: slices share storage and are bounds-checked", "[core]") {
  Blob b = Blob::own({1, 2, 3, 4, 5});
  auto s = b.slice(1, 3);
  REQUIRE(s);
  REQUIRE(s->size() == 3);
  REQUIRE(s->bytes()[0] == 2);
  REQUIRE(s->bytes().data() == b.bytes().data() + 1);
  REQUIRE_FALSE(b.slice(3, 3));
  REQUIRE_FALSE(b.tail(6));
  REQUIRE(b.tail(5)->empty());
}

TEST_CASE("blob: map_file refuses missing files with kIo", "[core]") {
  auto r = Blob::map_file("/nonexistent/fwscan");
  REQUIRE_FALSE(r);
  REQUIRE(r.error().code == Errc::kIo);
}

TEST_CASE("hash: sha256, crc32 and entropy known values", "[core]") {
  const auto abc = fwscan::test::text_bytes("abc");
  REQUIRE(sha256_hex({abc.data(), abc.size()}) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto nine = fwscan::test::text_bytes("123456789");
  REQUIRE(crc32_ieee({nine.data(), nine.size()}) == 0xCBF43926U);
  REQUIRE(crc16_arc({nine.data(), nine.size()}) == 0xBB3DU);  // CRC-16/ARC check value
  REQUIRE(crc16_xmodem({nine.data(), nine.size()}) == 0x31C3U);  // CRC-16/XMODEM check value
  REQUIRE(crc32c({nine.data(), nine.size()}) == 0xE3069283U);     // CRC-32C check value
  std::vector<std::uint8_t> zeros(100, 0);
  REQUIRE(shannon_entropy({zeros.data(), zeros.size()}) == 0.0);
  std::vector<std::uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  REQUIRE(shannon_entropy({all.data(), all.size()}) == Approx(8.0));
}
