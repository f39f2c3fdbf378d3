// EROFS: the mkfs.erofs images of tools/gen_fs_corpus.py (what they hold comes from the tree they
// were built from; the ctest erofs_matches_fsck_extract compares them with fsck.erofs as well),
// MicroLZMA and DEFLATE pclusters built here, and damaged images.
#include <lzma.h>
#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "formats/common/decode.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

nlohmann::json expected() {
  std::ifstream in(corpus_dir() / "fs/erofs/EXPECTED.json");
  return nlohmann::json::parse(in);
}

std::vector<std::uint8_t> image(const std::string& name) {
  const auto packed = read_file(corpus_dir() / "fs/erofs" / (name + ".xz"));
  DecodeResult r = decode_stream(Codec::kXz, ByteView(packed), 64ULL << 20);
  REQUIRE(r.status == DecodeStatus::kComplete);
  return r.out;
}

void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b.at(at) = static_cast<std::uint8_t>(v);
  b.at(at + 1) = static_cast<std::uint8_t>(v >> 8);
}
void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(at + static_cast<std::size_t>(i)) = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b.at(at) | (std::uint32_t{b.at(at + 1)} << 8) | (std::uint32_t{b.at(at + 2)} << 16) | (std::uint32_t{b.at(at + 3)} << 24);
}

std::uint16_t root_nid(const std::vector<std::uint8_t>& img) { return static_cast<std::uint16_t>(img.at(1024 + 14) | (img.at(1024 + 15) << 8)); }

// The first block of the root directory's entries (the root inline after its compact inode, or
// flat at its first block).
std::size_t root_dir(const std::vector<std::uint8_t>& img) {
  const std::size_t ipos = get32(img, 1024 + 40) * 4096ULL + root_nid(img) * 32ULL;
  return ((img.at(ipos) >> 1) & 7) == 2 ? ipos + 32 : get32(img, ipos + 16) * 4096ULL;
}

// Where the inode of `path` sits in an image, found the way the format says, independently of
// the reader under test: the root's directory blocks (compact root, flat or inline) entry by entry.
struct Found {
  std::uint64_t nid = 0, pos = 0;
};
Found find_in_root(const std::vector<std::uint8_t>& img, std::string_view want) {
  const std::uint32_t meta = get32(img, 1024 + 40);
  const std::size_t ipos = meta * 4096ULL + root_nid(img) * 32ULL;
  const std::uint32_t size = get32(img, ipos + 8);
  REQUIRE((img.at(ipos) & 1) == 0);
  REQUIRE(size <= 4096);
  const std::size_t dir = root_dir(img);
  const std::size_t first = static_cast<std::size_t>(img.at(dir + 8) | (img.at(dir + 9) << 8));
  const std::size_t n = first / 12;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t off = static_cast<std::size_t>(img.at(dir + i * 12 + 8) | (img.at(dir + i * 12 + 9) << 8));
    const std::size_t end = i + 1 < n ? static_cast<std::size_t>(img.at(dir + (i + 1) * 12 + 8) | (img.at(dir + (i + 1) * 12 + 9) << 8)) : size;
    std::string name(reinterpret_cast<const char*>(img.data() + dir + off), end - off);  // NOLINT
    name = name.substr(0, name.find('\0'));
    if (name == want) {
      const std::uint64_t nid = get32(img, dir + i * 12);
      return {nid, meta * 4096ULL + nid * 32};
    }
  }
  FAIL("no entry " << want);
  return {};
}

