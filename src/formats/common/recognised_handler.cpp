#include "formats/common/recognised_handler.hpp"

#include <algorithm>
#include <string>

namespace fwscan {

namespace {

// The extent the header vouches for, within `available` bytes, and how it is described.
Chunk extent_of(const Recognised& f, std::string_view name, std::uint64_t start, std::uint64_t available) {
  const std::string d = std::string(name) + " (recognised, not read)";
  if (f.header != 0) {
    const std::string total = f.size && *f.size != 0 ? ", " + human_size(*f.size) + " file system" : "";
    return Chunk{start, std::min<std::uint64_t>(f.header, available), Confidence::kMedium,
                 d + total + "; superblock area claimed, the rest carved"};
  }
  if (!f.size || *f.size == 0) return Chunk{start, available, Confidence::kLow, d + ", extent unknown: rest of the data"};
  if (*f.size > available) return Chunk{start, available, Confidence::kLow, d + ", truncated"};
  return Chunk{start, *f.size, Confidence::kMedium, d + ", " + human_size(*f.size)};
}

class RecognisedHandler final : public Handler {
 public:
  RecognisedHandler(const HandlerInfo& info, std::string_view name, RecogniseFn recognise)
      : info_(info), name_(name), recognise_(recognise) {}
  const HandlerInfo& info() const override { return info_; }

  std::optional<Chunk> identify(ByteView node, std::uint64_t start) const override {
    const ByteView at = node.subspan(start);
    const auto f = recognise_(at);
    if (!f) return std::nullopt;
    return extent_of(*f, name_, start, at.size());
  }

  Result<Extraction> extract(const Blob& chunk, ExtractContext&) const override {
    Extraction ex;
    ex.complete = false;
    const auto f = recognise_(chunk.bytes());
    ex.description = f ? extent_of(*f, name_, 0, chunk.size()).description : std::string(name_) + " (recognised, not read)";
    ex.diagnostics.push_back({Severity::kWarning, DiagCode::kUnsupported,
                              std::string(name_) + " is recognised but fwscan has no reader for it: its contents were not examined",
                              "", std::nullopt});
    return ex;
  }

 private:
  const HandlerInfo& info_;
  std::string_view name_;
  RecogniseFn recognise_;
};

}  // namespace

HandlerPtr make_recognised_handler(const HandlerInfo& info, std::string_view name, RecogniseFn recognise) {
  return std::make_unique<RecognisedHandler>(info, name, recognise);
}

}  // namespace fwscan
