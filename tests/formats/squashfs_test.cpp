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
      const ReportDocument doc = unpack_path(base / name);
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
  const ReportDocument doc = unpack_path(external_dir() / "binwalk/tests/inputs/squashfs.bin");
  const Node* f = node_at(doc, "squashfs.bin/squashfs@0x0:lsb-release");
  REQUIRE(f != nullptr);
  REQUIRE(std::string(as_chars(f->data.bytes())).find("DISTRIB") != std::string::npos);
}

TEST_CASE("squashfs: the demo app image holds the ELF, symlinks recorded", "[formats][squashfs]") {
  const ReportDocument doc = unpack_path(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
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
    const ReportDocument doc = unpack_bytes(cut, "cut.sqfs");
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
    const ReportDocument doc = unpack_bytes(bad, "bad.sqfs");
    REQUIRE(doc.tree.size() >= 1);
    bool error = false;
    for (const auto& n : doc.tree.nodes()) for (const auto& d : n.diagnostics) error = error || d.severity == Severity::kError;
    REQUIRE(error);
  }
  SECTION("random bytes after a valid superblock") {
    auto bad = good;
    auto junk = pseudo_random(bad.size() - 96, 11);
    std::copy(junk.begin(), junk.end(), bad.begin() + 96);
    const ReportDocument doc = unpack_bytes(bad, "junk.sqfs");
    REQUIRE(doc.tree.size() >= 1);
  }
}
