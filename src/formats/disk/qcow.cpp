// QEMU QCOW disk image header: "QFI\xfb", version u32 BE (1, 2 or 3), backing-file offset/size,
// cluster bits, virtual size. Identified only, so only the header is claimed (v1 48 bytes, v2 72,
// v3 its header_length): the clusters after it are not read and stay unknown data, searched by the
// carver like any other bytes (the format stores no file length).
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"51 46 49 fb 00 00 00"}};
constexpr std::string_view kRefs[] = {"QEMU docs/interop/qcow2.txt"};
constexpr std::string_view kLimits[] = {"clusters are not read; the image is identified, not extracted, and only its header is claimed"};
constexpr HandlerInfo kInfo{"qcow", Category::kDisk, "QEMU QCOW disk image", kMagics, kRefs, kLimits};

class QcowHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    auto version = load_be32(v, 4);
    auto cluster_bits = load_be32(v, 20);
    if (!version || *version < 1 || *version > 3 || !cluster_bits) return std::nullopt;
    if (*version >= 2 && (*cluster_bits < 9 || *cluster_bits > 21)) return std::nullopt;
    auto vsize = load_be64(v, 24);
    std::uint64_t header = *version == 1 ? 48 : 72;
    if (*version == 3) {
      auto len = load_be32(v, 100);
      if (!len || *len < 104 || *len % 8 != 0 || *len > 65536) return std::nullopt;
      header = *len;
    }
    if (header > v.size()) return std::nullopt;
    return Chunk{start, header, Confidence::kMedium,
                 "QCOW v" + std::to_string(*version) + " disk image" + (vsize ? ", virtual size " + human_size(*vsize) : "")};
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_qcow_handler() { return std::make_unique<QcowHandler>(); }

}  // namespace fwscan
