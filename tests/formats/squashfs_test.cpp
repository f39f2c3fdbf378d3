#include <algorithm>
#include <map>

#include "core/reader.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("squashfs: SquashFS 4 vectors for every compressor libsquashfs reads", "[formats][squashfs][external]") {
  const auto base = external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/squashFS/test/data";
  for (const char* name : {"gzip.sqfs", "lz4.sqfs", "lzma.sqfs", "lzo.sqfs", "xz.sqfs", "zstd.sqfs"}) {
    SECTION(name) {
      const Unpacked doc = unpack_path(base / name);
      std::size_t files = 0;
      for (const auto& n : doc.tree.nodes()) {
        if (n.kind == NodeKind::kEntry && n.meta.kind == EntryKind::kFile && n.step.handler == "squashfs") {
          ++files;
          REQUIRE(n.size() > 0);
        }
      }
      INFO(name);
      REQUIRE(files >= 1);
      for (const auto& n : doc.tree.nodes()) {
        for (const auto& d : n.diagnostics) {
          INFO(d.code << ": " << d.message);
          REQUIRE(d.severity != Severity::kError);
        }
      }
    }
  }
}

TEST_CASE("squashfs: binwalk vector gives lsb-release", "[formats][squashfs][external]") {
  const Unpacked doc = unpack_path(external_dir() / "binwalk/tests/inputs/squashfs.bin");
  const Node* f = node_at(doc, "squashfs.bin/squashfs@0x0:lsb-release");
  REQUIRE(f != nullptr);
  REQUIRE(std::string(as_chars(f->data.bytes())).find("DISTRIB") != std::string::npos);
}

TEST_CASE("squashfs: the demo app image holds the ELF, symlinks recorded", "[formats][squashfs]") {
  const Unpacked doc = unpack_path(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  const Node* elf = node_at(doc, "digicap.dav/swkh@0x0:app.img/squashfs@0x0:davinci");
  REQUIRE(elf != nullptr);
  REQUIRE(has_bytes_at(elf->data.bytes(), 0, "\x7f" "ELF"));
  const Node* link = node_at(doc, "digicap.dav/swkh@0x0:app.img/squashfs@0x0:lib/libc.so.6");
  REQUIRE(link != nullptr);
  REQUIRE(link->meta.kind == EntryKind::kSymlink);
  REQUIRE(link->meta.link_target == "/lib/libc-2.31.so");
}

TEST_CASE("squashfs: damaged images end in diagnostics", "[formats][squashfs]") {
  const auto good = read_file(external_dir() / "binwalk/tests/inputs/squashfs.bin");
  SECTION("truncated superblock") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 40);
    REQUIRE_FALSE(Registry::builtin().find("squashfs")->identify({cut.data(), cut.size()}, 0));
  }
  SECTION("bytes_used past the end") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 200);
    const Unpacked doc = unpack_bytes(cut, "cut.sqfs");
    REQUIRE(doc.tree.at(0).handler == std::string("squashfs"));
    REQUIRE(doc.tree.at(0).confidence == Confidence::kLow);
    bool error = false;
    for (const auto& d : doc.tree.at(0).diagnostics) error = error || d.severity == Severity::kError;
    REQUIRE(error);
  }
  SECTION("table offsets pointing into the superblock and garbage tables") {
    auto bad = good;
    for (std::size_t off = 48; off < 96; off += 8) {
      for (int i = 0; i < 8; ++i) bad[off + static_cast<std::size_t>(i)] = i == 0 ? 0x10 : 0;
    }
    const Unpacked doc = unpack_bytes(bad, "bad.sqfs");
    REQUIRE(doc.tree.size() >= 1);
    bool error = false;
    for (const auto& n : doc.tree.nodes()) for (const auto& d : n.diagnostics) error = error || d.severity == Severity::kError;
    REQUIRE(error);
  }
  SECTION("random bytes after a valid superblock") {
    auto bad = good;
    auto junk = pseudo_random(bad.size() - 96, 11);
    std::copy(junk.begin(), junk.end(), bad.begin() + 96);
    const Unpacked doc = unpack_bytes(bad, "junk.sqfs");
    REQUIRE(doc.tree.size() >= 1);
  }
}

