// 7z AES through fwscan's own 7z reader: the generated archives (corpus/archives/7z, written by
// p7zip with each coder chain), fact_extractor's test_password.7z, wrong and missing passwords,
// and damaged copies.
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

const std::filesystem::path kDir = corpus_dir() / "archives/7z";

nlohmann::json expected() {
  std::ifstream in(kDir / "EXPECTED.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

Limits with_passwords(std::vector<std::string> pw) {
  Limits l;
  l.passwords = std::move(pw);
  return l;
}

std::size_t count_code(const auto& doc, const std::string& code) {
  REQUIRE(diag_code_from_name(code));  // a misspelt code would count nothing and pass
  std::size_t n = 0;
  for (const auto& node : doc.tree.nodes()) {
    for (const auto& d : node.diagnostics) n += diag_code_name(d.code) == code ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("7z AES: every generated archive opens with its password, every member matches", "[formats][sevenzip][aes]") {
  const auto e = expected();
  const std::string pw = e["password"];
  std::size_t members = 0;
  for (const auto& [name, files] : e["archives"].items()) {
    INFO(name);
    // The right password last, after two wrong ones.
    const Unpacked doc = unpack_path(kDir / name, with_passwords({"wrong", "Fw-Secret", pw}));
    REQUIRE(doc.tree.at(0).handler == std::string("sevenzip"));
    for (const auto& [member, sha] : files.items()) {
      INFO(member);
      const Node* n = node_at(doc, name + "/sevenzip@0x0:" + member);
      REQUIRE(n != nullptr);
      CHECK(n->sha256 == sha.get<std::string>());
      ++members;
    }
    CHECK(has_diagnostic(doc, "decrypted"));
    CHECK_FALSE(has_diagnostic(doc, "encrypted"));
  }
  CHECK(members > e["archives"].size());  // some archives hold several members
  // Non-solid: two folders, each decrypted on its own.
  CHECK(count_code(unpack_path(kDir / "aes_lzma_nonsolid.7z", with_passwords({pw})), "decrypted") == 2);
}

TEST_CASE("7z AES: a missing or wrong password leaves the entries listed, with the reason", "[formats][sevenzip][aes]") {
  for (const char* name : {"aes_lzma2.7z", "aes_header.7z"}) {
    INFO(name);
    const Unpacked none = unpack_path(kDir / name);
    CHECK(has_diagnostic(none, "encrypted"));
    CHECK(nodes_ending_with(none, "notes.txt").size() <= 1);
    for (const Node* n : nodes_ending_with(none, "notes.txt")) CHECK(n->size() == 0);
    const Unpacked wrong = unpack_path(kDir / name, with_passwords({"not-it"}));
    CHECK(has_diagnostic(wrong, "encrypted"));
    CHECK_FALSE(has_diagnostic(wrong, "decrypted"));
  }
  // Entries stay listed when only the data is encrypted.
  const Unpacked listed = unpack_path(kDir / "aes_lzma2.7z", with_passwords({"not-it"}));
  const Node* n = node_at(listed, "aes_lzma2.7z/sevenzip@0x0:sub/face.cfg");
  REQUIRE(n != nullptr);
  CHECK(n->meta.kind == EntryKind::kOther);
}

TEST_CASE("7z AES: key derivations per archive are limited", "[formats][sevenzip][aes][malformed]") {
  // Each wrong password costs one key derivation (2^19 SHA-256 rounds here); past 64 the reader
  // stops deriving, so the right password in 66th place is not tried.
  std::vector<std::string> pw;
  for (int i = 0; i < 65; ++i) pw.push_back("wrong-" + std::to_string(i));
  pw.push_back(expected()["password"].get<std::string>());
  const Unpacked doc = unpack_path(kDir / "aes_copy.7z", with_passwords(pw));
  CHECK_FALSE(has_diagnostic(doc, "decrypted"));
  bool limited = false;
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& d : n.diagnostics) limited = limited || (d.code == DiagCode::kEncrypted && d.message.find("64 AES key derivations") != std::string::npos);
  }
  CHECK(limited);
}

TEST_CASE("7z AES: fact_extractor's test_password.7z yields the standard set with 'test'", "[formats][sevenzip][aes][external]") {
  const Unpacked doc = unpack_path(external_dir() / "fact_extractor/fact_extractor/plugins/unpacking/sevenz/test/data/test_password.7z", with_passwords({"test"}));
  const Node* third = node_at(doc, "test_password.7z/sevenzip@0x0:get_files_test/generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(std::string(as_chars(third->data.bytes())) == "The third test file!");
  CHECK(node_at(doc, "test_password.7z/sevenzip@0x0:get_files_test/testfile1")->size() == 62);
  CHECK(has_diagnostic(doc, "decrypted"));
}

TEST_CASE("7z AES: damaged archives end in diagnostics", "[formats][sevenzip][aes][malformed]") {
  const auto e = expected();
  const Limits pw = with_passwords({e["password"].get<std::string>()});
  SECTION("a byte of the encrypted data changed: the CRC check fails") {
    auto bad = read_file(kDir / "aes_copy.7z");
    bad[32 + 3] ^= 0x40;  // packed streams start right after the signature header
    const Unpacked doc = unpack_bytes(bad, "flip.7z", pw);
    CHECK(has_diagnostic(doc, "encrypted"));
    CHECK_FALSE(has_diagnostic(doc, "decrypted"));
  }
  SECTION("bytes flipped anywhere, with the password: every scan finishes") {
    for (const char* name : {"aes_lzma2.7z", "aes_header.7z", "aes_lzma_nonsolid.7z"}) {
      const auto good = read_file(kDir / name);
      const auto noise = pseudo_random(120, 3);
      for (int round = 0; round < 60; ++round) {
        auto bad = good;
        // Mostly the header at the end, where the numbers and counts are.
        const std::size_t span = std::min<std::size_t>(good.size() - 32, 300);
        const std::size_t at = good.size() - 1 - (noise[static_cast<std::size_t>(round) * 2] * 13U + static_cast<std::size_t>(round)) % span;
        bad[at] ^= static_cast<std::uint8_t>(1U << (noise[static_cast<std::size_t>(round) * 2 + 1] % 8));
        REQUIRE(unpack_bytes(bad, "flip.7z", pw).tree.size() >= 1);
      }
    }
  }
  SECTION("cut short") {
    const auto good = read_file(kDir / "aes_lzma2.7z");
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
    const Unpacked doc = unpack_bytes(cut, "cut.7z", pw);
    CHECK_FALSE(has_diagnostic(doc, "decrypted"));
  }
}
