#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

nlohmann::json expected() {
  std::ifstream in(corpus_dir() / "firmware/fit/EXPECTED.json");
  return nlohmann::json::parse(in);
}

const Node* fit_node(const Unpacked& doc) {
  for (const auto& n : doc.tree.nodes()) {
    if (n.handler == std::string("fdt") && !prop(n, "default_configuration").empty()) return &n;
  }
  return nullptr;
}

// Locator prefix of the FIT's entries: the root node's entries carry the handler step.
std::string base(const Node& fit) { return fit.id == 0 ? fit.locator + "/fdt@0x0" : fit.locator; }

}  // namespace

TEST_CASE("fdt: generated FIT images, embedded and external data, every hash verified", "[formats][fdt][corpus]") {
  const auto exp = expected();
  for (const char* name : {"camera.itb", "camera_ext.itb"}) {
    INFO(name);
    const Unpacked doc = unpack_path(corpus_dir() / "firmware/fit" / name);
    const Node* fit = fit_node(doc);
    REQUIRE(fit != nullptr);
    CHECK(prop(*fit, "default_configuration") == "conf-1");
    std::uint64_t images = 0;
    for (const auto& [image, sha] : exp["images"].items()) {
      INFO(image);
      const Node* n = node_at(doc, base(*fit) + ":" + image);
      REQUIRE(n != nullptr);
      CHECK(n->sha256 == sha.get<std::string>());
      CHECK(prop(*fit, "image " + image).find("crc32 ok, sha1 ok, sha256 ok") != std::string::npos);
      // The hashes cover the image's bytes: they are verified where the FIT holds them.
      CHECK(std::any_of(fit->verified.begin(), fit->verified.end(),
                        [&](const Extent& e) { return e.offset <= n->step.offset && n->step.offset + n->size() <= e.offset + e.size; }));
      images += n->size();
    }
    std::uint64_t verified = 0;
    for (const Extent& e : fit->verified) verified += e.size;
    CHECK(verified == images);  // the tree itself has no checksum: only the images
    CHECK(node_at(doc, base(*fit) + ":kernel/gzip@0x0:decompressed")->sha256 == exp["kernel_decompressed"].get<std::string>());
    CHECK(prop(*node_at(doc, base(*fit) + ":fdt-1"), "model") == exp["fdt_model"].get<std::string>());
    CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
  }
}

TEST_CASE("fdt: a changed image byte fails its hashes; damage is refused or reported", "[formats][fdt][malformed]") {
  auto bytes = read_file(corpus_dir() / "firmware/fit/camera_ext.itb");
  const Unpacked good = unpack_bytes(bytes, "camera_ext.itb");
  const Node* kernel = node_at(good, base(*fit_node(good)) + ":kernel");
  REQUIRE(kernel != nullptr);
  REQUIRE(kernel->root_offset);
  SECTION("hash mismatch") {
    auto bad = bytes;
    bad[*kernel->root_offset + 100] ^= 0x01;
    const Unpacked doc = unpack_bytes(bad, "bad.itb");
    CHECK(has_diagnostic(doc, "checksum_mismatch"));
    CHECK(prop(*fit_node(doc), "image kernel").find("MISMATCH") != std::string::npos);
    for (const Extent& e : fit_node(doc)->verified) CHECK(e.offset != kernel->step.offset);  // no longer verified
  }
  SECTION("external data cut off") {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(*kernel->root_offset + 10));
    auto c = Registry::builtin().find("fdt")->identify({cut.data(), cut.size()}, 0);
    REQUIRE(c);
    CHECK(c->confidence == Confidence::kLow);
    const Unpacked doc = unpack_bytes(cut, "cut.itb");
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("a structure block that fails libfdt's full check is not a chunk") {
    auto bad = bytes;
    bad[8 + 3] = 0xF0;  // off_dt_struct far past the tree
    CHECK_FALSE(Registry::builtin().find("fdt")->identify({bad.data(), bad.size()}, 0));
  }
}

TEST_CASE("fdt: FACT's FIT and device-tree samples", "[formats][fdt][external]") {
  const Unpacked fit = unpack_path(external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/uboot/test/data/fit.itb");
  REQUIRE(fit.tree.at(0).handler == std::string("fdt"));
  CHECK(prop(fit.tree.at(0), "image kernel").rfind("kernel, gzip", 0) == 0);
  CHECK(node_at(fit, "fit.itb/fdt@0x0:fdt")->handler == std::string("fdt"));
  CHECK(!nodes_ending_with(fit, "squashfs@0x0:root/random-data").empty());  // rootfs: gzip -> SquashFS
  const std::filesystem::path dt = external_dir() / "FACT_core/src/plugins/analysis/device_tree/test/data";
  const Unpacked tree = unpack_path(dt / "device_tree.dtb");
  CHECK(prop(tree.tree.at(0), "model") == "Manufac XYZ1234ABC");
  for (const char* name : {"broken.dtb", "false_positive.rnd"}) {  // damaged / random: never a device tree
    INFO(name);
    const Unpacked doc = unpack_path(dt / name);
    for (const auto& n : doc.tree.nodes()) CHECK(n.handler != std::string("fdt"));
  }
}
