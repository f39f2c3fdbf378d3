#include <archive.h>
#include <archive_entry.h>

#include <cstring>

#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "formats/common/zip_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("dahua_zip: the fact_extractor DH vector yields its members", "[formats][dahua_zip][external]") {
  const auto p = external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/dahua/test/data/dh.bin";
  const Unpacked doc = unpack_path(p);
  REQUIRE(doc.tree.at(0).handler == std::string("dahua_zip"));
  const Node* f1 = node_at(doc, "dh.bin/dahua_zip@0x0:get_files_test/testfile1");
  const Node* f2 = node_at(doc, "dh.bin/dahua_zip@0x0:get_files_test/testfile2");
  const Node* f3 = node_at(doc, "dh.bin/dahua_zip@0x0:get_files_test/generic folder/test file 3_.txt");
  REQUIRE(f1 != nullptr);
  REQUIRE(f2 != nullptr);
  REQUIRE(f3 != nullptr);
  REQUIRE(std::string(as_chars(f3->data.bytes())) == "The third test file!");
  REQUIRE(f1->size() == 62);
  REQUIRE(node_at(doc, "dh.bin/dahua_zip@0x0:get_files_test/")->meta.kind == EntryKind::kDirectory);
}

TEST_CASE("zip: the binwalk vectors, whole and truncated", "[formats][zip][external]") {
  const Unpacked whole = unpack_path(external_dir() / "binwalk/tests/inputs/zip.bin");
  const bool zip_whole = whole.tree.at(0).handler == std::string("zip") || node_at(whole, "zip.bin/zip@0x0") != nullptr;
  REQUIRE(zip_whole);
  const Unpacked cut = unpack_path(external_dir() / "binwalk/tests/inputs/zip_truncated.bin");
  bool zip_at_0 = cut.tree.at(0).handler == std::string("zip") || node_at(cut, "zip_truncated.bin/zip@0x0") != nullptr;
  REQUIRE(zip_at_0);
}

TEST_CASE("zip: end-of-central-directory must agree with the start", "[formats][zip]") {
  ByteBuilder b;
  b.str("PK\x03\x04").u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(3).u32le(3).u16le(1).u16le(0).str("a").str("abc");
  const std::size_t cd = b.size();
  b.str("PK\x01\x02").u16le(20).u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(3).u32le(3).u16le(1)
      .u16le(0).u16le(0).u16le(0).u16le(0).u32le(0).u32le(0).str("a");
  const std::size_t cd_size = b.size() - cd;
  b.str("PK\x05\x06").u16le(0).u16le(0).u16le(1).u16le(1).u32le(static_cast<std::uint32_t>(cd_size))
      .u32le(static_cast<std::uint32_t>(cd)).u16le(0);
  const std::size_t end = b.size();
  b.fill(0, 100);
  auto chunk = Registry::builtin().find("zip")->identify(b.view(), 0);
  REQUIRE(chunk);
  REQUIRE(chunk->size == end);
  REQUIRE(chunk->confidence == Confidence::kHigh);
  b.patch_u32le(end - 6, 7);  // central directory offset now points into the local header
  auto bad = Registry::builtin().find("zip")->identify(b.view(), 0);
  REQUIRE(bad);
  REQUIRE(bad->confidence == Confidence::kLow);  // falls back to walking local headers
  REQUIRE(bad->size == cd);
}

TEST_CASE("zip: a bare local-header magic in noise is not a chunk", "[formats][zip]") {
  ByteBuilder b;
  b.bytes(pseudo_random(100, 1)).str("PK\x03\x04").bytes(pseudo_random(100, 2));
  const Unpacked doc = unpack_bytes(b.data(), "n.bin");
  for (const auto& n : doc.tree.nodes()) REQUIRE(n.handler != std::string("zip"));
}

