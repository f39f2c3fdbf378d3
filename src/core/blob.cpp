#include "core/blob.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

#include "core/checked_math.hpp"

namespace fwscan {
namespace {

std::atomic<std::uint64_t> g_resident{0};

// Counts `bytes` as resident for as long as it lives.
class Resident {
 public:
  explicit Resident(std::uint64_t bytes) : bytes_(bytes) { g_resident.fetch_add(bytes_, std::memory_order_relaxed); }
  ~Resident() { g_resident.fetch_sub(bytes_, std::memory_order_relaxed); }
  Resident(const Resident&) = delete;
  Resident& operator=(const Resident&) = delete;

 private:
  std::uint64_t bytes_;
};

class VectorStorage final : public Storage {
 public:
  // Its size, not its capacity: a reserved tail that was never written takes no memory.
  explicit VectorStorage(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)), resident_(bytes_.size()) {}
  ByteView bytes() const override { return {bytes_.data(), bytes_.size()}; }

 private:
  std::vector<std::uint8_t> bytes_;
  Resident resident_;
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
  // A read-only private mapping never written: its pages are the file's, read again on the next
  // access.
  void drop_read_pages() const override {
    if (addr_ != nullptr && size_ != 0) madvise(addr_, size_, MADV_DONTNEED);
  }

 private:
  void* addr_;
  std::size_t size_;
};

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kMapAtLeast = 1ULL << 20;  // smaller buffers are heap memory
constexpr std::uint64_t kPopulateAtLeast = 64ULL << 10;  // a write window prefaulted whole

// Sorts the extents, widens them to whole pages (clipped at `size`) and merges those that touch.
std::vector<Extent> normalise(std::vector<Extent> extents, std::uint64_t size) {
  std::sort(extents.begin(), extents.end(), [](const Extent& a, const Extent& b) { return a.offset < b.offset; });
  std::vector<Extent> out;
  for (const Extent& e : extents) {
    if (e.size == 0 || e.offset >= size) continue;
    const std::uint64_t begin = e.offset / kPage * kPage;
    const std::uint64_t end = std::min(size, (e.offset + std::min(e.size, size - e.offset) + kPage - 1) / kPage * kPage);
    if (!out.empty() && begin <= out.back().offset + out.back().size) {
      out.back().size = std::max(out.back().offset + out.back().size, end) - out.back().offset;
    } else {
      out.push_back({begin, end - begin});
    }
  }
  return out;
}

// An OutputBuffer's mapping, with the extents that were written.
class AnonStorage final : public Storage {
 public:
  AnonStorage(std::uint8_t* addr, std::uint64_t mapped, std::uint64_t size, std::vector<Extent> written)
      : addr_(addr), mapped_(mapped), size_(size), written_(std::move(written)), resident_(total(written_)) {}
  ~AnonStorage() override {
    if (addr_ != nullptr && mapped_ != 0) munmap(addr_, mapped_);
  }
  AnonStorage(const AnonStorage&) = delete;
  AnonStorage& operator=(const AnonStorage&) = delete;
  ByteView bytes() const override { return {addr_, size_}; }
  const std::vector<Extent>* written() const override { return &written_; }

 private:
  static std::uint64_t total(const std::vector<Extent>& extents) {
    std::uint64_t n = 0;
    for (const Extent& e : extents) n += e.size;
    return n;
  }
  std::uint8_t* addr_;
  std::uint64_t mapped_, size_;
  std::vector<Extent> written_;
  Resident resident_;
};

}  // namespace

std::uint64_t resident_decoded_bytes() { return g_resident.load(std::memory_order_relaxed); }

Result<OutputBuffer> OutputBuffer::make(std::uint64_t capacity) {
  OutputBuffer b;
  b.capacity_ = capacity;
  if (capacity == 0) return b;
  if (capacity < kMapAtLeast) {
    b.data_ = new (std::nothrow) std::uint8_t[capacity]();
    if (b.data_ == nullptr) return make_error(Errc::kLimitExceeded, "cannot allocate " + std::to_string(capacity) + " bytes");
    return b;
  }
  if (capacity > std::numeric_limits<std::size_t>::max() - kPage) return make_error(Errc::kLimitExceeded, "output too large");
  void* addr = mmap(nullptr, static_cast<std::size_t>(capacity), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (addr == MAP_FAILED) {
    return make_error(Errc::kLimitExceeded, "cannot map " + std::to_string(capacity) + " bytes: " + std::strerror(errno));
  }
  // Whole 4 KiB pages, never a huge page that one write would fill: a hole stays a hole.
  madvise(addr, static_cast<std::size_t>(capacity), MADV_NOHUGEPAGE);
  b.data_ = static_cast<std::uint8_t*>(addr);
  b.mapped_ = true;
  return b;
}

OutputBuffer::OutputBuffer(OutputBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, false)),
      written_(std::move(other.written_)) {}

OutputBuffer& OutputBuffer::operator=(OutputBuffer&& other) noexcept {
  if (this != &other) {
    OutputBuffer gone(std::move(*this));
    data_ = std::exchange(other.data_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, false);
    written_ = std::move(other.written_);
  }
  return *this;
}

