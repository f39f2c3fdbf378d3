#include "core/blob.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/checked_math.hpp"

namespace fwscan {
namespace {

class VectorStorage final : public Storage {
 public:
  explicit VectorStorage(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  ByteView bytes() const override { return {bytes_.data(), bytes_.size()}; }

 private:
  std::vector<std::uint8_t> bytes_;
};

class MmapStorage final : public Storage {
 public:
  MmapStorage(void* addr, std::size_t size) : addr_(addr), size_(size) {}
  ~MmapStorage() override {
    if (addr_ != nullptr && size_ != 0) munmap(addr_, size_);
  }
  MmapStorage(const MmapStorage&) = delete;
  MmapStorage& operator=(const MmapStorage&) = delete;
  ByteView bytes() const override { return {static_cast<const std::uint8_t*>(addr_), size_}; }

 private:
  void* addr_;
  std::size_t size_;
};

}  // namespace

Result<Blob> Blob::map_file(const std::filesystem::path& path) {
  // Refused before it is opened: opening a FIFO blocks until a writer comes (forever), and
  // opening a device can act on it. O_NONBLOCK covers a file swapped for a FIFO in between;
  // fstat then checks that what was opened is still a regular file.
  struct stat before {};
  if (::lstat(path.c_str(), &before) != 0) {
    return make_error(Errc::kIo, "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  if (!S_ISREG(before.st_mode)) return make_error(Errc::kIo, "not a regular file: " + path.string());
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    return make_error(Errc::kIo, "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_ino != before.st_ino || st.st_dev != before.st_dev) {
    ::close(fd);
    return make_error(Errc::kIo, "not a regular file: " + path.string());
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return Blob::own({});
  }
  void* addr = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (addr == MAP_FAILED) {
    return make_error(Errc::kIo, "cannot map " + path.string() + ": " + std::strerror(errno));
  }
  auto storage = std::make_shared<const MmapStorage>(addr, size);
  const ByteView view = storage->bytes();
  return Blob(storage, view);
}

Blob Blob::own(std::vector<std::uint8_t> bytes) {
  auto storage = std::make_shared<const VectorStorage>(std::move(bytes));
  const ByteView view = storage->bytes();
  return Blob(storage, view);
}

Blob Blob::copy_of(ByteView bytes) { return own(std::vector<std::uint8_t>(bytes.begin(), bytes.end())); }

std::optional<Blob> Blob::slice(std::uint64_t offset, std::uint64_t size) const {
  if (!range_fits(offset, size, view_.size())) return std::nullopt;
  return Blob(storage_, view_.subspan(offset, size));
}

std::optional<Blob> Blob::tail(std::uint64_t offset) const {
  if (offset > view_.size()) return std::nullopt;
  return Blob(storage_, view_.subspan(offset));
}

}  // namespace fwscan
