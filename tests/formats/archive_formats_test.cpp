// 7-Zip, ISO 9660 (libarchive entries, native extents) and ar (native).
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::filesystem::path fx(const std::string& rel) { return external_dir() / "fact_extractor/fact_extractor/plugins/unpacking" / rel; }
std::string text(const Node* n) {
  REQUIRE(n != nullptr);
  return std::string(as_chars(n->data.bytes()));
}
}  // namespace

TEST_CASE("sevenzip: binwalk and FACT vectors, nested zip", "[formats][sevenzip][external]") {
  const ReportDocument a = unpack_path(external_dir() / "binwalk/tests/inputs/7z.bin");
  CHECK(text(node_at(a, "7z.bin/sevenzip@0x0:lsb-release")).find("DISTRIB_ID") != std::string::npos);
  const ReportDocument b = unpack_path(external_dir() / "FACT_core/src/test/data/container/test_zip.7z");
  CHECK(text(node_at(b, "test_zip.7z/sevenzip@0x0:testfile1.zip/zip@0x0:testfile1")).size() == 62);
  CHECK(node_at(b, "test_zip.7z/sevenzip@0x0:testfile2")->size() == 28);
}

TEST_CASE("sevenzip: a start-header CRC mismatch is not a chunk; truncation is reported", "[formats][sevenzip]") {
  auto v = read_file(external_dir() / "binwalk/tests/inputs/7z.bin");
  auto bad = v;
  bad[20] ^= 1;
  CHECK_FALSE(Registry::builtin().find("sevenzip")->identify({bad.data(), bad.size()}, 0));
  v.resize(100);
  auto c = Registry::builtin().find("sevenzip")->identify({v.data(), v.size()}, 0);
  REQUIRE(c);
  CHECK(c->confidence == Confidence::kLow);
}

TEST_CASE("iso9660: plain and zisofs images", "[formats][iso9660][external]") {
  const ReportDocument a = unpack_path(fx("sevenz/test/data/test.iso"));
  REQUIRE(a.tree.at(0).handler == std::string("iso9660"));
  CHECK(text(node_at(a, "test.iso/iso9660@0x0:generic folder/test file 3_.txt")) == "The third test file!");
  CHECK(node_at(a, "test.iso/iso9660@0x0:.") == nullptr);
  const ReportDocument b = unpack_path(fx("sevenz/test/data/test_zisofs.iso"));
  CHECK(node_at(b, "test_zisofs.iso/iso9660@0x0:LOREM")->size() == 296);
}

TEST_CASE("iso9660: inconsistent descriptors and truncation", "[formats][iso9660]") {
  auto v = read_file(fx("sevenz/test/data/test.iso"));
  auto bad = v;
  bad[0x8050] ^= 1;  // little-endian half of the both-endian size no longer agrees
  CHECK_FALSE(Registry::builtin().find("iso9660")->identify({bad.data(), bad.size()}, 0));
  v.resize(0x9000);
  auto c = Registry::builtin().find("iso9660")->identify({v.data(), v.size()}, 0);
  REQUIRE(c);
  CHECK(c->confidence == Confidence::kLow);
}

TEST_CASE("ar: static library and Debian package", "[formats][ar][external]") {
  const ReportDocument a = unpack_path(fx("patool/test/data/test.a"));
  CHECK(node_at(a, "test.a/ar@0x0:test.data")->size() == 128);
  const ReportDocument d = unpack_path(fx("patool/test/data/test.deb"));
  CHECK(text(node_at(d, "test.deb/ar@0x0:debian-binary")) == "2.0\n");
  CHECK(node_at(d, "test.deb/ar@0x0:control.tar.xz/xz@0x0:decompressed/tar@0x0:./control") != nullptr);
}

TEST_CASE("ar: damaged members end in diagnostics", "[formats][ar]") {
  auto field = [](const std::string& s, std::size_t n) { return s + std::string(n - s.size(), ' '); };
  ByteBuilder b;
  b.str("!<arch>\n").str(field("a.txt/", 16)).str(field("0", 12)).str(field("0", 6)).str(field("0", 6)).str(field("100644", 8))
      .str(field("999999", 10)).str("`\n").str("short");
  const ReportDocument doc = unpack_bytes(b.data(), "t.a");
  CHECK(has_diagnostic(doc, "truncated"));
  CHECK(doc.tree.at(0).confidence == Confidence::kLow);
  // A bad first header: the archive is just its magic, the rest an unknown region.
  ByteBuilder c;
  c.str("!<arch>\n").fill('x', 60);
  const ReportDocument d = unpack_bytes(c.data(), "bad.a");
  const Node* chunk = node_at(d, "bad.a/ar@0x0");
  REQUIRE(chunk != nullptr);
  CHECK(chunk->size() == 8);
  CHECK(chunk->confidence == Confidence::kLow);
  CHECK(d.tree.at(0).unknown.size() == 1);
}
