#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/reader.hpp"
#include "elf/functions.hpp"
#include "elf/string_evidence.hpp"
#include "scan/rule_set.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
std::uint64_t find_offset(const std::vector<std::uint8_t>& bytes, const std::string& text) {
  const std::vector<std::uint8_t> needle(text.begin(), text.end());
  auto it = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
  REQUIRE(it != bytes.end());
  return static_cast<std::uint64_t>(it - bytes.begin());
}
}  // namespace

TEST_CASE("elf: the adapter fills the image model", "[elf]") {
  const auto bytes = read_file(corpus_dir() / "elf/aarch64/face_attr-O2-pic");
  auto img = elf::load_elf({bytes.data(), bytes.size()});
  REQUIRE(img);
  CHECK(img->arch == elf::Arch::kAarch64);
  CHECK(img->bits == 64);
  CHECK_FALSE(img->big_endian);
  CHECK(img->pie);
  CHECK_FALSE(img->stripped);
  CHECK(img->interpreter == "/lib/ld-linux-aarch64.so.1");
  CHECK(img->needed == std::vector<std::string>{"libc.so.6"});
  CHECK(std::find(img->imports.begin(), img->imports.end(), "printf") != img->imports.end());
  CHECK(std::any_of(img->functions.begin(), img->functions.end(), [](const elf::FunctionSymbol& f) { return f.name == "face_alarm_name"; }));
  const auto stripped = read_file(corpus_dir() / "elf/mips/face_attr-O0-pic-stripped");
  auto simg = elf::load_elf({stripped.data(), stripped.size()});
  REQUIRE(simg);
  CHECK(simg->arch == elf::Arch::kMips);
  CHECK(simg->big_endian);
  CHECK(simg->stripped);
  CHECK(simg->mips_gp.has_value());
}

namespace {

// The build ID as the ELF's note sections give it, read here without LIEF: the descriptor of the
// first note owned by "GNU" with type 3, in lower-case hex; "" when there is none.
std::string build_id_of(const std::vector<std::uint8_t>& f) {
  const bool is64 = f[4] == 2, be = f[5] == 2;
  auto num = [&](std::size_t at, int n) -> std::uint64_t {
    std::uint64_t v = 0;
    if (at + static_cast<std::size_t>(n) > f.size()) return 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t{f[at + static_cast<std::size_t>(be ? n - 1 - i : i)]} << (8 * i);
    return v;
  };
  const std::uint64_t shoff = is64 ? num(0x28, 8) : num(0x20, 4);
  const std::uint64_t shentsize = num(is64 ? 0x3A : 0x2E, 2), shnum = num(is64 ? 0x3C : 0x30, 2);
  for (std::uint64_t i = 0; i < shnum; ++i) {
    const std::uint64_t sh = shoff + i * shentsize;
    if (num(sh + 4, 4) != 7) continue;  // SHT_NOTE
    const std::uint64_t off = is64 ? num(sh + 0x18, 8) : num(sh + 0x10, 4), size = is64 ? num(sh + 0x20, 8) : num(sh + 0x14, 4);
    for (std::uint64_t p = off; p + 12 <= off + size && p + 12 <= f.size();) {
      const std::uint64_t namesz = num(p, 4), descsz = num(p + 4, 4), type = num(p + 8, 4);
      const std::uint64_t name = p + 12, desc = name + ((namesz + 3) & ~std::uint64_t{3});
      if (desc + descsz > f.size()) break;
      if (type == 3 && namesz == 4 && std::memcmp(f.data() + name, "GNU", 4) == 0) {
        std::string hex;
        for (std::uint64_t k = 0; k < descsz; ++k) {
          static constexpr char kHex[] = "0123456789abcdef";
          hex += kHex[f[desc + k] >> 4];
          hex += kHex[f[desc + k] & 15];
        }
        return hex;
      }
      p = desc + ((descsz + 3) & ~std::uint64_t{3});
    }
  }
  return "";
}

}  // namespace