namespace {
const std::filesystem::path kFactSquashfs = "vendor/fact_extractor/fact_extractor/plugins/unpacking/squashFS/test/data";
}  // namespace

TEST_CASE("squashfs: 2.x, 3.x and big-endian 4.0 vectors through the native reader", "[formats][squashfs][external]") {
  // The same three files in every vector; their hashes come from the 4.0 LE xz vector (libsquashfs).
  const Unpacked ref = unpack_path(external_dir() / kFactSquashfs / "xz.sqfs");
  const std::string t1 = node_at(ref, "xz.sqfs/squashfs@0x0:testfile1")->sha256;
  const std::string t2 = node_at(ref, "xz.sqfs/squashfs@0x0:testfile2")->sha256;
  struct Vector { const char* name; const char* version; const char* order; const char* compression; };
  for (const Vector& v : {Vector{"zlib_le.sqfs3", "3.1", "little-endian", "zlib"}, Vector{"zlib_be.sqfs3", "3.1", "big-endian", "zlib"},
                          Vector{"lzma1_le.sqfs3", "3.76", "little-endian", "raw lzma1 lc=3 lp=0 pb=2"},
                          Vector{"lzma1_be.sqfs3", "3.76", "big-endian", "raw lzma1 lc=3 lp=0 pb=2"},
                          Vector{"lzma_le.sqfs2", "2.76", "little-endian", "raw lzma1 lc=3 lp=0 pb=2"},
                          Vector{"lzma_be.sqfs2", "2.76", "big-endian", "raw lzma1 lc=3 lp=0 pb=2"},
                          Vector{"avm_be.sqfs4", "4.0", "big-endian", "xz"}}) {
    INFO(v.name);
    const Unpacked doc = unpack_path(external_dir() / kFactSquashfs / v.name);
    const Node* fs = node_at(doc, std::string(v.name) + "/squashfs@0x0");  // the image is followed by zero padding
    REQUIRE(fs != nullptr);
    const Node& root = *fs;
    REQUIRE(root.handler == std::string("squashfs"));
    CHECK(prop(root, "version") == v.version);
    CHECK(prop(root, "byte_order") == v.order);
    CHECK(prop(root, "compression") == v.compression);
    const std::string base = std::string(v.name) + "/squashfs@0x0:";
    const Node* t3 = node_at(doc, base + "generic folder/test file 3_.txt");
    REQUIRE(t3 != nullptr);
    CHECK(std::string(as_chars(t3->data.bytes())) == "The third test file!");
    CHECK(node_at(doc, base + "testfile1")->sha256 == t1);
    CHECK(node_at(doc, base + "testfile2")->sha256 == t2);
    CHECK(node_at(doc, base + "generic folder")->meta.kind == EntryKind::kDirectory);
    CHECK(root.diagnostics.empty());
  }
}

TEST_CASE("squashfs: binwalk's 2.0 big-endian image with Broadcom LZMA matches unsquashfs's listing", "[formats][squashfs][external]") {
  // `unsquashfs -lls` (squashfs-tools 4.5) lists this image (its metadata is zlib or stored) but cannot
  // decompress its LZMA data blocks; the listing gives 429 entries: 263 files, 68 symlinks, 28
  // directories, 36 block and 34 character devices, 1 FIFO.
  const Unpacked doc = unpack_path(external_dir() / "binwalk/tests/inputs/squashfs_v2.bin");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("squashfs"));
  CHECK(prop(root, "version") == "2.0");
  CHECK(prop(root, "compression") == "lzma (5-byte header)");
  std::map<EntryKind, int> kinds;
  for (const NodeId id : root.children) ++kinds[doc.tree.at(id).meta.kind];
  CHECK(kinds[EntryKind::kFile] == 263);
  CHECK(kinds[EntryKind::kSymlink] == 68);
  CHECK(kinds[EntryKind::kDirectory] == 28);
  CHECK(kinds[EntryKind::kBlockDevice] == 36);
  CHECK(kinds[EntryKind::kCharDevice] == 34);
  CHECK(kinds[EntryKind::kFifo] == 1);
  const Node* busybox = node_at(doc, "squashfs_v2.bin/squashfs@0x0:bin/busybox");
  REQUIRE(busybox != nullptr);
  CHECK(has_bytes_at(busybox->data.bytes(), 0, "\x7f" "ELF\x01\x02"));  // 32-bit big-endian
  CHECK(load_be16(busybox->data.bytes(), 18) == 8);                    // EM_MIPS
  CHECK(node_at(doc, "squashfs_v2.bin/squashfs@0x0:etc/adsl/adsl_phy.bin")->size() == 429824);
  CHECK(node_at(doc, "squashfs_v2.bin/squashfs@0x0:linuxrc")->meta.link_target == "bin/busybox");
  CHECK(root.diagnostics.empty());
}

