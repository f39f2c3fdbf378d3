// PE code evidence across corpus/pe (tools/gen_pe_corpus.py): face_attr.c built with mingw-w64
// for x86 and x86-64 Windows, -O0/-O2, with COFF symbols and stripped, and a DLL per target.
// The expected referencing function of every planted label comes from construction and `nm`
// (expected_xrefs.json); the header facts come from python3-pefile (tests/cli/pe_pefile_check.py).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "elf/string_evidence.hpp"
#include "pe/pe_image.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

Encoding encoding_of(const std::string& e) {
  const auto known = encoding_from_name(e == "utf-16-le" ? "utf-16le" : e);
  REQUIRE(known);
  return *known;
}

std::vector<std::uint8_t> pe_bytes(const std::string& rel) { return read_file(corpus_dir() / "pe" / rel); }

std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  std::uint32_t v = 0;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}
void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) { std::memcpy(b.data() + at, &v, 4); }
void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) { std::memcpy(b.data() + at, &v, 2); }

// Offsets in a PE header (the layout is fixed by the format; the test reads it, not fwscan).
struct Layout {
  std::size_t coff = 0, opt = 0, dirs = 0, sections = 0;
  std::uint16_t nsections = 0;
  bool plus = false;
  explicit Layout(const std::vector<std::uint8_t>& b) {
    coff = le32(b, 0x3C) + 4;
    opt = coff + 20;
    plus = b[opt] == 0x0B && b[opt + 1] == 0x02;
    dirs = opt + (plus ? 112 : 96);
    std::uint16_t opt_size = 0;
    std::memcpy(&opt_size, b.data() + coff + 16, 2);
    std::memcpy(&nsections, b.data() + coff + 2, 2);
    sections = opt + opt_size;
  }
  // The file offset of data directory `index`, through the section that holds it (0: none).
  std::size_t directory_offset(const std::vector<std::uint8_t>& b, std::size_t index) const {
    const std::uint32_t rva = le32(b, dirs + index * 8);
    for (std::size_t i = 0; rva != 0 && i < nsections; ++i) {
      const std::size_t e = sections + i * 40;
      const std::uint32_t va = le32(b, e + 12), raw = le32(b, e + 16), ptr = le32(b, e + 20);
      if (rva >= va && rva < va + raw) return ptr + (rva - va);
    }
    return 0;
  }
};

}  // namespace

TEST_CASE("pe: planted labels are attributed to their functions, x86 and x86-64, EXE and DLL", "[pe][xref]") {
  const auto expected = nlohmann::json::parse(std::ifstream(corpus_dir() / "pe/expected_xrefs.json"));
  std::size_t pairs = 0, found = 0;
  std::vector<std::string> missed, wrong;
  auto check = [&](const std::string& rel, const nlohmann::json& info, bool stripped, bool dll) {
    const auto bytes = pe_bytes(rel);
    INFO(rel);
    auto analysis = elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 50'000'000);
    REQUIRE(analysis);
    REQUIRE((*analysis)->is_pe());
    for (const auto& p : expected["planted"]) {
      const auto needle = unhex(p["hex"].get<std::string>());
      auto it = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
      REQUIRE(it != bytes.end());
      const auto offset = static_cast<std::uint64_t>(it - bytes.begin());
      const CodeEvidence ev = (*analysis)->evidence(offset, needle.size(), encoding_of(p["encoding"].get<std::string>()));
      const auto* loc = std::get_if<PeLocation>(&ev);
      REQUIRE(loc != nullptr);
      CHECK(loc->rva == loc->va - (*analysis)->image().image_base);
      const std::string fn = p["function"].get<std::string>();
      const std::uint64_t fn_va = std::stoull(info["functions"][fn].get<std::string>(), nullptr, 16);
      bool hit = false;
      for (const auto& r : loc->refs) {
        const bool right = stripped ? r.function_va == fn_va : (r.function == fn && r.function_va == fn_va);
        hit = hit || right;
        if (!right) {
          std::ostringstream os;
          os << rel << ": " << p["id"].get<std::string>() << " attributed to " << r.function << " (0x" << std::hex << r.function_va << ", "
             << r.kind << ")";
          wrong.push_back(os.str());
        }
        if (dll && right) CHECK(std::find(r.exported_via.begin(), r.exported_via.end(), fn) != r.exported_via.end());
      }
      ++pairs;
      if (hit) ++found;
      else missed.push_back(rel + ": " + p["id"].get<std::string>());
    }
  };
  for (const auto& [rel, info] : expected["binaries"].items()) check(rel, info, info["stripped"].get<bool>(), false);
  for (const auto& [rel, info] : expected["dlls"].items()) check(rel, info, false, true);
  for (const auto& m : missed) WARN("missed " << m);
  REQUIRE(pairs == 10 * 6);
  for (const auto& w : wrong) {
    INFO(w);
    CHECK(false);
  }
  REQUIRE(found * 100 >= pairs * 95);
}

