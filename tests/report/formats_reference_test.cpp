// docs/formats.md is generated from the handler registry (src/formats/formats.def), so the list
// of formats has one table: a new handler that is not on the page fails here.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "report/reference.hpp"
#include "support/test_support.hpp"
#include "unpack/registry.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("formats: docs/formats.md is the page generated from the registry", "[formats][docs]") {
  std::ostringstream generated;
  write_formats_reference(generated);
  const auto path = rules_dir().parent_path() / "docs" / "formats.md";
  std::ifstream in(path);
  REQUIRE(in);
  std::ostringstream on_disk;
  on_disk << in.rdbuf();
  INFO("regenerate with: build/src/fwscan formats --markdown > docs/formats.md");
  CHECK(on_disk.str() == generated.str());
  // Every handler has its row, by id.
  for (std::size_t i = 0; i < Registry::builtin().size(); ++i) {
    const std::string id(Registry::builtin().at(i).info().id);
    INFO(id);
    CHECK(generated.str().find("| `" + id + "` |") != std::string::npos);
  }
}