TEST_CASE("squashfs: damaged 2.x/3.x/4.0-BE images end in diagnostics, never a crash", "[formats][squashfs][malformed]") {
  for (const char* name : {"zlib_le.sqfs3", "lzma1_be.sqfs3", "lzma_le.sqfs2", "avm_be.sqfs4"}) {
    INFO(name);
    const auto good = read_file(external_dir() / kFactSquashfs / name);
    SECTION(std::string("truncated inside the tables: ") + name) {
      std::vector<std::uint8_t> cut(good.begin(), good.begin() + 0x120);
      const Unpacked doc = unpack_bytes(cut, "cut.sqfs");
      REQUIRE(doc.tree.at(0).handler == std::string("squashfs"));
      CHECK(doc.tree.at(0).confidence == Confidence::kLow);
      bool diag = false;
      for (const auto& n : doc.tree.nodes()) diag = diag || !n.diagnostics.empty();
      CHECK(diag);
    }
    SECTION(std::string("mutated metadata: ") + name) {
      // 300 single-byte mutations past the superblock: every run ends with a tree and no crash.
      const auto noise = pseudo_random(600, 5);
      for (std::size_t i = 0; i < 300; ++i) {
        auto bad = good;
        const std::size_t at = 64 + (noise[2 * i] | (noise[2 * i + 1] << 8)) % 0x1a0;
        bad[at] ^= static_cast<std::uint8_t>(noise[i] | 1);
        const Unpacked doc = unpack_bytes(bad, "mut.sqfs");
        REQUIRE(doc.tree.size() >= 1);
      }
    }
  }
}

namespace {

// A SquashFS 4.0 image, built here from the on-disk layout (squashfs-tools' squashfs_fs.h), with
// uncompressed metadata: `levels` directory inodes, each of which names the next one twice ("a"
// and "b"), so the image holds 2^(levels-1) paths in a few hundred bytes. Directories may not be
// shared in a real file system; this one is a graph, not a tree.
std::vector<std::uint8_t> squashfs_directory_graph(std::uint32_t levels) {
  constexpr std::uint64_t kSuper = 96;
  ByteBuilder inodes, dirs;
  std::vector<std::uint16_t> listing_at(levels, 0), listing_size(levels, 0);
  for (std::uint32_t i = 0; i + 1 < levels; ++i) {
    listing_at[i] = static_cast<std::uint16_t>(dirs.size());
    dirs.u32le(1).u32le(0).u32le(i + 2);  // header: 2 entries, inode block 0, base inode number
    for (const char* name : {"a", "b"}) {
      dirs.u16le(static_cast<std::uint16_t>(32 * (i + 1))).u16le(0).u16le(1).u16le(0).str(name);  // a directory
    }
    listing_size[i] = static_cast<std::uint16_t>(dirs.size() - listing_at[i]);
  }
  for (std::uint32_t i = 0; i < levels; ++i) {
    // Basic directory inode: type, mode, uid, gid, mtime, number; start block, links, size, offset, parent.
    inodes.u16le(1).u16le(0755).u16le(0).u16le(0).u32le(0).u32le(i + 1);
    inodes.u32le(0).u32le(4).u16le(static_cast<std::uint16_t>(listing_size[i] + 3)).u16le(listing_at[i]).u32le(i == 0 ? levels + 1 : i);
  }
  ByteBuilder b;
  const std::uint64_t inode_table = kSuper;
  const std::uint64_t dir_table = inode_table + 2 + inodes.size();
  const std::uint64_t id_block = dir_table + 2 + dirs.size();
  const std::uint64_t id_table = id_block + 2 + 4;
  const std::uint64_t bytes_used = id_table + 8;
  b.str("hsqs").u32le(levels).u32le(0).u32le(131072).u32le(0).u16le(1).u16le(17).u16le(0x0001 | 0x0002 | 0x0008 | 0x0010)
      .u16le(1).u16le(4).u16le(0).u64le(0).u64le(bytes_used).u64le(id_table).u64le(~0ULL).u64le(inode_table)
      .u64le(dir_table).u64le(~0ULL).u64le(~0ULL);
  REQUIRE(b.size() == kSuper);
  b.u16le(static_cast<std::uint16_t>(0x8000 | inodes.size())).bytes(inodes.data());
  b.u16le(static_cast<std::uint16_t>(0x8000 | dirs.size())).bytes(dirs.data());
  b.u16le(0x8000 | 4).u32le(0);  // the id table: uid 0
  b.u64le(id_block);
  b.pad_to(4096);
  return b.data();
}

}  // namespace

