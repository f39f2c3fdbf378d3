// Locators are built by one set of functions (model/locator.hpp) and parse back into their parts.
// Expected texts come from the grammar in docs/locators.md, written out by hand here.
#include <catch2/catch.hpp>

#include <set>

#include "model/locator.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("locators: the builders write the grammar", "[model][locator]") {
  CHECK(root_locator("digicap.dav") == "digicap.dav");
  CHECK(root_locator("digicap.dav", 2) == "digicap.dav#2");
  CHECK(root_locator("a@b#c%\n") == "a%40b%23c%25%0A");
  CHECK(chunk_locator("dump.bin", "squashfs", 0x40000) == "dump.bin/squashfs@0x40000");
  CHECK(entry_locator("d.dav/swkh@0x0", "app.img") == "d.dav/swkh@0x0:app.img");
  CHECK(entry_locator("d.dav/swkh@0x0", "app.img", 3) == "d.dav/swkh@0x0:app.img#3");
  CHECK(entry_locator("t/tar@0x0", "etc/x#2") == "t/tar@0x0:etc/x%232");  // a name that looks like a repeat
  CHECK(step_text("gzip", 0x1f) == "gzip@0x1f");
  CHECK(escape_locator_part("维族.txt") == "维族.txt");
  // Bytes that are not well-formed UTF-8 are escaped: a lone byte, a cut sequence, an overlong form.
  CHECK(escape_locator_part("a\xff") == "a%FF");
  CHECK(escape_locator_part("\xe7\xbb.txt") == "%E7%BB.txt");
  CHECK(escape_locator_part("\xc0\xaf") == "%C0%AF");
  CHECK(unescape_locator_part("a%FF%E7%BB") == std::string("a\xff\xe7\xbb"));
}

TEST_CASE("locators: parse gives back the parts and the text", "[model][locator]") {
  const std::string text = "fw%40.bin#2/swkh@0x0:app.img/squashfs@0x40:usr/bin/a:b c/gzip@0x1f:decompressed#2";
  const auto l = parse_locator(text);
  REQUIRE(l);
  CHECK(l->root == "fw%40.bin#2");
  REQUIRE(l->steps.size() == 3);
  CHECK(l->steps[0] == LocatorStep{"swkh", 0, "app.img"});
  CHECK(l->steps[1] == LocatorStep{"squashfs", 0x40, "usr/bin/a:b c"});  // '/' and ':' inside an entry
  CHECK(l->steps[2] == LocatorStep{"gzip", 0x1f, "decompressed#2"});
  CHECK(l->str() == text);
  CHECK(unescape_locator_part("fw%40.bin") == "fw@.bin");
  CHECK(entry_repeat("t/tar@0x0:x#12", "t/tar@0x0", "x") == 12u);
  CHECK(entry_repeat("t/tar@0x0:x", "t/tar@0x0", "x") == 1u);
  CHECK_FALSE(entry_repeat("t/tar@0x0:x#1", "t/tar@0x0", "x"));
  CHECK_FALSE(entry_repeat("t/tar@0x0:xy", "t/tar@0x0", "x"));
  const auto chunk = parse_locator("dump.bin/squashfs@0x40000");
  REQUIRE(chunk);
  REQUIRE(chunk->steps.size() == 1);
  CHECK_FALSE(chunk->steps[0].entry);
}

TEST_CASE("locators: text outside the grammar does not parse", "[model][locator][hostile]") {
  for (const char* bad : {"", "/tar@0x0", "a@b", "a#", "a#0", "a#x", "a%4", "a%zz", "a\x01", "a/tar@0x0:", "a/tar@0x0x",
                          "a/tar@0x0:b@c", "a/tar@0x0:b#", "a/tar@0x11112222333344445"}) {
    INFO(bad);
    CHECK_FALSE(parse_locator(bad));
  }
  CHECK_FALSE(unescape_locator_part("%4"));
  CHECK_FALSE(unescape_locator_part("%g0"));
}

TEST_CASE("locators: every node of the corpus has a locator that parses and prints back", "[model][locator]") {
  std::size_t nodes = 0;
  std::set<std::string> handlers;
  for (const char* sample : {"firmware/hikvision_demo/digicap.dav", "firmware/dahua_demo/dahua_demo.bin", "malformed/dirtraversal.tar"}) {
    const auto doc = unpack_path(corpus_dir() / sample).report;
    for (const auto& n : doc.tree.nodes()) {
      ++nodes;
      INFO(n.locator);
      const auto l = parse_locator(n.locator);
      REQUIRE(l);
      CHECK(l->str() == n.locator);
      // A chunk adds a step; an entry ends in its own (escaped) name.
      if (n.kind == NodeKind::kChunk) {
        REQUIRE_FALSE(l->steps.empty());
        CHECK(l->steps.back().handler == n.step.handler);
        CHECK(l->steps.back().offset == n.step.offset);
        CHECK_FALSE(l->steps.back().entry);
      } else if (n.kind == NodeKind::kEntry) {
        REQUIRE(l->steps.back().entry);
        const std::string name = l->steps.back().entry->substr(0, l->steps.back().entry->rfind('#'));
        CHECK(unescape_locator_part(name) == n.step.entry);
        handlers.insert(l->steps.back().handler);
      } else {
        CHECK(l->steps.empty());
      }
    }
  }
  CHECK(nodes > 20);
  CHECK(handlers.size() >= 3);
}
