// 7-Zip, ISO 9660 (libarchive entries, native extents) and ar (native).
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <functional>
#include <map>

#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "formats/common/decode.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::filesystem::path fx(const std::string& rel) { return external_dir() / "fact_extractor/fact_extractor/plugins/unpacking" / rel; }
std::string text(const Node* n) {
  REQUIRE(n != nullptr);
  return std::string(as_chars(n->data.bytes()));
}
}  // namespace

TEST_CASE("sevenzip: binwalk and FACT vectors, nested zip", "[formats][sevenzip][external]") {
  const Unpacked a = unpack_path(external_dir() / "binwalk/tests/inputs/7z.bin");
  CHECK(text(node_at(a, "7z.bin/sevenzip@0x0:lsb-release")).find("DISTRIB_ID") != std::string::npos);
  const Unpacked b = unpack_path(external_dir() / "FACT_core/src/test/data/container/test_zip.7z");
  CHECK(text(node_at(b, "test_zip.7z/sevenzip@0x0:testfile1.zip/zip@0x0:testfile1")).size() == 62);
  CHECK(node_at(b, "test_zip.7z/sevenzip@0x0:testfile2")->size() == 28);
}

TEST_CASE("sevenzip: a start-header CRC mismatch is not a chunk; truncation is reported", "[formats][sevenzip]") {
  auto v = read_file(external_dir() / "binwalk/tests/inputs/7z.bin");
  auto bad = v;
  bad[20] ^= 1;
  CHECK_FALSE(Registry::builtin().find("sevenzip")->identify({bad.data(), bad.size()}, 0));
  v.resize(100);
  auto c = Registry::builtin().find("sevenzip")->identify({v.data(), v.size()}, 0);
  REQUIRE(c);
  CHECK(c->confidence == Confidence::kLow);
}

TEST_CASE("iso9660: plain and zisofs images", "[formats][iso9660][external]") {
  const Unpacked a = unpack_path(fx("sevenz/test/data/test.iso"));
  REQUIRE(a.tree.at(0).handler == std::string("iso9660"));
  CHECK(text(node_at(a, "test.iso/iso9660@0x0:generic folder/test file 3_.txt")) == "The third test file!");
  CHECK(node_at(a, "test.iso/iso9660@0x0:.") == nullptr);
  const Unpacked b = unpack_path(fx("sevenz/test/data/test_zisofs.iso"));
  CHECK(node_at(b, "test_zisofs.iso/iso9660@0x0:LOREM")->size() == 296);
}

TEST_CASE("iso9660: inconsistent descriptors and truncation", "[formats][iso9660]") {
  auto v = read_file(fx("sevenz/test/data/test.iso"));
  auto bad = v;
  bad[0x8050] ^= 1;  // little-endian half of the both-endian size no longer agrees
  CHECK_FALSE(Registry::builtin().find("iso9660")->identify({bad.data(), bad.size()}, 0));
  v.resize(0x9000);
  auto c = Registry::builtin().find("iso9660")->identify({v.data(), v.size()}, 0);
  REQUIRE(c);
  CHECK(c->confidence == Confidence::kLow);
}

TEST_CASE("ar: static library and Debian package", "[formats][ar][external]") {
  const Unpacked a = unpack_path(fx("patool/test/data/test.a"));
  CHECK(node_at(a, "test.a/ar@0x0:test.data")->size() == 128);
  const Unpacked d = unpack_path(fx("patool/test/data/test.deb"));
  CHECK(text(node_at(d, "test.deb/ar@0x0:debian-binary")) == "2.0\n");
  CHECK(node_at(d, "test.deb/ar@0x0:control.tar.xz/xz@0x0:decompressed/tar@0x0:./control") != nullptr);
}

TEST_CASE("ar: damaged members end in diagnostics", "[formats][ar]") {
  auto field = [](const std::string& s, std::size_t n) { return s + std::string(n - s.size(), ' '); };
  ByteBuilder b;
  b.str("!<arch>\n").str(field("a.txt/", 16)).str(field("0", 12)).str(field("0", 6)).str(field("0", 6)).str(field("100644", 8))
      .str(field("999999", 10)).str("`\n").str("short");
  const Unpacked doc = unpack_bytes(b.data(), "t.a");
  CHECK(has_diagnostic(doc, "truncated"));
  CHECK(doc.tree.at(0).confidence == Confidence::kLow);
  // A bad first header: the archive is just its magic, the rest an unknown region.
  ByteBuilder c;
  c.str("!<arch>\n").fill('x', 60);
  const Unpacked d = unpack_bytes(c.data(), "bad.a");
  const Node* chunk = node_at(d, "bad.a/ar@0x0");
  REQUIRE(chunk != nullptr);
  CHECK(chunk->size() == 8);
  CHECK(chunk->confidence == Confidence::kLow);
  CHECK(d.tree.at(0).unknown.size() == 1);
}

