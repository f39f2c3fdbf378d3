#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "formats/archive/arj_decode.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

nlohmann::json expected() {
  std::ifstream in(corpus_dir() / "archives/arj/EXPECTED.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

// The compressed bytes of the archive's first member and its sizes (headers as arj.txt gives them).
struct Packed {
  std::size_t data = 0, csize = 0, osize = 0;
  int method = 0;
};
Packed first_member(const std::vector<std::uint8_t>& a) {
  auto u16 = [&](std::size_t p) { return static_cast<std::size_t>(a[p] | (a[p + 1] << 8)); };
  auto u32 = [&](std::size_t p) { return u16(p) | (u16(p + 2) << 16); };
  std::size_t pos = 4 + u16(2) + 4;  // main header
  while (u16(pos) != 0) pos += 2 + u16(pos) + 4;
  pos += 2;
  const std::size_t basic = pos + 4;
  Packed p;
  p.method = a[basic + 5];
  p.csize = u32(basic + 12);
  p.osize = u32(basic + 16);
  std::size_t next = basic + u16(pos + 2) + 4;
  while (u16(next) != 0) next += 2 + u16(next) + 4;
  p.data = next + 2;
  return p;
}

}  // namespace

TEST_CASE("arj: every compression method decodes to the archived files", "[formats][arj]") {
  const auto want = expected();
  for (int method = 1; method <= 4; ++method) {
    const std::string name = "method" + std::to_string(method) + ".arj";
    INFO(name);
    REQUIRE(want["archives"][name]["method"].get<int>() == method);
    const Unpacked doc = unpack_path(corpus_dir() / "archives/arj" / name);
    for (const auto& [member, sha] : want["members"].items()) {
      const Node* n = node_at(doc, name + "/arj@0x0:" + member);
      REQUIRE(n != nullptr);
      CHECK(n->sha256 == sha.get<std::string>());
    }
    CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
    CHECK_FALSE(has_diagnostic(doc, "malformed"));
    CHECK_FALSE(has_diagnostic(doc, "unsupported"));
  }
}

TEST_CASE("arj: binwalk's method-1 archive inside data gives its secret.txt", "[formats][arj][external]") {
  const Unpacked doc = unpack_path(external_dir() / "binwalk/tests/inputs/arj.bin");
  const Node* n = node_at(doc, "arj.bin/arj@0xd:secret.txt");
  REQUIRE(n != nullptr);
  REQUIRE(n->size() == 60);
  REQUIRE(std::string(as_chars(n->data.bytes())).rfind("== TOPSECRET ==", 0) == 0);
  CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
}

TEST_CASE("arj: damaged compressed data ends in a diagnostic, never out of bounds", "[formats][arj]") {
  for (int method : {1, 4}) {
    const auto archive = read_file(corpus_dir() / "archives/arj" / ("method" + std::to_string(method) + ".arj"));
    const Packed p = first_member(archive);
    REQUIRE(p.method == method);
    const ByteView packed(archive.data() + p.data, p.csize);
    auto good = arj::decode(packed, method, p.osize);
    REQUIRE(good);
    REQUIRE(good->size() == p.osize);
    // Cut short: the stream runs out (zeros past the end decode to garbage or an error).
    auto cut = arj::decode(packed.subspan(0, p.csize / 3), method, p.osize);
    if (cut) CHECK(*cut != *good);
    // Every damaged variant: a result of the declared size or an error; the handler then
    // reports a CRC mismatch or the decoder's message.
    std::uint32_t seed = 0x2545F491U + static_cast<std::uint32_t>(method);
    int errors = 0, differ = 0;
    for (int round = 0; round < 300; ++round) {
      std::vector<std::uint8_t> bad(packed.begin(), packed.end());
      for (int k = 0; k < 1 + round % 4; ++k) {
        seed = seed * 1664525U + 1013904223U;
        bad[(seed >> 8) % bad.size()] ^= static_cast<std::uint8_t>(1U << (seed % 8));
      }
      auto out = arj::decode({bad.data(), bad.size()}, method, p.osize);
      if (!out) {
        ++errors;
        continue;
      }
      REQUIRE(out->size() == p.osize);
      differ += *out != *good ? 1 : 0;
    }
    INFO("method " << method << ": " << errors << " errors, " << differ << " wrong outputs of 300");
    CHECK(errors + differ > 250);
    if (method == 1) CHECK(errors > 0);  // broken Huffman tables are caught, not decoded
  }
  // Through the handler: a flipped byte in the data is a CRC mismatch or a decode error.
  auto archive = read_file(corpus_dir() / "archives/arj/method1.arj");
  const Packed p = first_member(archive);
  archive[p.data + p.csize / 2] ^= 0x10;
  const Unpacked doc = unpack_bytes(archive, "bad.arj");
  CHECK((has_diagnostic(doc, "checksum_mismatch") || has_diagnostic(doc, "malformed")));
  // An unknown method is unsupported, not guessed.
  CHECK(arj::decode({archive.data(), 10}, 7, 10).error().code == Errc::kUnsupported);
}
