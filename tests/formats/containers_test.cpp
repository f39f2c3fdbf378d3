// INSTAR HD, Reolink PAK and TP-Link Tapo samples generated from camera-formats.md by
// tools/gen_fs_corpus.py; EXPECTED.json holds the member hashes by construction.
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
nlohmann::json expected() {
  std::ifstream in(corpus_dir() / "firmware/containers/EXPECTED.json");
  return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("instar_hd: the ZIP with changed signatures yields its members", "[formats][instar_hd][corpus]") {
  const auto exp = expected()["instar_hd.bin"];
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/containers/instar_hd.bin");
  REQUIRE(doc.tree.at(0).handler == std::string("instar_hd"));
  for (const auto& [name, sha] : exp.items()) {
    INFO(name);
    const Node* n = node_at(doc, "instar_hd.bin/instar_hd@0x0:" + name);
    REQUIRE(n != nullptr);
    CHECK(n->sha256 == sha.get<std::string>());
  }
  // A plain zip is not INSTAR HD, and a chain broken in the middle is not claimed.
  auto bytes = read_file(corpus_dir() / "firmware/containers/instar_hd.bin");
  bytes[bytes.size() - 22 + 3] = 0x06;  // EOCD signature back to the standard one
  CHECK_FALSE(Registry::builtin().find("instar_hd")->identify({bytes.data(), bytes.size()}, 0));
}

TEST_CASE("reolink_pak: sections carved, partition table and CRC reported", "[formats][reolink_pak][corpus]") {
  const auto exp = expected()["reolink.pak"];
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/containers/reolink.pak");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("reolink_pak"));
  CHECK(prop(root, "crc") == "ok");
  CHECK(prop(root, "type") == "0x00002302");
  CHECK(prop(root, "partition kernel") == "mtd1 [0x100000, 0x200000)");
  CHECK(prop(root, "version fs") == "v3.0.0.1");
  for (const auto& [name, sha] : exp.items()) {
    INFO(name);
    const Node* n = node_at(doc, "reolink.pak/reolink_pak@0x0:" + name);
    REQUIRE(n != nullptr);
    CHECK(n->sha256 == sha.get<std::string>());
  }
  CHECK(node_at(doc, "reolink.pak/reolink_pak@0x0:fs/squashfs@0x0:etc/passwd") != nullptr);
  auto bytes = read_file(corpus_dir() / "firmware/containers/reolink.pak");
  SECTION("a changed data byte fails the CRC") {
    auto bad = bytes;
    bad[bad.size() - 600] ^= 0x01;
    const Unpacked b = unpack_bytes(bad, "bad.pak");
    CHECK(has_diagnostic(b, "checksum_mismatch"));
  }
  SECTION("truncated: low confidence and a truncated section") {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + 9000);
    auto c = Registry::builtin().find("reolink_pak")->identify({cut.data(), cut.size()}, 0);
    REQUIRE(c);
    CHECK(c->confidence == Confidence::kLow);
    CHECK(has_diagnostic(unpack_bytes(cut, "cut.pak"), "truncated"));
  }
  SECTION("a section table with no repeated name is not a PAK") {
    auto bad = bytes;
    const std::size_t parts = 12 + 64 * 5;
    bad[parts] = 'X';  // the first partition entry no longer repeats "uboot"
    CHECK_FALSE(Registry::builtin().find("reolink_pak")->identify({bad.data(), bad.size()}, 0));
  }
}

TEST_CASE("tapo: a signed, encrypted image is reported as encrypted, never as empty", "[formats][tapo][corpus]") {
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/containers/tapo_enc.bin");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("tapo"));
  CHECK(prop(root, "rsa") == expected()["tapo_enc.bin"]["rsa"].get<std::string>());
  CHECK(has_diagnostic(doc, "encrypted"));
  CHECK(root.children.empty());
  auto bytes = read_file(corpus_dir() / "firmware/containers/tapo_enc.bin");
  SECTION("low-entropy data after the header is not a Tapo image") {
    auto plain = bytes;
    std::fill(plain.begin() + 0x200, plain.end(), 0x41);
    CHECK_FALSE(Registry::builtin().find("tapo")->identify({plain.data(), plain.size()}, 0));
  }
  SECTION("router-style images (fw-type: at 0x14) are not claimed") {
    auto router = bytes;
    std::copy_n("fw-type:", 8, router.begin() + 0x14);
    CHECK_FALSE(Registry::builtin().find("tapo")->identify({router.data(), router.size()}, 0));
  }
}

TEST_CASE("sha0: the FIPS 180 (1993) test vectors", "[core][hash]") {
  CHECK(sha0_hex(text_bytes("abc")) == "0164b8a914cd2a5e74c4f7ff082c4d97f1edf880");
  CHECK(sha0_hex(text_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) == "d2516ee1acfa5baf33dfc1c471e438449ef134c8");
  const std::vector<std::uint8_t> million(1000000, 'a');
  CHECK(sha0_hex({million.data(), million.size()}) == "3232affa48628a26653b5aaa44541fd90d690603");
}

