#include <zlib.h>

#include <fstream>
#include <set>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

const std::filesystem::path kUbiDir = "fs/ubi";
const char* kFactUbi = "fact_extractor/fact_extractor/plugins/unpacking/ubi/test/data";

nlohmann::json expected() {
  std::ifstream in(corpus_dir() / kUbiDir / "EXPECTED.json");
  return nlohmann::json::parse(in);
}

std::uint32_t ubi_crc(const std::vector<std::uint8_t>& v, std::size_t from, std::size_t n) {
  return static_cast<std::uint32_t>(crc32(0, v.data() + from, static_cast<uInt>(n))) ^ 0xFFFFFFFFU;
}
std::uint32_t le32(const std::vector<std::uint8_t>& v, std::size_t at) {
  return v[at] | (v[at + 1] << 8) | (v[at + 2] << 16) | (static_cast<std::uint32_t>(v[at + 3]) << 24);
}
void put_le32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) v[at + i] = static_cast<std::uint8_t>(x >> (8 * i));
}
// Recomputes the CRC of the UBIFS node at `at` after an edit.
void reseal(std::vector<std::uint8_t>& v, std::size_t at) { put_le32(v, at + 4, ubi_crc(v, at + 8, le32(v, at + 16) - 8)); }

void check_files(const auto& doc, const std::string& base, const nlohmann::json& files) {
  REQUIRE(!files.empty());
  for (const auto& [path, sha] : files.items()) {
    INFO(base + path);
    const auto* n = node_at(doc, base + path);
    REQUIRE(n != nullptr);
    if (n->meta.kind == EntryKind::kHardlink) n = node_at(doc, base + n->meta.link_target);  // the name carrying the data
    REQUIRE(n != nullptr);
    CHECK(n->meta.kind == EntryKind::kFile);
    CHECK(n->sha256 == sha.template get<std::string>());
  }
}

}  // namespace

TEST_CASE("ubi: the fact_extractor UBI image rebuilds its static volume, which is the UBIFS sample", "[formats][ubi][external]") {
  const Unpacked doc = unpack_path(external_dir() / kFactUbi / "ubi.img");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("ubi"));
  CHECK(prop(root, "peb_size") == "1024");
  CHECK(prop(root, "leb_size") == "896");
  CHECK(prop(root, "pebs") == "1904");
  CHECK(prop(root, "volume 1") == "rootfs (static, 1902 LEBs)");
  const Node* vol = node_at(doc, "ubi.img/ubi@0x0:rootfs");
  REQUIRE(vol != nullptr);
  // 1901 full LEBs of 896 bytes and a last one of 640: exactly test.ubifs (SOURCES.md hash).
  CHECK(vol->size() == 1703936);
  CHECK(vol->sha256 == "38b8c42d115148c3b6ee121eb77f77ffa54c3cfbdbbf52fb2c29857076641428");
  CHECK(doc.tree.at(0).diagnostics.empty());
}

TEST_CASE("ubifs: the fact_extractor UBIFS sample yields the standard unpack set through its index", "[formats][ubifs][external]") {
  const Unpacked doc = unpack_path(external_dir() / kFactUbi / "test.ubifs");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("ubifs"));
  CHECK(prop(root, "default_compression") == "lzo");
  CHECK(prop(root, "leb_size") == "131072");
  const std::string base = "test.ubifs/ubifs@0x0:";
  const Node* t3 = node_at(doc, base + "generic folder/test file 3_.txt");
  REQUIRE(t3 != nullptr);
  CHECK(std::string(as_chars(t3->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, base + "testfile1")->size() == 62);
  CHECK(node_at(doc, base + "testfile2")->size() == 28);
  CHECK(node_at(doc, base + "generic folder")->meta.kind == EntryKind::kDirectory);
  std::size_t files = 0;
  for (const NodeId id : root.children) files += doc.tree.at(id).meta.kind == EntryKind::kFile ? 1 : 0;
  CHECK(files == 3);
  CHECK(root.diagnostics.empty());
}