TEST_CASE("pe: the summary names the DLL's exports, imports, PDB and version strings", "[pe]") {
  for (const char* target : {"x86_64", "i386"}) {
    const auto bytes = pe_bytes(std::string(target) + "/face_attr.dll");
    INFO(target);
    auto analysis = elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, false, 0);
    REQUIRE(analysis);
    const NodeFacts facts = (*analysis)->facts(5000);
    const auto* s = std::get_if<PeSummary>(&facts);
    REQUIRE(s != nullptr);
    CHECK(s->type == "dll");
    CHECK(s->arch == (std::string(target) == "x86_64" ? "x86-64" : "x86"));
    CHECK(s->bits == (std::string(target) == "x86_64" ? 64 : 32));
    for (const char* fn : {"face_attr_minority_label", "face_alarm_name", "face_attr_log"}) {
      CHECK(std::find(s->exports.begin(), s->exports.end(), fn) != s->exports.end());
    }
    CHECK(std::find(s->needed.begin(), s->needed.end(), "KERNEL32.dll") != s->needed.end());
    CHECK(s->pdb_path == "face_attr.pdb");
    CHECK(s->pdb_id.size() == 36 + 2);  // GUID 8-4-4-4-12, then "-1"
    CHECK(s->timestamp == 0);           // --no-insert-timestamp
    // tools/src/face_attr.rc, written there in UTF-8 and stored by windres in UTF-16.
    const std::vector<std::pair<std::string, std::string>> want{
        {"CompanyName", "fwscan test vendor"}, {"FileDescription", "人脸属性 SDK"}, {"FileVersion", "1.2.3.4"}, {"ProductName", "FaceAttr"}};
    CHECK(s->version_info == want);
    CHECK_FALSE(s->signed_);
    CHECK_FALSE(s->dotnet);
  }
}