TEST_CASE("cab, rar, xar, lha: FACT vectors yield the standard set with the right bytes", "[formats][cab][rar][xar][lha][external]") {
  // Reference bytes: the old-binary cpio vector holds the same three files.
  const Unpacked ref = unpack_path(fx("patool/test/data/test.cpio"));
  const std::string t1 = node_at(ref, "test.cpio/cpio@0x0:get_files_test/testfile1")->sha256;
  const std::string t2 = node_at(ref, "test.cpio/cpio@0x0:get_files_test/testfile2")->sha256;
  struct Vector { std::filesystem::path path; std::string handler; };
  for (const Vector& v : {Vector{fx("patool/test/data/test.cab"), "cab"},
                          Vector{external_dir() / "fact_extractor/fact_extractor/test/data/container/test.cab", "cab"},
                          Vector{fx("sevenz/test/data/test.rar"), "rar"}, Vector{fx("sevenz/test/data/test.xar"), "xar"},
                          Vector{fx("patool/test/data/test.lha"), "lha"}}) {
    INFO(v.path);
    const Unpacked doc = unpack_path(v.path);
    const Node& root = doc.tree.at(0);
    REQUIRE(root.handler == v.handler);
    const std::string base = v.path.filename().string() + "/" + v.handler + "@0x0:get_files_test/";
    CHECK(text(node_at(doc, base + "generic folder/test file 3_.txt")) == "The third test file!");
    CHECK(node_at(doc, base + "testfile1")->sha256 == t1);  // xar: libarchive's padding cut to the TOC size
    CHECK(node_at(doc, base + "testfile2")->sha256 == t2);
    CHECK(root.diagnostics.empty());
  }
}

TEST_CASE("cab, rar, xar, lha: exact extents, and truncation is low confidence", "[formats][cab][rar][xar][lha]") {
  for (const auto& [rel, id] : std::vector<std::pair<std::string, std::string>>{
           {"patool/test/data/test.cab", "cab"}, {"sevenz/test/data/test.rar", "rar"}, {"sevenz/test/data/test.xar", "xar"}, {"patool/test/data/test.lha", "lha"}}) {
    INFO(rel);
    auto bytes = read_file(fx(rel));
    const std::size_t size = bytes.size();
    bytes.resize(size + 300, 0xA5);  // trailing junk is not part of the archive
    auto c = Registry::builtin().find(id)->identify({bytes.data(), bytes.size()}, 0);
    REQUIRE(c);
    CHECK(c->size == size);
    CHECK(c->confidence == Confidence::kHigh);
    bytes.resize(size - 20);
    auto t = Registry::builtin().find(id)->identify({bytes.data(), bytes.size()}, 0);
    if (t) CHECK(t->confidence != Confidence::kHigh);
    const Unpacked doc = unpack_bytes(bytes, "cut.bin");  // damaged: a tree and diagnostics, no crash
    CHECK(doc.tree.size() >= 1);
  }
}

TEST_CASE("lzip, lzop, compress: patool vectors decode to the bytes the bzip2 vector holds", "[formats][lzip][lzop][compress][external]") {
  const Unpacked ref = unpack_path(fx("patool/test/data/test.bz2"));
  const std::string want = node_at(ref, "test.bz2/bzip2@0x0:decompressed")->sha256;
  const Unpacked lz = unpack_path(fx("patool/test/data/test.lz"));
  CHECK(node_at(lz, "test.lz/lzip@0x0:decompressed")->sha256 == want);
  const Unpacked lzo = unpack_path(fx("patool/test/data/test.lzo"));
  CHECK(node_at(lzo, "test.lzo/lzop@0x0:test.data")->sha256 == want);  // the name stored in the lzop header
  for (const auto& [name, id] : std::vector<std::pair<std::string, std::string>>{{"test.tar.lz", "lzip"}, {"test.tar.Z", "compress"}}) {
    INFO(name);
    const Unpacked t = unpack_path(fx("patool/test/data/" + name));
    CHECK(text(node_at(t, name + "/" + id + "@0x0:decompressed/tar@0x0:get_files_test/generic folder/test file 3_.txt")) == "The third test file!");
  }
  // A flipped byte in an lzop block fails its checksum: the decoder says so, and no chunk is claimed.
  auto bad = read_file(fx("patool/test/data/test.lzo"));
  bad[bad.size() - 10] ^= 0x20;
  const DecodeResult d = decode_stream(Codec::kLzop, {bad.data(), bad.size()}, 1 << 20);
  CHECK(d.status == DecodeStatus::kCorrupt);
  CHECK(d.message == "lzop block checksum mismatch");
  const Unpacked b = unpack_bytes(bad, "bad.lzo");
  for (const auto& n : b.tree.nodes()) CHECK(n.handler != std::string("lzop"));
}