TEST_CASE("ubi: generated NAND image: dynamic UBIFS volumes (zlib, zstd) and a static volume", "[formats][ubi][ubifs][corpus]") {
  const auto exp = expected()["camera_nand.ubi"];
  const Unpacked doc = unpack_path(corpus_dir() / kUbiDir / "camera_nand.ubi");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("ubi"));
  CHECK(prop(root, "peb_size") == std::to_string(exp["peb_size"].get<int>()));
  CHECK(prop(root, "leb_size") == std::to_string(exp["leb_size"].get<int>()));
  CHECK(prop(root, "image_seq") == "0x1a2b3c4d");
  for (const char* vol : {"rootfs", "app"}) {
    INFO(vol);
    const auto& v = exp["volumes"][vol];
    const std::string base = std::string("camera_nand.ubi/ubi@0x0:") + vol;
    const Node* fs = node_at(doc, base);
    REQUIRE(fs != nullptr);
    CHECK(fs->handler == std::string("ubifs"));
    CHECK(prop(*fs, "default_compression") == v["ubifs_compression"].get<std::string>());
    CHECK(prop(root, "volume " + std::to_string(v["id"].get<int>())).rfind(std::string(vol) + " (dynamic", 0) == 0);
    check_files(doc, base + "/ubifs@0x0:", v["files"]);
    CHECK(fs->diagnostics.empty());
  }
  const Node* link = node_at(doc, "camera_nand.ubi/ubi@0x0:app/ubifs@0x0:lib/libanalytics.so");
  REQUIRE(link != nullptr);
  CHECK(link->meta.kind == EntryKind::kSymlink);
  CHECK(link->meta.link_target == "libanalytics.so.1");
  const Node* kernel = node_at(doc, "camera_nand.ubi/ubi@0x0:kernel");
  REQUIRE(kernel != nullptr);
  CHECK(kernel->size() == exp["volumes"]["kernel"]["size"].get<std::uint64_t>());
  CHECK(kernel->sha256 == exp["volumes"]["kernel"]["sha256"].get<std::string>());
  CHECK(prop(root, "volume 2") == "kernel (static, 2 LEBs)");
  CHECK(root.diagnostics.empty());
}

TEST_CASE("ubifs: LZO image with hard link, symlink, devices, a hole and an empty file", "[formats][ubifs][corpus]") {
  const auto exp = expected()["config_lzo.ubifs"];
  const Unpacked doc = unpack_path(corpus_dir() / kUbiDir / "config_lzo.ubifs");
  const std::string base = "config_lzo.ubifs/ubifs@0x0:";
  check_files(doc, base, exp["files"]);
  const Node* hard = node_at(doc, base + "users.conf");
  REQUIRE(hard != nullptr);
  // One inode, two names: the first in name order carries the data, the other links to it.
  CHECK(hard->meta.kind == EntryKind::kHardlink);
  CHECK(hard->meta.link_target == "users.bak");
  CHECK(exp["hardlinks"]["users.bak"] == "users.conf");
  CHECK(node_at(doc, base + "current")->meta.link_target == "network.conf");
  const Node* console = node_at(doc, base + "dev/console");
  REQUIRE(console != nullptr);
  CHECK(console->meta.kind == EntryKind::kCharDevice);
  CHECK(console->meta.dev_major == 5U);
  CHECK(console->meta.dev_minor == 1U);
  const Node* mtd = node_at(doc, base + "dev/mtdblock3");
  REQUIRE(mtd != nullptr);
  CHECK(mtd->meta.kind == EntryKind::kBlockDevice);
  CHECK(mtd->meta.dev_major == 31U);
  CHECK(mtd->meta.dev_minor == 3U);
  CHECK(mtd->meta.mode == 0640U);
  CHECK(node_at(doc, base + "empty.flag")->size() == 0);
  const Node* sparse = node_at(doc, base + "sparse.bin");
  REQUIRE(sparse != nullptr);
  REQUIRE(sparse->size() > 8192);
  CHECK(sparse->data.bytes()[100] == 0);
}

TEST_CASE("ubi: a label inside a UBIFS volume is found with its full provenance", "[formats][ubi][corpus][rules]") {
  const ReportDocument doc = scan_path(corpus_dir() / kUbiDir / "camera_nand.ubi");
  bool found = false;
  for (const auto& f : doc.findings) {
    if (f.rule == "ETHN_Minority_Classification_Attribute" && f.strings.at(0).text == "是否少数民族") {
      found = true;
      CHECK(f.locator == "camera_nand.ubi/ubi@0x0:app/ubifs@0x0:cfg/face_attr.txt");
    }
  }
  CHECK(found);
}

