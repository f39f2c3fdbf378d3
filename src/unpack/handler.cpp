#include "unpack/handler.hpp"

#include <algorithm>

namespace fwscan {

std::string_view category_name(Category c) {
  switch (c) {
    case Category::kArchive: return "archive";
    case Category::kCompression: return "compression";
    case Category::kFilesystem: return "filesystem";
    case Category::kFirmware: return "firmware";
    case Category::kExecutable: return "executable";
    case Category::kMedia: return "media";
    case Category::kDisk: return "disk";
  }
  return "unknown";
}

std::string_view support_name(Support s) { return s == Support::kRecognised ? "recognised" : "read"; }

std::string_view confidence_name(Confidence c) {
  switch (c) {
    case Confidence::kLow: return "low";
    case Confidence::kMedium: return "medium";
    case Confidence::kHigh: return "high";
  }
  return "low";
}

EntryKind entry_kind_from_mode(std::uint64_t mode) {
  switch (mode & 0170000) {
    case 0100000: return EntryKind::kFile;
    case 0040000: return EntryKind::kDirectory;
    case 0120000: return EntryKind::kSymlink;
    case 0020000: return EntryKind::kCharDevice;
    case 0060000: return EntryKind::kBlockDevice;
    case 0010000: return EntryKind::kFifo;
    case 0140000: return EntryKind::kSocket;
    default: return EntryKind::kOther;
  }
}

std::string_view entry_kind_name(EntryKind k) {
  switch (k) {
    case EntryKind::kFile: return "file";
    case EntryKind::kDirectory: return "directory";
    case EntryKind::kSymlink: return "symlink";
    case EntryKind::kHardlink: return "hardlink";
    case EntryKind::kCharDevice: return "char_device";
    case EntryKind::kBlockDevice: return "block_device";
    case EntryKind::kFifo: return "fifo";
    case EntryKind::kSocket: return "socket";
    case EntryKind::kOther: return "other";
  }
  return "other";
}

std::uint64_t Budget::max_output(std::uint64_t input_size) const {
  // Any stream may expand to 64 MiB whatever its ratio: compressed file system images are mostly
  // free space and reach ratios of several thousand (FACT's ext3.img.xz: 3.4 KiB -> 10 MiB).
  // Beyond that the ratio applies; the run total bounds everything.
  constexpr std::uint64_t kSmallStreamAllowance = 64ULL << 20;
  const double by_ratio = static_cast<double>(input_size) * limits_.max_expansion_ratio;
  std::uint64_t cap = by_ratio >= static_cast<double>(limits_.max_node_bytes)
                          ? limits_.max_node_bytes
                          : static_cast<std::uint64_t>(by_ratio);
  cap = std::max(cap, std::min(kSmallStreamAllowance, limits_.max_node_bytes));
  return std::min(cap, remaining_total_);
}

bool Budget::charge(std::uint64_t bytes) {
  if (bytes > remaining_total_) return false;
  remaining_total_ -= bytes;
  return true;
}

}  // namespace fwscan
