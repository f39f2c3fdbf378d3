#pragma once
// Shared machinery for single-stream compression formats: identify decodes to a counting sink
// to find the exact extent; extract decodes under the budget into one child.
#include <functional>
#include <string>

#include "core/hash.hpp"
#include "formats/common/decode.hpp"
#include "unpack/handler.hpp"

namespace fwscan {

class StreamHandler : public Handler {
 public:
  // Header check before any decoding: false = not this format.
  using HeaderCheck = std::function<bool(ByteView at_start)>;
  // Name of the decoded child (e.g. gzip FNAME); empty = "decompressed".
  using ChildName = std::function<std::string(ByteView chunk)>;

  // weak_magic: the magic is short or common, so a stream that does not decode to its end is
  // only accepted at the start of a node.
  StreamHandler(const HandlerInfo& info, Codec codec, HeaderCheck check, ChildName name = {},
                bool weak_magic = false)
      : info_(info), codec_(codec), check_(std::move(check)), name_(std::move(name)), weak_magic_(weak_magic) {}

  const HandlerInfo& info() const override { return info_; }
  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override;
  Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const override;

  static constexpr std::uint64_t kIdentifyMaxOut = 1ULL << 30;  // counted, never stored

 private:
  const HandlerInfo& info_;
  Codec codec_;
  HeaderCheck check_;
  ChildName name_;
  bool weak_magic_;
};

std::string human_size(std::uint64_t bytes);

}  // namespace fwscan
