// End to end over the bundled firmware images and the external samples.
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {
const Finding* find(const ReportDocument& doc, const std::string& rule, const std::string& locator) {
  for (const auto& f : doc.findings) {
    if (f.rule == rule && f.locator == locator) return &f;
  }
  return nullptr;
}

bool has_string(const Finding& f, const std::string& id, const std::string& text) {
  for (const auto& s : f.strings) {
    if (s.id == id && s.text == text) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("e2e: Hikvision demo: findings run from the .dav through app.img to the ELF", "[corpus]") {
  const ReportDocument doc = scan_path(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  const std::string elf = "digicap.dav/swkh@0x0:app.img/squashfs@0x0:davinci";
  const std::string lang = "digicap.dav/swkh@0x0:webs.tar.gz/gzip@0x0:webs.tar/tar@0x0:webs/lang/zh_CN.json";

  const Finding* utf16 = find(doc, "ETHN_CN_Uyghur_Alert_Phrases", elf);
  REQUIRE(utf16 != nullptr);
  REQUIRE(utf16->severity == RuleSeverity::kCritical);
  REQUIRE(utf16->ns == "ethnicity_classification");
  REQUIRE(has_string(*utf16, "$warning_utf16le", "维族人员实时预警"));
  REQUIRE(utf16->strings[0].encoding == "utf-16le");

  const Finding* gbk = find(doc, "ETHN_CN_Uyghur_Xinjiang_Label", elf);
  REQUIRE(gbk != nullptr);
  REQUIRE(gbk->severity == RuleSeverity::kHigh);
  REQUIRE(gbk->strings.at(0).encoding == "gbk");
  REQUIRE(gbk->strings.at(0).text.rfind("维族(新疆", 0) == 0);

  const Finding* minority = find(doc, "ETHN_CN_Minority_Uyghur_Attribute", elf);
  REQUIRE(minority != nullptr);
  REQUIRE(has_string(*minority, "$minority_q_utf8", "是否少数民族"));

  REQUIRE(find(doc, "ETHN_Dahua_NetSDK_NationType_Uyghur_Enum", elf) != nullptr);

  const Finding* web = find(doc, "ETHN_CN_Uyghur_Alert_Phrases", lang);
  REQUIRE(web != nullptr);
  REQUIRE(has_string(*web, "$is_uyghur_utf8", "是否是维族"));

  // The minified JS language pack holds the label only as \uXXXX escapes: found through the
  // "unescaped" decoding view, with offsets in the file's own bytes.
  const std::string js = "digicap.dav/swkh@0x0:webs.tar.gz/gzip@0x0:webs.tar/tar@0x0:webs/js/lang.min.js";
  const Finding* escaped = find(doc, "ETHN_CN_Uyghur_Alert_Phrases", js);
  REQUIRE(escaped != nullptr);
  REQUIRE(escaped->strings.at(0).view == "unescaped");
  REQUIRE(escaped->strings.at(0).text == "维族人员实时预警");
  REQUIRE(escaped->strings.at(0).source.rfind("\\u7ef4\\u65cf", 0) == 0);
  const Node* js_node = node_at(doc, js);
  REQUIRE(js_node != nullptr);
  const auto& es = escaped->strings.at(0);
  REQUIRE(std::string(as_chars(js_node->data.bytes().subspan(es.offset, es.length))) == es.source);
  REQUIRE(es.length == 8 * 6);  // eight \uXXXX escapes

  const Finding* root_hash = find(doc, "CRED_Camera_Vendor_Hardcoded_Root_Hash", "digicap.dav/swkh@0x0:root.img/squashfs@0x0:etc/passwd");
  REQUIRE(root_hash != nullptr);
  REQUIRE(root_hash->ns == "credentials");

  // Decoded (squashfs, gzip) steps have no input offset; the ELF's bytes are decoded.
  REQUIRE_FALSE(utf16->strings[0].root_offset);
  // No finding on containers whose match a descendant explains.
  const std::set<std::string> expected_nodes = {elf, lang, js, "digicap.dav/swkh@0x0:root.img/squashfs@0x0:etc/passwd"};
  for (const auto& f : doc.findings) {
    INFO(f.locator);
    REQUIRE(expected_nodes.count(f.locator) == 1);
  }
  REQUIRE(doc.count_at_or_above(RuleSeverity::kHigh) == doc.findings.size());
  REQUIRE(doc.findings.size() == 13);
}

TEST_CASE("e2e: Hikvision demo: the extraction tree and its metadata", "[corpus]") {
  const ReportDocument doc = unpack_path(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  const Node& root = doc.tree.at(0);
  REQUIRE(root.handler == std::string("swkh"));
  for (const char* m : {"_cfgUpgClass", "uImage", "root.img", "app.img", "webs.tar.gz"}) {
    INFO(m);
    REQUIRE(node_at(doc, std::string("digicap.dav/swkh@0x0:") + m) != nullptr);
  }
  const Node* kernel = node_at(doc, "digicap.dav/swkh@0x0:uImage/uimage@0x0:Linux-3.0.8");
  REQUIRE(kernel != nullptr);
  REQUIRE(std::string(as_chars(kernel->data.bytes().subspan(0, 19))) == "Linux version 3.0.8");
  const Node* passwd = node_at(doc, "digicap.dav/swkh@0x0:root.img/squashfs@0x0:etc/passwd");
  REQUIRE(passwd != nullptr);
  REQUIRE(passwd->meta.uid == 0U);
  const Node* sh = node_at(doc, "digicap.dav/swkh@0x0:root.img/squashfs@0x0:bin/sh");
  REQUIRE(sh->meta.kind == EntryKind::kSymlink);
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& d : n.diagnostics) {
      INFO(n.locator << ": " << d.code << " " << d.message);
      REQUIRE(d.severity == Severity::kInfo);
    }
  }
}

TEST_CASE("e2e: Dahua demo: uImage-wrapped SquashFS identified by magic, not name", "[corpus]") {
  const ReportDocument doc = scan_path(corpus_dir() / "firmware/dahua_demo/dahua_demo.bin");
  REQUIRE(doc.tree.at(0).handler == std::string("dahua_zip"));
  const std::string cfg = "dahua_demo.bin/dahua_zip@0x0:user-x.cramfs.img/uimage@0x0:user/squashfs@0x0:usr/data/face_attr.cfg";
  REQUIRE(node_at(doc, cfg) != nullptr);
  REQUIRE(node_at(doc, "dahua_demo.bin/dahua_zip@0x0:romfs-x.squashfs.img/uimage@0x0:romfs/squashfs@0x0:etc/passwd") != nullptr);
  const Finding* label = find(doc, "ETHN_CN_Uyghur_Xinjiang_Label", cfg);
  REQUIRE(label != nullptr);
  REQUIRE(label->strings.at(0).encoding == "gbk");
  REQUIRE(find(doc, "ETHN_Dahua_NetSDK_NationType_Uyghur_Enum", cfg) != nullptr);
  REQUIRE(find(doc, "CRED_Camera_Vendor_Hardcoded_Root_Hash",
               "dahua_demo.bin/dahua_zip@0x0:romfs-x.squashfs.img/uimage@0x0:romfs/squashfs@0x0:etc/passwd") != nullptr);
  REQUIRE(doc.findings.size() == 4);
}

TEST_CASE("e2e: JSON reports are deterministic and well-formed", "[corpus][report]") {
  auto render = [] {
    const ReportDocument doc = scan_path(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
    std::ostringstream os;
    write_json_report(doc, os);
    return os.str();
  };
  const std::string a = render(), b = render();
  REQUIRE(a == b);
  const auto j = nlohmann::json::parse(a);
  REQUIRE(j["schema_version"] == 1);
  REQUIRE(j["inputs"][0]["name"] == "digicap.dav");
  REQUIRE(j["summary"]["findings"] == 13);
  REQUIRE(j["findings"][0]["severity"] == "critical");
  REQUIRE(j["findings"][0]["strings"][0]["text"].is_string());
  REQUIRE(j["nodes"][0]["provenance"][0]["handler"] == "root");
  REQUIRE(a.find(corpus_dir().string()) == std::string::npos);  // no absolute paths
}

TEST_CASE("e2e: text report shows severity, locator, offset and decoded text", "[corpus][report]") {
  const ReportDocument doc = scan_path(corpus_dir() / "firmware/hikvision_demo/digicap.dav");
  std::ostringstream os;
  write_text_report(doc, os);
  const std::string t = os.str();
  REQUIRE(t.find("[CRITICAL] ethnicity_classification/ETHN_CN_Uyghur_Alert_Phrases") != std::string::npos);
  // Grouped by namespace, the most severe namespace first.
  REQUIRE(t.find("== ethnicity_classification (12)") != std::string::npos);
  REQUIRE(t.find("== credentials (1)") > t.find("== ethnicity_classification"));
  REQUIRE(t.find("context: 是否少数民族：未知，非少数民族，维族") != std::string::npos);
  REQUIRE(t.find("utf-8, unescaped view") != std::string::npos);
  REQUIRE(t.find("at   digicap.dav/swkh@0x0:app.img/squashfs@0x0:davinci") != std::string::npos);
  REQUIRE(t.find("\"维族人员实时预警\" (utf-16le)") != std::string::npos);
  REQUIRE(t.find("EXTRACTION:") != std::string::npos);
  REQUIRE(t.find("DIAGNOSTICS (0)") != std::string::npos);
  // Critical findings come before high ones.
  REQUIRE(t.find("[CRITICAL]") < t.find("[HIGH]"));
}

TEST_CASE("e2e: every malformed corpus file finishes with a report", "[corpus][malformed]") {
  std::size_t n = 0;
  for (const auto& f : std::filesystem::directory_iterator(corpus_dir() / "malformed")) {
    INFO(f.path());
    const ReportDocument doc = scan_path(f.path());
    REQUIRE(doc.inputs.size() == 1);
    REQUIRE(doc.inputs[0].root);
    std::ostringstream os;
    write_json_report(doc, os);
    REQUIRE(nlohmann::json::parse(os.str())["nodes"].size() == doc.tree.size());
    ++n;
  }
  REQUIRE(n >= 7);
}

TEST_CASE("e2e: every file of the external corpus scans to a valid report", "[corpus][external]") {
  REQUIRE(std::filesystem::is_directory(external_dir()));
  std::size_t n = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(external_dir());
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file() || it->is_symlink()) continue;
    INFO(it->path());
    const ReportDocument doc = scan_path(it->path());
    REQUIRE(doc.inputs.size() == 1);
    REQUIRE(doc.inputs[0].root);
    REQUIRE(doc.diagnostics.empty());
    std::ostringstream os;
    write_json_report(doc, os);
    REQUIRE_NOTHROW(nlohmann::json::parse(os.str()));
    // Other tools' test data hold no camera analytics, backdoors or camera credentials: the whole
    // pack stays silent on them (checked by hand: nothing there names a camera vendor's cloud).
    for (const auto& f : doc.findings) {
      INFO(f.locator << " " << f.ns << "/" << f.rule);
      REQUIRE(f.severity <= RuleSeverity::kInfo);
      REQUIRE(f.ns != "ethnicity_classification");
      REQUIRE(f.ns != "face_attribute_analytics");
    }
    ++n;
  }
  REQUIRE(n >= 200);
}
