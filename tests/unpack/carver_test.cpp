#include "core/worker_pool.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/carver.hpp"
#include "unpack/magic_index.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("magic index: wildcards, header offsets and start-only magics", "[unpack]") {
  const CompiledMagic m = compile_magic("1f 8b ?? 08");
  REQUIRE(m.bytes.size() == 4);
  REQUIRE(m.mask[2] == 0);
  REQUIRE(m.anchor == 0);
  const CompiledMagic w = compile_magic("?? 71 c7");
  REQUIRE(w.anchor == 1);
  // Anchors avoid 00/FF pairs, which padding repeats: "00 00 01 00" anchors on "00 01".
  CHECK(compile_magic("00 00 01 00").anchor == 1);
  CHECK(compile_magic("00 00 00 03 00 00 00 01 ff ff").anchor == 2);
  CHECK(compile_magic("ff ff").anchor == 0);  // nothing better: the only pair
  const auto& reg = Registry::builtin();
  ByteBuilder b;
  b.fill(0, 10).str("\x1f\x8b\x08").fill(0, 300);
  const auto hits = reg.magic_index().find(b.view());
  const Handler* gz = reg.find("gzip");
  REQUIRE(gz != nullptr);
  bool found = false;
  for (const auto& h : hits) found = found || (&reg.at(h.handler) == gz && h.chunk_start == 10);
  REQUIRE(found);
  // tar's magic sits 257 bytes into the chunk: a hit at 257 yields chunk start 0.
  ByteBuilder t;
  t.bytes(tar_header("a", 0)).fill(0, 1024);
  bool tar_at_0 = false;
  for (const auto& h : reg.magic_index().find(t.view())) tar_at_0 = tar_at_0 || (reg.at(h.handler).info().id == "tar" && h.chunk_start == 0);
  REQUIRE(tar_at_0);
}

TEST_CASE("magic index: every handler's magic is found wherever it is put, as a test at every offset finds it", "[unpack]") {
  const auto& reg = Registry::builtin();
  struct Pattern {
    CompiledMagic m;
    std::size_t handler;
  };
  std::vector<Pattern> patterns;
  for (std::size_t h = 0; h < reg.size(); ++h) {
    for (const Magic& magic : reg.at(h).info().magics) {
      CompiledMagic m = compile_magic(magic.pattern);
      m.header_offset = magic.header_offset;
      m.at_start_only = magic.at_start_only;
      patterns.push_back({std::move(m), h});
    }
  }
  REQUIRE(patterns.size() > 50);
  std::uint32_t state = 777;
  auto next = [&]() { state = state * 1103515245U + 12345U; return state >> 8; };
  for (int round = 0; round < 40; ++round) {
    std::vector<std::uint8_t> d = pseudo_random(3000 + next() % 64, static_cast<std::uint32_t>(round + 100));
    // A dozen magics at random offsets, one of them ending at the data's last byte.
    for (int k = 0; k < 12; ++k) {
      const CompiledMagic& m = patterns[next() % patterns.size()].m;
      const std::size_t at = k == 0 ? d.size() - m.bytes.size() : next() % (d.size() - m.bytes.size());
      for (std::size_t i = 0; i < m.bytes.size(); ++i) d[at + i] = static_cast<std::uint8_t>((d[at + i] & ~m.mask[i]) | m.bytes[i]);
    }
    // The reference: every pattern tested at every offset.
    std::vector<MagicHit> expected;
    for (const Pattern& p : patterns) {
      for (std::size_t pos = 0; pos + p.m.bytes.size() <= d.size(); ++pos) {
        bool ok = true;
        for (std::size_t i = 0; ok && i < p.m.bytes.size(); ++i) ok = (d[pos + i] & p.m.mask[i]) == p.m.bytes[i];
        if (!ok || pos < p.m.header_offset || (p.m.at_start_only && pos != p.m.header_offset)) continue;
        expected.push_back({pos - p.m.header_offset, p.handler});
      }
    }
    std::sort(expected.begin(), expected.end(), [](const MagicHit& a, const MagicHit& b) {
      return a.chunk_start != b.chunk_start ? a.chunk_start < b.chunk_start : a.handler < b.handler;
    });
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    const auto got = reg.magic_index().find(ByteView(d.data(), d.size()));
    INFO("round " << round);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].chunk_start == expected[i].chunk_start);
      CHECK(got[i].handler == expected[i].handler);
    }
  }
}

TEST_CASE("magic index: searched in pieces on a pool, a large node gives the hits of one search", "[unpack][jobs]") {
  const auto& reg = Registry::builtin();
  std::vector<std::uint8_t> d = pseudo_random((17U << 20) + 5, 99);
  // Magics across the 8 MiB piece edges, at the very start and at the end.
  const std::vector<std::string> planted = {"\x1f\x8b\x08", "hsqs", "\xfd" "7zXZ", "UBI#", "\x27\x05\x19\x56"};
  const std::vector<std::size_t> at = {0, (8U << 20) - 1, (8U << 20) - 2, (16U << 20) - 3, d.size() - 4};
  for (std::size_t k = 0; k < at.size(); ++k) {
    const std::string& m = planted[k % planted.size()];
    std::copy(m.begin(), m.end(), d.begin() + static_cast<std::ptrdiff_t>(std::min(at[k], d.size() - m.size())));
  }
  const ByteView view(d.data(), d.size());
  const auto one = reg.magic_index().find(view);
  REQUIRE(one.size() >= at.size());
  WorkerPool pool(3);
  const Extent all{0, d.size()};
  CHECK(reg.magic_index().find(view, {&all, 1}, &pool) == one);
  // Two extents (a hole between them), each cut into pieces.
  const std::array<Extent, 2> two{Extent{0, 9U << 20}, Extent{10U << 20, d.size() - (10U << 20)}};
  CHECK(reg.magic_index().find(view, two, &pool) == reg.magic_index().find(view, two));
}

