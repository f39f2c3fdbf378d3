#pragma once
// Bounds-checked cursor over hostile bytes. Never throws, never reads past its view.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/blob.hpp"
#include "core/checked_math.hpp"
#include "core/result.hpp"

namespace fwscan {

enum class Endian : std::uint8_t { kLittle, kBig };

// Point loads at an absolute offset; nullopt when out of range.
std::optional<std::uint8_t> load_u8(ByteView v, std::uint64_t off);
std::optional<std::uint16_t> load_u16(ByteView v, std::uint64_t off, Endian e);
std::optional<std::uint32_t> load_u32(ByteView v, std::uint64_t off, Endian e);
std::optional<std::uint64_t> load_u64(ByteView v, std::uint64_t off, Endian e);
inline std::optional<std::uint16_t> load_le16(ByteView v, std::uint64_t o) { return load_u16(v, o, Endian::kLittle); }
inline std::optional<std::uint32_t> load_le32(ByteView v, std::uint64_t o) { return load_u32(v, o, Endian::kLittle); }
inline std::optional<std::uint64_t> load_le64(ByteView v, std::uint64_t o) { return load_u64(v, o, Endian::kLittle); }
inline std::optional<std::uint16_t> load_be16(ByteView v, std::uint64_t o) { return load_u16(v, o, Endian::kBig); }
inline std::optional<std::uint32_t> load_be32(ByteView v, std::uint64_t o) { return load_u32(v, o, Endian::kBig); }
inline std::optional<std::uint64_t> load_be64(ByteView v, std::uint64_t o) { return load_u64(v, o, Endian::kBig); }
// Sub-view [off, off+len); nullopt when out of range.
std::optional<ByteView> subview(ByteView v, std::uint64_t off, std::uint64_t len);
// True when v has `magic` at `off`.
bool has_bytes_at(ByteView v, std::uint64_t off, std::string_view magic);

class Reader {
 public:
  Reader(ByteView data, Endian endian) : data_(data), endian_(endian) {}

  Result<std::uint8_t> u8();
  Result<std::uint16_t> u16();
  Result<std::uint32_t> u32();
  Result<std::uint64_t> u64();
  Result<ByteView> bytes(std::uint64_t n);        // fails with kTruncated; never clamps
  Status skip(std::uint64_t n);
  // Up to max_len bytes, stops at NUL (consumed). Fails if no NUL within max_len and
  // the data ends first.
  Result<std::string_view> cstring(std::size_t max_len);
  // A fixed-size field holding a NUL-padded string; consumes `len` bytes.
  Result<std::string_view> fixed_string(std::size_t len);
  Status seek(std::uint64_t offset);              // absolute, within data (== size allowed)

  std::uint64_t offset() const { return pos_; }
  std::uint64_t remaining() const { return data_.size() - pos_; }
  std::uint64_t size() const { return data_.size(); }
  Endian endian() const { return endian_; }
  void set_endian(Endian e) { endian_ = e; }

 private:
  Error truncated(std::uint64_t want) const;
  ByteView data_;
  Endian endian_;
  std::uint64_t pos_ = 0;
};

}  // namespace fwscan
