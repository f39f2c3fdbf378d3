// XiongMai (XMeye / "Sofia") firmware (camera-formats.md 3.1): a plain ZIP whose InstallDesc
// member (JSON) lists the images to burn; every *.img is a U-Boot legacy image whose load
// address and entry point are the flash start and end of its partition. Identified ahead of the
// generic zip handler by the InstallDesc member; the images recurse through the uImage handler.
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "formats/common/zip_support.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"50 4b 03 04"}};
constexpr std::string_view kRefs[] = {"OpenIPC/coupler .github/workflows/_xm2oipc.sh", "camera-formats.md 3.1"};
constexpr std::string_view kLimits[] = {"InstallDesc fields other than the documented ones are kept as text"};
constexpr HandlerInfo kInfo{"xiongmai_zip", Category::kFirmware, "XiongMai firmware (ZIP with InstallDesc)", kMagics, kRefs, kLimits};

bool has_install_desc(ByteView v) {
  static constexpr char kName[] = "InstallDesc";
  return memmem(v.data(), v.size(), kName, sizeof kName - 1) != nullptr;
}

class XmZipHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    NodeMemo memo;
    return identify_in(node, start, memo);
  }

  std::optional<Chunk> identify_in(ByteView node, std::uint64_t start, NodeMemo& memo) const override {
    auto z = find_zip_extent(node, start, memo);
    if (!z || !has_install_desc(node.subspan(start, z->size))) return std::nullopt;
    return Chunk{start, z->size, z->complete ? Confidence::kHigh : Confidence::kLow,
                 "XiongMai firmware (ZIP with InstallDesc), " + std::to_string(z->entries) + " entries"};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override {
    // The entries' bytes now, not in batches: InstallDesc and the images' headers are read here.
    ExtractContext now(ctx.budget(), ctx.pool());
    FWSCAN_ASSIGN_OR_RETURN(Extraction ex, extract_zip_entries(chunk, now));
    for (const Child& c : ex.children) {
      if (c.name == "InstallDesc") describe(c.data.bytes(), ex);
    }
    // Flash ranges of the burnable images: uImage load .. entry.
    for (const Child& c : ex.children) {
      const ByteView b = c.data.bytes();
      if (!has_bytes_at(b, 0, "\x27\x05\x19\x56")) continue;
      auto load = load_be32(b, 0x10), ep = load_be32(b, 0x14);
      if (load && ep) ex.properties.emplace_back("flash:" + c.name, "[" + hex_u64(*load) + ", " + hex_u64(*ep) + ")");
    }
    return ex;
  }

 private:
  static void describe(ByteView json_bytes, Extraction& ex) {
    const auto doc = nlohmann::json::parse(json_bytes.begin(), json_bytes.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      ex.diagnostics.push_back({Severity::kWarning, DiagCode::kMalformed, "InstallDesc is not valid JSON", "", std::nullopt});
      return;
    }
    for (const char* key : {"Hardware", "HardWareVersion", "Vendor", "DevID", "CompatibleVersion"}) {
      if (doc.contains(key)) ex.properties.emplace_back(key, doc[key].is_string() ? doc[key].get<std::string>() : doc[key].dump());
    }
    if (doc.contains("UpgradeCommand") && doc["UpgradeCommand"].is_array()) {
      std::string burn;
      for (const auto& cmd : doc["UpgradeCommand"]) {
        if (cmd.is_object() && cmd.contains("FileName") && cmd["FileName"].is_string()) {
          burn += (burn.empty() ? "" : ", ") + cmd["FileName"].get<std::string>();
        }
      }
      ex.properties.emplace_back("burn", burn);
    }
  }
};

}  // namespace

HandlerPtr make_xiongmai_zip_handler() { return std::make_unique<XmZipHandler>(); }

}  // namespace fwscan
