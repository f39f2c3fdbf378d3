// Hikvision SWKH: the 162-byte worked example of camera-formats.md 1.9(b) is an independent
// test vector (its bytes were derived from the spec, not from this implementation).
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
const std::vector<std::uint8_t> kSpecExample = {
    0xe9, 0x9a, 0xf7, 0xb6, 0xf2, 0xcf, 0xdd, 0xd3, 0x22, 0xb9, 0xa3, 0xab, 0xbd, 0xcb, 0xb5, 0xbe,
    0xcc, 0xbc, 0xfe, 0xd6, 0xc8, 0xdd, 0xd3, 0xba, 0xb8, 0xa3, 0xab, 0xbf, 0xcb, 0xb5, 0xbe, 0xba,
    0xbc, 0xfe, 0xd6, 0xca, 0xdd, 0xd3, 0xba, 0xb9, 0xa3, 0xab, 0xbf, 0xcb, 0xb5, 0xbe, 0xba, 0xcd,
    0xfe, 0xd6, 0xca, 0xdd, 0xd3, 0xba, 0xb9, 0xa3, 0xab, 0xbf, 0xcb, 0xb5, 0xbe, 0xba, 0xcd, 0xbc,
    0xb7, 0xe4, 0xa9, 0xab, 0xce, 0xb9, 0xa3, 0xab, 0xbf, 0xcb, 0xb5, 0xbe, 0xba, 0xcd, 0xbc, 0xfe,
    0xca, 0xdd, 0xd3, 0xba, 0xb9, 0xa3, 0xab, 0xbf, 0xcb, 0xb5, 0xbe, 0xba, 0xcd, 0xbc, 0xfe, 0xd6,
    0x45, 0xd3, 0xba, 0xb9, 0xa5, 0xab, 0xbf, 0xcb, 0xab, 0xbc, 0xba, 0xcd, 0xde, 0xd0, 0xb4, 0xa3,
    0xbd, 0xba, 0xb9, 0xa3, 0xab, 0xbf, 0xcb, 0xb5, 0xbe, 0xba, 0xcd, 0xbc, 0xfe, 0xd6, 0xca, 0xdd,
    0xba, 0xb9, 0xa3, 0xab, 0xbf, 0xcb, 0xb5, 0xbe, 0xba, 0xcd, 0xbc, 0xfe, 0x48, 0xca, 0xdd, 0xd3,
    0xbd, 0xa3, 0xab, 0xbf, 0xcd, 0xb5, 0xbe, 0xba, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a, 0x00, 0x01,
    0x02, 0x03};

}  // namespace

TEST_CASE("swkh: the spec's worked example decodes to its two members", "[formats][swkh]") {
  REQUIRE(kSpecExample.size() == 162);
  const Unpacked doc = unpack_bytes(kSpecExample, "digicap.dav");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("swkh"));
  REQUIRE(root.confidence == Confidence::kHigh);
  REQUIRE(prop(root, "header_checksum") == "0x00000524 (ok)");
  REQUIRE(prop(root, "language") == "1 (English/multi-language)");
  REQUIRE(prop(root, "device_class") == "2 (IP camera)");
  REQUIRE(prop(root, "oem_code") == "0x00000001");
  const Node* a = node_at(doc, "digicap.dav/swkh@0x0:a.txt");
  const Node* b = node_at(doc, "digicap.dav/swkh@0x0:b.bin");
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  REQUIRE(std::string(as_chars(a->data.bytes())) == "hello\n");
  REQUIRE(a->root_offset == 0x98U);
  REQUIRE(b->size() == 4);
  REQUIRE(b->root_offset == 0x9EU);
  REQUIRE(root.diagnostics.empty());
}

