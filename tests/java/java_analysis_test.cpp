// Java method evidence on corpus/java/face_attr.jar (tools/gen_java_corpus.py): every planted
// label is attributed to the methods (and constant fields) that use it in the source, known by
// construction (expected.json); malformed class files end in an error, never a crash.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "java/class_file.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

// The class files of the JAR, by entry path, unpacked by fwscan's zip handler.
std::map<std::string, std::vector<std::uint8_t>> classes() {
  const Unpacked u = unpack_path(corpus_dir() / "java/face_attr.jar");
  std::map<std::string, std::vector<std::uint8_t>> out;
  for (const auto& n : u.tree.nodes()) {
    const ByteView b = n.data.bytes();
    if (n.step.entry.ends_with(".class")) out[n.step.entry] = {b.begin(), b.end()};
  }
  return out;
}

}  // namespace

TEST_CASE("java: every planted label is attributed to the methods and fields that use it", "[java]") {
  const auto expected = nlohmann::json::parse(std::ifstream(corpus_dir() / "java/expected.json"));
  const auto files = classes();
  REQUIRE(files.size() == 2);
  std::size_t pairs = 0, found = 0, wide = 0;
  for (const auto& p : expected["planted"]) {
    const std::string cls = p["class"].get<std::string>();
    INFO(p["text"].get<std::string>());
    const auto it = files.find(cls + ".class");
    REQUIRE(it != files.end());
    const auto& bytes = it->second;
    const auto needle = unhex(p["hex"].get<std::string>());
    const auto at = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
    REQUIRE(at != bytes.end());
    auto parsed = java::parse_class({bytes.data(), bytes.size()});
    REQUIRE(parsed);
    CHECK(parsed->name == cls);
    const auto loc = java::locate(*parsed, {bytes.data(), bytes.size()}, static_cast<std::uint64_t>(at - bytes.begin()), needle.size());
    REQUIRE(loc);
    CHECK(loc->class_name == cls);
    std::set<std::string> want, got;
    for (const auto& m : p["members"]) want.insert(cls + "." + m["member"].get<std::string>());
    for (const auto& r : loc->refs) {
      got.insert(r.function);
      if (r.kind == "ldc_w") ++wide;
      if (r.kind == "ldc" || r.kind == "ldc_w") {  // the instruction is where the reference says
        CHECK(bytes[r.insn_va] == (r.kind == "ldc" ? 0x12 : 0x13));
      }
    }
    for (const auto& w : want) {
      ++pairs;
      found += got.count(w);
      CHECK(got.count(w) == 1);
    }
    CHECK(got.size() == want.size());  // no method the source does not use it in
  }
  CHECK(pairs == 8);
  CHECK(found == pairs);
  CHECK(wide == 1);  // the Catalog label sits past pool index 255
}

// The bytecode walk against javap, the JDK's reader (its listing is in expected.json, written by
// the generator): every string load of every method of both classes, at the same offset, and
// no other.
TEST_CASE("java: string loads are found where javap lists them, and nowhere else", "[java]") {
  const auto expected = nlohmann::json::parse(std::ifstream(corpus_dir() / "java/expected.json"));
  const auto files = classes();
  std::size_t checked = 0;
  for (const auto& [cls, loads] : expected["javap_loads"].items()) {
    const auto& bytes = files.at(cls + ".class");
    const ByteView b{bytes.data(), bytes.size()};
    auto parsed = java::parse_class(b);
    REQUIRE(parsed);
    std::map<std::string, std::set<std::tuple<std::uint64_t, std::uint16_t, bool>>> want, got;
    for (const auto& l : loads) {
      want[l["method"].get<std::string>()].emplace(l["offset"].get<std::uint64_t>(), l["index"].get<std::uint16_t>(), l["wide"].get<bool>());
    }
    for (const auto& m : parsed->methods) {
      if (m.code_length == 0) continue;
      for (std::size_t i = 1; i < parsed->string_target.size(); ++i) {
        if (parsed->string_target[i] == 0) continue;
        for (const auto& l : java::string_loads(b.subspan(m.code_offset, m.code_length), static_cast<std::uint16_t>(i))) {
          got[m.name + m.descriptor].emplace(l.offset, static_cast<std::uint16_t>(i), l.wide);
        }
      }
    }
    INFO(cls);
    CHECK(got == want);
    checked += loads.size();
  }
  CHECK(checked == 310);
}

TEST_CASE("java: a scan gives the verdict stage method scope", "[java][scan]") {
  const ReportDocument doc = scan_path(corpus_dir() / "java/face_attr.jar");
  bool alarm = false;
  for (const auto& f : doc.findings) {
    if (!f.verdict) continue;
    for (const auto& s : f.verdict->signals) {
      if (s.function == "com/example/face/FaceAttr.alarmName(I)Ljava/lang/String;" && s.scope == "function") alarm = true;
    }
  }
  CHECK(alarm);  // 维族人员实时预警 and 人脸抓拍 are paired by the method that loads both
}

TEST_CASE("java: cut and flipped class files end in an error or a result, never a crash", "[java][hostile]") {
  const auto files = classes();
  const auto& good = files.at("com/example/face/Catalog.class");
  std::size_t parsed = 0, cuts = 0, refused = 0;
  for (std::size_t cut = 10; cut < good.size(); cut += 37) {
    std::vector<std::uint8_t> b(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    ++cuts;
    refused += java::parse_class({b.data(), b.size()}) ? 0 : 1;
  }
  CHECK(refused * 10 >= cuts * 9);  // counted structures run short (the class's own trailing attributes are not read)
  std::uint32_t seed = 3;
  for (int round = 0; round < 400; ++round) {
    auto b = good;
    for (int k = 0; k < 6; ++k) {
      seed = seed * 1103515245U + 12345U;
      b[(seed >> 8) % b.size()] = static_cast<std::uint8_t>(seed >> 3);
    }
    if (auto c = java::parse_class({b.data(), b.size()})) {
      ++parsed;
      for (std::uint64_t off = 0; off < b.size(); off += 97) (void)java::locate(*c, {b.data(), b.size()}, off, 4);
    }
  }
  CHECK(parsed > 0);
}
