// Diagnostic codes are one closed table (core/diagnostic_codes.def): names are unique snake_case,
// every name reads back to its code, docs/diagnostics.md is the table's generated page, and a
// report naming a code outside the table is refused.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "model/json_reader.hpp"
#include "report/reference.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

TEST_CASE("diagnostics: every code has a unique snake_case name, a meaning, and reads back", "[diagnostics]") {
  std::set<std::string_view> names;
  std::size_t i = 0;
  const std::regex snake("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  for (const auto& c : diag_codes()) {
    INFO(c.name);
    CHECK(static_cast<std::size_t>(c.code) == i++);  // the table's order is the enum's
    CHECK(std::regex_match(std::string(c.name), snake));
    CHECK(names.insert(c.name).second);
    CHECK(c.meaning.size() > 20);
    CHECK(diag_code_name(c.code) == c.name);
    REQUIRE(diag_code_from_name(c.name));
    CHECK(*diag_code_from_name(c.name) == c.code);
  }
  CHECK(names.size() >= 30);
  CHECK_FALSE(diag_code_from_name("checksum"));  // rzip once wrote this undocumented spelling
  CHECK_FALSE(diag_code_from_name(""));
}

TEST_CASE("diagnostics: docs/diagnostics.md is the page generated from the table", "[diagnostics][docs]") {
  std::ostringstream generated;
  write_diagnostics_reference(generated);
  const auto path = rules_dir().parent_path() / "docs" / "diagnostics.md";
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  const std::string on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO("regenerate with: build/src/fwscan diagnostics > docs/diagnostics.md");
  CHECK(on_disk == generated.str());
  for (const auto& c : diag_codes()) CHECK(on_disk.find("| `" + std::string(c.name) + "` |") != std::string::npos);
}

TEST_CASE("diagnostics: a report naming a code outside the table is refused", "[diagnostics][model][hostile]") {
  std::ostringstream os;
  write_json_report(unpack_path(corpus_dir() / "malformed/swkh_bad_checksums.dav").report, os);
  std::string json = os.str();
  const auto at = json.find("\"code\": \"");
  REQUIRE(at != std::string::npos);
  REQUIRE(read_json_report(json));
  json.insert(at + 9, "no_such_");
  auto r = read_json_report(json);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("unknown diagnostic code") != std::string::npos);
}
