// The generated NOR dump (tools/gen_fs_corpus.py): its layout is known by construction and
// written to EXPECTED.json; fwscan must find exactly those chunks and explain >= 99% of the
// non-padding bytes.
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("flash dump: every partition carved at its erase-block offset, nothing else, coverage >= 99%", "[formats][flash][corpus]") {
  std::ifstream in(corpus_dir() / "firmware/flash_dump/EXPECTED.json");
  const auto exp = nlohmann::json::parse(in);
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/flash_dump/nor_flash.bin.xz");
  const std::string flash = "nor_flash.bin.xz/xz@0x0:decompressed";
  const Node* f = node_at(doc, flash);
  REQUIRE(f != nullptr);
  CHECK(f->size() == exp["size"].get<std::uint64_t>());
  std::size_t chunks = 0;
  for (const NodeId id : f->children) chunks += doc.tree.at(id).kind == NodeKind::kChunk ? 1 : 0;
  CHECK(chunks == exp["chunks"].size());  // no false chunk in the padding or inside the payloads
  for (const auto& c : exp["chunks"]) {
    const std::string loc = flash + "/" + c["format"].get<std::string>() + "@" + hex_u64(c["offset"].get<std::uint64_t>());
    INFO(loc);
    const Node* n = node_at(doc, loc);
    REQUIRE(n != nullptr);
    CHECK(n->handler == c["format"].get<std::string>());
    CHECK(n->step.offset % exp["erase_block"].get<std::uint64_t>() == 0);
    if (!c["size"].is_null()) CHECK(n->size() == c["size"].get<std::uint64_t>());
  }
  REQUIRE(f->coverage);
  CHECK(*f->coverage >= exp["min_coverage"].get<double>());
  for (const auto& [where, sha] : exp["members"].items()) {
    INFO(where);
    const std::string format = where.substr(0, where.find(':')), path = where.substr(where.find(':') + 1);
    std::string chunk;
    for (const auto& c : exp["chunks"]) {
      if (c["format"] == format) chunk = flash + "/" + format + "@" + hex_u64(c["offset"].get<std::uint64_t>());
    }
    const Node* m = node_at(doc, chunk + ":" + path);
    REQUIRE(m != nullptr);
    CHECK(m->sha256 == sha.get<std::string>());
  }
  CHECK(prop(*node_at(doc, flash + "/uboot_env@0x40000"), "bootargs") == exp["bootargs"].get<std::string>());
}

TEST_CASE("uboot_env: CRC-checked environments, plain and redundant, either CRC byte order", "[formats][uboot_env]") {
  const std::string vars = std::string("bootargs=console=ttyS0 root=/dev/mtdblock3\0bootcmd=bootm\0telnet=on\0\0", 68);
  for (const bool redundant : {false, true}) {
    for (const bool be : {false, true}) {
      INFO("redundant " << redundant << ", big-endian CRC " << be);
      ByteBuilder body;  // everything after the CRC: [flags byte] variables, padding, to 8 KiB in all
      if (redundant) body.u8(1);
      body.str(vars).pad_to(0x2000 - 4, 0xFF);
      const std::uint32_t crc = crc32_ieee(body.view().subspan(redundant ? 1 : 0));
      ByteBuilder env = body;
      env.fill(0x5A, 100);  // whatever follows the environment
      env.data().insert(env.data().begin(), 4, 0);
      be ? env.patch_u32be(0, crc) : env.patch_u32le(0, crc);
      const Unpacked doc = unpack_bytes(env.data(), "env.bin");
      const Node* e = node_at(doc, "env.bin/uboot_env@0x0");
      REQUIRE(e != nullptr);
      CHECK(e->size() == 0x2000U);
      CHECK(prop(*e, "telnet") == "on");
      CHECK(std::string(as_chars(node_at(doc, "env.bin/uboot_env@0x0:env.txt")->data.bytes())).find("bootcmd=bootm\n") != std::string::npos);
      auto bad = env.data();
      bad[20] ^= 1;  // inside a variable: the CRC no longer matches
      const Unpacked b = unpack_bytes(bad, "bad.bin");
      for (const auto& n : b.tree.nodes()) CHECK(n.handler != std::string("uboot_env"));
    }
  }
}