namespace {

// An encrypted zip written by libarchive (the writer of the library the handler reads with).
std::vector<std::uint8_t> encrypted_zip(const char* encryption, const std::string& password, const std::string& name,
                                        const std::string& content) {
  std::vector<std::uint8_t> out(64 * 1024);
  std::size_t used = 0;
  archive* w = archive_write_new();
  archive_write_set_format_zip(w);
  REQUIRE(archive_write_set_options(w, (std::string("zip:encryption=") + encryption).c_str()) == ARCHIVE_OK);
  REQUIRE(archive_write_set_passphrase(w, password.c_str()) == ARCHIVE_OK);
  REQUIRE(archive_write_open_memory(w, out.data(), out.size(), &used) == ARCHIVE_OK);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
  REQUIRE(archive_write_header(w, e) == ARCHIVE_OK);
  REQUIRE(archive_write_data(w, content.data(), content.size()) == static_cast<la_ssize_t>(content.size()));
  archive_entry_free(e);
  archive_write_close(w);
  archive_write_free(w);
  out.resize(used);
  return out;
}

Unpacked unpack_with(const std::vector<std::uint8_t>& bytes, std::vector<std::string> passwords) {
  Limits limits;
  limits.passwords = std::move(passwords);
  return unpack_bytes(bytes, "update.zip", limits);
}

}  // namespace

TEST_CASE("zip: encrypted entries are opened with a given password, listed without one", "[formats][zip][password]") {
  const std::string secret = "isUyghur=1; face attribute config of a vendor update package\n";
  for (const char* enc : {"zipcrypt", "aes256"}) {
    INFO(enc);
    const auto zip = encrypted_zip(enc, "hk123456", "cfg/face.ini", secret);
    // No password: listed, not claimed.
    const Unpacked none = unpack_with(zip, {});
    const Node* listed = node_at(none, "update.zip/zip@0x0:cfg/face.ini");
    REQUIRE(listed != nullptr);
    REQUIRE(listed->meta.kind == EntryKind::kOther);
    REQUIRE(listed->size() == 0);
    REQUIRE(has_diagnostic(none, "encrypted"));
    // Wrong passwords: still listed only, and the diagnostic says how many were tried.
    const Unpacked wrong = unpack_with(zip, {"admin", "12345"});
    REQUIRE(node_at(wrong, "update.zip/zip@0x0:cfg/face.ini")->meta.kind == EntryKind::kOther);
    bool counted = false;
    for (const auto& n : wrong.tree.nodes()) {
      for (const auto& d : n.diagnostics) counted = counted || (d.code == DiagCode::kEncrypted && d.message.find("none of the 2 password(s)") != std::string::npos);
    }
    REQUIRE(counted);
    // The right one among others: the content, and an info diagnostic.
    const Unpacked right = unpack_with(zip, {"admin", "hk123456"});
    const Node* opened = node_at(right, "update.zip/zip@0x0:cfg/face.ini");
    REQUIRE(opened != nullptr);
    REQUIRE(opened->meta.kind == EntryKind::kFile);
    REQUIRE(std::string(as_chars(opened->data.bytes())) == secret);
    REQUIRE(has_diagnostic(right, "decrypted"));
    REQUIRE_FALSE(has_diagnostic(right, "encrypted"));
  }
}

TEST_CASE("zip: fact_extractor's password sample opens with its password", "[formats][zip][password][external]") {
  const auto p = external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/sevenz/test/data/test_password.zip";
  Limits limits;
  limits.passwords = {"test"};
  const Unpacked doc = unpack_path(p, limits);
  const Node* f3 = node_at(doc, "test_password.zip/zip@0x0:get_files_test/generic folder/test file 3_.txt");
  REQUIRE(f3 != nullptr);
  REQUIRE(std::string(as_chars(f3->data.bytes())) == "The third test file!");
  const Unpacked locked = unpack_path(p);
  REQUIRE(node_at(locked, "test_password.zip/zip@0x0:get_files_test/generic folder/test file 3_.txt")->meta.kind == EntryKind::kOther);
}