OutputBuffer::~OutputBuffer() {
  if (data_ == nullptr) return;
  if (mapped_) munmap(data_, static_cast<std::size_t>(capacity_));
  else delete[] data_;
}

void OutputBuffer::write_at(std::uint64_t offset, ByteView bytes) {
  std::uint64_t n = bytes.size();
  std::uint8_t* to = write_window(offset, n);
  if (to != nullptr) std::memcpy(to, bytes.data(), static_cast<std::size_t>(n));
}

std::uint8_t* OutputBuffer::write_window(std::uint64_t offset, std::uint64_t& n) {
  if (offset >= capacity_ || n == 0) {
    resize(std::min(capacity_, std::max(size_, offset)));
    n = 0;
    return nullptr;
  }
  n = std::min<std::uint64_t>(n, capacity_ - offset);
  size_ = std::max(size_, offset + n);
  if (!mapped_) return data_ + offset;
  populate(offset, n);
  if (!written_.empty() && written_.back().offset + written_.back().size == offset) written_.back().size += n;
  else written_.push_back({offset, n});
  // Many small scattered writes (a file of many extents) are merged now and then, so the record
  // stays about one entry per page at most.
  if (written_.size() > 4096 && written_.size() > capacity_ / kPage / 8) written_ = normalise(std::move(written_), capacity_);
  return data_ + offset;
}

// A window that is about to be written whole (a decoded block) gets its pages in one call: on a
// virtual machine each page fault costs microseconds, and a decode faulted in every 4 KiB page of
// its output one by one. Small windows are left to fault; where the kernel lacks the call (before
// Linux 5.14), it is not tried again.
void OutputBuffer::populate(std::uint64_t offset, std::uint64_t n) {
  static std::atomic<bool> unsupported{false};
  if (n < kPopulateAtLeast || unsupported.load(std::memory_order_relaxed)) return;
  const std::uint64_t begin = (offset + kPage - 1) / kPage * kPage, end = (offset + n) / kPage * kPage;
  if (end <= begin) return;
  if (madvise(data_ + begin, static_cast<std::size_t>(end - begin), MADV_POPULATE_WRITE) != 0 && errno == EINVAL) {
    unsupported.store(true, std::memory_order_relaxed);
  }
}

void OutputBuffer::append_hole(std::uint64_t count) { resize(size_ + std::min(count, capacity_ - size_)); }

void OutputBuffer::resize(std::uint64_t size) {
  size = std::min(size, capacity_);
  // A shrink forgets what was written past the new end: those bytes must read as zeros again if
  // the end grows back.
  if (size < size_ && data_ != nullptr) {
    if (mapped_) {
      const std::uint64_t keep = (size + kPage - 1) / kPage * kPage;
      if (keep < capacity_) madvise(data_ + keep, static_cast<std::size_t>(capacity_ - keep), MADV_DONTNEED);
      std::memset(data_ + size, 0, static_cast<std::size_t>(std::min(keep, size_) - size));
      std::vector<Extent> kept;
      for (const Extent& e : written_) {
        if (e.offset < size) kept.push_back({e.offset, std::min(e.size, size - e.offset)});
      }
      written_ = std::move(kept);
    } else {
      std::memset(data_ + size, 0, static_cast<std::size_t>(size_ - size));
    }
  }
  size_ = size;
}

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

Blob Blob::adopt(OutputBuffer&& buffer) {
  OutputBuffer b(std::move(buffer));
  if (b.data_ == nullptr || b.size_ == 0) return Blob::own({});
  if (!b.mapped_) {
    std::vector<std::uint8_t> bytes(b.data_, b.data_ + b.size_);
    return Blob::own(std::move(bytes));
  }
  // The pages past the end go back now; the rest stays mapped for as long as a blob holds it.
  const std::uint64_t mapped = (b.size_ + kPage - 1) / kPage * kPage;
  if (mapped < b.capacity_) munmap(b.data_ + mapped, static_cast<std::size_t>(b.capacity_ - mapped));
  std::vector<Extent> written = normalise(std::move(b.written_), b.size_);
  auto storage = std::make_shared<const AnonStorage>(std::exchange(b.data_, nullptr), mapped, b.size_, std::move(written));
  b.mapped_ = false;
  const ByteView view = storage->bytes();
  return Blob(storage, view);
}

bool Blob::has_holes() const {
  const std::vector<Extent> data = data_extents();
  return !(data.size() == 1 && data[0].offset == 0 && data[0].size == view_.size()) && !view_.empty();
}

std::vector<Extent> Blob::data_extents() const {
  if (view_.empty()) return {};
  const std::vector<Extent>* written = storage_ ? storage_->written() : nullptr;
  if (written == nullptr) return {{0, view_.size()}};
  const std::uint64_t base = static_cast<std::uint64_t>(view_.data() - storage_->bytes().data());
  std::vector<Extent> out;
  for (const Extent& e : *written) {
    const std::uint64_t b = std::max(e.offset, base), end = std::min(e.offset + e.size, base + view_.size());
    if (b < end) out.push_back({b - base, end - b});
  }
  return out;
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