// LIEF 0.9 calls every type-3 note a build ID, whatever its owner; SystemTap's probe notes
// ("stapsdt", type 3) in libstdc++ and in GCC's own programs were appended to it.
TEST_CASE("elf: the build ID is the GNU note's alone", "[elf]") {
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(corpus_dir() / "elf"); it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  std::error_code ec;
  const auto stdcxx = std::filesystem::canonical("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", ec);
  REQUIRE_FALSE(ec);  // build-essential's; it carries stapsdt notes
  files.push_back(stdcxx);
  std::size_t with_id = 0;
  for (const auto& path : files) {
    const auto bytes = read_file(path);
    const ByteView data{bytes.data(), bytes.size()};
    if (!elf::looks_like_elf(data)) continue;
    INFO(path);
    auto img = elf::load_elf(data);
    REQUIRE(img);
    const std::string expected = build_id_of(bytes);
    CHECK(img->build_id == expected);
    with_id += expected.size() == 40 ? 1 : 0;
  }
  CHECK(with_id >= 1);
}

TEST_CASE("elf: stripped binaries get functions from unwind tables and calls, with their method", "[elf]") {
  const auto bytes = read_file(corpus_dir() / "elf/x86_64/face_attr-O0-pic-stripped");
  auto a = elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 1'000'000);
  REQUIRE(a);
  const auto expected = nlohmann::json::parse(std::ifstream(corpus_dir() / "elf/expected_xrefs.json"));
  const auto& fns = expected["binaries"]["x86_64/face_attr-O0-pic-stripped"]["functions"];
  for (const auto& [name, va] : fns.items()) {
    const std::uint64_t addr = std::stoull(va.template get<std::string>(), nullptr, 16);
    const auto* f = elf::containing_function((*a)->image(), (*a)->functions(), addr);
    INFO(name);
    REQUIRE(f != nullptr);
    CHECK(f->addr == addr);
    CHECK(f->source == elf::FunctionSource::kEhFrame);
  }
  const ElfSummary s = (*a)->summary(100);
  CHECK(s.arch == "x86-64");
  CHECK(s.stripped);
  CHECK(s.function_count >= 5);
}

TEST_CASE("elf: evidence carries the enclosing string, the function and its disassembly", "[elf]") {
  const auto bytes = read_file(corpus_dir() / "elf/thumb/face_attr-O2-pic");
  auto a = elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 1'000'000);
  REQUIRE(a);
  const std::string label = "非少数民族";  // in the middle of the planted string
  const auto off = find_offset(bytes, label);
  const ElfLocation loc = (*a)->locate(off, label.size(), Encoding::kUtf8);
  CHECK(loc.section == ".rodata");
  CHECK(loc.string_text == "是否少数民族：未知，非少数民族，维族");
  CHECK(loc.string_va < loc.va);
  REQUIRE(loc.refs.size() == 1);
  const CodeReference& r = loc.refs[0];
  CHECK(r.function == "face_attr_minority_label");
  CHECK(r.function_source == "symbol");
  CHECK(r.insn_va == r.function_va + r.function_offset);
  REQUIRE(r.disasm.size() >= 2);
  CHECK(std::count_if(r.disasm.begin(), r.disasm.end(), [](const std::string& l) { return l.rfind("> ", 0) == 0; }) == 1);
}

TEST_CASE("elf: a shared object's exported functions that reach the reference are listed", "[elf]") {
  for (const char* so : {"elf/x86_64/libface_attr.so", "elf/thumb/libface_attr.so"}) {
    INFO(so);
    const auto bytes = read_file(corpus_dir() / so);
    auto a = elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 1'000'000);
    REQUIRE(a);
    CHECK((*a)->summary(10).type == "shared_object");
    const std::string label = "EM_NATION_TYPE_UYGUR";
    const ElfLocation loc = (*a)->locate(find_offset(bytes, label), label.size(), Encoding::kAscii);
    REQUIRE_FALSE(loc.refs.empty());
    CHECK(loc.refs[0].function == "face_attr_log");
    CHECK(loc.refs[0].exported_via == std::vector<std::string>{"face_attr_log"});
  }
}

TEST_CASE("elf: every ELF of the external corpus parses, with its architecture and functions", "[elf][external]") {
  std::size_t n = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(external_dir()); it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    const auto bytes = read_file(it->path());
    if (!elf::looks_like_elf({bytes.data(), bytes.size()})) continue;
    INFO(it->path());
    auto a = elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 5'000'000);
    REQUIRE(a);
    const ElfSummary s = (*a)->summary(10);
    CHECK(s.arch != "unknown");
    // Every ELF with code lists functions (kernel-config modules carry data only).
    const auto& secs = (*a)->image().sections;
    const bool has_code = std::any_of(secs.begin(), secs.end(), [](const elf::SectionInfo& x) { return x.exec && x.size > 16; });
    if (has_code) CHECK(s.function_count > 0);
    ++n;
  }
  REQUIRE(n >= 20);
}