namespace {

// The end-record search written plainly, per start (what find_zip_extent did before its index):
// the first record after the local header whose central directory sits where it says, relative
// to this start; or a ZIP64 record with its locator; or an empty central directory.
std::optional<std::uint64_t> reference_zip_end(ByteView at) {
  const auto u16 = [&](std::uint64_t o) { return static_cast<std::uint64_t>(at[o] | (at[o + 1] << 8)); };
  const auto u32 = [&](std::uint64_t o) { return u16(o) | (u16(o + 2) << 16); };
  const auto sig = [&](std::uint64_t o, const char* s) { return o + 4 <= at.size() && std::memcmp(at.data() + o, s, 4) == 0; };
  if (at.size() < 30 || u16(26) == 0 || (u16(4) & 0xFF) > 100) return std::nullopt;
  for (std::uint64_t e = 30; e + 22 <= at.size(); ++e) {
    if (!sig(e, "PK\x05\x06")) continue;
    const std::uint64_t total = u16(e + 10), cd_size = u32(e + 12), cd_off = u32(e + 16), comment = u16(e + 20);
    const bool zip64 = cd_off == 0xFFFFFFFFU || cd_size == 0xFFFFFFFFU;
    const bool ok = zip64 ? sig(e - 20, "PK\x06\x07") : (cd_off + cd_size == e && sig(cd_off, "PK\x01\x02"));
    if (ok || (total == 0 && cd_size == 0)) return std::min<std::uint64_t>(e + 22 + comment, at.size());
  }
  return std::nullopt;
}

// A one-entry zip ("a" holding "abc") with `comment` bytes of comment.
void one_entry_zip(ByteBuilder& b, std::uint16_t comment = 0) {
  const std::size_t start = b.size();
  b.str("PK\x03\x04").u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(3).u32le(3).u16le(1).u16le(0).str("a").str("abc");
  const std::size_t cd = b.size() - start;
  b.str("PK\x01\x02").u16le(20).u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(3).u32le(3).u16le(1)
      .u16le(0).u16le(0).u16le(0).u16le(0).u32le(0).u32le(0).str("a");
  const std::size_t cd_size = b.size() - start - cd;
  b.str("PK\x05\x06").u16le(0).u16le(0).u16le(1).u16le(1).u32le(static_cast<std::uint32_t>(cd_size))
      .u32le(static_cast<std::uint32_t>(cd)).u16le(comment).fill('c', comment);
}

}  // namespace

TEST_CASE("zip: end records are indexed once per node and agree with the plain search at every start",
          "[formats][zip][hostile]") {
  // Local-header signatures by the thousand (each a candidate start), three real zips among
  // them, records that fit no start, a ZIP64 record with its locator and an empty directory.
  ByteBuilder b;
  for (int i = 0; i < 4000; ++i) b.str("PK\x03\x04");
  one_entry_zip(b);
  for (int i = 0; i < 500; ++i) b.str("PK\x03\x04").u32le(0x01010101);
  one_entry_zip(b, 9);
  b.str("PK\x05\x06").u16le(0).u16le(0).u16le(1).u16le(1).u32le(40).u32le(7).u16le(0);  // points nowhere
  for (int i = 0; i < 500; ++i) b.str("PK\x03\x04");
  b.str("PK\x06\x07").fill(0, 16).str("PK\x05\x06").u16le(0).u16le(0).u16le(1).u16le(1).u32le(0xFFFFFFFFU).u32le(0xFFFFFFFFU).u16le(0);
  for (int i = 0; i < 300; ++i) b.str("PK\x03\x04");
  b.str("PK\x05\x06").fill(0, 18);  // an empty central directory
  one_entry_zip(b);
  b.fill(0, 64);
  const ByteView node = b.view();
  NodeMemo memo;
  std::size_t starts = 0, found = 0;
  for (std::uint64_t s = 0; s + 4 <= node.size(); ++s) {
    if (std::memcmp(node.data() + s, "PK\x03\x04", 4) != 0) continue;
    ++starts;
    const auto want = reference_zip_end(node.subspan(s));
    const auto got = find_zip_extent(node, s, memo);
    INFO("start " << s);
    if (want) {
      REQUIRE(got);
      CHECK(got->complete);
      CHECK(got->size == *want);
      ++found;
    } else if (got) {
      CHECK_FALSE(got->complete);  // no record: the local-header walk, as before
    }
  }
  CHECK(starts > 5000);
  CHECK(found > 1000);  // the ZIP64 and empty records fit every start before them
  // The carver, with one memo per node, finds zips where they were put among the signatures
  // (without the records above, which fit every start before them and so claim the flood).
  ByteBuilder c;
  std::vector<std::size_t> at;
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < 3000; ++i) c.str("PK\x03\x04");
    c.fill(0xFF, 64);  // so that the last signature's header fields are not the zip's own
    at.push_back(c.size());
    one_entry_zip(c, static_cast<std::uint16_t>(k));
  }
  const Unpacked doc = unpack_bytes(c.data(), "flood.bin");
  for (std::size_t z : at) {
    INFO("zip at " << z);
    const Node* n = nullptr;
    for (const auto& x : doc.tree.nodes()) {
      if (x.handler == std::string("zip") && x.step.offset == z && x.kind == NodeKind::kChunk) n = &x;
    }
    CHECK(n != nullptr);
  }
}