TEST_CASE("ubi: damaged images end in diagnostics naming the damage", "[formats][ubi][malformed]") {
  const auto image = read_file(corpus_dir() / kUbiDir / "camera_nand.ubi");
  constexpr std::size_t kPeb = 16384, kVid = 512;
  SECTION("a VID header CRC error drops that PEB and says so") {
    auto bad = image;
    bad[3 * kPeb + kVid + 12] ^= 0x01;  // lnum of the fourth PEB
    const Unpacked doc = unpack_bytes(bad, "bad_vid.ubi");
    REQUIRE(doc.tree.at(0).handler == std::string("ubi"));
    CHECK(has_diagnostic(doc, "checksum_mismatch"));
  }
  SECTION("truncated: the static volume misses LEBs") {
    // Cut through the second-to-last PEB: the kernel volume's second LEB is gone.
    std::vector<std::uint8_t> cut(image.begin(), image.end() - static_cast<std::ptrdiff_t>(kPeb + 100));
    const Unpacked doc = unpack_bytes(cut, "cut.ubi");
    REQUIRE(doc.tree.at(0).handler == std::string("ubi"));
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("a static LEB whose data was altered fails its data CRC") {
    auto bad = image;
    // Find the kernel volume's first PEB (vol_id 2) and flip a data byte.
    for (std::size_t off = 0; off + kPeb <= bad.size(); off += kPeb) {
      if (bad[off + kVid] == 'U' && bad[off + kVid + 11] == 2) {
        bad[off + 2 * kVid + 100] ^= 0xFF;
        break;
      }
    }
    const Unpacked doc = unpack_bytes(bad, "crc.ubi");
    CHECK(has_diagnostic(doc, "checksum_mismatch"));
  }
}

TEST_CASE("ubifs: index loops, absurd counts, lost masters and truncation end in diagnostics", "[formats][ubifs][malformed]") {
  const auto image = read_file(corpus_dir() / kUbiDir / "config_lzo.ubifs");
  constexpr std::size_t kLeb = 15360;
  const std::size_t mst = kLeb;  // first master node, LEB 1 offset 0
  REQUIRE(image[mst + 20] == 7);
  // The newest master (highest sqnum) is the one the reader uses: patch both copies alike.
  const std::size_t root = le32(image, mst + 48) * kLeb + le32(image, mst + 52);
  REQUIRE(image[root + 20] == 9);
  SECTION("a branch pointing back at its own index node") {
    auto bad = image;
    put_le32(bad, root + 28, le32(image, mst + 48));
    put_le32(bad, root + 32, le32(image, mst + 52));
    put_le32(bad, root + 36, le32(image, mst + 56));
    reseal(bad, root);
    const Unpacked doc = unpack_bytes(bad, "loop.ubifs");
    REQUIRE(doc.tree.at(0).handler == std::string("ubifs"));
    CHECK(has_diagnostic(doc, "loop"));
  }
  SECTION("child count far beyond the node") {
    auto bad = image;
    bad[root + 24] = 0xFF;
    bad[root + 25] = 0xFF;
    reseal(bad, root);
    const Unpacked doc = unpack_bytes(bad, "count.ubifs");
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("no valid master node") {
    auto bad = image;
    std::fill(bad.begin() + kLeb, bad.begin() + 3 * kLeb, 0xFF);
    const Unpacked doc = unpack_bytes(bad, "nomaster.ubifs");
    REQUIRE(doc.tree.at(0).handler == std::string("ubifs"));
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(doc.tree.at(0).children.empty());
  }
  SECTION("a leaf with a CRC error") {
    auto bad = image;
    // The first inode node after the index root's LEB start: any leaf will do.
    const std::size_t leaf = le32(image, root + 28) * kLeb + le32(image, root + 32);
    bad[leaf + 30] ^= 0x40;
    const Unpacked doc = unpack_bytes(bad, "leaf.ubifs");
    CHECK(has_diagnostic(doc, "checksum_mismatch"));
  }
  SECTION("truncated inside the main area") {
    std::vector<std::uint8_t> cut(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(image.size() - kLeb - 7));
    const Unpacked doc = unpack_bytes(cut, "cut.ubifs");
    REQUIRE(doc.tree.at(0).handler == std::string("ubifs"));
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("a superblock cut short is not claimed") {
    std::vector<std::uint8_t> cut(image.begin(), image.begin() + 2000);
    const Unpacked doc = unpack_bytes(cut, "sb.ubifs");
    CHECK(doc.tree.at(0).handler != std::string("ubifs"));
  }
}

TEST_CASE("ubi: a dynamic volume mapping LEB 2^31 is not read as 256 TiB of erased LEBs", "[formats][ubi][hostile]") {
  auto image = read_file(corpus_dir() / kUbiDir / "camera_nand.ubi");
  constexpr std::size_t kPeb = 16384, kVid = 512;
  auto be32 = [&](std::size_t at) { return static_cast<std::uint32_t>(image[at] << 24 | image[at + 1] << 16 | image[at + 2] << 8 | image[at + 3]); };
  auto put_be32 = [&](std::size_t at, std::uint32_t x) {
    for (int i = 0; i < 4; ++i) image[at + i] = static_cast<std::uint8_t>(x >> (8 * (3 - i)));
  };
  // The first PEB of a dynamic user volume (VID header: vol_type 1 at +5, vol_id at +8, lnum at
  // +12, hdr_crc over the first 60 bytes at +60); its LEB moves to 2^31 - 16.
  std::size_t peb = 0;
  for (std::size_t off = 0; off + kPeb <= image.size(); off += kPeb) {
    if (image[off + kVid] == 'U' && image[off + kVid + 5] == 1 && be32(off + kVid + 8) < 0x7FFFEFFF) {
      peb = off;
      break;
    }
  }
  REQUIRE(peb != 0);
  put_be32(peb + kVid + 12, 0x7FFFFFF0U);
  put_be32(peb + kVid + 60, ubi_crc(image, peb + kVid, 60));
  const Unpacked doc = unpack_bytes(image, "far.ubi");
  REQUIRE(doc.tree.at(0).handler == std::string("ubi"));
  bool said = false;
  for (const Diagnostic& d : doc.tree.at(0).diagnostics) {
    said = said || (d.code == DiagCode::kLimitFile && d.message.find("maps LEB 2147483632") != std::string::npos);
  }
  CHECK(said);
  // The volume holds no more erased LEBs than the expansion ratio (1000) allows for the LEBs
  // the image maps for it.
  const std::uint32_t vol = be32(peb + kVid + 8);
  std::set<std::uint32_t> lnums;
  for (std::size_t off = 0; off + kPeb <= image.size(); off += kPeb) {
    if (image[off + kVid] == 'U' && be32(off + kVid + 8) == vol) lnums.insert(be32(off + kVid + 12));
  }
  const std::uint64_t usable = kPeb - be32(peb + 20) - be32(peb + kVid + 28);  // data_offset (EC header), data_pad
  std::uint64_t largest = 0;
  for (const Node& n : doc.tree.nodes()) {
    if (n.parent == std::optional<NodeId>(0)) largest = std::max<std::uint64_t>(largest, n.size());
  }
  CHECK(largest > 0);
  CHECK(largest <= lnums.size() * 1000 * usable);
}

// With batches asked for (ExtractContext::batch_bytes), the volumes are listed at once and each
// volume's bytes come when the unpacker reaches it (Extraction::more): the same volumes and bytes
// as one extraction that reads them all, one volume a call when the batch is 1 byte.
TEST_CASE("ubi: volumes' bytes come one batch at a time, the same volumes and bytes as all at once", "[formats][ubi][corpus]") {
  const auto image = read_file(corpus_dir() / kUbiDir / "camera_nand.ubi");
  const Handler* h = Registry::builtin().find("ubi");
  REQUIRE(h != nullptr);
  const auto chunk = h->identify({image.data(), image.size()}, 0);
  REQUIRE(chunk);
  const Blob blob = Blob::copy_of(ByteView(image.data(), image.size()).subspan(0, chunk->size));
  Limits limits;
  Budget whole_budget(limits);
  ExtractContext whole_ctx(whole_budget);
  auto whole = h->extract(blob, whole_ctx);
  REQUIRE(whole);
  CHECK(!whole->more);
  REQUIRE(whole->children.size() >= 3);  // EXPECTED.json: two dynamic UBIFS volumes and a static one
  Budget budget(limits);
  ExtractContext ctx(budget, nullptr, 1);
  auto batched = h->extract(blob, ctx);
  REQUIRE(batched);
  REQUIRE(batched->more);
  REQUIRE(batched->children.size() == whole->children.size());
  CHECK(batched->properties == whole->properties);
  for (std::size_t k = 0; k < whole->children.size(); ++k) {
    INFO("volume " << k);
    CHECK(batched->children[k].name == whole->children[k].name);
    CHECK(batched->children[k].later);
    CHECK(batched->children[k].data.empty());
    CHECK(!whole->children[k].later);
    const MoreBytes got = batched->more(ctx);
    REQUIRE(got.bytes.size() == 1);
    CHECK(got.bytes[0].first == k);
    const ByteView want = whole->children[k].data.bytes();
    const ByteView have = got.bytes[0].second.bytes();
    CHECK(!want.empty());
    CHECK(std::equal(want.begin(), want.end(), have.begin(), have.end()));
  }
  // With a batch larger than the image, the first call gives every volume.
  Budget big_budget(limits);
  ExtractContext big_ctx(big_budget, nullptr, 1ULL << 40);
  auto big = h->extract(blob, big_ctx);
  REQUIRE(big);
  REQUIRE(big->more);
  CHECK(big->more(big_ctx).bytes.size() == whole->children.size());
}
