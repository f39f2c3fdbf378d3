#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
const Handler& tar() { return *Registry::builtin().find("tar"); }
}

TEST_CASE("tar: members, links and devices with their metadata", "[formats][tar]") {
  ByteBuilder b;
  b.bytes(tar_header("etc/", 0, '5'));
  b.bytes(tar_header("etc/passwd", 5)).str("root\n").align(512);
  b.bytes(tar_header("bin/sh", 0, '2', "busybox"));
  b.bytes(tar_header("dev/null", 0, '3'));
  b.fill(0, 1024);
  auto chunk = tar().identify(b.view(), 0);
  REQUIRE(chunk);
  REQUIRE(chunk->size == b.size());
  REQUIRE(chunk->confidence == Confidence::kHigh);
  const Unpacked doc = unpack_bytes(b.data(), "a.tar");
  const Node* passwd = node_at(doc, "a.tar/tar@0x0:etc/passwd");
  REQUIRE(passwd != nullptr);
  REQUIRE(std::string(as_chars(passwd->data.bytes())) == "root\n");
  REQUIRE(passwd->meta.mode == 0644U);
  REQUIRE(passwd->meta.mtime == 1700000000);
  const Node* sh = node_at(doc, "a.tar/tar@0x0:bin/sh");
  REQUIRE(sh != nullptr);
  REQUIRE(sh->meta.kind == EntryKind::kSymlink);
  REQUIRE(sh->meta.link_target == "busybox");
  REQUIRE(node_at(doc, "a.tar/tar@0x0:dev/null")->meta.kind == EntryKind::kCharDevice);
  REQUIRE(node_at(doc, "a.tar/tar@0x0:etc/")->meta.kind == EntryKind::kDirectory);
}

TEST_CASE("tar: GNU long names and pax paths", "[formats][tar]") {
  const std::string long_name = std::string(150, 'd') + "/file.txt";
  ByteBuilder b;
  b.bytes(tar_header("././@LongLink", long_name.size() + 1, 'L')).str(long_name).u8(0).align(512);
  b.bytes(tar_header("truncated-name", 2)).str("hi").align(512);
  const std::string rec = "path=pax/名字.txt\n";
  const std::string pax = std::to_string(rec.size() + 3) + " " + rec;
  b.bytes(tar_header("PaxHeader", pax.size(), 'x')).str(pax).align(512);
  b.bytes(tar_header("short", 3)).str("pax").align(512);
  b.fill(0, 1024);
  const Unpacked doc = unpack_bytes(b.data(), "l.tar");
  REQUIRE(node_at(doc, "l.tar/tar@0x0:" + long_name) != nullptr);
  REQUIRE(node_at(doc, "l.tar/tar@0x0:pax/名字.txt") != nullptr);
}

TEST_CASE("tar: a member past the end is truncated with a diagnostic", "[formats][tar]") {
  ByteBuilder b;
  b.bytes(tar_header("big.bin", 100000)).str("only a little");
  const Unpacked doc = unpack_bytes(b.data(), "t.tar");
  REQUIRE(has_diagnostic(doc, "truncated"));
  const Node* big = node_at(doc, "t.tar/tar@0x0:big.bin");
  REQUIRE(big != nullptr);
  REQUIRE(big->size() == 13);
}

TEST_CASE("tar: bad checksum and huge size fields", "[formats][tar]") {
  auto h = tar_header("x", 1);
  h[0] = 'y';  // checksum no longer matches
  ByteBuilder b;
  b.bytes(h).str("x").align(512).fill(0, 1024);
  REQUIRE_FALSE(tar().identify(b.view(), 0));
  auto huge = tar_header("h", 0);
  // base-256 size field claiming 2^62 bytes, checksum recomputed
  std::fill(huge.begin() + 124, huge.begin() + 136, 0xFF);
  huge[124] = 0x80;
  std::fill(huge.begin() + 148, huge.begin() + 156, ' ');
  unsigned sum = 0;
  for (auto c : huge) sum += c;
  char ck[8];
  std::snprintf(ck, sizeof ck, "%06o", sum);
  std::copy(ck, ck + 6, huge.begin() + 148);
  huge[154] = 0;
  const Unpacked doc = unpack_bytes(huge, "huge.tar");
  REQUIRE(doc.tree.size() >= 1);  // finishes; nothing allocated in proportion to the claim
  for (const auto& n : doc.tree.nodes()) REQUIRE(n.size() <= huge.size());
}

TEST_CASE("tar: truncated header and empty input", "[formats][tar]") {
  auto h = tar_header("x", 0);
  h.resize(300);
  REQUIRE_FALSE(tar().identify({h.data(), h.size()}, 0));
  const Unpacked doc = unpack_bytes({}, "empty");
  REQUIRE(doc.tree.size() == 1);
}
