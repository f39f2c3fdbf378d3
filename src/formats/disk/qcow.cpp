// QEMU QCOW disk image header: "QFI\xfb", version u32 BE (1, 2 or 3), backing-file offset/size,
// cluster bits, virtual size. Identified only; the chunk runs to the end of its node (the format
// has no stored file length).
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"51 46 49 fb 00 00 00"}};
constexpr std::string_view kRefs[] = {"QEMU docs/interop/qcow2.txt"};
constexpr std::string_view kLimits[] = {"clusters are not read; the image is identified, not extracted"};
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
    return Chunk{start, v.size(), Confidence::kMedium,
                 "QCOW v" + std::to_string(*version) + " disk image" + (vsize ? ", virtual size " + human_size(*vsize) : "")};
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_qcow_handler() { return std::make_unique<QcowHandler>(); }

}  // namespace fwscan
