// JFS, recognised, not read (formats/common/recognised_handler.hpp). The superblock is at 32 KiB:
// magic "JFS1" and version 1 (u32 LE) @0x8000 (linux fs/jfs/jfs_superblock.h).
#include "core/reader.hpp"
#include "formats/common/recognised_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"4a 46 53 31 01 00 00 00", 0x8000}};
constexpr std::string_view kRefs[] = {"linux fs/jfs/jfs_superblock.h (struct jfs_superblock)"};
constexpr std::string_view kLimits[] = {"recognised only: no file is read; the superblock area is claimed and the rest carved"};
constexpr HandlerInfo kInfo{"jfs", Category::kFilesystem, "IBM JFS (recognised, not read)", kMagics, kRefs, kLimits,
                            Support::kRecognised};

std::optional<Recognised> recognise(ByteView v) {
  if (!has_bytes_at(v, 0x8000, std::string_view("JFS1\1\0\0\0", 8))) return std::nullopt;
  return Recognised{std::nullopt, 0x9000};
}

}  // namespace

HandlerPtr make_jfs_handler() { return make_recognised_handler(kInfo, "JFS", recognise); }

}  // namespace fwscan