TEST_CASE("swkh: _cfgUpgSecPls decrypted and its SHA-0 member hashes checked", "[formats][swkh][corpus]") {
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/containers/digicap_secpls.dav");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("swkh"));
  CHECK(prop(root, "secpls") == "decrypted, self-hash ok, 2 members listed");
  CHECK(prop(root, "secpls uImage") == "SHA-0 ok");
  CHECK(prop(root, "secpls app.img") == "SHA-0 ok");
  const auto exp = expected()["digicap_secpls.dav"];  // a copy: iterating a temporary's items() dangles
  for (const auto& [name, sha] : exp.items()) {
    CHECK(node_at(doc, "digicap_secpls.dav/swkh@0x0:" + name)->sha256 == sha.get<std::string>());
  }
  auto bytes = read_file(corpus_dir() / "firmware/containers/digicap_secpls.dav");
  const Node* app = node_at(doc, "digicap_secpls.dav/swkh@0x0:app.img");
  const Node* manifest = node_at(doc, "digicap_secpls.dav/swkh@0x0:_cfgUpgSecPls");
  REQUIRE((app != nullptr && manifest != nullptr && app->root_offset && manifest->root_offset));
  SECTION("a changed member fails its SHA-0") {
    auto bad = bytes;
    bad[*app->root_offset + 200] ^= 0x01;
    const Unpacked b = unpack_bytes(bad, "bad.dav");
    CHECK(prop(b.tree.at(0), "secpls app.img") == "SHA-0 MISMATCH");
    CHECK(prop(b.tree.at(0), "secpls uImage") == "SHA-0 ok");
  }
  SECTION("a damaged manifest is reported, the package still unpacks") {
    auto bad = bytes;
    bad[*manifest->root_offset + 40] ^= 0xFF;  // a middle ciphertext block: decrypts, but the self-hash fails
    const Unpacked b = unpack_bytes(bad, "bad.dav");
    CHECK(prop(b.tree.at(0), "secpls").rfind("decrypted, self-hash MISMATCH", 0) == 0);
    CHECK(node_at(b, "bad.dav/swkh@0x0:app.img") != nullptr);
    auto worse = bytes;
    const std::uint32_t enc_len = *load_le32({bytes.data(), bytes.size()}, *manifest->root_offset);
    worse[*manifest->root_offset + 4 + enc_len - 1] ^= 0xFF;  // the last block: its padding no longer checks
    const Unpacked w = unpack_bytes(worse, "worse.dav");
    CHECK(has_diagnostic(w, "malformed"));
    CHECK(prop(w.tree.at(0), "secpls").empty());
  }
}

TEST_CASE("arcadyan: binwalk's obfuscated image deobfuscates to an LZMA stream", "[formats][arcadyan][external]") {
  const Unpacked doc = unpack_path(external_dir() / "binwalk/tests/inputs/arcadyan.bin");
  const Node* out = node_at(doc, "arcadyan.bin/arcadyan@0x0:decompressed");
  REQUIRE(out != nullptr);
  CHECK(out->size() == 2813252);  // Python's lzma (FORMAT_ALONE) on the same deobfuscated bytes
  auto bytes = read_file(external_dir() / "binwalk/tests/inputs/arcadyan.bin");
  bytes[0x68 + 20] ^= 0x10;  // a scrambled header byte: no valid LZMA stream, no chunk
  CHECK_FALSE(Registry::builtin().find("arcadyan")->identify({bytes.data(), bytes.size()}, 0));
}

namespace {
// An Arcadyan image by construction: 4 bytes, then the LZMA stream, whose first 32 bytes are
// nibble-swapped, pair-swapped and exchanged with the 32 bytes at 0x68 (the inverse of the
// handler's deobfuscation, written from the layout, not from the handler).
std::vector<std::uint8_t> arcadyan_image(const std::vector<std::uint8_t>& payload, std::size_t total) {
  std::vector<std::uint8_t> img = {'A', 'R', 'C', 'D'};
  const auto lz = lzma_alone_bytes(payload);
  img.insert(img.end(), lz.begin(), lz.end());
  if (img.size() < total) img.resize(total, 0x5A);
  for (std::size_t i = 4; i < 36; ++i) img[i] = static_cast<std::uint8_t>((img[i] << 4) | (img[i] >> 4));
  for (std::size_t i = 4; i < 36; i += 2) std::swap(img[i], img[i + 1]);
  std::swap_ranges(img.begin() + 4, img.begin() + 36, img.begin() + 0x68);
  return img;
}
}  // namespace

