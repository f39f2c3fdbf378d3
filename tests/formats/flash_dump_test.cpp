// The generated NOR dumps (tools/gen_fs_corpus.py): their layout is known by construction and
// written to EXPECTED.json. Each names its partitions in its U-Boot environment (mtdparts=):
// fwscan must show every partition by name at its offset, find exactly the format placed in it,
// and account for every byte: read (verified where a check covers it), located by the map, or
// padding, with read plus located >= 99% of the non-padding bytes.
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("flash dump: every partition of the map by name, its format inside it, every byte accounted for", "[formats][flash][corpus]") {
  std::ifstream in(corpus_dir() / "firmware/flash_dump/EXPECTED.json");
  const auto exp = nlohmann::json::parse(in);
  REQUIRE(exp["dumps"].size() == 2);
  for (const auto& [name, dump] : exp["dumps"].items()) {
    INFO(name);
    const Unpacked doc = unpack_path(corpus_dir() / "firmware/flash_dump" / name);
    const std::string flash = name + "/xz@0x0:decompressed";
    const Node* f = node_at(doc, flash);
    REQUIRE(f != nullptr);
    CHECK(f->size() == exp["size"].get<std::uint64_t>());
    CHECK(f->handler == std::string("mtdparts"));
    CHECK(prop(*f, "mtd_id") == dump["mtd_id"].get<std::string>());
    CHECK(prop(*f, "source").find("U-Boot environment at 0x40000 (CRC ok") == 0);
    const std::string map = flash + "/mtdparts@0x0:";
    REQUIRE(f->children.size() == dump["partitions"].size());
    std::uint64_t read = 0, padding = 0;
    for (const auto& p : dump["partitions"]) {
      const std::string part = map + p["name"].get<std::string>();
      INFO(part);
      const Node* n = node_at(doc, part);
      REQUIRE(n != nullptr);
      CHECK(n->step.offset == p["offset"].get<std::uint64_t>());
      CHECK(n->size() == p["size"].get<std::uint64_t>());
      REQUIRE(n->bytes);
      CHECK(n->bytes->total() == n->size());
      CHECK(n->bytes->unknown == 0);
      read += n->bytes->verified + n->bytes->read;
      padding += n->bytes->padding;
      std::size_t chunks = 0;
      for (const NodeRecord* c : nodes_ending_with(doc.report, "")) chunks += c->parent == n->id && c->kind == NodeKind::kChunk ? 1 : 0;
      if (p["format"].is_null()) {  // nothing a reader reads: the map alone bounds it
        CHECK(chunks == 0);
        CHECK_FALSE(n->handler);
        CHECK(n->bytes->located > 0);
        CHECK(n->bytes->read + n->bytes->verified == 0);
        continue;
      }
      const std::string format = p["format"].get<std::string>();
      const Node* whole = n->handler == format ? n : node_at(doc, part + "/" + format + "@0x0");
      REQUIRE(whole != nullptr);
      CHECK(whole->handler == format);
      CHECK(chunks <= 1);  // no false chunk in the padding or inside the payloads
      CHECK(n->bytes->located == 0);
      if (dump["sizes"].contains(p["name"].get<std::string>())) CHECK(whole->size() == dump["sizes"][p["name"].get<std::string>()].get<std::uint64_t>());
      if (format == "uboot_env") {
        CHECK(prop(*whole, "bootargs") == dump["bootargs"].get<std::string>());
        CHECK(n->bytes->verified == n->size());  // the CRC covers the whole environment
      }
      if (format == "uimage") CHECK(n->bytes->verified == whole->size());  // header and data CRCs
      if (format == "squashfs") CHECK(n->bytes->verified == 0);              // SquashFS has no checksum
    }
    REQUIRE(f->bytes);
    const ByteAccount& all = *f->bytes;
    CHECK(all.total() == f->size());
    CHECK(all.verified + all.read == read);
    CHECK(all.padding == padding);
    CHECK(all.unknown == 0);
    const double share = static_cast<double>(all.verified + all.read + all.located) / static_cast<double>(all.total() - all.padding);
    CHECK(share >= exp["min_read_or_located"].get<double>());
    for (const auto& [where, sha] : exp["members"].items()) {
      INFO(where);
      const std::string part = where.substr(0, where.find('/')), format = where.substr(where.find('/') + 1, where.find(':') - where.find('/') - 1);
      const Node* m = node_at(doc, map + part + "/" + format + "@0x0:" + where.substr(where.find(':') + 1));
      REQUIRE(m != nullptr);
      CHECK(m->sha256 == sha.get<std::string>());
    }
  }
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
