// StuffIt X (.sitx), recognised, not read (formats/common/recognised_handler.hpp): "StuffIt!" at
// the start. The format is undocumented and its length is not in a fixed header, so the rest of
// the node is claimed, at low confidence.
#include "core/reader.hpp"
#include "formats/common/recognised_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"53 74 75 66 66 49 74 21", 0}};
constexpr std::string_view kRefs[] = {"the StuffIt X signature as file(1)'s magic database gives it"};
constexpr std::string_view kLimits[] = {"recognised only: no member is read; the extent is unknown, so the rest of the node is claimed"};
constexpr HandlerInfo kInfo{"stuffitx", Category::kArchive, "StuffIt X archive (recognised, not read)", kMagics, kRefs, kLimits,
                            Support::kRecognised};

std::optional<Recognised> recognise(ByteView v) {
  if (!has_bytes_at(v, 0, "StuffIt!")) return std::nullopt;
  return Recognised{};
}

}  // namespace

HandlerPtr make_stuffitx_handler() { return make_recognised_handler(kInfo, "StuffIt X archive", recognise); }

}  // namespace fwscan