// zip, ISO 9660, xar and LHA list their entries first and give the files' bytes when the
// unpacker reaches them (Extraction::more); the solid formats (7z, CAB) read their first batch
// while listing and give the rest the same way. Either way: the same entries and bytes as
// libarchive itself reads in one pass, one file a call when the batch is 1 byte.
TEST_CASE("archives: files' bytes come a batch at a time, the same bytes libarchive reads in one pass",
          "[formats][zip][iso9660][xar][lha][sevenzip][cab][external]") {
  struct Vector { std::filesystem::path path; std::string handler; bool solid; };
  for (const Vector& v : {Vector{fx("patool/test/data/test.jar"), "zip", false}, Vector{fx("sevenz/test/data/test.iso"), "iso9660", false},
                          Vector{fx("sevenz/test/data/test.xar"), "xar", false}, Vector{fx("patool/test/data/test.lha"), "lha", false},
                          Vector{fx("sevenz/test/data/test.7z"), "sevenzip", true}, Vector{fx("patool/test/data/test.cab"), "cab", true}}) {
    INFO(v.path);
    const auto image = read_file(v.path);
    const Handler* h = Registry::builtin().find(v.handler);
    REQUIRE(h != nullptr);
    const auto chunk = h->identify({image.data(), image.size()}, 0);
    REQUIRE(chunk);
    const Blob blob = Blob::copy_of(ByteView(image.data(), image.size()).subspan(0, chunk->size));
    // libarchive in one pass, reading every regular file's data: the reference bytes, in order.
    std::vector<std::pair<std::string, std::string>> files;
    {
      archive* a = archive_read_new();
      archive_read_support_format_all(a);
      REQUIRE(archive_read_open_memory(a, blob.bytes().data(), blob.size()) == ARCHIVE_OK);
      archive_entry* e = nullptr;
      while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != nullptr) continue;
        std::string data;
        char buf[4096];
        for (la_ssize_t got; (got = archive_read_data(a, buf, sizeof buf)) > 0;) data.append(buf, static_cast<std::size_t>(got));
        if (archive_entry_size_is_set(e) && data.size() > static_cast<std::size_t>(archive_entry_size(e))) data.resize(static_cast<std::size_t>(archive_entry_size(e)));
        std::string name = archive_entry_pathname(e);
        for (std::size_t dup = name.find("//"); dup != std::string::npos; dup = name.find("//", dup)) name.erase(dup, 1);  // as fwscan names it
        files.emplace_back(name, data);
      }
      archive_read_free(a);
    }
    REQUIRE(files.size() >= 3);
    Limits limits;
    Budget budget(limits);
    ExtractContext ctx(budget, nullptr, 1);
    auto ex = h->extract(blob, ctx);
    REQUIRE(ex);
    REQUIRE(ex->more);
    std::vector<std::pair<std::string, std::string>> got;
    for (std::size_t i = 0; i < ex->children.size(); ++i) {
      const Child& c = ex->children[i];
      if (c.meta.kind != EntryKind::kFile) continue;
      // A solid format reads its first file (past the 1-byte batch alone) while listing.
      CHECK(c.later == (!v.solid || !got.empty()));
      if (!c.later) {
        got.emplace_back(c.name, std::string(as_chars(c.data.bytes())));
        continue;
      }
      CHECK(c.data.empty());
      const MoreBytes more = ex->more(ctx);
      REQUIRE(more.bytes.size() == 1);
      CHECK(more.bytes[0].first == i);
      CHECK(more.complete);
      got.emplace_back(c.name, std::string(as_chars(more.bytes[0].second.bytes())));
    }
    CHECK(got == files);
  }
}