TEST_CASE("carver: exact extents, padding and data gaps, coverage", "[unpack]") {
  const auto gz = gzip_bytes(text_bytes("hello, firmware\n"));
  const auto noise = pseudo_random(100, 7);
  ByteBuilder b;
  b.fill(0xFF, 256);                  // erase-block padding
  const std::size_t gz_at = b.size();
  b.bytes(gz);
  const std::size_t noise_at = b.size();
  b.bytes(noise);
  const std::size_t xz_at = b.size();
  const auto xz = xz_bytes(text_bytes("second stream"));
  b.bytes(xz);
  b.fill(0, 100);
  const CarveResult r = carve(b.view(), Registry::builtin(), Limits{});
  REQUIRE(r.chunks.size() == 2);
  REQUIRE(r.chunks[0].chunk.offset == gz_at);
  REQUIRE(r.chunks[0].chunk.size == gz.size());
  REQUIRE(Registry::builtin().at(r.chunks[0].handler).info().id == "gzip");
  REQUIRE(r.chunks[1].chunk.offset == xz_at);
  REQUIRE(r.chunks[1].chunk.size == xz.size());
  REQUIRE(r.unknown.size() == 3);
  CHECK(r.unknown[0].offset == 0);
  CHECK(r.unknown[0].padding);
  CHECK(r.unknown[1].offset == noise_at);
  CHECK(r.unknown[1].size == noise.size());
  CHECK_FALSE(r.unknown[1].padding);
  CHECK(r.unknown[1].entropy > 5.0);
  CHECK(r.unknown[2].padding);
}

TEST_CASE("carver: long padding runs inside a gap are split out", "[unpack]") {
  ByteBuilder b;
  b.bytes(pseudo_random(50, 1)).fill(0xFF, 200).bytes(pseudo_random(30, 2));
  const auto regions = classify_gap(b.view(), 0, b.size());
  REQUIRE(regions.size() == 3);
  CHECK_FALSE(regions[0].padding);
  CHECK(regions[1].padding);
  CHECK(regions[1].offset == 50);
  CHECK(regions[1].size == 200);
  CHECK_FALSE(regions[2].padding);
}

// The padding runs by the definition, byte by byte: maximal runs of one pad byte (0x00 or 0xFF)
// of 64 bytes or more, two that touch making one region; what lies between them is data.
std::vector<std::pair<std::uint64_t, std::uint64_t>> padding_runs_by_definition(const std::vector<std::uint8_t>& d) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> runs;
  for (std::size_t i = 0; i < d.size();) {
    std::size_t j = i + 1;
    while (j < d.size() && d[j] == d[i]) ++j;
    if ((d[i] == 0x00 || d[i] == 0xFF) && j - i >= 64) {
      if (!runs.empty() && runs.back().first + runs.back().second == i) runs.back().second += j - i;  // 0x00 then 0xFF: one region
      else runs.emplace_back(i, j - i);
    }
    i = j;
  }
  return runs;
}

TEST_CASE("carver: padding runs are found as their definition finds them, at any length and offset", "[unpack]") {
  // Runs of 63, 64 and 65 bytes and longer, 0x00 against 0xFF, at the edges and in the middle,
  // over data that holds short runs of pad bytes too.
  std::uint32_t state = 12345;
  auto next = [&]() { state = state * 1103515245U + 12345U; return state >> 16; };
  for (int round = 0; round < 400; ++round) {
    std::vector<std::uint8_t> d;
    const int pieces = 1 + static_cast<int>(next() % 8);
    for (int k = 0; k < pieces; ++k) {
      const std::uint32_t kind = next() % 4;
      const std::size_t len = kind == 3 ? 1 + next() % 300 : std::size_t{60} + next() % 10 + (next() % 3 == 0 ? next() % 200 : 0);
      const std::uint8_t pad = next() % 2 == 0 ? 0x00 : 0xFF;
      for (std::size_t i = 0; i < len; ++i) d.push_back(kind == 3 ? static_cast<std::uint8_t>(next() % 3 == 0 ? pad : next()) : pad);
    }
    d.push_back(0x41);  // never uniform: the whole-gap rule is another test's
    const auto expected = padding_runs_by_definition(d);
    const auto regions = classify_gap(ByteView(d.data(), d.size()), 0, d.size());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> got;
    std::uint64_t pos = 0;
    for (const UnknownRegion& r : regions) {
      REQUIRE(r.offset == pos);  // the regions tile the gap
      pos += r.size;
      if (r.padding) got.emplace_back(r.offset, r.size);
    }
    REQUIRE(pos == d.size());
    INFO("round " << round << ", " << d.size() << " bytes");
    CHECK(got == expected);
  }
}

TEST_CASE("carver: hits inside an accepted chunk are skipped", "[unpack]") {
  // A tar holding a gzip member: the gzip magic inside the tar is not a separate chunk.
  const auto gz = gzip_bytes(text_bytes("inner"));
  ByteBuilder b;
  b.bytes(tar_header("x.gz", gz.size())).bytes(gz).align(512).fill(0, 1024);
  const CarveResult r = carve(b.view(), Registry::builtin(), Limits{});
  REQUIRE(r.chunks.size() == 1);
  REQUIRE(Registry::builtin().at(r.chunks[0].handler).info().id == "tar");
  REQUIRE(r.chunks[0].chunk.size == b.size());
}
