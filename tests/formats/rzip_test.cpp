// rzip and lrzip: the generated files (corpus/archives/rzip, written by the rzip and lrzip
// programs with every lrzip back end), patool's samples, and damaged copies.
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

const std::filesystem::path kDir = corpus_dir() / "archives/rzip";

nlohmann::json expected() {
  std::ifstream in(kDir / "EXPECTED.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

std::uint64_t le(const std::vector<std::uint8_t>& b, std::size_t at, unsigned n) {
  std::uint64_t v = 0;
  for (unsigned i = n; i-- > 0;) v = (v << 8) | b[at + i];
  return v;
}

// The uncompressed (-n) lrzip 0.6 file: where stream 0's first block keeps its commands and
// stream 1's first block its literals (chunk_bytes @24, eof @25, chunk size, then the two
// stream headers: type, c_len, u_len, first block offset, each field chunk_bytes wide).
struct Plain {
  std::vector<std::uint8_t> bytes;
  unsigned cb = 0;
  std::size_t commands = 0, literals = 0;
};
Plain plain_lrzip() {
  Plain p;
  p.bytes = read_file(kDir / "notes-none.lrz");
  p.cb = p.bytes[24];
  const std::size_t base = 26 + p.cb;
  const std::size_t hl = 1 + 3 * p.cb;
  REQUIRE(p.bytes[base] == 3);
  p.commands = base + le(p.bytes, base + 1 + 2 * p.cb, p.cb) + hl;
  p.literals = base + le(p.bytes, base + hl + 1 + 2 * p.cb, p.cb) + hl;
  REQUIRE(p.bytes[p.commands - hl] == 3);  // stored blocks
  REQUIRE(p.bytes[p.literals - hl] == 3);
  return p;
}

}  // namespace

TEST_CASE("rzip: the rzip program's file and lrzip's, with every back end, decode to the text", "[formats][rzip]") {
  const auto e = expected();
  const std::string sha = e["text"]["sha256"];
  std::size_t decoded = 0;
  for (const auto& [name, backend] : e["files"].items()) {
    INFO(name);
    const Unpacked doc = unpack_path(kDir / name);
    const bool lrz = name.ends_with(".lrz");
    REQUIRE(doc.tree.at(0).handler == std::string(lrz ? "lrzip" : "rzip"));
    if (backend == "zpaq") {
      CHECK(has_diagnostic(doc, "unsupported"));
      CHECK(node_at(doc, name + "/lrzip@0x0:decompressed") == nullptr);
      continue;
    }
    const Node* out = node_at(doc, name + (lrz ? "/lrzip@0x0:decompressed" : "/rzip@0x0:decompressed"));
    REQUIRE(out != nullptr);
    CHECK(out->size() == e["text"]["size"].get<std::uint64_t>());
    CHECK(out->sha256 == sha);
    CHECK(doc.tree.at(0).diagnostics.empty());
    if (lrz) CHECK(prop(doc.tree.at(0), "integrity") == "MD5 of the output");
    ++decoded;
  }
  CHECK(decoded == 6);
}

TEST_CASE("rzip: patool's samples are the 128-byte test file", "[formats][rzip][external]") {
  const auto dir = external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/patool/test/data";
  for (const char* name : {"test.rz", "test.lrz"}) {
    INFO(name);
    const Unpacked doc = unpack_path(dir / name);
    const auto outs = nodes_ending_with(doc, ":decompressed");
    REQUIRE(outs.size() == 1);
    CHECK(outs[0]->size() == 128);
    CHECK(doc.tree.at(0).size() == std::filesystem::file_size(dir / name));
  }
}

TEST_CASE("rzip: damaged files end in diagnostics", "[formats][rzip][malformed]") {
  SECTION("a match reaching before the start of the output") {
    Plain p = plain_lrzip();
    // Commands: head u8, len u16; a match (head != 0) then has its offset (chunk_bytes wide).
    std::size_t at = p.commands;
    while (p.bytes[at] == 0) at += 3;
    for (unsigned i = 0; i < p.cb; ++i) p.bytes[at + 3 + i] = 0xFF;
    const Unpacked doc = unpack_bytes(p.bytes, "far.lrz");
    REQUIRE(doc.tree.at(0).handler == std::string("lrzip"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("a literal byte changed: the MD5 says so") {
    Plain p = plain_lrzip();
    p.bytes[p.literals + 100] ^= 0x20;
    const Unpacked doc = unpack_bytes(p.bytes, "md5.lrz");
    CHECK(has_diagnostic(doc, "checksum_mismatch"));
  }
  SECTION("a block offset that does not move forward") {
    Plain p = plain_lrzip();
    const std::size_t hl = 1 + 3 * p.cb;
    const std::size_t header = p.literals - hl;
    const std::uint64_t self = header - (26 + p.cb);  // the block's own offset
    for (unsigned i = 0; i < p.cb; ++i) p.bytes[header + 1 + 2 * p.cb + i] = static_cast<std::uint8_t>(self >> (8 * i));
    const Unpacked doc = unpack_bytes(p.bytes, "loop.lrz");
    REQUIRE(doc.tree.at(0).handler == std::string("lrzip"));
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("rzip's CRC-32 of a chunk") {
    auto rz = read_file(external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/patool/test/data/test.rz");
    // patool's file keeps stream 0 stored: its 10 bytes are two commands and the CRC.
    REQUIRE(rz.size() == 198);
    REQUIRE(rz[0x32] == 3);
    rz[0x32 + 13 + 9] ^= 0x01;
    CHECK(has_diagnostic(unpack_bytes(rz, "crc.rz"), "checksum_mismatch"));
  }
  SECTION("cut at many points") {
    for (const char* name : {"notes.rz", "notes-lzma.lrz", "notes-lzo.lrz"}) {
      const auto good = read_file(kDir / name);
      for (std::size_t cut : {std::size_t{30}, std::size_t{60}, good.size() / 3, good.size() / 2, good.size() - 20}) {
        INFO(name << " cut at " << cut);
        std::vector<std::uint8_t> bad(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
        const Unpacked doc = unpack_bytes(bad, "cut.bin");
        REQUIRE(doc.tree.at(0).handler.has_value());
        CHECK((has_diagnostic(doc, "malformed") || has_diagnostic(doc, "truncated")));
        CHECK(nodes_ending_with(doc, ":decompressed").size() <= 1);
      }
    }
  }
  SECTION("bytes flipped: every scan finishes") {
    for (const char* name : {"notes.rz", "notes-gzip.lrz", "notes-none.lrz"}) {
      const auto good = read_file(kDir / name);
      const auto noise = pseudo_random(200, 5);
      for (int round = 0; round < 100; ++round) {
        auto bad = good;
        const std::size_t at = 24 + (noise[static_cast<std::size_t>(round) * 2] * 257U + static_cast<std::size_t>(round) * 7919U) % (good.size() - 24);
        bad[at] ^= static_cast<std::uint8_t>(1U << (noise[static_cast<std::size_t>(round) * 2 + 1] % 8));
        REQUIRE(unpack_bytes(bad, "flip.bin").tree.size() >= 1);
      }
    }
  }
}
