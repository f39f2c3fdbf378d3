// Holes held as holes (issue 14): an OutputBuffer's unwritten pages are never held, and every
// consumer of a node's bytes (hash, entropy, carving, YARA, views, the report) reads its data
// extents alone. Expected values come from a dense copy built here, byte for byte.
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <fstream>
#include <string>

#include "app/pipeline.hpp"
#include "core/hash.hpp"
#include "scan/rule_set.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

void put_le(std::vector<std::uint8_t>& b, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// An Android sparse image (AOSP libsparse's sparse_format.h) of 4 KiB blocks: one raw block,
// `hole_blocks` "don't care" blocks, one raw block holding `text` at byte 16.
std::vector<std::uint8_t> sparse_image(std::uint32_t hole_blocks, const std::string& text) {
  std::vector<std::uint8_t> b;
  put_le(b, 0xED26FF3AU, 4);
  put_le(b, 1, 2);
  put_le(b, 0, 2);
  put_le(b, 28, 2);
  put_le(b, 12, 2);
  put_le(b, 4096, 4);
  put_le(b, hole_blocks + 2, 4);
  put_le(b, 3, 4);
  put_le(b, 0, 4);
  auto chunk = [&](std::uint16_t type, std::uint32_t blocks, const std::vector<std::uint8_t>& data) {
    put_le(b, type, 2);
    put_le(b, 0, 2);
    put_le(b, blocks, 4);
    put_le(b, 12 + data.size(), 4);
    b.insert(b.end(), data.begin(), data.end());
  };
  std::vector<std::uint8_t> first(4096, '\n'), last(4096, '\n');
  const std::string head = "first block\n";
  std::copy(head.begin(), head.end(), first.begin());
  std::copy(text.begin(), text.end(), last.begin() + 16);
  chunk(0xCAC1, 1, first);
  chunk(0xCAC3, hole_blocks, {});
  chunk(0xCAC1, 1, last);
  return b;
}

}  // namespace

TEST_CASE("holes: an output buffer records its writes, and its blob knows its data extents", "[core][holes]") {
  constexpr std::uint64_t kSize = 8ULL << 20, kFar = 5ULL << 20;
  auto buffer = OutputBuffer::make(kSize);
  REQUIRE(buffer);
  buffer->append(text_bytes("abc"));
  buffer->write_at(kFar, text_bytes("xyz"));
  buffer->resize(kSize);
  const Blob blob = Blob::adopt(std::move(*buffer));
  REQUIRE(blob.size() == kSize);
  CHECK(blob.has_holes());
  // Widened to whole pages.
  CHECK(blob.data_extents() == std::vector<Extent>{{0, 4096}, {kFar, 4096}});
  std::vector<std::uint8_t> dense(kSize, 0);
  dense[0] = 'a', dense[1] = 'b', dense[2] = 'c';
  dense[kFar] = 'x', dense[kFar + 1] = 'y', dense[kFar + 2] = 'z';
  CHECK(std::equal(dense.begin(), dense.end(), blob.bytes().begin()));
  CHECK(sha256_hex(blob) == sha256_hex(ByteView(dense)));
  CHECK(shannon_entropy(blob) == Approx(shannon_entropy(ByteView(dense))));
  // A slice keeps the extents, in its own offsets.
  const auto slice = blob.slice(kFar - 10, 20);
  REQUIRE(slice);
  CHECK(slice->data_extents() == std::vector<Extent>{{10, 10}});
  CHECK(blob.slice(4096, 4096)->data_extents().empty());
  CHECK_FALSE(blob.slice(kFar, 4096)->has_holes());

  SECTION("a shrink forgets what was written past the new end") {
    auto b2 = OutputBuffer::make(kSize);
    REQUIRE(b2);
    b2->write_at(kFar, text_bytes("xyz"));
    b2->resize(kFar + 1);
    b2->resize(kFar + 3);
    const Blob c = Blob::adopt(std::move(*b2));
    CHECK(c.bytes()[kFar] == 'x');
    CHECK(c.bytes()[kFar + 1] == 0);
    CHECK(c.data_extents() == std::vector<Extent>{{kFar, 3}});
  }
  SECTION("a small buffer is heap memory, all data") {
    auto small = OutputBuffer::make(100);
    REQUIRE(small);
    small->write_at(50, text_bytes("q"));
    const Blob c = Blob::adopt(std::move(*small));
    CHECK(c.size() == 51);
    CHECK_FALSE(c.has_holes());
    CHECK(c.bytes()[50] == 'q');
  }
  SECTION("what passes the capacity is cut") {
    auto b3 = OutputBuffer::make(16);
    REQUIRE(b3);
    b3->write_at(14, text_bytes("abcd"));
    b3->append_hole(100);
    CHECK(b3->size() == 16);
  }
}