TEST_CASE("pe: headers that lie about the file are cut before LIEF reads them, and say so", "[pe][hostile]") {
  const auto good = pe_bytes("x86_64/face_attr.dll");
  const Layout l(good);
  REQUIRE(l.plus);
  CHECK(pe::check_pe({good.data(), good.size()}).diagnostics.empty());
  auto load = [](const std::vector<std::uint8_t>& b) { return pe::load_pe({b.data(), b.size()}); };
  auto has_cut = [](const pe::LoadedPe& p, const std::string& what) {
    return std::any_of(p.image.diagnostics.begin(), p.image.diagnostics.end(), [&](const Diagnostic& d) {
      return d.code == DiagCode::kPeParse && d.message.find(what) != std::string::npos;
    });
  };
  SECTION("a relocation block of size 0") {
    auto b = good;
    const std::size_t off = l.directory_offset(b, 5);
    REQUIRE(off != 0);
    put32(b, off + 4, 0);
    auto p = load(b);
    REQUIRE(p);
    CHECK(has_cut(*p, "base relocation directory: a block of impossible size"));
    CHECK(p->image.relocations.empty());
  }
  SECTION("a resource directory that points back at itself") {
    auto b = good;
    const std::size_t off = l.directory_offset(b, 2);
    REQUIRE(off != 0);
    put32(b, off + 16 + 4, 0x80000000U);  // the root's first entry: the root again
    auto p = load(b);
    REQUIRE(p);
    CHECK(has_cut(*p, "resource directory: a directory at 0x0 is reached twice (a loop)"));
    CHECK(p->facts.version_info.empty());
    CHECK_FALSE(p->image.exports.empty());  // the rest is still read
  }
  SECTION("a section whose raw data passes the end, and an export table far outside the file") {
    auto b = good;
    put32(b, l.sections + 16, 0x7FFFFFF0U);
    put32(b, l.dirs + 0, 0x7FFF0000U);
    auto p = load(b);
    REQUIRE(p);
    CHECK(has_cut(*p, "section 0 raw data of 2147483632 bytes passes the file's end"));
    CHECK(has_cut(*p, "export directory: RVA 0x7fff0000"));
    CHECK(p->image.exports.empty());
    for (const auto& seg : p->image.segments) CHECK(seg.offset + seg.filesz <= b.size());
  }
  SECTION("more sections than the loader allows, and a symbol table bigger than the file") {
    auto b = good;
    put16(b, l.coff + 2, 200);  // fits in the file: the headers read the first sections' bytes as entries
    put32(b, l.coff + 12, 0x10000000U);
    auto p = load(b);
    REQUIRE(p);
    CHECK(has_cut(*p, "section table of 200 entries; 96 fit"));
    CHECK(has_cut(*p, "COFF symbol table"));
  }
  SECTION("cut files and flipped bytes end in a result or an error, never a crash") {
    std::size_t ok = 0;
    for (std::size_t cut = 64; cut < good.size(); cut += good.size() / 97) {
      std::vector<std::uint8_t> b(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
      ok += load(b) ? 1 : 0;
    }
    std::uint32_t seed = 7;
    for (int round = 0; round < 300; ++round) {
      auto b = good;
      for (int k = 0; k < 8; ++k) {
        seed = seed * 1103515245U + 12345U;
        const std::size_t at = (seed >> 8) % std::min<std::size_t>(b.size(), 4096);  // the headers and first tables
        b[at] = static_cast<std::uint8_t>(seed >> 3);
      }
      ok += load(b) ? 1 : 0;
    }
    CHECK(ok > 0);
  }
}

TEST_CASE("pe: every x86 PE is swept with the index Capstone gives", "[pe][xref]") {
  for (const char* rel : {"x86_64/face_attr-O2-stripped.exe", "i386/face_attr-O0.exe", "i386/face_attr.dll"}) {
    const auto bytes = pe_bytes(rel);
    const ByteView data{bytes.data(), bytes.size()};
    INFO(rel);
    auto loaded = pe::load_pe(data);
    REQUIRE(loaded);
    elf::SweepPlan zydis = elf::XrefIndex::plan(loaded->image, data, 50'000'000);
    elf::SweepPlan capstone = zydis;
    capstone.capstone_x86 = true;
    std::vector<elf::SweepOutput> a, c;
    for (std::size_t t = 0; t < zydis.tasks(); ++t) a.push_back(elf::XrefIndex::sweep(loaded->image, data, zydis, t));
    for (std::size_t t = 0; t < capstone.tasks(); ++t) c.push_back(elf::XrefIndex::sweep(loaded->image, data, capstone, t));
    std::vector<Diagnostic> d1, d2;
    const auto x = elf::XrefIndex::assemble(loaded->image, data, zydis, std::move(a), d1);
    const auto y = elf::XrefIndex::assemble(loaded->image, data, capstone, std::move(c), d2);
    CHECK(x.stats().instructions > 1000);
    REQUIRE(x.refs().size() == y.refs().size());
    for (std::size_t i = 0; i < x.refs().size(); ++i) {
      CHECK(x.refs()[i].insn_va == y.refs()[i].insn_va);
      CHECK(x.refs()[i].target_va == y.refs()[i].target_va);
    }
  }
}

// The pe handler's extent: the linker writes nothing after the COFF string table, so each corpus
// PE is one image to its last byte; bytes appended after it (an installer's payload) are no part
// of it and stay an unknown region of the file, while the image is the node the analyzer reads.
TEST_CASE("pe handler: the image is the headers, sections and symbol tables; an overlay stays unknown", "[pe][unpack]") {
  for (const char* rel : {"x86_64/face_attr.dll", "i386/face_attr-O0.exe", "x86_64/face_attr-O2-stripped.exe"}) {
    INFO(rel);
    const auto bytes = pe_bytes(rel);
    const Unpacked alone = unpack_bytes(bytes, "a.exe");
    const auto& root = alone.tree.at(0);
    CHECK(root.step.handler == "root");
    REQUIRE(root.bytes);
    CHECK(root.bytes->unknown == 0);
    CHECK(root.bytes->read == bytes.size());

    std::vector<std::uint8_t> with = bytes;
    std::uint32_t seed = 1;
    for (int i = 0; i < 20000; ++i) {
      seed = seed * 1103515245U + 12345U;
      with.push_back(static_cast<std::uint8_t>(seed >> 16));
    }
    const Unpacked both = unpack_bytes(with, "b.exe");
    const Node* image = node_at(both, "b.exe/pe@0x0");
    REQUIRE(image != nullptr);
    CHECK(image->size() == bytes.size());
    const auto& top = both.tree.at(0);
    REQUIRE(top.unknown.size() == 1);
    CHECK(top.unknown[0].offset == bytes.size());
    CHECK(top.unknown[0].size == 20000);
  }
}

TEST_CASE("pe handler: a PE cut short is claimed with low confidence and said to be truncated", "[pe][unpack]") {
  const auto bytes = pe_bytes("x86_64/face_attr-O2-stripped.exe");
  const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 2));
  auto ex = run_handler("pe", cut);
  REQUIRE(ex);
  CHECK_FALSE(ex->complete);
  REQUIRE(ex->diagnostics.size() == 1);
  CHECK(ex->diagnostics[0].code == DiagCode::kTruncated);
}

TEST_CASE("pe: a scan reads the image node once, with its findings and summary there", "[pe][scan]") {
  const auto bytes = pe_bytes("x86_64/face_attr.dll");
  std::vector<std::uint8_t> with = bytes;
  with.resize(bytes.size() + 4096, 0x5A);
  const auto path = std::filesystem::temp_directory_path() / "fwscan_pe_overlay_test.exe";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(with.data()), static_cast<std::streamsize>(with.size()));
  }
  const ReportDocument doc = scan_path(path);
  std::filesystem::remove(path);
  const NodeRecord* image = node_at(doc, "fwscan_pe_overlay_test.exe/pe@0x0");
  REQUIRE(image != nullptr);
  REQUIRE(doc.facts.size() == 1);
  CHECK(doc.facts.begin()->first == image->id);
  CHECK(std::holds_alternative<PeSummary>(doc.facts.begin()->second));
  REQUIRE_FALSE(doc.findings.empty());
  bool code = false;
  for (const auto& f : doc.findings) {
    CHECK(f.node == image->id);
    for (const auto& s : f.strings) code = code || (s.code && std::holds_alternative<PeLocation>(*s.code));
  }
  CHECK(code);
}
