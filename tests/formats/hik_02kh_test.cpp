// Hikvision 02KH wrapper and 03KH packages (camera-formats.md 1.5, 1.6).
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::vector<std::uint8_t> xor_codec(std::vector<std::uint8_t> b, std::size_t n) {
  static const std::uint8_t key[16] = {0xBA, 0xCD, 0xBC, 0xFE, 0xD6, 0xCA, 0xDD, 0xD3, 0xBA, 0xB9, 0xA3, 0xAB, 0xBF, 0xCB, 0xB5, 0xBE};
  for (std::size_t i = 0; i < n && i < b.size(); ++i) b[i] ^= key[(i + (i >> 4)) & 15];
  return b;
}
const char* kImage = "firmware/hikvision_02kh/digicap.dav";
}  // namespace

TEST_CASE("hik_02kh: packages keyed by platform id, each unpacked by magic", "[formats][hik_02kh]") {
  const Unpacked doc = unpack_path(corpus_dir() / kImage);
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("hik_02kh"));
  CHECK(prop(root, "packages") == "3");
  CHECK(prop(root, "platform_id") == "1140050031111110011");
  CHECK(prop(root, "header_checksum").find("(ok)") != std::string::npos);
  const Node* a = node_at(doc, "digicap.dav/hik_02kh@0x0:1140050031111110011");
  const Node* b = node_at(doc, "digicap.dav/hik_02kh@0x0:1140050031111110012");
  const Node* c = node_at(doc, "digicap.dav/hik_02kh@0x0:2150080012345678901");
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  REQUIRE(c != nullptr);
  CHECK(a->handler == std::string("swkh"));
  CHECK(prop(*a, "language") == "2 (Chinese)");
  CHECK(a->root_offset == 0x40U + 3 * 44);
  REQUIRE(node_at(doc, "digicap.dav/hik_02kh@0x0:1140050031111110012/swkh@0x0:app.img/squashfs@0x0:davinci") != nullptr);
  // The 03KH package: reported as encrypted, with its clear fields, never as empty. Its header
  // (0x10 + 0xF0 + 3 entries of 0x40) is all that is claimed; the ciphertext after it (4096
  // pseudo-random bytes from the generator) stays unknown data, with its entropy.
  const Node* k = node_at(doc, "digicap.dav/hik_02kh@0x0:2150080012345678901/hik_03kh@0x0");
  REQUIRE(k != nullptr);
  CHECK(k->handler == std::string("hik_03kh"));
  CHECK(prop(*k, "file_count") == "3");
  CHECK_FALSE(prop(*k, "ciphertext_entropy").empty());
  CHECK(prop(*k, "encryption") == "AES-256-ECB, key unknown");
  CHECK(k->size() == 0x10 + 0xF0 + 3 * 0x40);
  CHECK(k->children.empty());
  bool encrypted = false;
  for (const auto& d : k->diagnostics) encrypted = encrypted || d.code == DiagCode::kEncrypted;
  CHECK(encrypted);
  REQUIRE(c->unknown.size() == 1);
  CHECK(c->unknown[0].offset == k->size());
  CHECK(c->unknown[0].size == 4096);
  CHECK(c->unknown[0].entropy > 7.5);
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& d : n.diagnostics) {
      INFO(n.locator << ": " << diag_code_name(d.code));
      CHECK(d.severity == Severity::kInfo);
    }
  }
}

TEST_CASE("hik_02kh: damaged wrappers end in diagnostics", "[formats][hik_02kh]") {
  const auto good = read_file(corpus_dir() / kImage);
  const std::size_t hsize = 0x40 + 3 * 44;
  SECTION("package byte-sum and header checksum mismatches") {
    auto bad = good;
    bad[hsize + 10] ^= 0x01;                 // inside the first package
    auto dec = xor_codec(bad, hsize);
    dec[0x2C] ^= 0x01;                       // platform id byte: header checksum now wrong
    bad = xor_codec(dec, hsize);
    const Unpacked doc = unpack_bytes(bad, "bad.dav");
    REQUIRE(doc.tree.at(0).handler == std::string("hik_02kh"));
    std::size_t mismatches = 0;
    for (const auto& d : doc.tree.at(0).diagnostics) mismatches += d.code == DiagCode::kChecksumMismatch ? 1 : 0;
    CHECK(mismatches == 2);
  }
  SECTION("truncated: the last package is cut") {
    std::vector<std::uint8_t> cut(good.begin(), good.end() - 1000);
    const Unpacked doc = unpack_bytes(cut, "cut.dav");
    CHECK(has_diagnostic(doc, "truncated"));
    CHECK(node_at(doc, "cut.dav/hik_02kh@0x0:1140050031111110011") != nullptr);
  }
  SECTION("an entry pointing into the header") {
    auto dec = xor_codec(good, hsize);
    dec[0x40 + 32] = 0x10;
    dec[0x40 + 33] = dec[0x40 + 34] = dec[0x40 + 35] = 0;
    const Unpacked doc = unpack_bytes(xor_codec(dec, hsize), "self.dav");
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("a huge package count is not this format") {
    auto dec = xor_codec(good, hsize);
    dec[0x14] = 0xFF;
    dec[0x15] = 0xFF;
    std::vector<std::uint8_t> bad = xor_codec(dec, hsize);
    REQUIRE_FALSE(Registry::builtin().find("hik_02kh")->identify({bad.data(), bad.size()}, 0));
  }
  SECTION("a truncated 03KH prefix") {
    std::vector<std::uint8_t> tiny = {0x8a, 0xfe, 0xf7, 0xb6, 0, 0};
    REQUIRE_FALSE(Registry::builtin().find("hik_03kh")->identify({tiny.data(), tiny.size()}, 0));
  }
}