TEST_CASE("elf: malformed ELF headers end in an error, never a crash", "[elf]") {
  auto bytes = read_file(corpus_dir() / "elf/arm/face_attr-O2-nopic");
  SECTION("truncated") {
    bytes.resize(100);
    CHECK_FALSE(elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 1000));
  }
  SECTION("program headers past the end") {
    bytes[0x1C] = 0xF0;  // e_phoff
    bytes[0x1D] = 0xFF;
    CHECK_FALSE(elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 1000));
  }
  SECTION("garbage after a valid header") {
    auto junk = pseudo_random(bytes.size() - 0x34 - 32 * 9, 17);
    std::copy(junk.begin(), junk.end(), bytes.begin() + 0x34 + 32 * 9);
    auto a = elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 100000);
    if (a) CHECK((*a)->summary(10).arch == "arm");
  }
}

TEST_CASE("evidence policy: xref rules get code evidence, others and --evidence=none do not", "[elf][scan]") {
  auto rules = RuleSet::compile_dir(rules_dir());
  REQUIRE(rules);
  const auto path = corpus_dir() / "firmware/hikvision_demo/digicap.dav";
  auto run = [&](EvidencePolicy p) {
    ScanOptions o;
    o.rules = *rules;
    o.evidence = p;
    Pipeline pipe(o);
    pipe.add_file(path);
    return pipe.finish();
  };
  const std::string elf = "digicap.dav/swkh@0x0:app.img/squashfs@0x0:davinci";
  const ReportDocument with = run(EvidencePolicy::kRules);
  bool any = false;
  for (const auto& f : with.findings) {
    if (f.locator != elf) continue;
    for (const auto& s : f.strings) {
      CHECK((elf_location(s) != nullptr) == (f.meta.get_string("evidence") == "xref"));
      any = any || (elf_location(s) != nullptr && !elf_location(s)->refs.empty());
    }
  }
  CHECK(any);
  const NodeRecord* n = node_at(with, elf);
  REQUIRE(n != nullptr);
  REQUIRE(with.elf_summary(n->id) != nullptr);
  CHECK(with.elf_summary(n->id)->arch == "arm");
  CHECK(with.elf_summary(n->id)->swept);
  const ReportDocument none = run(EvidencePolicy::kNone);
  for (const auto& f : none.findings) {
    for (const auto& s : f.strings) CHECK_FALSE(s.code.has_value());
  }
  REQUIRE(none.elf_summary(node_at(none, elf)->id) != nullptr);
  CHECK_FALSE(none.elf_summary(node_at(none, elf)->id)->swept);
}

// A sweep in pieces (XrefIndex::plan) against the same code swept whole: cut at every function
// start 64 bytes past the last cut, each piece from a fresh resolver, the pieces swept in
// reverse order as another thread might, the index must be the one sweep's, reference for
// reference, call for call, on every ELF of both corpora.
TEST_CASE("xref: an index swept in pieces is the index swept whole", "[elf][xref]") {
  std::vector<std::filesystem::path> files;
  for (const auto& root : {corpus_dir() / "elf", external_dir()}) {
    for (auto it = std::filesystem::recursive_directory_iterator(root); it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file()) files.push_back(it->path());
    }
  }
  std::size_t elves = 0, cut = 0;
  for (const auto& path : files) {
    const auto bytes = read_file(path);
    const ByteView data{bytes.data(), bytes.size()};
    if (!elf::looks_like_elf(data)) continue;
    auto img = elf::load_elf(data);
    if (!img) continue;
    INFO(path);
    ++elves;
    std::vector<Diagnostic> d1, d2;
    const elf::SweepPlan whole = elf::XrefIndex::plan(*img, data, 50'000'000, ~std::uint64_t{0} / 2);
    const elf::SweepPlan pieces = elf::XrefIndex::plan(*img, data, 50'000'000, 64);
    CHECK_FALSE(pieces.serial);
    cut += pieces.pieces.size() > whole.pieces.size() ? 1 : 0;
    std::vector<elf::SweepOutput> a, b(pieces.tasks());
    for (std::size_t t = 0; t < whole.tasks(); ++t) a.push_back(elf::XrefIndex::sweep(*img, data, whole, t));
    for (std::size_t t = pieces.tasks(); t-- > 0;) b[t] = elf::XrefIndex::sweep(*img, data, pieces, t);
    const auto x = elf::XrefIndex::assemble(*img, data, whole, std::move(a), d1);
    const auto y = elf::XrefIndex::assemble(*img, data, pieces, std::move(b), d2);
    REQUIRE(x.refs().size() == y.refs().size());
    for (std::size_t i = 0; i < x.refs().size(); ++i) {
      CHECK(x.refs()[i].insn_va == y.refs()[i].insn_va);
      CHECK(x.refs()[i].target_va == y.refs()[i].target_va);
      CHECK(x.refs()[i].kind == y.refs()[i].kind);
    }
    REQUIRE(x.calls().size() == y.calls().size());
    for (std::size_t i = 0; i < x.calls().size(); ++i) {
      CHECK(x.calls()[i].insn_va == y.calls()[i].insn_va);
      CHECK(x.calls()[i].target_va == y.calls()[i].target_va);
    }
    CHECK(x.prologues() == y.prologues());
    CHECK(x.stats().instructions == y.stats().instructions);
    CHECK(x.stats().bytes == y.stats().bytes);
    CHECK(d1.size() == d2.size());
  }
  CHECK(elves >= 40);
  CHECK(cut >= 30);  // most ELFs were really cut
}

