// binwalk v3's own expectations (shared/corpus-external/binwalk-expected.txt): for every sample
// whose format fwscan reads, `identify` finds chunks at exactly the listed offsets. Formats not
// read yet are listed as known gaps, each with the reason (issue #3 / #4 work).
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

const std::map<std::string, std::string> kHandlerFor = {
    {"gzip", "gzip"}, {"bzip2", "bzip2"}, {"cramfs", "cramfs"}, {"romfs", "romfs"}, {"7zip", "sevenzip"},
    {"squashfs", "squashfs"}, {"yaffs", "yaffs2"}, {"zip", "zip"}, {"arj", "arj"}, {"bmp", "bmp"},
    {"jpeg", "jpeg"}, {"matter_ota", "matter_ota"}, {"mbr", "mbr"}, {"pdf", "pdf"}, {"png", "png"},
    {"qcow", "qcow"}, {"riff", "riff"}, {"arcadyan", "arcadyan"}};

const std::map<std::string, std::string> kKnownGaps = {};  // none left: arcadyan and squashfs_v2 were the last

std::set<std::uint64_t> parse_offsets(const std::string& list) {
  std::set<std::uint64_t> out;
  static const std::regex num(R"((0x[0-9A-Fa-f]+|\d+))");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), num); it != std::sregex_iterator(); ++it) {
    out.insert(std::stoull((*it)[1].str(), nullptr, 0));
  }
  return out;
}

}  // namespace

TEST_CASE("binwalk: identify finds every expected chunk of the formats fwscan reads", "[corpus][binwalk][external]") {
  std::ifstream in(external_dir() / "binwalk-expected.txt");
  REQUIRE(in);
  std::size_t checked = 0, gaps = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.rfind("tests/inputs/", 0) != 0) continue;
    std::vector<std::string> cols;
    std::size_t pos = 0;
    while (true) {
      const auto bar = line.find(" | ", pos);
      cols.push_back(line.substr(pos, bar == std::string::npos ? std::string::npos : bar - pos));
      if (bar == std::string::npos) break;
      pos = bar + 3;
    }
    REQUIRE(cols.size() == 4);
    const std::string& sample = cols[0];
    INFO(sample);
    if (kKnownGaps.count(sample) != 0) {
      ++gaps;
      continue;
    }
    auto h = kHandlerFor.find(cols[1]);
    REQUIRE(h != kHandlerFor.end());
    const Unpacked doc = unpack_path(external_dir() / "binwalk" / sample);
    std::set<std::uint64_t> found;
    const Node& root = doc.tree.at(0);
    if (root.handler == h->second) found.insert(0);
    for (NodeId c : root.children) {
      const Node& n = doc.tree.at(c);
      if (n.kind == NodeKind::kChunk && n.handler == h->second) found.insert(n.step.offset);
    }
    // fwscan reports chunks, so it is held to binwalk's extraction offsets where binwalk extracts
    // (arj: the archive at 0xD; its file header at 0x46 is inside that chunk), else to the
    // signature offsets (pdf, qcow: identified only; png_malformed: nothing).
    const std::set<std::uint64_t> extracted = parse_offsets(cols[3]);
    CHECK(found == (extracted.empty() ? parse_offsets(cols[2]) : extracted));
    ++checked;
  }
  CHECK(checked == 20);
  CHECK(gaps == kKnownGaps.size());
}

TEST_CASE("binwalk: the malformed PNG yields no chunk", "[corpus][binwalk][external]") {
  const Unpacked doc = unpack_path(external_dir() / "binwalk/tests/inputs/png_malformed.bin");
  CHECK(doc.tree.size() == 1);
}
