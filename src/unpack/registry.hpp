#pragma once
// The handler registry: one explicit list, formats/formats.def, in priority order.
#include <cstddef>
#include <string_view>
#include <vector>

#include "unpack/handler.hpp"
#include "unpack/magic_index.hpp"

namespace fwscan {

class Registry {
 public:
  // Every handler of formats.def, in its order.
  static const Registry& builtin();
  explicit Registry(std::vector<HandlerPtr> handlers);

  std::size_t size() const { return handlers_.size(); }
  const Handler& at(std::size_t index) const { return *handlers_[index]; }
  const Handler* find(std::string_view id) const;
  const MagicIndex& magic_index() const { return index_; }

 private:
  std::vector<HandlerPtr> handlers_;
  MagicIndex index_;
};

}  // namespace fwscan