TEST_CASE("swkh: bytes after the last member are not part of the package", "[formats][swkh]") {
  ByteBuilder b;
  b.bytes(kSpecExample).fill(0xA5, 256);  // EZVIZ-style 256-byte tail
  auto chunk = Registry::builtin().find("swkh")->identify(b.view(), 0);
  REQUIRE(chunk);
  REQUIRE(chunk->size == 162);
  const Unpacked doc = unpack_bytes(b.data(), "ezviz.dav");
  REQUIRE(node_at(doc, "ezviz.dav/swkh@0x0:a.txt") != nullptr);
  REQUIRE(doc.tree.at(0).unknown.size() == 1);
  REQUIRE(doc.tree.at(0).unknown[0].offset == 162);
}

TEST_CASE("swkh: checksum mismatches are reported, members still extracted", "[formats][swkh]") {
  auto bad = kSpecExample;
  bad[0x98] ^= 0x20;  // 'h' -> 'H' in a.txt: member byte-sum mismatch
  const Unpacked doc = unpack_bytes(bad, "d.dav");
  REQUIRE(has_diagnostic(doc, "checksum_mismatch"));
  REQUIRE(node_at(doc, "d.dav/swkh@0x0:a.txt") != nullptr);
  const Unpacked corpus = unpack_path(corpus_dir() / "malformed/swkh_bad_checksums.dav");
  std::size_t mismatches = 0;
  for (const auto& d : corpus.tree.at(0).diagnostics) mismatches += d.code == DiagCode::kChecksumMismatch ? 1 : 0;
  REQUIRE(mismatches == 2);  // header checksum and the last member's byte-sum
}

TEST_CASE("swkh: truncated packages and self-referencing entries end in diagnostics", "[formats][swkh]") {
  SECTION("truncated header") {
    std::vector<std::uint8_t> head(kSpecExample.begin(), kSpecExample.begin() + 100);
    REQUIRE_FALSE(Registry::builtin().find("swkh")->identify({head.data(), head.size()}, 0));
  }
  SECTION("member past the end") {
    std::vector<std::uint8_t> cut(kSpecExample.begin(), kSpecExample.begin() + 0x9B);
    const Unpacked doc = unpack_bytes(cut, "cut.dav");
    REQUIRE(has_diagnostic(doc, "truncated"));
    REQUIRE(node_at(doc, "cut.dav/swkh@0x0:a.txt")->size() == 3);
    REQUIRE(node_at(doc, "cut.dav/swkh@0x0:b.bin") == nullptr);
  }
  SECTION("entry pointing into the header") {
    // The second entry's offset points at 0x10. The package then ends after the first member,
    // and the orphaned kernel behind it is carved on its own.
    const Unpacked doc = unpack_path(corpus_dir() / "malformed/swkh_self_reference.dav");
    const Node* pkg = node_at(doc, "swkh_self_reference.dav/swkh@0x0");
    REQUIRE(pkg != nullptr);
    REQUIRE(pkg->size() == 0x40 + 2 * 44 + 132);
    REQUIRE(has_diagnostic(doc, "malformed"));
    REQUIRE(node_at(doc, "swkh_self_reference.dav/swkh@0x0:_cfgUpgClass") != nullptr);
    REQUIRE(node_at(doc, "swkh_self_reference.dav/uimage@0x11c") != nullptr);
  }
  SECTION("huge file count is not this format") {
    ByteBuilder b;
    b.str("SWKH").u32le(0).u32le(0x40 + 44 * 100000).u32le(100000).fill(0, 48);
    // XOR-encode so the magic check passes
    static const std::uint8_t key[16] = {0xBA, 0xCD, 0xBC, 0xFE, 0xD6, 0xCA, 0xDD, 0xD3, 0xBA, 0xB9, 0xA3, 0xAB, 0xBF, 0xCB, 0xB5, 0xBE};
    for (std::size_t i = 0; i < b.size(); ++i) b.data()[i] ^= key[(i + (i >> 4)) & 15];
    REQUIRE_FALSE(Registry::builtin().find("swkh")->identify(b.view(), 0));
  }
}
