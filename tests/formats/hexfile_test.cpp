#include <cstdio>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::string ihex_record(std::uint8_t type, std::uint16_t addr, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> rec{static_cast<std::uint8_t>(data.size()), static_cast<std::uint8_t>(addr >> 8), static_cast<std::uint8_t>(addr), type};
  rec.insert(rec.end(), data.begin(), data.end());
  std::uint8_t sum = 0;
  for (auto b : rec) sum = static_cast<std::uint8_t>(sum + b);
  rec.push_back(static_cast<std::uint8_t>(-sum));
  std::string s = ":";
  char buf[3];
  for (auto b : rec) {
    std::snprintf(buf, sizeof buf, "%02X", b);
    s += buf;
  }
  return s + "\r\n";
}

std::string srec_record(int type, std::uint32_t addr, int alen, const std::string& data) {
  std::vector<std::uint8_t> rec{static_cast<std::uint8_t>(alen + data.size() + 1)};
  for (int i = alen - 1; i >= 0; --i) rec.push_back(static_cast<std::uint8_t>(addr >> (8 * i)));
  rec.insert(rec.end(), data.begin(), data.end());
  std::uint8_t sum = 0;
  for (auto b : rec) sum = static_cast<std::uint8_t>(sum + b);
  rec.push_back(static_cast<std::uint8_t>(~sum));
  std::string s = "S" + std::to_string(type);
  char buf[3];
  for (auto b : rec) {
    std::snprintf(buf, sizeof buf, "%02X", b);
    s += buf;
  }
  return s + "\n";
}
}  // namespace

TEST_CASE("ihex: extended linear addresses, data and the end record", "[formats][ihex]") {
  std::string f = ihex_record(4, 0, {0x08, 0x00});
  f += ihex_record(0, 0x0000, text_bytes("BOOT"));
  f += ihex_record(0, 0x0010, text_bytes("APP!"));
  f += ihex_record(1, 0, {});
  const std::size_t end = f.size();
  f += "trailing junk\n";
  const Unpacked doc = unpack_bytes(text_bytes(f), "fw.hex");
  const Node* chunk = node_at(doc, "fw.hex/ihex@0x0");
  REQUIRE(chunk != nullptr);
  CHECK(chunk->size() == end);
  const Node* img = node_at(doc, "fw.hex/ihex@0x0:image.bin");
  REQUIRE(img != nullptr);
  REQUIRE(img->size() == 0x14);
  CHECK(std::string(as_chars(img->data.bytes().subspan(0, 4))) == "BOOT");
  CHECK(img->data.bytes()[4] == 0xFF);
  CHECK(std::string(as_chars(img->data.bytes().subspan(0x10, 4))) == "APP!");
  bool load = false;
  for (const auto& [k, v] : chunk->properties) load = load || (k == "load_address" && v == "0x8000000");
  CHECK(load);
}

TEST_CASE("ihex: checksum errors and a missing end record", "[formats][ihex]") {
  std::string f = ihex_record(0, 0, text_bytes("DATA"));
  f[9] = f[9] == '0' ? '1' : '0';  // corrupt a data digit
  const Unpacked doc = unpack_bytes(text_bytes(f + ihex_record(0, 4, text_bytes("MORE"))), "bad.hex");
  CHECK(has_diagnostic(doc, "checksum_mismatch"));
  CHECK(doc.tree.at(0).confidence == Confidence::kLow);
}

TEST_CASE("srec: header, 32-bit data records and the end record", "[formats][srec]") {
  std::string f = srec_record(0, 0, 2, "fwscan");
  f += srec_record(3, 0x80001000, 4, "KERNEL");
  f += srec_record(7, 0x80001000, 4, "");
  const Unpacked doc = unpack_bytes(text_bytes(f), "fw.srec");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("srec"));
  CHECK(std::string(as_chars(node_at(doc, "fw.srec/srec@0x0:image.bin")->data.bytes())) == "KERNEL");
  bool header = false;
  for (const auto& [k, v] : root.properties) header = header || (k == "header" && v == "fwscan");
  CHECK(header);
  std::string bad = f;
  bad[bad.size() - 3] = bad[bad.size() - 3] == '0' ? '1' : '0';
  CHECK(has_diagnostic(unpack_bytes(text_bytes(bad), "bad.srec"), "checksum_mismatch"));
}