// x86 is decoded with Zydis; Capstone, an independent decoder, reads the same operands through
// the reference resolver (SweepPlan::capstone_x86). Both indexes must be equal, reference for
// reference, call for call, on every x86 ELF of both corpora and on this system's own programs
// and libraries (large compiler output, not written for fwscan).
TEST_CASE("xref: x86 decoded with Zydis gives the index Capstone gives", "[elf][xref]") {
  std::vector<std::filesystem::path> files;
  for (const auto& root : {corpus_dir() / "elf", external_dir()}) {
    for (auto it = std::filesystem::recursive_directory_iterator(root); it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file()) files.push_back(it->path());
    }
  }
  for (const char* system : {"/usr/bin/cmake", "/usr/bin/bash", "/usr/bin/python3", "/usr/lib/x86_64-linux-gnu/libcapstone.so.4",
                             "/usr/lib/x86_64-linux-gnu/libyara.so.9"}) {
    std::error_code ec;
    const auto real = std::filesystem::canonical(system, ec);
    if (!ec) files.push_back(real);
  }
  std::size_t elves = 0, system = 0, refs = 0, rip = 0, pcthunk = 0;
  for (const auto& path : files) {
    const auto bytes = read_file(path);
    const ByteView data{bytes.data(), bytes.size()};
    if (!elf::looks_like_elf(data)) continue;
    auto img = elf::load_elf(data);
    if (!img || (img->arch != elf::Arch::kX86 && img->arch != elf::Arch::kX86_64)) continue;
    INFO(path);
    ++elves;
    system += path.string().starts_with("/usr/") ? 1 : 0;
    elf::SweepPlan zydis = elf::XrefIndex::plan(*img, data, 500'000'000);
    elf::SweepPlan capstone = zydis;
    capstone.capstone_x86 = true;
    std::vector<elf::SweepOutput> a, b;
    for (std::size_t t = 0; t < zydis.tasks(); ++t) a.push_back(elf::XrefIndex::sweep(*img, data, zydis, t));
    for (std::size_t t = 0; t < capstone.tasks(); ++t) b.push_back(elf::XrefIndex::sweep(*img, data, capstone, t));
    std::vector<Diagnostic> d1, d2;
    const auto x = elf::XrefIndex::assemble(*img, data, zydis, std::move(a), d1);
    const auto y = elf::XrefIndex::assemble(*img, data, capstone, std::move(b), d2);
    CHECK(x.stats().instructions == y.stats().instructions);
    CHECK(x.stats().undecodable == y.stats().undecodable);
    // Both are sorted by (target, instruction): what one has and the other lacks, named.
    auto key = [](const elf::CodeRef& r) { return std::tuple(r.target_va, r.insn_va, static_cast<int>(r.kind)); };
    std::vector<std::tuple<std::uint64_t, std::uint64_t, int>> p, q, only;
    for (const auto& r : x.refs()) p.push_back(key(r));
    for (const auto& r : y.refs()) q.push_back(key(r));
    std::set_symmetric_difference(p.begin(), p.end(), q.begin(), q.end(), std::back_inserter(only));
    for (std::size_t i = 0; i < only.size() && i < 8; ++i) {
      const bool in_zydis = std::binary_search(p.begin(), p.end(), only[i]);
      UNSCOPED_INFO((in_zydis ? "zydis only: 0x" : "capstone only: 0x") << std::hex << std::get<1>(only[i]) << " -> 0x"
                    << std::get<0>(only[i]) << std::dec << " kind " << std::get<2>(only[i]));
    }
    const std::size_t differ = only.size();
    for (const auto& r : x.refs()) {
      rip += r.kind == elf::RefKind::kRipRelative ? 1 : 0;
      pcthunk += r.kind == elf::RefKind::kPcThunk ? 1 : 0;
    }
    CHECK(differ == 0);
    refs += x.refs().size();
    REQUIRE(x.calls().size() == y.calls().size());
    std::size_t calls_differ = 0;
    for (std::size_t i = 0; i < x.calls().size(); ++i) {
      calls_differ += x.calls()[i].insn_va != y.calls()[i].insn_va || x.calls()[i].target_va != y.calls()[i].target_va ? 1 : 0;
    }
    CHECK(calls_differ == 0);
    CHECK(x.prologues() == y.prologues());
  }
  CHECK(elves >= 16);
  CHECK(system >= 3);
  CHECK(rip > 1000);    // the x86-64 resolution ran
  CHECK(pcthunk > 50);  // and the i386 PIC one
}

