#pragma once
// Result<T>: the std::expected<T, Error> surface (has_value, operator bool, value, error, ->),
// so a later move to C++23 is a `using` swap.
#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace fwscan {

enum class Errc : std::uint8_t {
  kNotThisFormat,
  kTruncated,
  kMalformed,
  kUnsupported,
  kChecksumMismatch,
  kLimitExceeded,
  kIo,
  kInternal,
};

std::string_view errc_name(Errc code);

struct Error {
  Errc code = Errc::kInternal;
  std::string message;
  std::optional<std::uint64_t> offset;
};

inline Error make_error(Errc code, std::string message,
                        std::optional<std::uint64_t> offset = std::nullopt) {
  return Error{code, std::move(message), offset};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}       // NOLINT(google-explicit-constructor)
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  const Error& error() const { assert(!has_value()); return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Error& error() const { assert(error_); return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

#define FWSCAN_CONCAT_INNER(a, b) a##b
#define FWSCAN_CONCAT(a, b) FWSCAN_CONCAT_INNER(a, b)

#define FWSCAN_TRY(expr)                          \
  do {                                            \
    auto fwscan_try_result_ = (expr);             \
    if (!fwscan_try_result_) return fwscan_try_result_.error(); \
  } while (false)

#define FWSCAN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp) return tmp.error();                      \
  lhs = std::move(tmp).value()

#define FWSCAN_ASSIGN_OR_RETURN(lhs, expr) \
  FWSCAN_ASSIGN_OR_RETURN_IMPL(FWSCAN_CONCAT(fwscan_aor_, __LINE__), lhs, expr)

}  // namespace fwscan
