#include "unpack/give_later.hpp"

#include <algorithm>

namespace fwscan {

Extraction give_later(Extraction ex, MoreChildren more, ExtractContext& ctx) {
  if (ctx.batch_bytes() != ~std::uint64_t{0}) {
    ex.more = std::move(more);
    return ex;
  }
  auto waiting = [&] { return std::any_of(ex.children.begin(), ex.children.end(), [](const Child& c) { return c.later; }); };
  while (waiting()) {
    MoreBytes got = more(ctx);
    ex.complete = ex.complete && got.complete;
    for (auto& d : got.diagnostics) ex.diagnostics.push_back(std::move(d));
    if (got.bytes.empty()) break;
    for (auto& [index, bytes] : got.bytes) {
      if (index >= ex.children.size()) continue;
      ex.children[index].data = std::move(bytes);
      ex.children[index].later = false;
    }
  }
  for (Child& c : ex.children) c.later = false;  // none left to give: empty
  return ex;
}

}  // namespace fwscan