TEST_CASE("xref: when the cap could bind, the plan is one task in order and says where it stopped", "[elf][xref]") {
  const auto bytes = read_file(corpus_dir() / "elf/x86_64/face_attr-O2-pic");
  const ByteView data{bytes.data(), bytes.size()};
  auto img = elf::load_elf(data);
  REQUIRE(img);
  const elf::SweepPlan plan = elf::XrefIndex::plan(*img, data, 100, 64);
  CHECK(plan.serial);
  CHECK(plan.tasks() == 1);
  std::vector<Diagnostic> diags;
  std::vector<elf::SweepOutput> out{elf::XrefIndex::sweep(*img, data, plan, 0)};
  const auto x = elf::XrefIndex::assemble(*img, data, plan, std::move(out), diags);
  CHECK(x.stats().instructions == 100);
  CHECK(std::count_if(diags.begin(), diags.end(), [](const Diagnostic& d) { return d.code == DiagCode::kLimitInstructions; }) >= 1);
}

// Addresses come from hostile headers: code that ends at, near or past the top of the address
// space is cut into pieces that cover it exactly once, each of a real size inside the file (a
// cut point past 2^64 once made a piece of a wrapped size, or no progress).
TEST_CASE("xref: code near the top of the address space is planned whole", "[elf][xref][hostile]") {
  const auto bytes = read_file(corpus_dir() / "elf/x86_64/face_attr-O2-pic");
  const ByteView data{bytes.data(), bytes.size()};
  auto loaded = elf::load_elf(data);
  REQUIRE(loaded);
  const elf::SweepPlan normal = elf::XrefIndex::plan(*loaded, data, 50'000'000, 64);
  REQUIRE(normal.pieces.size() > 1);
  std::uint64_t planned = 0, code_end = 0;
  for (const auto& piece : normal.pieces) planned += piece.size;
  for (const auto& s : loaded->sections) {
    if (s.exec && s.alloc) code_end = std::max(code_end, s.addr + s.size);
  }
  // The code's end moved to 2^64 - k (k > 0), or k bytes past it (k < 0).
  for (const std::int64_t k : {1, 8, 63, 64, 65, 100, 1000, -1, -16}) {
    INFO("end at 2^64 - " << k);
    elf::ElfImage img = *loaded;
    const std::uint64_t shift = static_cast<std::uint64_t>(-static_cast<std::int64_t>(code_end) - k);
    for (auto& s : img.sections) s.addr += shift;
    for (auto& s : img.segments) s.vaddr += shift;
    for (auto& f : img.functions) f.addr += shift;
    img.entry += shift;
    const elf::SweepPlan high = elf::XrefIndex::plan(img, data, 50'000'000, 64);
    std::uint64_t swept = 0;
    for (const auto& piece : high.pieces) {
      CHECK(piece.size > 0);
      CHECK(piece.offset + piece.size <= bytes.size());
      swept += piece.size;
    }
    CHECK(swept == planned);
  }
}