TEST_CASE("zip: central-directory entries sharing one member's data are an overlap, said once", "[formats][zip][hostile]") {
  // Local entries "m0" (3 bytes) at 0 and "x" (2 bytes) after it; the central directory names
  // m0, m1 and m2 at offset 0 (Fifield's construction) and x at its own offset.
  auto build = [](bool overlap) {
    ByteBuilder b;
    b.str("PK\x03\x04").u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(3).u32le(3).u16le(2).u16le(0).str("m0").str("abc");
    const auto x = static_cast<std::uint32_t>(b.size());
    b.str("PK\x03\x04").u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(2).u32le(2).u16le(1).u16le(0).str("x").str("yz");
    const std::size_t cd = b.size();
    std::vector<std::size_t> entries;
    auto central = [&](const std::string& name, std::uint32_t size, std::uint32_t local) {
      entries.push_back(b.size());
      b.str("PK\x01\x02").u16le(20).u16le(20).u16le(0).u16le(0).u32le(0).u32le(0).u32le(size).u32le(size)
          .u16le(static_cast<std::uint16_t>(name.size())).u16le(0).u16le(0).u16le(0).u16le(0).u32le(0).u32le(local).str(name);
    };
    central("m0", 3, 0);
    if (overlap) {
      central("m1", 3, 0);
      central("m2", 3, 0);
    }
    central("x", 2, x);
    const auto n = static_cast<std::uint16_t>(entries.size());
    const auto cd_size = static_cast<std::uint32_t>(b.size() - cd);
    b.str("PK\x05\x06").u16le(0).u16le(0).u16le(n).u16le(n).u32le(cd_size).u32le(static_cast<std::uint32_t>(cd)).u16le(0);
    return std::make_pair(b.data(), entries);
  };
  const auto [clean, clean_entries] = build(false);
  CHECK_FALSE(zip_overlaps({clean.data(), clean.size()}));
  const auto [bomb, entries] = build(true);
  const auto d = zip_overlaps({bomb.data(), bomb.size()});
  REQUIRE(d);
  CHECK(d->code == DiagCode::kOverlap);
  CHECK(d->offset == entries[1]);  // m1's central-directory entry
  CHECK(d->message.find("2 central-directory entries") == 0);
  CHECK(d->message.find("'m0' and 'm1', from 0x0") != std::string::npos);
  CHECK(has_diagnostic(unpack_bytes(bomb, "bomb.zip"), "overlap"));
  CHECK_FALSE(has_diagnostic(unpack_bytes(clean, "clean.zip"), "overlap"));
}
