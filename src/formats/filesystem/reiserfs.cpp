// ReiserFS 3.x, recognised, not read (formats/common/recognised_handler.hpp). The superblock is at
// 64 KiB: blocks count u32 @0x10000, block size u16 @0x1002c, magic "ReIsErFs", "ReIsEr2Fs" or
// "ReIsEr3Fs" @0x10034 (linux fs/reiserfs/reiserfs.h, struct reiserfs_super_block_v1).
#include "core/reader.hpp"
#include "formats/common/recognised_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"52 65 49 73 45 72", 0x10034}};
constexpr std::string_view kRefs[] = {"linux fs/reiserfs/reiserfs.h (struct reiserfs_super_block_v1)"};
constexpr std::string_view kLimits[] = {"recognised only: the tree is not read; the superblock area is claimed and the rest carved"};
constexpr HandlerInfo kInfo{"reiserfs", Category::kFilesystem, "ReiserFS 3.x (recognised, not read)", kMagics, kRefs, kLimits,
                            Support::kRecognised};

std::optional<Recognised> recognise(ByteView v) {
  if (!has_bytes_at(v, 0x10034, "ReIsEr")) return std::nullopt;
  const auto blocks = load_le32(v, 0x10000);
  const auto bs = load_le16(v, 0x1002C);
  if (!blocks || !bs || *bs < 512) return std::nullopt;
  return Recognised{static_cast<std::uint64_t>(*blocks) * *bs, 0x11000};
}

}  // namespace

HandlerPtr make_reiserfs_handler() { return make_recognised_handler(kInfo, "ReiserFS", recognise); }

}  // namespace fwscan