// A six-block image built here: root directory (inline) with two files of one 10000-byte text,
// each compressed into one pcluster with full indexes: "lzma.txt" as MicroLZMA (liblzma's
// encoder), "deflate.txt" as raw DEFLATE (zlib); COMPR_CFGS records after the superblock. And
// "sparse.bin", chunk-based (4-byte block map, 4 KiB chunks): 2 MiB of which the first and last
// chunks are blocks 4 and 5 and the 510 between them null (holes). mkfs.erofs 1.5 writes no
// null chunk: it points every zero chunk at one zero block.
constexpr std::uint64_t kSparseSize = 2ULL << 20;
std::vector<std::uint8_t> built_image(const std::vector<std::uint8_t>& text) {
  std::vector<std::uint8_t> img(6 * 4096, 0);
  ByteBuilder sb;
  sb.u32le(0xE0F5E1E2).u32le(0).u32le(0).u8(12).u8(0).u16le(0).u64le(4).u64le(0).u32le(0).u32le(6).u32le(1).u32le(0);
  sb.fill(0x11, 16).fixed("built", 16).u32le(0x1 | 0x2).u16le(0x6).u16le(0).u16le(0).u8(0).u8(0).u32le(0).u64le(0).pad_to(128);
  sb.u16le(14).u32le(1U << 16).u16le(0).fill(0, 8);  // LZMA: dict_size, format
  sb.u16le(6).u8(15).fill(0, 5);                     // DEFLATE: window bits
  std::copy(sb.data().begin(), sb.data().end(), img.begin() + 1024);
  // Root (nid 0): compact, FLAT_INLINE, the directory block after the inode.
  const std::vector<std::pair<std::string, std::uint64_t>> entries = {{".", 0}, {"..", 0}, {"deflate.txt", 8}, {"lzma.txt", 4}, {"sparse.bin", 12}};
  ByteBuilder dir;
  std::uint16_t nameoff = static_cast<std::uint16_t>(entries.size() * 12);
  for (const auto& [name, nid] : entries) {
    dir.u64le(nid).u16le(nameoff).u8(name.size() > 2 ? 1 : 2).u8(0);
    nameoff = static_cast<std::uint16_t>(nameoff + name.size());
  }
  for (const auto& e : entries) dir.str(e.first);
  ByteBuilder root;
  root.u16le(2 << 1).u16le(0).u16le(040755).u16le(2).u32le(static_cast<std::uint32_t>(dir.size())).u32le(0).u32le(0).u32le(1).u16le(0).u16le(0).u32le(0);
  std::copy(root.data().begin(), root.data().end(), img.begin() + 4096);
  std::copy(dir.data().begin(), dir.data().end(), img.begin() + 4096 + 32);
  // The two files: nid 4 (LZMA, block 2) and nid 8 (DEFLATE, block 3); three lclusters each.
  auto file = [&](std::size_t nid, std::uint8_t alg, std::uint32_t block, const std::vector<std::uint8_t>& stream) {
    ByteBuilder in;
    in.u16le(1 << 1).u16le(0).u16le(0100644).u16le(1).u32le(static_cast<std::uint32_t>(text.size())).u32le(0).u32le(1).u32le(static_cast<std::uint32_t>(nid)).u16le(0).u16le(0).u32le(0);
    in.u16le(0).u16le(0).u16le(0).u8(alg).u8(0).fill(0, 8);  // map header, then 8 bytes of padding
    in.u16le(1).u16le(0).u32le(block);                       // lcn 0: HEAD1 at `block`
    in.u16le(2).u16le(0).u16le(1).u16le(0);                  // lcn 1: NONHEAD, 1 back to the head
    in.u16le(2).u16le(0).u16le(2).u16le(0);                  // lcn 2: NONHEAD, 2 back
    std::copy(in.data().begin(), in.data().end(), img.begin() + 4096 + static_cast<std::ptrdiff_t>(nid * 32));
    REQUIRE(stream.size() <= 4096);
    std::copy(stream.begin(), stream.end(), img.begin() + (block + 1) * 4096 - static_cast<std::ptrdiff_t>(stream.size()));  // zero padding first
  };
  // MicroLZMA: the encoder fills at most the output it is given.
  std::vector<std::uint8_t> lz(4096);
  lzma_options_lzma opt{};
  REQUIRE(!lzma_lzma_preset(&opt, 6));
  opt.dict_size = 1U << 16;
  lzma_stream ls = LZMA_STREAM_INIT;
  REQUIRE(lzma_microlzma_encoder(&ls, &opt) == LZMA_OK);
  ls.next_in = text.data();
  ls.avail_in = text.size();
  ls.next_out = lz.data();
  ls.avail_out = lz.size();
  REQUIRE(lzma_code(&ls, LZMA_FINISH) == LZMA_STREAM_END);
  REQUIRE(ls.total_in == text.size());
  lz.resize(ls.total_out);
  lzma_end(&ls);
  file(4, 1, 2, lz);
  // Raw DEFLATE.
  std::vector<std::uint8_t> df(4096);
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  zs.next_in = const_cast<Bytef*>(text.data());  // NOLINT
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = df.data();
  zs.avail_out = static_cast<uInt>(df.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  df.resize(zs.total_out);
  deflateEnd(&zs);
  file(8, 2, 3, df);
  // sparse.bin (nid 12): layout 4, chunk format 0 (chunk = block), the block map after the inode.
  ByteBuilder sp;
  sp.u16le(4 << 1).u16le(0).u16le(0100600).u16le(1).u32le(static_cast<std::uint32_t>(kSparseSize)).u32le(0).u32le(0).u32le(12).u16le(0).u16le(0).u32le(0);
  sp.u32le(4);
  for (int i = 1; i < 511; ++i) sp.u32le(0xFFFFFFFF);
  sp.u32le(5);
  std::copy(sp.data().begin(), sp.data().end(), img.begin() + 4096 + 12 * 32);
  const std::string head = "head of the sparse file\n", tail = "FWSCAN-EROFS-HOLE-END\n";
  std::copy(head.begin(), head.end(), img.begin() + 4 * 4096);
  std::copy(tail.begin(), tail.end(), img.begin() + 6 * 4096 - static_cast<std::ptrdiff_t>(tail.size()));
  return img;
}

std::vector<std::uint8_t> label_text() {
  std::string t;
  for (int i = 0; t.size() < 10000; ++i) t += "face " + std::to_string(i * 7919 % 1000) + " 维族 minority camera\n";
  t.resize(10000);
  return {t.begin(), t.end()};
}

}  // namespace

