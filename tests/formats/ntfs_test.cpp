// NTFS through libntfs-3g over the in-memory device: fact_extractor's image, and damaged copies
// of it (records, index entries and the volume cut or rewritten) that must end in diagnostics.
#include <algorithm>
#include <cstring>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> ntfs_image() { return external_xz("fact_extractor/fact_extractor/plugins/unpacking/sevenz/test/data/ntfs.img.xz"); }

std::vector<std::uint8_t> utf16(std::string_view s) {
  std::vector<std::uint8_t> out;
  for (char c : s) {
    out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

std::uint64_t le(const std::vector<std::uint8_t>& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | b[at + static_cast<std::size_t>(i)];
  return v;
}

// Offsets of the directory index entries for `name`: file reference u64, entry length u16, key
// length u16, flags, then the $FILE_NAME key: parent reference, 4 times, sizes, flags, name
// length, namespace, the UTF-16 name at key+66. Only the name's first 4 characters are matched:
// the update sequence (fixup) may have replaced 2 bytes later in it, at a sector's end.
std::vector<std::size_t> index_entries(const std::vector<std::uint8_t>& img, std::string_view name) {
  const auto needle = utf16(name.substr(0, 4));
  std::vector<std::size_t> out;
  for (auto it = img.begin(); (it = std::search(it, img.end(), needle.begin(), needle.end())) != img.end(); ++it) {
    const auto pos = static_cast<std::size_t>(it - img.begin());
    if (pos < 82) continue;
    const std::size_t entry = pos - 82;
    if (le(img, entry + 10, 2) == 66 + 2 * name.size() && img[pos - 2] == name.size()) out.push_back(entry);
  }
  return out;
}

}  // namespace

TEST_CASE("ntfs: fact_extractor's image yields the standard set through libntfs-3g", "[formats][ntfs][external]") {
  const Unpacked doc = unpack_bytes(ntfs_image(), "ntfs.img");
  REQUIRE(doc.tree.at(0).handler == std::string("ntfs"));
  CHECK(prop(doc.tree.at(0), "cluster_size") == "4096");
  CHECK(prop(doc.tree.at(0), "version") == "3.1");
  const std::string base = "ntfs.img/ntfs@0x0:get_files_test/";
  const Node* third = node_at(doc, base + "generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(std::string(as_chars(third->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(node_at(doc, base + "generic folder")->meta.kind == EntryKind::kDirectory);
  CHECK(node_at(doc, base + "testfile2")->meta.mtime == 1442312440);  // test.tar's mtime for it
  // The metadata files ($MFT, $LogFile, ...) are not entries.
  CHECK(nodes_ending_with(doc, "$MFT").empty());
  CHECK(doc.tree.at(0).diagnostics.empty());
}

TEST_CASE("ntfs: damaged images end in diagnostics", "[formats][ntfs][malformed]") {
  const auto good = ntfs_image();
  const auto folder = index_entries(good, "generic folder");
  const auto third = index_entries(good, "test file 3_.txt");
  REQUIRE(folder.size() == 1);
  REQUIRE(third.size() == 1);

  SECTION("an index entry pointing back at its parent directory is a loop") {
    auto bad = good;
    // "generic folder"'s key names its parent, get_files_test: make the entry for
    // "test file 3_.txt" (inside generic folder) point at that parent.
    std::memcpy(bad.data() + third[0], bad.data() + folder[0] + 16, 8);
    const Unpacked doc = unpack_bytes(bad, "loop.img");
    REQUIRE(doc.tree.at(0).handler == std::string("ntfs"));
    CHECK(has_diagnostic(doc, "loop"));
    CHECK(node_at(doc, "loop.img/ntfs@0x0:get_files_test/testfile1") != nullptr);
  }
  SECTION("an index entry naming an MFT record past the end of $MFT") {
    auto bad = good;
    const std::uint8_t far[8] = {0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00};  // record 0x100000
    std::memcpy(bad.data() + third[0], far, 8);
    const Unpacked doc = unpack_bytes(bad, "far.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(node_at(doc, "far.img/ntfs@0x0:get_files_test/testfile2") != nullptr);
  }
  SECTION("a directory's MFT record with its signature destroyed") {
    auto bad = good;
    const std::uint64_t cluster = le(good, 11, 2) * good[13];
    const std::uint64_t mft = le(good, 0x30, 8) * cluster;
    const std::uint64_t record = 1024;  // clusters_per_mft_record byte 0xF6: 2^10
    REQUIRE(good[0x40] == 0xF6);
    const std::uint64_t folder_record = le(good, folder[0], 6);
    const std::size_t at = mft + folder_record * record;
    REQUIRE(std::memcmp(bad.data() + at, "FILE", 4) == 0);
    std::memcpy(bad.data() + at, "BAAD", 4);
    const Unpacked doc = unpack_bytes(bad, "baad.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(node_at(doc, "baad.img/ntfs@0x0:get_files_test/testfile1") != nullptr);
    CHECK(nodes_ending_with(doc, "test file 3_.txt").empty());
  }
  SECTION("the volume cut short") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 1024 * 1024);
    const Unpacked doc = unpack_bytes(cut, "cut.img");
    REQUIRE(doc.tree.at(0).handler == std::string("ntfs"));
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("$MFT overwritten: the volume does not mount") {
    auto bad = good;
    const std::uint64_t mft = le(good, 0x30, 8) * le(good, 11, 2) * good[13];
    const auto noise = pseudo_random(16 * 1024, 7);
    std::copy(noise.begin(), noise.end(), bad.begin() + static_cast<std::ptrdiff_t>(mft));
    const std::uint64_t mirr = le(good, 0x38, 8) * le(good, 11, 2) * good[13];
    std::copy_n(noise.begin(), 4096, bad.begin() + static_cast<std::ptrdiff_t>(mirr));
    const Unpacked doc = unpack_bytes(bad, "nomft.img");
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("bytes flipped across $MFT and the index: every scan finishes") {
    const std::uint64_t mft = le(good, 0x30, 8) * le(good, 11, 2) * good[13];
    const auto noise = pseudo_random(4 * 120, 11);
    std::size_t flagged = 0;
    for (int round = 0; round < 120; ++round) {
      auto bad = good;
      for (int k = 0; k < 4; ++k) {
        const std::size_t r = static_cast<std::size_t>(round) * 4 + static_cast<std::size_t>(k);
        const std::size_t at = mft + (noise[r] * 131U + static_cast<std::size_t>(round) * 977U) % (64 * 1024);
        bad[at] ^= static_cast<std::uint8_t>(1U << (noise[r] % 8));
      }
      auto r = run_handler("ntfs", bad);  // must finish (under ASan: without a memory error)
      flagged += r && !r->diagnostics.empty() ? 1 : 0;
    }
    CHECK(flagged > 0);  // some flips are caught by the reader's own checks
  }
}

// testfile1's $DATA (62 bytes, resident) rewritten as a non-resident sparse attribute of one run
// of 60 MiB that is all hole (mapping pairs 02 00 3C: 0x3C00 clusters, no LCN): the file is
// 60 MiB of zeros, held as a hole, never written in memory (ntfs_attr_pread gave it as zeros).
TEST_CASE("ntfs: a sparse run is held as a hole, not as zeros in memory", "[formats][ntfs][external]") {
  auto img = ntfs_image();
  constexpr std::uint64_t kClusters = 0x3C00, kSize = kClusters * 4096;
  const auto name = utf16("testfile1");
  std::size_t data_at = 0, info_at = 0;
  for (std::size_t rec = 0; rec + 1024 <= img.size() && data_at == 0; rec += 1024) {
    if (std::memcmp(&img[rec], "FILE", 4) != 0 || std::search(img.begin() + static_cast<std::ptrdiff_t>(rec), img.begin() + static_cast<std::ptrdiff_t>(rec + 1024), name.begin(), name.end()) == img.begin() + static_cast<std::ptrdiff_t>(rec + 1024)) continue;
    for (std::size_t a = rec + le(img, rec + 0x14, 2); a + 16 <= rec + 1024 && le(img, a, 4) != 0xFFFFFFFF; a += le(img, a + 4, 4)) {
      if (le(img, a, 4) == 0x80 && img[a + 8] == 0 && le(img, a + 4, 4) >= 88) data_at = a;
      if (le(img, a, 4) == 0x10 && img[a + 8] == 0) info_at = a + le(img, a + 0x14, 2);  // $STANDARD_INFORMATION's value
      if (le(img, a + 4, 4) == 0) break;
    }
  }
  REQUIRE(data_at != 0);
  REQUIRE(info_at != 0);
  img[info_at + 32 + 1] |= 0x02;  // its file attributes: FILE_ATTR_SPARSE_FILE (0x200), as the $DATA flag must agree
  const std::uint16_t instance = static_cast<std::uint16_t>(le(img, data_at + 0x0E, 2));
  std::vector<std::uint8_t> attr(88, 0);
  auto put = [&](std::size_t at, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) attr[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  put(0x00, 0x80, 4);
  put(0x04, 88, 4);
  attr[0x08] = 1;                   // non-resident
  put(0x0A, 0x48, 2);               // name offset (no name)
  put(0x0C, 0x8000, 2);             // sparse
  put(0x0E, instance, 2);
  put(0x18, kClusters - 1, 8);      // highest VCN
  put(0x20, 0x48, 2);               // mapping pairs
  put(0x28, kSize, 8);              // allocated, data and initialized sizes
  put(0x30, kSize, 8);
  put(0x38, kSize, 8);
  put(0x40, 0, 8);                  // compressed size: none allocated
  attr[0x48] = 0x02;                // a run of 2 length bytes and no LCN: a hole
  put(0x49, kClusters, 2);
  std::copy(attr.begin(), attr.end(), img.begin() + static_cast<std::ptrdiff_t>(data_at));
  const Unpacked doc = unpack_bytes(img, "ntfs.img");
  const Node* f = node_at(doc, "ntfs.img/ntfs@0x0:get_files_test/testfile1");
  REQUIRE(f != nullptr);
  std::string said;
  for (const auto& d : doc.tree.at(0).diagnostics) said += d.message + "\n";
  INFO(said);
  CHECK(f->size() == kSize);
  CHECK(f->data.has_holes());
  CHECK(f->data.data_extents().empty());
  CHECK(std::all_of(f->data.bytes().begin(), f->data.bytes().end(), [](std::uint8_t b) { return b == 0; }));
  // The other files are read as before.
  CHECK(node_at(doc, "ntfs.img/ntfs@0x0:get_files_test/testfile2")->size() > 0);
}
