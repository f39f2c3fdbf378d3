// Identify-only media and disk formats (binwalk's test inputs): extents, and damage.
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::vector<std::uint8_t> input(const std::string& name) { return read_file(external_dir() / "binwalk/tests/inputs" / name); }
std::optional<Chunk> ident(const char* id, const std::vector<std::uint8_t>& v, std::uint64_t at = 0) {
  return Registry::builtin().find(id)->identify({v.data(), v.size()}, at);
}
}  // namespace

TEST_CASE("media: exact extents of the binwalk images", "[formats][media][external]") {
  const auto jpeg = input("jpeg.bin");
  CHECK(ident("jpeg", jpeg)->size == 0x15BBE);
  CHECK(ident("jpeg", jpeg, 0x15BBE)->size == jpeg.size() - 0x15BBE);
  const auto bmp = input("bmp.bin");
  CHECK(ident("bmp", bmp, 0xB7F94)->size == 0x41EE8);
  const auto riff = input("riff.bin");
  CHECK(ident("riff", riff)->size == 8 + 0x7668);
  const auto pdf = input("pdf.bin");
  CHECK(ident("pdf", pdf)->size == pdf.size());
  const auto ota = input("matter_ota.bin");
  CHECK(ident("matter_ota", ota)->size == 96);
  const Unpacked d = unpack_path(external_dir() / "binwalk/tests/inputs/matter_ota.bin");
  CHECK(std::string(as_chars(node_at(d, "matter_ota.bin/matter_ota@0x0:payload")->data.bytes())) == "PAYLOAD\n");
  const Unpacked m = unpack_path(external_dir() / "binwalk/tests/inputs/mbr.bin");
  const Node* part = node_at(m, "mbr.bin/mbr@0x0:partition0_type83");
  REQUIRE(part != nullptr);
  CHECK(part->root_offset == 512U);
  CHECK(part->size() == 9 * 512);
}

TEST_CASE("media: damaged or truncated inputs are rejected or marked", "[formats][media]") {
  auto jpeg = input("jpeg.bin");
  jpeg.resize(0x9000);  // cut inside the scan data: no EOI
  CHECK_FALSE(ident("jpeg", jpeg));
  auto bmp = input("bmp.bin");
  std::vector<std::uint8_t> cut(bmp.begin() + 0xB7F94, bmp.begin() + 0xB7F94 + 1000);
  CHECK_FALSE(ident("bmp", cut));  // size field past the end
  auto riff = input("riff.bin");
  riff.resize(1000);
  CHECK(ident("riff", riff)->confidence == Confidence::kLow);
  const auto pdf = text_bytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n");  // no %%EOF
  CHECK(ident("pdf", pdf)->confidence == Confidence::kLow);
  auto ota = input("matter_ota.bin");
  ota.resize(40);
  CHECK(ident("matter_ota", ota)->confidence == Confidence::kLow);
  auto arj = input("arj.bin");
  arj[0xD + 10] ^= 1;  // basic header CRC mismatch
  CHECK_FALSE(ident("arj", arj, 0xD));
  auto mbr = input("mbr.bin");
  mbr[446] = 0x33;  // invalid status byte
  CHECK_FALSE(ident("mbr", mbr));
  auto qcow = input("qcow.bin");
  qcow[7] = 9;  // version 9
  CHECK_FALSE(ident("qcow", qcow));
  const Unpacked png = unpack_path(external_dir() / "binwalk/tests/inputs/png_malformed.bin");
  CHECK(png.tree.size() == 1);
}
