// ZPAQ, recognised, not read (formats/common/recognised_handler.hpp): a block starts with the
// 13-byte locator tag, of which "7kSt" is the start (the ZPAQ 1.10 specification, section 3); only
// at the start of a node, since four bytes alone are weak. Its length is in no header, so the
// rest of the node is claimed, at low confidence.
#include "core/reader.hpp"
#include "formats/common/recognised_handler.hpp"

namespace fwscan {
namespace {

constexpr Magic kMagics[] = {{"37 6b 53 74", 0, true}};
constexpr std::string_view kRefs[] = {"The ZPAQ Open Standard Format for Highly Compressed Data, level 2 (locator tag)"};
constexpr std::string_view kLimits[] = {"recognised only: no block is decoded; the extent is unknown, so the rest of the node is claimed"};
constexpr HandlerInfo kInfo{"zpaq", Category::kArchive, "ZPAQ archive (recognised, not read)", kMagics, kRefs, kLimits,
                            Support::kRecognised};

std::optional<Recognised> recognise(ByteView v) {
  if (!has_bytes_at(v, 0, "7kSt")) return std::nullopt;
  return Recognised{};
}

}  // namespace

HandlerPtr make_zpaq_handler() { return make_recognised_handler(kInfo, "ZPAQ archive", recognise); }

}  // namespace fwscan