TEST_CASE("holes: a sparse image's hole is never held, and the label after it is found at its offset", "[core][holes]") {
  constexpr std::uint32_t kHoleBlocks = 15360;  // 60 MiB: under the 64 MiB a small image may expand to
  const std::string label = "tag=维族\n";
  const std::vector<std::uint8_t> image = sparse_image(kHoleBlocks, label);
  ScanOptions opts;
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  opts.rules = *rules;
  const long before = status_mib("VmRSS");
  reset_peak();
  const ReportDocument doc = scan_blob(Blob::copy_of(image), "system.simg", opts);
  const long grown = status_mib("VmHWM") - before;
  const NodeRecord* img = node_at(doc, "system.simg/android_sparse@0x0:unsparsed.img");
  REQUIRE(img != nullptr);
  const std::uint64_t size = (kHoleBlocks + 2ULL) * 4096;
  CHECK(img->size() == size);
  // The digest of the dense image, fed here block by block from the construction.
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<std::uint8_t> block(4096, '\n');
  const std::string head = "first block\n";
  std::copy(head.begin(), head.end(), block.begin());
  EVP_DigestUpdate(ctx, block.data(), block.size());
  const std::vector<std::uint8_t> zeros(4096, 0);
  for (std::uint32_t i = 0; i < kHoleBlocks; ++i) EVP_DigestUpdate(ctx, zeros.data(), zeros.size());
  std::fill(block.begin(), block.end(), '\n');
  std::copy(label.begin(), label.end(), block.begin() + 16);
  EVP_DigestUpdate(ctx, block.data(), block.size());
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  CHECK(img->sha256 == [&] {
    std::string hex;
    for (unsigned i = 0; i < len; ++i) hex += "0123456789abcdef"[digest[i] >> 4], hex += "0123456789abcdef"[digest[i] & 15];
    return hex;
  }());
  const Finding* found = nullptr;
  for (const Finding& f : doc.findings) {
    if (f.rule == "ETHN_Minority_Label" && f.locator == img->locator) found = &f;
  }
  REQUIRE(found != nullptr);
  REQUIRE_FALSE(found->strings.empty());
  CHECK(found->strings[0].offset == (kHoleBlocks + 1ULL) * 4096 + 16 + 4);
  // 60 MiB of hole: had it been held (or read) as zeros, the process would have grown by it.
  CHECK(before >= 0);
  CHECK(grown < 24);
}

// cramfs (mkfs.cramfs -z, tools/gen_fs_corpus.py): eight files of 16 MiB, each a line of text,
// a hole and a marker. The holes stay holes: the unpack grows by far less than the 128 MiB the
// files declare, and each file's digest, size and marker are the ones the generator wrote.
TEST_CASE("holes: cramfs files' holes are never held, and their digests are the files'", "[core][holes]") {
  std::ifstream in(corpus_dir() / "fs/cramfs/EXPECTED.json");
  REQUIRE(in);
  const auto want = nlohmann::json::parse(in);
  const long before = status_mib("VmRSS");
  reset_peak();
  const Unpacked u = unpack_path(corpus_dir() / "fs/cramfs/holes.img.xz");
  const long grown = status_mib("VmHWM") - before;
  std::size_t sparse = 0;
  for (const auto& [name, file] : want["files"].items()) {
    INFO(name);
    const Node* n = nullptr;
    for (const Node& x : u.tree.nodes()) {
      if (x.step.entry == name) n = &x;
    }
    REQUIRE(n != nullptr);
    CHECK(n->size() == file["size"].get<std::uint64_t>());
    CHECK(n->sha256 == file["sha256"].get<std::string>());
    if (!want["markers"].contains(name)) continue;
    ++sparse;
    CHECK(n->data.has_holes());
    std::uint64_t held = 0;
    for (const Extent& e : n->data.data_extents()) held += e.size;
    CHECK(held <= 64 * 1024);
    const std::uint64_t at = want["markers"][name].get<std::uint64_t>();
    const std::string marker = "FWSCAN-HOLE-END-";
    CHECK(std::string(as_chars(n->data.bytes().subspan(at, marker.size()))) == marker);
  }
  CHECK(sparse == 8);
  CHECK(before >= 0);
  CHECK(grown < 40);  // 128 MiB declared
}