TEST_CASE("erofs: every mkfs.erofs layout yields the tree it was built from", "[formats][erofs]") {
  const auto e = expected();
  REQUIRE(e["images"].size() == 7);
  for (const auto& [packed, options] : e["images"].items()) {
    INFO(packed << " (" << options.get<std::string>() << ")");
    const std::string name = packed.substr(0, packed.size() - 3);
    const Unpacked doc = unpack_bytes(image(name), name);
    const std::string base = name + "/erofs@0x0:";
    const Node* vol = node_at(doc, name);
    REQUIRE(vol != nullptr);
    CHECK(vol->handler == std::string("erofs"));
    CHECK(prop(*vol, "superblock_crc32c") == "ok");
    CHECK(prop(*vol, "uuid") == "00112233-4455-6677-8899-aabbccddeeff");
    for (const auto& [file, sha] : e["files"].items()) {
      const Node* f = node_at(doc, base + file);
      REQUIRE(f != nullptr);
      if (f->meta.kind == EntryKind::kHardlink) continue;  // which name comes first is the walk's order
      CHECK(f->sha256 == sha.get<std::string>());
    }
    for (const auto& pair : e["hardlinks"]) {
      const Node* a = node_at(doc, base + pair[0].get<std::string>());
      const Node* b = node_at(doc, base + pair[1].get<std::string>());
      REQUIRE((a != nullptr && b != nullptr));
      const Node* link = a->meta.kind == EntryKind::kHardlink ? a : b;
      const Node* target = link == a ? b : a;
      CHECK(link->meta.kind == EntryKind::kHardlink);
      CHECK(base + link->meta.link_target == target->locator);
      CHECK(target->sha256 == e["files"][pair[1].get<std::string>()].get<std::string>());
    }
    CHECK(node_at(doc, base + "link")->meta.link_target == e["symlinks"]["link"].get<std::string>());
    const Node* dev = node_at(doc, base + "console");
    CHECK(dev->meta.kind == EntryKind::kCharDevice);
    CHECK(dev->meta.dev_major == e["devices"]["console"][1].get<std::uint32_t>());
    CHECK(dev->meta.dev_minor == e["devices"]["console"][2].get<std::uint32_t>());
    CHECK(nodes_ending_with(doc, ".cfg").size() == e["big_entries"].get<std::size_t>() + 1);
    CHECK(vol->diagnostics.empty());
  }
}

TEST_CASE("erofs: MicroLZMA and DEFLATE pclusters and null chunks built here", "[formats][erofs]") {
  const auto text = label_text();
  const Unpacked doc = unpack_bytes(built_image(text), "built.img");
  const Node* vol = node_at(doc, "built.img");
  REQUIRE(vol != nullptr);
  CHECK(vol->handler == std::string("erofs"));
  CHECK(prop(*vol, "volume_name") == "built");
  for (const char* file : {"lzma.txt", "deflate.txt"}) {
    INFO(file);
    const Node* f = node_at(doc, std::string("built.img/erofs@0x0:") + file);
    REQUIRE(f != nullptr);
    CHECK(f->sha256 == sha256_hex(ByteView(text)));
  }
  const Node* sparse = node_at(doc, "built.img/erofs@0x0:sparse.bin");
  REQUIRE(sparse != nullptr);
  REQUIRE(sparse->data.size() == kSparseSize);
  const std::string_view bytes = as_chars(sparse->data.bytes());
  CHECK(bytes.substr(0, 24) == "head of the sparse file\n");
  CHECK(bytes.substr(kSparseSize - 22) == "FWSCAN-EROFS-HOLE-END\n");
  CHECK(sparse->data.has_holes());  // the null chunks are never written
  CHECK(bytes.find_first_not_of('\0', 4096) == kSparseSize - 22);
  CHECK(vol->diagnostics.empty());

  SECTION("a flipped byte in the LZMA stream is named on its file") {
    auto bad = built_image(text);
    bad[3 * 4096 - 40] ^= 0x5A;
    const Unpacked d = unpack_bytes(bad, "bad.img");
    bool named = false;
    for (const auto& diag : d.tree.at(0).diagnostics) named |= diag.message.find("'lzma.txt'") != std::string::npos;
    CHECK(named);
  }
}

