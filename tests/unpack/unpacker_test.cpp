#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/extraction_tree.hpp"
#include "unpack/unpacker.hpp"
#include "core/worker_pool.hpp"
#include "unpack/registry.hpp"

#include <algorithm>
#include <set>

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("unpacker: nested gzip(tar(gzip)) gives locators step by step", "[unpack]") {
  const auto inner = gzip_bytes(text_bytes("payload text\n"));
  ByteBuilder tar;
  tar.bytes(tar_header("dir/inner.gz", inner.size())).bytes(inner).align(512).fill(0, 1024);
  const auto outer = gzip_bytes(tar.data());
  const Unpacked doc = unpack_bytes(outer, "fw.bin");
  REQUIRE(node_at(doc, "fw.bin") != nullptr);
  const Node* t = node_at(doc, "fw.bin/gzip@0x0:decompressed");
  REQUIRE(t != nullptr);
  REQUIRE(t->handler == std::string("tar"));
  const Node* member = node_at(doc, "fw.bin/gzip@0x0:decompressed/tar@0x0:dir/inner.gz");
  REQUIRE(member != nullptr);
  REQUIRE(member->step.origin == ChildOrigin::kCarved);
  REQUIRE(member->step.offset == 512);
  const Node* text = node_at(doc, "fw.bin/gzip@0x0:decompressed/tar@0x0:dir/inner.gz/gzip@0x0:decompressed");
  REQUIRE(text != nullptr);
  REQUIRE(std::string(as_chars(text->data.bytes())) == "payload text\n");
  REQUIRE(text->depth == 3);
  const auto chain = doc.tree.provenance(text->id);
  REQUIRE(chain.size() == 4);
  CHECK(chain[0].handler == "root");
  CHECK(chain[2].handler == "tar");
  CHECK(chain[2].entry == "dir/inner.gz");
}

TEST_CASE("unpacker: absolute offsets survive carved steps only", "[unpack]") {
  const auto inner = text_bytes("0123456789");
  ByteBuilder tar;
  tar.fill(0xFF, 512);
  tar.bytes(tar_header("a.txt", inner.size())).bytes(inner).align(512).fill(0, 1024);
  const Unpacked doc = unpack_bytes(tar.data(), "dump.bin");
  const Node* a = node_at(doc, "dump.bin/tar@0x200:a.txt");
  REQUIRE(a != nullptr);
  REQUIRE(a->root_offset == 1024U);
  const Node* chunk = node_at(doc, "dump.bin/tar@0x200");
  REQUIRE(chunk != nullptr);
  REQUIRE(chunk->kind == NodeKind::kChunk);
  REQUIRE(doc.tree.at(0).coverage.has_value());
}

TEST_CASE("unpacker: identical content is processed once and referenced", "[unpack]") {
  const auto gz = gzip_bytes(text_bytes("same"));
  ByteBuilder tar;
  tar.bytes(tar_header("one.gz", gz.size())).bytes(gz).align(512);
  tar.bytes(tar_header("two.gz", gz.size())).bytes(gz).align(512).fill(0, 1024);
  const Unpacked doc = unpack_bytes(tar.data(), "t.tar");
  const Node* one = node_at(doc, "t.tar/tar@0x0:one.gz");
  const Node* two = node_at(doc, "t.tar/tar@0x0:two.gz");
  REQUIRE(one != nullptr);
  REQUIRE(two != nullptr);
  REQUIRE_FALSE(one->duplicate_of);
  REQUIRE(two->duplicate_of == one->id);
  REQUIRE(two->children.empty());
  REQUIRE(one->children.size() == 1);
}

