// gzip, xz, lzma, bzip2, zstd: exact extents, trailing data, truncation, corruption.
#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
struct Case {
  const char* id;
  std::vector<std::uint8_t> (*make)(const std::vector<std::uint8_t>&);
};
const Case kCases[] = {{"gzip", gzip_bytes}, {"xz", xz_bytes}, {"lzma", lzma_alone_bytes},
                       {"bzip2", bzip2_bytes}, {"zstd", zstd_bytes}, {"zlib", zlib_bytes}, {"lz4", lz4_frame_bytes}};
}  // namespace

TEST_CASE("compression: each codec decodes and reports its exact extent", "[formats][compression]") {
  const auto plain = text_bytes(std::string(5000, 'A') + "firmware payload 维族 end");
  for (const Case& c : kCases) {
    SECTION(c.id) {
      const auto packed = c.make(plain);
      ByteBuilder b;
      b.bytes(packed).fill(0xFF, 64);  // trailing padding outside the stream
      const Handler* h = Registry::builtin().find(c.id);
      REQUIRE(h != nullptr);
      auto chunk = h->identify(b.view(), 0);
      REQUIRE(chunk);
      CHECK(chunk->size == packed.size());
      CHECK(chunk->confidence == Confidence::kHigh);
      const Unpacked doc = unpack_bytes(b.data(), "s.bin");
      const Node* out = node_at(doc, std::string("s.bin/") + c.id + "@0x0:decompressed");
      REQUIRE(out != nullptr);
      REQUIRE(out->size() == plain.size());
      REQUIRE(std::equal(plain.begin(), plain.end(), out->data.bytes().begin()));
    }
  }
}

TEST_CASE("compression: truncated streams recover a prefix and say so", "[formats][compression]") {
  const auto plain = pseudo_random(200000, 3);
  for (const Case& c : kCases) {
    SECTION(c.id) {
      auto packed = c.make(plain);
      packed.resize(packed.size() / 2);
      const Unpacked doc = unpack_bytes(packed, "t.bin");
      REQUIRE(has_diagnostic(doc, "truncated"));
      const auto outs = nodes_ending_with(doc, ":decompressed");
      if (std::string(c.id) == "bzip2") {
        // bzip2 emits nothing until a whole 900 KiB block has arrived: nothing to recover.
        REQUIRE(outs.empty());
      } else {
        REQUIRE(outs.size() == 1);
        REQUIRE(outs[0]->size() > 0);
        REQUIRE(outs[0]->size() < plain.size());
        REQUIRE(std::equal(outs[0]->data.bytes().begin(), outs[0]->data.bytes().end(), plain.begin()));
      }
    }
  }
}

TEST_CASE("compression: corrupt data after a valid header is not a chunk", "[formats][compression]") {
  for (const Case& c : kCases) {
    SECTION(c.id) {
      // Compressible input, so the body is entropy-coded (zstd would store random input as a raw
      // block, whose bytes any content passes).
      std::string text;
      for (int i = 0; i < 400; ++i) text += "firmware block " + std::to_string(i * 7919 % 1000) + "\n";
      auto packed = c.make(text_bytes(text));
      // Keep the first 12 header bytes, garble the rest.
      auto junk = pseudo_random(packed.size(), 77);
      std::copy(junk.begin() + 12, junk.end(), packed.begin() + 12);
      const Handler* h = Registry::builtin().find(c.id);
      REQUIRE_FALSE(h->identify({packed.data(), packed.size()}, 0));
    }
  }
}