TEST_CASE("squashfs: a directory graph of 2^31 paths is walked one directory at a time, each once",
          "[formats][squashfs][hostile]") {
  const Unpacked doc = unpack_bytes(squashfs_directory_graph(32), "dag.sqfs");
  const Node* fs = node_at(doc, "dag.sqfs/squashfs@0x0");  // the image, then its padding to 4 KiB
  REQUIRE(fs != nullptr);
  REQUIRE(fs->handler == std::string("squashfs"));
  // Each level: "a" is walked, "b" names the directory "a" already walked, reported, not walked.
  std::string path;
  for (int level = 1; level < 32; ++level) {
    const std::string a = path + (path.empty() ? "" : "/") + "a", b = path + (path.empty() ? "" : "/") + "b";
    INFO(a);
    const Node* na = node_at(doc, "dag.sqfs/squashfs@0x0:" + a);
    REQUIRE(na != nullptr);
    CHECK(na->meta.kind == EntryKind::kDirectory);
    CHECK(node_at(doc, "dag.sqfs/squashfs@0x0:" + b) != nullptr);
    path = a;
  }
  CHECK(doc.tree.size() < 100);  // 62 entries and the root
  CHECK(has_diagnostic(doc, "malformed"));
  bool named = false;
  for (const auto& d : fs->diagnostics) named = named || d.message.find("'b' (inode 2) was reached before") != std::string::npos;
  CHECK(named);
}

// With batches asked for (ExtractContext::batch_bytes), the SquashFS reader lists every entry at
// once and gives the files' bytes later, in walk order, about that many bytes a call: the same
// entries and bytes as one extraction that decodes everything (the unpacker's node ids do not
// depend on the batches).
TEST_CASE("squashfs: files' bytes come in batches, the same entries and bytes as all at once", "[formats][squashfs][external]") {
  const auto image = read_file(external_dir() / "vendor/fact_extractor/fact_extractor/plugins/unpacking/squashFS/test/data/xz.sqfs");
  const Handler* h = Registry::builtin().find("squashfs");
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
  Budget budget(limits);
  ExtractContext ctx(budget, nullptr, 1);
  auto batched = h->extract(blob, ctx);
  REQUIRE(batched);
  REQUIRE(batched->more);
  REQUIRE(batched->children.size() == whole->children.size());
  std::vector<std::size_t> files;
  for (std::size_t i = 0; i < whole->children.size(); ++i) {
    const Child& a = whole->children[i];
    const Child& b = batched->children[i];
    CHECK(a.name == b.name);
    CHECK(a.meta.kind == b.meta.kind);
    CHECK(b.later == (a.meta.kind == EntryKind::kFile));
    CHECK(b.data.empty());
    if (a.meta.kind == EntryKind::kFile) files.push_back(i);
  }
  // unsquashfs -lls: three files of 62, 28 and 20 bytes; each is over the 1-byte batch alone.
  REQUIRE(files.size() == 3);
  for (std::size_t k = 0; k < files.size(); ++k) {
    const MoreBytes got = batched->more(ctx);
    INFO("batch " << k);
    REQUIRE(got.bytes.size() == 1);
    CHECK(got.complete);
    CHECK(got.bytes[0].first == files[k]);
    const ByteView want = whole->children[files[k]].data.bytes();
    const ByteView have = got.bytes[0].second.bytes();
    CHECK(std::equal(want.begin(), want.end(), have.begin(), have.end()));
    CHECK(!want.empty());
  }
}