TEST_CASE("unpacker: identical decoded bytes are held once, from the moment they are decoded", "[unpack][hostile]") {
  // 12 gzip members of the same 256 KiB, back to back: 12 chunks, each decoding to the same bytes.
  std::vector<std::uint8_t> payload = pseudo_random(256 * 1024, 5);
  const auto gz = gzip_bytes(payload);
  ByteBuilder b;
  for (int i = 0; i < 12; ++i) b.bytes(gz);
  for (unsigned jobs : {1U, 3U}) {
    INFO("jobs " << jobs);
    WorkerPool pool(jobs);
    ExtractionTree tree;
    Unpacker u(Registry::builtin(), Limits{}, &pool);
    u.unpack(Blob::own(b.data()), "m.gz", tree);
    struct {
      const ExtractionTree& tree;
    } doc{tree};
    std::set<const std::uint8_t*> storage;
    std::size_t decoded = 0;
    for (const auto& n : doc.tree.nodes()) {
      if (n.step.origin != ChildOrigin::kDecoded || n.kind != NodeKind::kEntry) continue;
      ++decoded;
      REQUIRE(n.size() == payload.size());
      CHECK(std::equal(payload.begin(), payload.end(), n.data.bytes().begin()));
      storage.insert(n.data.bytes().data());
    }
    CHECK(decoded == 12);
    CHECK(storage.size() == 1);  // one buffer for the twelve
    // Which is a duplicate of which is still the walk's: the first decoded, the others of it.
    std::size_t dups = 0;
    for (const auto& n : doc.tree.nodes()) dups += n.duplicate_of ? 1 : 0;
    CHECK(dups == 11);
  }
}

TEST_CASE("unpacker: the depth limit ends in a limit_depth diagnostic", "[unpack]") {
  std::vector<std::uint8_t> data = text_bytes("core");
  for (int i = 0; i < 6; ++i) data = gzip_bytes(data);
  ScanOptions opts;
  opts.limits.max_depth = 3;
  const ReportDocument doc = scan_blob(Blob::copy_of({data.data(), data.size()}), "deep.gz", opts);
  REQUIRE(has_diagnostic(doc, "limit_depth"));
  int max_depth = 0;
  for (const auto& n : doc.tree.nodes()) max_depth = std::max(max_depth, n.depth);
  REQUIRE(max_depth == 3);
}

TEST_CASE("unpacker: the expansion budget stops a decompression bomb", "[unpack]") {
  const std::vector<std::uint8_t> zeros(8 << 20, 0);
  const auto gz = gzip_bytes(zeros);  // ~8 KiB → 8 MiB, ratio ~1000
  ScanOptions opts;
  opts.limits.max_expansion_ratio = 10.0;
  opts.limits.max_node_bytes = 2 << 20;
  const ReportDocument doc = scan_blob(Blob::copy_of({gz.data(), gz.size()}), "bomb.gz", opts);
  REQUIRE(has_diagnostic(doc, "limit_expansion"));
  const NodeRecord* out = node_at(doc, "bomb.gz/gzip@0x0:decompressed");
  REQUIRE(out != nullptr);
  REQUIRE(out->size() <= (2U << 20));
}

TEST_CASE("locator parts escape @ % # and control bytes", "[unpack]") {
  REQUIRE(escape_locator_part("a@b") == "a%40b");
  REQUIRE(escape_locator_part("100%") == "100%25");
  REQUIRE(escape_locator_part("x#2") == "x%232");
  REQUIRE(escape_locator_part(std::string("a\nb", 3)) == "a%0Ab");
  REQUIRE(escape_locator_part("维族.txt") == "维族.txt");
}

TEST_CASE("unpacker: repeated entry names get #2 suffixes", "[unpack]") {
  ByteBuilder tar;
  tar.bytes(tar_header("dup.txt", 1)).str("a").align(512);
  tar.bytes(tar_header("dup.txt", 1)).str("b").align(512).fill(0, 1024);
  const Unpacked doc = unpack_bytes(tar.data(), "d.tar");
  REQUIRE(node_at(doc, "d.tar/tar@0x0:dup.txt") != nullptr);
  REQUIRE(node_at(doc, "d.tar/tar@0x0:dup.txt#2") != nullptr);
}

TEST_CASE("pipeline: inputs with the same name get distinct root locators", "[unpack]") {
  Pipeline p(ScanOptions{});
  p.add_blob(Blob::copy_of({reinterpret_cast<const std::uint8_t*>("one"), 3}), "digicap.dav");
  p.add_blob(Blob::copy_of({reinterpret_cast<const std::uint8_t*>("two"), 3}), "digicap.dav");
  const ReportDocument doc = p.finish();
  REQUIRE(doc.inputs.size() == 2);
  CHECK(doc.tree.at(*doc.inputs[0].root).locator == "digicap.dav");
  CHECK(doc.tree.at(*doc.inputs[1].root).locator == "digicap.dav#2");
}
