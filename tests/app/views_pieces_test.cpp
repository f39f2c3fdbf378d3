// A node over an eighth of the resident-memory budget has its decoding views made and scanned
// one 32 MiB piece at a time, mapped back into the node: a UTF-16 label in the second piece is
// found at the offset it was written to, as a budget that holds the views whole finds it.
#include "app/pipeline.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::vector<std::uint8_t> utf16le(const std::string& ascii_or_utf8) {
  std::vector<std::uint8_t> out;
  // The label is CJK (3-byte UTF-8 sequences, all in the BMP): decode UTF-8 to UTF-16LE units.
  for (std::size_t i = 0; i < ascii_or_utf8.size();) {
    const auto c = static_cast<std::uint8_t>(ascii_or_utf8[i]);
    std::uint32_t cp = c;
    std::size_t n = 1;
    if (c >= 0xE0) {
      cp = ((c & 0x0FU) << 12) | ((static_cast<std::uint8_t>(ascii_or_utf8[i + 1]) & 0x3FU) << 6) | (static_cast<std::uint8_t>(ascii_or_utf8[i + 2]) & 0x3FU);
      n = 3;
    } else if (c >= 0xC0) {
      cp = ((c & 0x1FU) << 6) | (static_cast<std::uint8_t>(ascii_or_utf8[i + 1]) & 0x3FU);
      n = 2;
    }
    out.push_back(static_cast<std::uint8_t>(cp));
    out.push_back(static_cast<std::uint8_t>(cp >> 8));
    i += n;
  }
  return out;
}

}  // namespace

TEST_CASE("yara: a large node's decoding views are made per piece, and a label in a later piece is found where it was written",
          "[app][yara][memory]") {
  // 40 MiB of UTF-16LE camera text, the label (UTF-16LE, on its own line) at 33 MiB + 1000.
  const std::vector<std::uint8_t> line = utf16le("channel=1 osd=on motion=off record=schedule\n");
  std::vector<std::uint8_t> node;
  node.reserve(40ULL << 20);
  while (node.size() + line.size() <= (40ULL << 20)) node.insert(node.end(), line.begin(), line.end());
  const std::uint64_t at = (33ULL << 20) + 1000;
  const std::vector<std::uint8_t> label = utf16le("\n是否少数民族\n");
  std::copy(label.begin(), label.end(), node.begin() + static_cast<std::ptrdiff_t>(at));
  const std::uint64_t label_at = at + 2;  // after its newline
  auto offsets = [&](std::uint64_t resident) {
    ScanOptions opts;
    opts.rules = bundled_rules();
    opts.limits.max_resident_bytes = resident;
    const ReportDocument doc = scan_blob(Blob::copy_of({node.data(), node.size()}), "text.bin", opts);
    std::vector<std::pair<std::uint64_t, Encoding>> out;
    for (const auto& f : doc.findings) {
      for (const auto& s : f.strings) out.emplace_back(s.offset, s.encoding);
    }
    bool split = false;
    for (const auto& n : doc.tree.nodes()) {
      for (const auto& d : n.diagnostics) split = split || d.code == DiagCode::kViewsSplit;
    }
    return std::make_pair(out, split);
  };
  const auto [pieces, split] = offsets(128ULL << 20);  // an eighth: 16 MiB, under the node's 40
  const auto [whole, whole_split] = offsets(1ULL << 30);
  CHECK(split);
  CHECK_FALSE(whole_split);
  REQUIRE(!whole.empty());
  CHECK(std::find(whole.begin(), whole.end(), std::make_pair(label_at, Encoding::kUtf16le)) != whole.end());
  CHECK(pieces == whole);
}
