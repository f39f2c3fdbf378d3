#include "core/result.hpp"

namespace fwscan {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::kNotThisFormat: return "not_this_format";
    case Errc::kTruncated: return "truncated";
    case Errc::kMalformed: return "malformed";
    case Errc::kUnsupported: return "unsupported";
    case Errc::kChecksumMismatch: return "checksum_mismatch";
    case Errc::kLimitExceeded: return "limit_exceeded";
    case Errc::kIo: return "io_error";
    case Errc::kInternal: return "internal_error";
  }
  return "internal_error";
}

}  // namespace fwscan
