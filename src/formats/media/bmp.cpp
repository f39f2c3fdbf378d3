// Windows BMP: "BM", file size u32, 4 reserved bytes, pixel data offset u32, then a DIB header
// (size 12, 40, 52, 56, 108 or 124), width, height, planes 1, bits per pixel.
#include "core/reader.hpp"
#include "formats/common/stream_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"42 4d ?? ?? ?? ?? 00 00 00 00"}};
constexpr std::string_view kRefs[] = {"Microsoft BITMAPFILEHEADER / BITMAPINFOHEADER"};
constexpr std::string_view kLimits[] = {"the image itself is not decoded"};
constexpr HandlerInfo kInfo{"bmp", Category::kMedia, "BMP image", kMagics, kRefs, kLimits};

class BmpHandler final : public Handler {
 public:
  const HandlerInfo& info() const override { return kInfo; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView v = node.subspan(start);
    auto size = load_le32(v, 2), data = load_le32(v, 10), dib = load_le32(v, 14);
    auto planes = load_le16(v, 26), bpp = load_le16(v, 28);
    if (!size || !data || !dib || !planes || !bpp) return std::nullopt;
    const bool dib_ok = *dib == 12 || *dib == 40 || *dib == 52 || *dib == 56 || *dib == 108 || *dib == 124;
    const bool bpp_ok = *bpp == 1 || *bpp == 4 || *bpp == 8 || *bpp == 16 || *bpp == 24 || *bpp == 32;
    if (!dib_ok || *planes != 1 || !bpp_ok || *data < 14 + *dib || *data > *size || *size > v.size()) return std::nullopt;
    return Chunk{start, *size, Confidence::kHigh, "BMP image, " + std::to_string(*bpp) + " bpp, " + human_size(*size)};
  }
  Result<Extraction> extract(const Blob&, ExtractContext&) const override { return Extraction{}; }
};

}  // namespace

HandlerPtr make_bmp_handler() { return std::make_unique<BmpHandler>(); }

}  // namespace fwscan