TEST_CASE("arcadyan: a constructed image round-trips; a stream that ends before the block at 0x68 is no image", "[formats][arcadyan]") {
  const auto payload = pseudo_random(8192, 7);
  const auto good = arcadyan_image(payload, 0);
  REQUIRE(good[0x68] == 0x00);
  REQUIRE(good[0x69] == 0xD5);  // the signature is the moved dictionary size, by construction
  const Unpacked doc = unpack_bytes(good, "arc.bin");
  const Node* out = node_at(doc, "arc.bin/arcadyan@0x0:decompressed");
  REQUIRE(out != nullptr);
  CHECK(out->data.bytes().size() == payload.size());
  CHECK(std::equal(payload.begin(), payload.end(), out->data.bytes().begin()));
  // A one-byte payload: its stream is about 20 bytes, over long before 0x68 and 0x88. Once such
  // a chunk was accepted and then deobfuscated past its end (a heap overflow, found on real
  // binaries in a SquashFS image).
  const auto tiny = lzma_alone_bytes({0x41});
  REQUIRE(4 + tiny.size() < 0x68);
  const auto short_stream = arcadyan_image({0x41}, 0x200);
  CHECK_FALSE(Registry::builtin().find("arcadyan")->identify({short_stream.data(), short_stream.size()}, 0));
  const Unpacked s = unpack_bytes(short_stream, "short.bin");
  for (const auto& n : s.tree.nodes()) CHECK(n.locator.find("arcadyan") == std::string::npos);
  // extract() on a chunk too short for the swapped blocks refuses it.
  const Limits limits;
  Budget budget(limits);
  ExtractContext ctx(budget);
  const std::vector<std::uint8_t> cut(short_stream.begin(), short_stream.begin() + 28);
  CHECK_FALSE(Registry::builtin().find("arcadyan")->extract(Blob::copy_of({cut.data(), cut.size()}), ctx));
}

TEST_CASE("hik_03kh: E3S and R6 packages decrypted with the published seeds, others key unknown", "[formats][hik_03kh][corpus]") {
  const auto exp = expected()["e3s_03kh.dav"];
  const Unpacked e3s = unpack_path(corpus_dir() / "firmware/containers/e3s_03kh.dav");
  const Node& root = e3s.tree.at(0);
  REQUIRE(root.handler == std::string("hik_03kh"));
  CHECK(prop(root, "encryption").find("E3S") != std::string::npos);
  for (const auto& [name, sha] : exp.items()) {
    INFO(name);
    const Node* n = node_at(e3s, "e3s_03kh.dav/hik_03kh@0x0:" + name);
    REQUIRE(n != nullptr);
    CHECK(n->sha256 == sha.get<std::string>());
  }
  const Unpacked r6 = unpack_path(corpus_dir() / "firmware/containers/r6_03kh.dav");
  CHECK(prop(r6.tree.at(0), "encryption").find("R6") != std::string::npos);
  const auto r6_exp = expected()["r6_03kh.dav"];  // a copy: items() of a temporary would dangle
  for (const auto& [name, sha] : r6_exp.items()) {
    INFO(name);
    const Node* n = node_at(r6, "r6_03kh.dav/hik_03kh@0x0:" + name);
    REQUIRE(n != nullptr);
    CHECK(n->sha256 == sha.get<std::string>());
  }
  // A flipped header byte: no key gives the CRC any more, so the package is "key unknown". Only
  // the header (0x180 bytes: 0x100 + 2 entries) is claimed; the members' ciphertext after it is
  // an unknown data region, not bytes the handler pretends to have read.
  auto bad = read_file(corpus_dir() / "firmware/containers/e3s_03kh.dav");
  bad[0x40] ^= 0x01;
  const Unpacked b = unpack_bytes(bad, "bad.dav");
  const Node* pkg = node_at(b, "bad.dav/hik_03kh@0x0");
  REQUIRE(pkg != nullptr);
  CHECK(prop(*pkg, "encryption") == "AES-256-ECB, key unknown");
  CHECK(pkg->size() == 0x180);
  CHECK(pkg->children.empty());
  REQUIRE(b.tree.at(0).unknown.size() == 1);
  CHECK(b.tree.at(0).unknown[0].offset == 0x180);
  CHECK(b.tree.at(0).unknown[0].size == bad.size() - 0x180);
}

TEST_CASE("reolink_pak: the PAKS variant's inline sections", "[formats][reolink_pak][corpus]") {
  const auto exp = expected()["reolink_paks.pak"];
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/containers/reolink_paks.pak");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("reolink_pak"));
  CHECK(prop(root, "variant") == "PAKS");
  CHECK(prop(root, "firmware") == "v3.0.0.136_20121012");
  for (const auto& [name, sha] : exp.items()) {
    INFO(name);
    const Node* n = node_at(doc, "reolink_paks.pak/reolink_pak@0x0:" + name);
    REQUIRE(n != nullptr);
    CHECK(n->sha256 == sha.get<std::string>());
  }
  auto bytes = read_file(corpus_dir() / "firmware/containers/reolink_paks.pak");
  std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + 5000);
  CHECK(has_diagnostic(unpack_bytes(cut, "cut.pak"), "truncated"));
  bytes[104 + 8] = 0x01;  // a control character in the first section name: not a PAKS
  CHECK_FALSE(Registry::builtin().find("reolink_pak")->identify({bytes.data(), bytes.size()}, 0));
}
