#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
const char* kImage = "firmware/xiongmai_demo/General_HI3516EV200.bin";
}  // namespace

TEST_CASE("xiongmai_zip: InstallDesc fields and flash ranges of the burnable images", "[formats][xiongmai_zip]") {
  const Unpacked doc = unpack_path(corpus_dir() / kImage);
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("xiongmai_zip"));
  CHECK(prop(root, "Hardware") == "HI3516EV200_85H30AI_S38");
  CHECK(prop(root, "Vendor") == "General");
  CHECK(prop(root, "burn") == "u-boot.env.img, user-x.cramfs.img");
  CHECK(prop(root, "flash:u-boot.env.img") == "[0x30000, 0x40000)");
  CHECK(prop(root, "flash:user-x.cramfs.img") == "[0x250000, 0x750000)");
  CHECK(node_at(doc, "General_HI3516EV200.bin/xiongmai_zip@0x0:user-x.cramfs.img/uimage@0x0:user/squashfs@0x0:usr/bin/dvrHelper") != nullptr);
}

TEST_CASE("xiongmai_zip: backdoor and cloud endpoints found end to end", "[formats][xiongmai_zip][corpus]") {
  const ReportDocument doc = scan_path(corpus_dir() / kImage);
  const std::string helper = "General_HI3516EV200.bin/xiongmai_zip@0x0:user-x.cramfs.img/uimage@0x0:user/squashfs@0x0:usr/bin/dvrHelper";
  REQUIRE(doc.findings.size() == 2);
  CHECK(doc.findings[0].rule == "BKDR_HiSilicon_XM_dvrbox_9530_Telnet");
  CHECK(doc.findings[0].severity == RuleSeverity::kCritical);
  CHECK(doc.findings[0].locator == helper);
  CHECK(doc.findings[1].rule == "TELEM_XiongMai_XMEye_Cloud_Endpoints");
  CHECK(doc.findings[1].severity == RuleSeverity::kInfo);
}

TEST_CASE("xiongmai_zip: a plain zip stays a zip; bad InstallDesc is a diagnostic", "[formats][xiongmai_zip]") {
  const Unpacked z = unpack_path(external_dir() / "binwalk/tests/inputs/zip.bin");
  for (const auto& n : z.tree.nodes()) CHECK(n.handler != std::string("xiongmai_zip"));
  auto bytes = read_file(corpus_dir() / kImage);
  // InstallDesc is stored deflated; a stored copy with broken JSON is built here instead.
  ByteBuilder b;
  const std::string body = "{ not json";
  const std::string name = "InstallDesc";
  b.str("PK\x03\x04").u16le(10).u16le(0).u16le(0).u32le(0).u32le(crc32_of(body)).u32le(static_cast<std::uint32_t>(body.size()))
      .u32le(static_cast<std::uint32_t>(body.size())).u16le(static_cast<std::uint16_t>(name.size())).u16le(0).str(name).str(body);
  const std::size_t cd = b.size();
  b.str("PK\x01\x02").u16le(20).u16le(10).u16le(0).u16le(0).u32le(0).u32le(crc32_of(body)).u32le(static_cast<std::uint32_t>(body.size()))
      .u32le(static_cast<std::uint32_t>(body.size())).u16le(static_cast<std::uint16_t>(name.size())).u16le(0).u16le(0).u16le(0).u16le(0)
      .u32le(0).u32le(0).str(name);
  const std::size_t cd_size = b.size() - cd;
  b.str("PK\x05\x06").u16le(0).u16le(0).u16le(1).u16le(1).u32le(static_cast<std::uint32_t>(cd_size)).u32le(static_cast<std::uint32_t>(cd)).u16le(0);
  const Unpacked bad = unpack_bytes(b.data(), "bad.bin");
  CHECK(bad.tree.at(0).handler == std::string("xiongmai_zip"));
  CHECK(has_diagnostic(bad, "malformed"));
}
