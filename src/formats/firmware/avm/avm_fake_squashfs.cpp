// AVM (FRITZ!Box) "fake SquashFS" container: a 256-byte header that starts with the big-endian
// SquashFS magic "sqsh" and is otherwise zero, followed by the real file system (an ext2 image on
// the devices that use it). A genuine SquashFS never has a zero inode count and zero tables, so
// the zero header is the signature. The payload runs to the end of the node.
#include <algorithm>

#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {
namespace {

constexpr std::uint64_t kHeader = 256;
constexpr Magic kMagics[] = {{"73 71 73 68 00 00 00 00 00 00 00 00 00 00 00 00", 0, true}};
constexpr std::string_view kRefs[] = {"fact_extractor plugins/unpacking/avm_sqfs_fake (dd bs=256 skip=1)"};
constexpr std::string_view kLimits[] = {"only at the start of a node: the container has no length field"};
constexpr HandlerInfo kInfo{"avm_fake_squashfs", Category::kFirmware, "AVM fake-SquashFS container", kMagics, kRefs, kLimits};

class AvmFakeSquashfsHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    auto header = subview(at, 4, kHeader - 4);
    if (!header || at.size() <= kHeader || !std::all_of(header->begin(), header->end(), [](std::uint8_t b) { return b == 0; })) return std::nullopt;
    return Chunk{start, at.size(), Confidence::kMedium, "AVM fake-SquashFS header, payload " + human_size(at.size() - kHeader)};
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    Extraction ex;
    Child c;
    c.name = "image.ext2";  // FACT's name for it; the carver identifies what it really is
    c.origin = ChildOrigin::kCarved;
    c.offset = kHeader;
    c.data = *chunk.slice(kHeader, chunk.size() - kHeader);
    ex.children.push_back(std::move(c));
    return ex;
  }
};

}  // namespace

HandlerPtr make_avm_fake_squashfs_handler() { return std::make_unique<AvmFakeSquashfsHandler>(); }

}  // namespace fwscan
