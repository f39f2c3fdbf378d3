#include "unpack/registry.hpp"

namespace fwscan {

#define FWSCAN_FORMAT(id, cls) HandlerPtr make_##id##_handler();
#include "formats/formats.def"
#undef FWSCAN_FORMAT

namespace {
std::vector<HandlerPtr> builtin_handlers() {
  std::vector<HandlerPtr> v;
#define FWSCAN_FORMAT(id, cls) v.push_back(make_##id##_handler());
#include "formats/formats.def"
#undef FWSCAN_FORMAT
  return v;
}
}  // namespace

const Registry& Registry::builtin() {
  static const Registry registry(builtin_handlers());
  return registry;
}

Registry::Registry(std::vector<HandlerPtr> handlers)
    : handlers_(std::move(handlers)), index_(handlers_) {}

const Handler* Registry::find(std::string_view id) const {
  for (const auto& h : handlers_) {
    if (h->info().id == id) return h.get();
  }
  return nullptr;
}

}  // namespace fwscan
