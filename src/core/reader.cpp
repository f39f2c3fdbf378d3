#include "core/reader.hpp"

#include <string>

namespace fwscan {

std::optional<std::uint8_t> load_u8(ByteView v, std::uint64_t off) {
  if (off >= v.size()) return std::nullopt;
  return v[off];
}

namespace {
template <class T>
std::optional<T> load_uint(ByteView v, std::uint64_t off, Endian e) {
  if (!range_fits(off, sizeof(T), v.size())) return std::nullopt;
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    const std::size_t shift = (e == Endian::kLittle ? i : sizeof(T) - 1 - i) * 8;
    value |= static_cast<T>(static_cast<T>(v[off + i]) << shift);
  }
  return value;
}
}  // namespace

std::optional<std::uint16_t> load_u16(ByteView v, std::uint64_t off, Endian e) { return load_uint<std::uint16_t>(v, off, e); }
std::optional<std::uint32_t> load_u32(ByteView v, std::uint64_t off, Endian e) { return load_uint<std::uint32_t>(v, off, e); }
std::optional<std::uint64_t> load_u64(ByteView v, std::uint64_t off, Endian e) { return load_uint<std::uint64_t>(v, off, e); }

std::optional<ByteView> subview(ByteView v, std::uint64_t off, std::uint64_t len) {
  if (!range_fits(off, len, v.size())) return std::nullopt;
  return v.subspan(off, len);
}

bool has_bytes_at(ByteView v, std::uint64_t off, std::string_view magic) {
  auto sv = subview(v, off, magic.size());
  return sv && std::memcmp(sv->data(), magic.data(), magic.size()) == 0;
}

Error Reader::truncated(std::uint64_t want) const {
  return make_error(Errc::kTruncated,
                    "need " + std::to_string(want) + " bytes, " + std::to_string(remaining()) + " left",
                    pos_);
}

Result<std::uint8_t> Reader::u8() {
  auto v = load_u8(data_, pos_);
  if (!v) return truncated(1);
  pos_ += 1;
  return *v;
}
Result<std::uint16_t> Reader::u16() {
  auto v = load_u16(data_, pos_, endian_);
  if (!v) return truncated(2);
  pos_ += 2;
  return *v;
}
Result<std::uint32_t> Reader::u32() {
  auto v = load_u32(data_, pos_, endian_);
  if (!v) return truncated(4);
  pos_ += 4;
  return *v;
}
Result<std::uint64_t> Reader::u64() {
  auto v = load_u64(data_, pos_, endian_);
  if (!v) return truncated(8);
  pos_ += 8;
  return *v;
}
Result<ByteView> Reader::bytes(std::uint64_t n) {
  if (n > remaining()) return truncated(n);
  ByteView out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}
Status Reader::skip(std::uint64_t n) {
  if (n > remaining()) return truncated(n);
  pos_ += n;
  return {};
}
Result<std::string_view> Reader::cstring(std::size_t max_len) {
  const std::uint64_t limit = std::min<std::uint64_t>(max_len, remaining());
  for (std::uint64_t i = 0; i < limit; ++i) {
    if (data_[pos_ + i] == 0) {
      std::string_view s = as_chars(data_.subspan(pos_, i));
      pos_ += i + 1;
      return s;
    }
  }
  if (limit < max_len) return truncated(limit + 1);
  return make_error(Errc::kMalformed, "string longer than " + std::to_string(max_len), pos_);
}
Result<std::string_view> Reader::fixed_string(std::size_t len) {
  FWSCAN_ASSIGN_OR_RETURN(ByteView raw, bytes(len));
  std::string_view s = as_chars(raw);
  const auto nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  return s;
}
Status Reader::seek(std::uint64_t offset) {
  if (offset > data_.size()) {
    return make_error(Errc::kTruncated, "seek past end to " + std::to_string(offset), offset);
  }
  pos_ = offset;
  return {};
}

}  // namespace fwscan
