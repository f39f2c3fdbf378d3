#pragma once
// ByteView is a non-owning window; Blob is bytes plus whatever keeps them alive.
// Carving is zero-copy: a slice shares its parent's storage.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fwscan {

using ByteView = std::span<const std::uint8_t>;

inline std::string_view as_chars(ByteView v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};  // NOLINT: bytes as chars
}

// A run of bytes that hold data, [offset, offset + size).
struct Extent {
  std::uint64_t offset = 0, size = 0;
  bool operator==(const Extent&) const = default;
};

class Storage {
 public:
  virtual ~Storage() = default;
  virtual ByteView bytes() const = 0;
  // The runs of bytes() that were written, in order, disjoint; the rest is holes that read as
  // zeros and were never written. Null: all of it is data.
  virtual const std::vector<Extent>* written() const { return nullptr; }
  // Lets the kernel take back the pages read so far when they can be read again from their file
  // (a mapped input); a no-op for memory that holds the only copy.
  virtual void drop_read_pages() const {}
};

class OutputBuffer;

// Decoded bytes held in memory by Blobs, process-wide: the heap vectors they own and the written
// pages of output buffers they adopted (mapped input files are the page cache's, not counted).
// What the resident-memory budget (Limits::max_resident_bytes) weighs before each decode.
std::uint64_t resident_decoded_bytes();

class Blob {
 public:
  Blob() = default;
  static Result<Blob> map_file(const std::filesystem::path& path);  // read-only mmap
  static Blob own(std::vector<std::uint8_t> bytes);
  static Blob copy_of(ByteView bytes);
  // What a decoder wrote, holes and all (OutputBuffer).
  static Blob adopt(OutputBuffer&& buffer);

  // Zero-copy carve. Returns nullopt when [offset, offset+size) is not inside this blob.
  std::optional<Blob> slice(std::uint64_t offset, std::uint64_t size) const;
  // Carve from offset to the end; nullopt when offset > size.
  std::optional<Blob> tail(std::uint64_t offset) const;

  ByteView bytes() const { return view_; }
  std::uint64_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }
  // Whether some of these bytes are holes: zeros that were never written and need not be read.
  bool has_holes() const;
  // The runs of these bytes that hold data, in order, relative to bytes(); everything else is
  // zeros. One run over the whole blob when it has no holes; none when it is all hole. Each run
  // is widened to page boundaries, so a hole is a run of whole untouched pages.
  std::vector<Extent> data_extents() const;
  // Storage::drop_read_pages: a mapped file's pages leave the resident set (the walk reads them
  // again from the page cache when it needs them); nothing else changes.
  void drop_read_pages() const {
    if (storage_) storage_->drop_read_pages();
  }

 private:
  Blob(std::shared_ptr<const Storage> storage, ByteView view)
      : storage_(std::move(storage)), view_(view) {}
  std::shared_ptr<const Storage> storage_;
  ByteView view_;
};

// The bytes a decoder produces, written at offsets below a capacity fixed up front (a file's
// declared size, clamped). Large buffers are an anonymous mapping whose pages take memory only
// once written, so a hole (a file system's unwritten blocks, a sparse image's "don't care"
// chunk, a claimed size past the data) is a hole in memory, and the writes are recorded: the
// Blob it becomes knows its data extents, and its consumers (hash, entropy, carving, YARA,
// views, the extraction writer) read those alone. Small buffers are heap memory with no holes.
class OutputBuffer {
 public:
  // Room for `capacity` bytes; an error when the address space is refused.
  static Result<OutputBuffer> make(std::uint64_t capacity);
  OutputBuffer(OutputBuffer&& other) noexcept;
  OutputBuffer& operator=(OutputBuffer&& other) noexcept;
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;
  ~OutputBuffer();

  std::uint64_t capacity() const { return capacity_; }
  std::uint64_t size() const { return size_; }  // the end of the bytes so far
  // Copies `bytes` to `offset` (clipped at the capacity) and moves the end past them.
  void write_at(std::uint64_t offset, ByteView bytes);
  void append(ByteView bytes) { write_at(size_, bytes); }
  // Memory for the caller to write [offset, offset + n) into, clipped at the capacity (n is
  // cut to fit; null when nothing fits): recorded as written, and the end moves past it. For
  // decoders that write in place (libsquashfs's data reader).
  std::uint8_t* write_window(std::uint64_t offset, std::uint64_t& n);
  // Moves the end `count` bytes on (clipped at the capacity) without writing: a hole.
  void append_hole(std::uint64_t count);
  // Sets the end (at most the capacity): a hole when it grows.
  void resize(std::uint64_t size);

 private:
  friend class Blob;
  OutputBuffer() = default;
  void populate(std::uint64_t offset, std::uint64_t n);
  std::uint8_t* data_ = nullptr;
  std::uint64_t capacity_ = 0, size_ = 0;
  bool mapped_ = false;                // an anonymous mapping (else new[])
  std::vector<Extent> written_;        // in write order, merged when they touch
};

}  // namespace fwscan
