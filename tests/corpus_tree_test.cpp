// Golden trees of the generated firmware samples: tools/gen_corpus.py writes, beside each sample,
// TREE.json = {file: {locator: SHA-256}} from the bytes it placed (docs/locators.md grammar).
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("corpus: every generated firmware sample matches its golden tree", "[corpus][golden]") {
  std::size_t samples = 0, locators = 0;
  for (const auto& dir : std::filesystem::directory_iterator(corpus_dir() / "firmware")) {
    const auto tree_file = dir.path() / "TREE.json";
    if (!std::filesystem::exists(tree_file)) continue;
    std::ifstream in(tree_file);
    const auto tree = nlohmann::json::parse(in);
    for (const auto& [file, members] : tree.items()) {
      INFO(file);
      ++samples;
      const Unpacked doc = unpack_path(dir.path() / file);
      for (const auto& [locator, sha] : members.items()) {
        INFO(locator);
        ++locators;
        const Node* n = node_at(doc, locator);
        REQUIRE(n != nullptr);
        CHECK(n->sha256 == sha.get<std::string>());
      }
    }
  }
  CHECK(samples == 6);
  CHECK(locators >= 30);
}