// An entry's cap follows its own compressed bytes, not the archive's size: 96 MiB of zeros in a
// solid 7z beside 512 KiB of noise is cut at the 64 MiB any stream may reach, although the
// archive (over 512 KiB) would allow 1000 times its size; the noise is read whole. Whether read
// while listing or later.
TEST_CASE("archives: an entry's output is bounded by the archive bytes it was decoded from", "[formats][sevenzip]") {
  constexpr std::size_t kZeros = 96u << 20, kNoise = 512u << 10;
  const auto noise = pseudo_random(kNoise, 7);
  std::vector<std::uint8_t> image(4u << 20);
  std::size_t used = 0;
  {
    archive* w = archive_write_new();
    REQUIRE(archive_write_set_format_7zip(w) == ARCHIVE_OK);
    REQUIRE(archive_write_set_format_option(w, "7zip", "compression", "lzma2") == ARCHIVE_OK);
    REQUIRE(archive_write_open_memory(w, image.data(), image.size(), &used) == ARCHIVE_OK);
    auto add = [&](const char* name, std::size_t size, const std::function<void(archive*)>& body) {
      archive_entry* e = archive_entry_new();
      archive_entry_set_pathname(e, name);
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(size));
      REQUIRE(archive_write_header(w, e) == ARCHIVE_OK);
      body(w);
      archive_entry_free(e);
    };
    add("noise.bin", kNoise, [&](archive* a) { REQUIRE(archive_write_data(a, noise.data(), noise.size()) == static_cast<la_ssize_t>(noise.size())); });
    add("zeros.bin", kZeros, [&](archive* a) {
      const std::vector<std::uint8_t> mib(1u << 20, 0);
      for (std::size_t i = 0; i < kZeros / mib.size(); ++i) REQUIRE(archive_write_data(a, mib.data(), mib.size()) == static_cast<la_ssize_t>(mib.size()));
    });
    REQUIRE(archive_write_close(w) == ARCHIVE_OK);
    archive_write_free(w);
  }
  image.resize(used);
  REQUIRE(image.size() > kNoise);
  REQUIRE(static_cast<double>(image.size()) * Limits{}.max_expansion_ratio > static_cast<double>(kZeros));  // the archive's size allows it
  const Handler* h = Registry::builtin().find("sevenzip");
  REQUIRE(h != nullptr);
  const Blob blob = Blob::copy_of(ByteView(image.data(), image.size()));
  for (const std::uint64_t batch : {std::uint64_t{1}, std::uint64_t{1} << 30}) {
    INFO("batch " << batch);
    Limits limits;
    Budget budget(limits);
    ExtractContext ctx(budget, nullptr, batch);
    auto ex = h->extract(blob, ctx);
    REQUIRE(ex);
    std::map<std::string, Blob> bytes;
    for (const Child& c : ex->children) bytes[c.name] = c.data;
    std::vector<Diagnostic> diags = ex->diagnostics;
    for (std::size_t i = 0; i < ex->children.size() && ex->more; ++i) {
      if (!ex->children[i].later) continue;
      MoreBytes more = ex->more(ctx);
      for (auto& [child, b] : more.bytes) bytes[ex->children[child].name] = b;
      diags.insert(diags.end(), more.diagnostics.begin(), more.diagnostics.end());
    }
    std::string seen;
    for (const auto& d : diags) seen += "diag " + d.message + "\n";
    for (const auto& [n, b] : bytes) seen += "entry " + n + " " + std::to_string(b.size()) + "\n";
    INFO(seen);
    REQUIRE(bytes.count("noise.bin") == 1);
    CHECK(std::equal(noise.begin(), noise.end(), bytes["noise.bin"].bytes().begin(), bytes["noise.bin"].bytes().end()));
    const Blob& zeros = bytes["zeros.bin"];
    CHECK(zeros.size() <= (64u << 20));
    CHECK(zeros.size() > (64u << 20) - (64u << 10));
    CHECK(std::all_of(zeros.bytes().begin(), zeros.bytes().end(), [](std::uint8_t b) { return b == 0; }));
    const auto cut = std::find_if(diags.begin(), diags.end(), [](const Diagnostic& d) { return d.code == DiagCode::kLimitExpansion; });
    REQUIRE(cut != diags.end());
    CHECK(cut->message.find("entry 'zeros.bin' cut after") != std::string::npos);
  }
}
