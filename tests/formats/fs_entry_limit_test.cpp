// A file that declares more bytes than the node's output cap is cut to it, and the cut is a
// limit_file diagnostic naming the file, in every reader that caps entries (walk::entry_size).
#include <string>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("file-system readers say when they cut a file to the output cap", "[formats][hostile]") {
  const char* const kImages[][2] = {
      {"hfsplus", "fact_extractor/fact_extractor/plugins/unpacking/sevenz/test/data/hfs.img.xz"},
      {"minix", "fact_extractor/fact_extractor/plugins/unpacking/generic_fs/test/data/minix.img.xz"},
  };
  for (const auto& [handler, rel] : kImages) {
    INFO(handler);
    const auto image = external_xz(rel);
    Limits limits;
    limits.max_node_bytes = 16;  // every file of the sample is longer
    const Unpacked doc = unpack_bytes(image, "fs.img", limits);
    REQUIRE(doc.tree.at(0).handler == std::string(handler));
    std::size_t cut = 0, said = 0;
    for (const Node& n : doc.tree.nodes()) {
      if (n.parent == std::optional<NodeId>(0) && n.meta.kind == EntryKind::kFile && n.size() == 16) ++cut;
    }
    for (const Diagnostic& d : doc.tree.at(0).diagnostics) {
      if (d.code == DiagCode::kLimitFile && d.message.find("; only the first 16 are read (the node's output cap)") != std::string::npos) ++said;
    }
    CHECK(cut > 0);
    CHECK(said == cut);
  }
}
