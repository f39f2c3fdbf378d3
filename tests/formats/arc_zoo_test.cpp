#include <algorithm>
#include <set>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

nlohmann::json expected() {
  std::ifstream in(corpus_dir() / "archives/arc/EXPECTED.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("arc: stored, packed, squeezed, crunched and squashed members decode, CRC-16 checked", "[formats][arc]") {
  const auto want = expected();
  std::set<int> methods;
  for (const auto& [archive, members] : want.items()) {
    INFO(archive);
    const Unpacked doc = unpack_path(corpus_dir() / "archives/arc" / archive);
    REQUIRE(doc.tree.at(0).handler == std::string("arc"));
    for (const auto& [name, m] : members.items()) {
      INFO(name);
      const Node* n = node_at(doc, archive + "/arc@0x0:" + name);
      REQUIRE(n != nullptr);
      CHECK(n->sha256 == m["sha256"].get<std::string>());
      methods.insert(m["method"].get<int>());
    }
    CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
    CHECK_FALSE(has_diagnostic(doc, "malformed"));
  }
  CHECK(methods == std::set<int>{2, 3, 4, 8, 9});
}

TEST_CASE("arc: damage ends in diagnostics; no end marker is a truncation", "[formats][arc]") {
  const auto good = read_file(corpus_dir() / "archives/arc/mixed.arc");
  // The end marker cut off: still read, reported truncated.
  std::vector<std::uint8_t> cut(good.begin(), good.end() - 2);
  const Unpacked t = unpack_bytes(cut, "cut.arc");
  REQUIRE(node_at(t, "cut.arc/arc@0x0:tiny.txt") != nullptr);
  CHECK(has_diagnostic(t, "truncated"));
  // Flipped bytes inside each member's data: a CRC mismatch or a decode error, never a crash.
  std::uint32_t seed = 12345;
  int reported = 0;
  for (int round = 0; round < 200; ++round) {
    auto bad = good;
    seed = seed * 1664525U + 1013904223U;
    const std::size_t at = 29 + (seed >> 8) % (bad.size() - 60);
    bad[at] ^= static_cast<std::uint8_t>(1U << (seed % 8));
    const Unpacked d = unpack_bytes(bad, "bad.arc");
    bool noted = false;
    for (const auto& n : d.tree.nodes()) noted = noted || !n.diagnostics.empty();
    reported += noted ? 1 : 0;
  }
  INFO(reported << " of 200 damaged archives reported");
  CHECK(reported > 150);  // the rest flipped a header byte arc ignores (a date) or a stored byte's twin
  // A header whose size runs past the data is not an ARC at all.
  auto huge = good;
  huge[15] = 0xFF;
  huge[16] = 0xFF;
  huge[17] = 0xFF;
  const Unpacked h = unpack_bytes(huge, "huge.arc");
  CHECK(h.tree.at(0).handler != std::string("arc"));
}

namespace {

std::uint16_t crc16(std::string_view s) { return crc16_arc({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}); }  // NOLINT

struct ZooMember {
  std::string dir, name, data;
  int method = 0;
  bool deleted = false;
};

// A zoo 2.10 archive as zoo.h lays it out: banner, tag, first-entry pointer; type-2 entries with
// long names and directories; the data right after each entry; a null entry at the end.
std::vector<std::uint8_t> zoo_archive(const std::vector<ZooMember>& members) {
  ByteBuilder b;
  b.fixed("ZOO 2.10 Archive.\x1a", 20).u32le(0xFDC4A7DCU).u32le(34).u32le(static_cast<std::uint32_t>(-34)).u8(2).u8(0);
  for (const auto& m : members) {
    const std::size_t at = b.size();
    const std::size_t var = 2 + m.name.size() + 1 + m.dir.size() + 1;
    const std::size_t data_at = at + 56 + var;
    b.u32le(0xFDC4A7DCU).u8(2).u8(static_cast<std::uint8_t>(m.method)).u32le(0).u32le(static_cast<std::uint32_t>(data_at))
        .u16le(0x4d2a).u16le(0x4772).u16le(crc16(m.data)).u32le(static_cast<std::uint32_t>(m.data.size()))
        .u32le(static_cast<std::uint32_t>(m.data.size())).u8(2).u8(1).u8(m.deleted ? 1 : 0).u8(0).u32le(0).u16le(0)
        .fixed("member.txt", 13).u16le(static_cast<std::uint16_t>(var)).u8(0).u16le(0)
        .u8(static_cast<std::uint8_t>(m.name.size() + 1)).u8(static_cast<std::uint8_t>(m.dir.size() + 1))
        .str(m.name).u8(0).str(m.dir).u8(0).str(m.data);
    b.patch_u32le(at + 6, static_cast<std::uint32_t>(b.size()));  // next entry
  }
  b.u32le(0xFDC4A7DCU).u8(2).u8(0).u32le(0).u32le(0).fill(0, 56 - 14);  // null entry, no variable part
  return b.data();
}

}  // namespace

TEST_CASE("zoo: stored members with long names and folders; deleted and compressed ones", "[formats][zoo]") {
  const auto bytes = zoo_archive({{"cfg", "face attributes.ini", "isUyghur=1\n", 0, false},
                                  {"cfg", "old.ini", "removed\n", 0, true},
                                  {"bin", "analytics", "LZW bytes, not decoded", 1, false}});
  const Unpacked doc = unpack_bytes(bytes, "fw.zoo");
  REQUIRE(doc.tree.at(0).handler == std::string("zoo"));
  const Node* ini = node_at(doc, "fw.zoo/zoo@0x0:cfg/face attributes.ini");
  REQUIRE(ini != nullptr);
  REQUIRE(std::string(as_chars(ini->data.bytes())) == "isUyghur=1\n");
  CHECK(node_at(doc, "fw.zoo/zoo@0x0:cfg/old.ini") == nullptr);  // deleted: a property, not a file
  const Node* lzw = node_at(doc, "fw.zoo/zoo@0x0:bin/analytics");
  REQUIRE(lzw != nullptr);
  CHECK(lzw->meta.kind == EntryKind::kOther);
  CHECK(has_diagnostic(doc, "unsupported"));
  CHECK_FALSE(has_diagnostic(doc, "checksum_mismatch"));
  CHECK(doc.tree.at(0).children.size() == 2);  // the two live members; the deleted one is not a child
}

TEST_CASE("zoo: damage ends in diagnostics or no claim", "[formats][zoo]") {
  const auto good = zoo_archive({{"", "a.txt", "first member\n", 0, false}, {"", "b.txt", "second member\n", 0, false}});
  // A flipped data byte: CRC-16 mismatch.
  auto bad = good;
  const std::string needle = "second member";
  const auto it = std::search(bad.begin(), bad.end(), needle.begin(), needle.end());
  REQUIRE(it != bad.end());
  *it ^= 0x20;
  CHECK(has_diagnostic(unpack_bytes(bad, "crc.zoo"), "checksum_mismatch"));
  // A `next` pointer back to the first entry (a loop) or past the end, and a cut archive: not a zoo.
  auto loop = good;
  const std::uint32_t first = 34;
  const std::size_t second = loop[first + 6] | (loop[first + 7] << 8);
  for (int i = 0; i < 4; ++i) loop[second + 6 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(first >> (8 * i));
  CHECK(unpack_bytes(loop, "loop.zoo").tree.at(0).handler != std::string("zoo"));
  auto past = good;
  past[first + 6 + 2] = 0x7F;
  CHECK(unpack_bytes(past, "past.zoo").tree.at(0).handler != std::string("zoo"));
  std::vector<std::uint8_t> cut(good.begin(), good.end() - 20);
  CHECK(unpack_bytes(cut, "cut.zoo").tree.at(0).handler != std::string("zoo"));
}
