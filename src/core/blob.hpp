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

class Storage {
 public:
  virtual ~Storage() = default;
  virtual ByteView bytes() const = 0;
};

class Blob {
 public:
  Blob() = default;
  static Result<Blob> map_file(const std::filesystem::path& path);  // read-only mmap
  static Blob own(std::vector<std::uint8_t> bytes);
  static Blob copy_of(ByteView bytes);

  // Zero-copy carve. Returns nullopt when [offset, offset+size) is not inside this blob.
  std::optional<Blob> slice(std::uint64_t offset, std::uint64_t size) const;
  // Carve from offset to the end; nullopt when offset > size.
  std::optional<Blob> tail(std::uint64_t offset) const;

  ByteView bytes() const { return view_; }
  std::uint64_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }

 private:
  Blob(std::shared_ptr<const Storage> storage, ByteView view)
      : storage_(std::move(storage)), view_(view) {}
  std::shared_ptr<const Storage> storage_;
  ByteView view_;
};

}  // namespace fwscan