TEST_CASE("erofs: damaged images end in diagnostics", "[formats][erofs][malformed]") {
  const auto good = image("lz4_compact.img");
  const Found notes = find_in_root(good, "notes.txt");
  const Found sub = find_in_root(good, "sub");

  SECTION("truncated superblock: not claimed") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + 1100);
    CHECK_FALSE(run_handler("erofs", cut));
  }
  SECTION("a checksum that does not match") {
    auto bad = good;
    bad[1024 + 64] ^= 1;  // the volume name
    const Unpacked doc = unpack_bytes(bad, "csum.img");
    REQUIRE(doc.tree.at(0).handler == std::string("erofs"));
    CHECK(prop(doc.tree.at(0), "superblock_crc32c") == "mismatch");
    CHECK(has_diagnostic(doc, "checksum_mismatch"));
  }
  SECTION("a block count past the end: truncated") {
    auto bad = good;
    put32(bad, 1024 + 36, 1U << 20);
    const Unpacked doc = unpack_bytes(bad, "long.img");
    CHECK(has_diagnostic(doc, "truncated"));
    CHECK(node_at(doc, "long.img/erofs@0x0:sub/face.cfg") != nullptr);
  }
  SECTION("a block count of zero: not claimed") {
    auto bad = good;
    put32(bad, 1024 + 36, 0);
    CHECK_FALSE(run_handler("erofs", bad));
  }
  SECTION("the image cut inside the data") {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
    const Unpacked doc = unpack_bytes(cut, "half.img");
    REQUIRE(doc.tree.at(0).handler == std::string("erofs"));
    CHECK(has_diagnostic(doc, "truncated"));
  }
  SECTION("a directory entry pointing at the root is a loop") {
    auto bad = good;
    // sub's inode: its first directory entry (".") is at its data; point sub's own entry in the
    // root back at the root, so the walk reaches the root twice.
    const std::size_t dir = root_dir(bad);
    bool patched = false;
    for (std::size_t i = 0; i < 16 && !patched; ++i) {
      if (get32(bad, dir + i * 12) == sub.nid) {
        put32(bad, dir + i * 12, root_nid(bad));
        patched = true;
      }
    }
    REQUIRE(patched);
    const Unpacked doc = unpack_bytes(bad, "loop.img");
    CHECK(has_diagnostic(doc, "loop"));
    CHECK(node_at(doc, "loop.img/erofs@0x0:notes.txt") != nullptr);
  }
  SECTION("a compressed file claiming 2^32 - 1 bytes: bounded, said") {
    auto bad = good;
    put32(bad, notes.pos + 8, 0xFFFFFFFF);
    const Unpacked doc = unpack_bytes(bad, "huge.img");
    REQUIRE(node_at(doc, "huge.img/erofs@0x0:notes.txt") != nullptr);
    CHECK(has_diagnostic(doc, "malformed"));
  }
  SECTION("an inode past the image: the entry stays, the damage is said") {
    auto bad = good;
    const std::size_t dir = root_dir(bad);
    for (std::size_t i = 0; i < 16; ++i) {
      if (get32(bad, dir + i * 12) == notes.nid) put32(bad, dir + i * 12, 0x7FFFFFF0);
    }
    const Unpacked doc = unpack_bytes(bad, "far.img");
    CHECK(has_diagnostic(doc, "malformed"));
    CHECK(node_at(doc, "far.img/erofs@0x0:sub/face.cfg") != nullptr);
  }
  SECTION("a directory block whose first name offset is not a multiple of 12, or 0") {
    for (const std::uint16_t off : {std::uint16_t{0}, std::uint16_t{13}, std::uint16_t{0xFFFF}}) {
      auto bad = good;
      const std::size_t dir = root_dir(bad);
      put16(bad, dir + 8, off);
      const Unpacked doc = unpack_bytes(bad, "names.img");
      CHECK(has_diagnostic(doc, "malformed"));
    }
  }
  SECTION("bytes flipped across the metadata: every scan finishes") {
    const auto noise = pseudo_random(800, 29);
    const std::size_t from = get32(good, 1024 + 40) * 4096ULL;
    std::size_t flagged = 0;
    for (int round = 0; round < 300; ++round) {
      auto bad = good;
      const std::size_t at = from + (noise[static_cast<std::size_t>(round) * 2] * 257U + static_cast<std::size_t>(round) * 41U) % 16384;
      if (at >= bad.size()) continue;
      bad[at] ^= static_cast<std::uint8_t>(1U << (noise[static_cast<std::size_t>(round) * 2 + 1] % 8));
      auto r = run_handler("erofs", bad);  // must finish (under ASan: without a memory error)
      flagged += r && !r->diagnostics.empty() ? 1 : 0;
    }
    CHECK(flagged > 0);
  }
}
