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
  cap = std::min(cap, remaining_total_);
  // The resident-memory budget: half of it for one decode, and no more than is left of it.
  const std::uint64_t held = resident_decoded_bytes();
  const std::uint64_t room = held < limits_.max_resident_bytes ? limits_.max_resident_bytes - held : 0;
  const std::uint64_t resident_cap = std::min(limits_.max_resident_bytes / 2, room);
  if (resident_cap < cap) {
    cap = resident_cap;
    std::uint64_t seen = resident_cap_.load();
    while ((seen == 0 || resident_cap + 1 < seen) && !resident_cap_.compare_exchange_weak(seen, resident_cap + 1)) {
    }
    resident_held_.store(held);
  }
  return cap;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> Budget::take_resident_cut() {
  const std::uint64_t cap = resident_cap_.exchange(0);  // the cap + 1; 0: none
  if (cap == 0) return std::nullopt;
  return std::make_pair(cap - 1, resident_held_.load());
}

bool Budget::charge(std::uint64_t bytes) {
  if (bytes > remaining_total_) return false;
  remaining_total_ -= bytes;
  return true;
}

}  // namespace fwscan