TEST_CASE("compression: a stream damaged midway keeps what it decoded before the damage", "[formats][compression]") {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i * 7919 % 100003) + " of the camera log\n";
  const auto plain = text_bytes(text);
  for (const Case& c : kCases) {
    SECTION(c.id) {
      auto packed = c.make(plain);
      // 64 bytes of junk at 70% of the stream.
      const auto junk = pseudo_random(64, 9);
      std::copy(junk.begin(), junk.end(), packed.begin() + static_cast<std::ptrdiff_t>(packed.size() * 7 / 10));
      const Unpacked doc = unpack_bytes(packed, "d.bin");
      const auto outs = nodes_ending_with(doc, ":decompressed");
      INFO(doc.tree.at(0).description);
      if (std::string(c.id) == "bzip2") {
        // One 900 KiB block: a damaged block yields nothing to keep, and the stream is no chunk.
        CHECK(outs.empty());
        continue;
      }
      REQUIRE(outs.size() == 1);
      const ByteView out = outs[0]->data.bytes();
      // What is kept starts with the stream's own text up to the damage (a decoder may emit some
      // garbled bytes before it notices): at least half of the input, as it was.
      const auto diverge = std::mismatch(out.begin(), out.end(), plain.begin(), plain.end());
      CHECK(static_cast<std::size_t>(diverge.first - out.begin()) > plain.size() / 2);
      if (std::string(c.id) == "zstd" || std::string(c.id) == "lz4") {
        // These frames carry no content checksum: the damage decodes to other bytes, and
        // nothing in the stream can tell. The whole stream is one complete chunk.
        CHECK(doc.tree.at(0).handler == std::string(c.id));
        continue;
      }
      CHECK((has_diagnostic(doc, "malformed") || has_diagnostic(doc, "truncated")));
      // The chunk ends where the decoder stopped; the bytes after it are the node's unknown data.
      const Node* chunk = node_at(doc, std::string("d.bin/") + c.id + "@0x0");
      REQUIRE(chunk != nullptr);
      CHECK(chunk->description.find("damaged at +") != std::string::npos);
      CHECK(chunk->size() < packed.size());
      CHECK_FALSE(doc.tree.at(0).unknown.empty());
    }
  }
}

TEST_CASE("gzip: FNAME names the decoded child", "[formats][gzip]") {
  // gzip header with FNAME "kernel.bin" followed by a raw deflate body from a real stream.
  const auto plain = text_bytes("named");
  auto gz = gzip_bytes(plain);
  ByteBuilder b;
  b.u8(0x1f).u8(0x8b).u8(8).u8(0x08).u32le(0).u8(0).u8(3).str("kernel.bin").u8(0);
  b.data().insert(b.data().end(), gz.begin() + 10, gz.end());
  const Unpacked doc = unpack_bytes(b.data(), "k.gz");
  REQUIRE(node_at(doc, "k.gz/gzip@0x0:kernel.bin") != nullptr);
}

TEST_CASE("lzma: implausible headers are rejected before decoding", "[formats][lzma]") {
  ByteBuilder b;
  b.u8(0x5d).u32le(12345).u64le(100).fill(0, 64);  // dictionary size not 2^n or 3*2^(n-1)
  REQUIRE_FALSE(Registry::builtin().find("lzma")->identify(b.view(), 0));
  ByteBuilder c;
  c.u8(0x5d).u32le(1U << 23).u64le(1ULL << 50).fill(0, 64);  // absurd uncompressed size
  REQUIRE_FALSE(Registry::builtin().find("lzma")->identify(c.view(), 0));
}

TEST_CASE("xz: a stream-flags CRC mismatch rejects the magic", "[formats][xz]") {
  auto xz = xz_bytes(text_bytes("abc"));
  xz[8] ^= 0xFF;
  REQUIRE_FALSE(Registry::builtin().find("xz")->identify({xz.data(), xz.size()}, 0));
}

TEST_CASE("zlib: a stream embedded in a binary is carved at its exact extent; tiny ones are not", "[formats][zlib]") {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "config line " + std::to_string(i) + "\n";
  const auto z = zlib_bytes(text_bytes(text));
  ByteBuilder b;
  b.bytes(pseudo_random(300, 1));
  const std::size_t at = b.size();
  b.bytes(z).bytes(pseudo_random(300, 2));
  const Unpacked doc = unpack_bytes(b.data(), "blob.bin");
  const Node* chunk = node_at(doc, "blob.bin/zlib@" + hex_u64(at));
  REQUIRE(chunk != nullptr);
  CHECK(chunk->size() == z.size());
  CHECK(std::string(as_chars(node_at(doc, "blob.bin/zlib@" + hex_u64(at) + ":decompressed")->data.bytes())) == text);
  ByteBuilder tiny;
  tiny.bytes(pseudo_random(100, 3)).bytes(zlib_bytes(text_bytes("short"))).bytes(pseudo_random(100, 4));
  const Unpacked t = unpack_bytes(tiny.data(), "tiny.bin");
  for (const auto& n : t.tree.nodes()) CHECK(n.handler != std::string("zlib"));
}
