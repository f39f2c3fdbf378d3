// Code evidence across the corpus/elf matrix (tools/gen_elf_corpus.py): every CPU found in
// cameras and NVRs, -O0/-O2, PIC/non-PIC, with symbols and stripped. The expected referencing
// function of every planted label is known by construction (expected_xrefs.json).
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "elf/string_evidence.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

struct Tally {
  std::size_t pairs = 0, found = 0;
  std::vector<std::string> missed, wrong;
};

// The generator (tools/) spells UTF-16LE as Python does.
Encoding encoding_of(const std::string& e) {
  const auto known = encoding_from_name(e == "utf-16-le" ? "utf-16le" : e);
  REQUIRE(known);
  return *known;
}

Tally run_matrix(std::map<std::string, Tally>* per_target) {
  const auto expected = nlohmann::json::parse(std::ifstream(corpus_dir() / "elf/expected_xrefs.json"));
  Tally total;
  for (const auto& [rel, info] : expected["binaries"].items()) {
    const auto bytes = read_file(corpus_dir() / "elf" / rel);
    auto analysis = elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 50'000'000);
    INFO(rel);
    REQUIRE(analysis);
    const bool stripped = info["stripped"].get<bool>();
    Tally& t = (*per_target)[info["target"].get<std::string>()];
    for (const auto& p : expected["planted"]) {
      auto needle = unhex(p["hex"].get<std::string>());
      Encoding encoding = encoding_of(p["encoding"].get<std::string>());
      if (encoding == Encoding::kUtf16le && (*analysis)->image().big_endian) {  // char16_t literals are native-endian
        for (std::size_t i = 0; i + 1 < needle.size(); i += 2) std::swap(needle[i], needle[i + 1]);
        encoding = Encoding::kUtf16be;
      }
      auto it = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
      REQUIRE(it != bytes.end());
      const auto offset = static_cast<std::uint64_t>(it - bytes.begin());
      const auto loc = (*analysis)->locate(offset, needle.size(), encoding);
      const std::string fn = p["function"].get<std::string>();
      const std::uint64_t fn_va = std::stoull(info["functions"][fn].get<std::string>(), nullptr, 16);
      std::set<std::string> got;
      bool hit = false;
      for (const auto& r : loc.refs) {
        const bool right = stripped ? r.function_va == fn_va : r.function == fn;
        hit = hit || right;
        if (!right) {
          std::ostringstream os;
          os << rel << ": " << p["id"].get<std::string>() << " attributed to " << r.function << " (0x" << std::hex << r.function_va
             << ", " << r.kind << " at 0x" << r.insn_va << ")";
          t.wrong.push_back(os.str());
          total.wrong.push_back(os.str());
        }
      }
      ++t.pairs;
      ++total.pairs;
      if (hit) {
        ++t.found;
        ++total.found;
      } else {
        t.missed.push_back(rel + ": " + p["id"].get<std::string>());
        total.missed.push_back(rel + ": " + p["id"].get<std::string>());
      }
    }
  }
  return total;
}

}  // namespace

TEST_CASE("xref: planted labels are attributed to their functions on every architecture", "[elf][xref]") {
  std::map<std::string, Tally> per_target;
  const Tally total = run_matrix(&per_target);
  for (const auto& [target, t] : per_target) {
    std::ostringstream os;
    os << target << ": " << t.found << "/" << t.pairs;
    for (const auto& m : t.missed) os << "\n  missed " << m;
    WARN(os.str());
  }
  REQUIRE(total.pairs == 64 * 6);
  // No reference may be reported that is not expected.
  for (const auto& w : total.wrong) {
    INFO(w);
    CHECK(false);
  }
  REQUIRE(total.wrong.empty());
  // At least 95% of (label, function) pairs are found.
  REQUIRE(total.found * 100 >= total.pairs * 95);
}
