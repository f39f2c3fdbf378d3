#pragma once
// Locators (docs/locators.md): built here and only here, and parsed back into their parts.
//   locator = root-name *( "/" handler "@" hex-offset [ ":" entry ] )
// Root names and entries are escaped (escape_locator_part), so every "/<id>@0x" starts a step.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwscan {

// Escapes one entry name or root name: '%', '@', '#' and bytes below 0x20 or 0x7F as %XX.
std::string escape_locator_part(std::string_view raw);
// The inverse of escape_locator_part; nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> unescape_locator_part(std::string_view escaped);

// The root of input `name`; `repeat` counts inputs of the same name in one run (1 = the first,
// 2 and on get "#2", ...).
std::string root_locator(std::string_view name, unsigned repeat = 1);
// The chunk that `handler` identified at `offset` of the node at `parent`.
std::string chunk_locator(std::string_view parent, std::string_view handler, std::uint64_t offset);
// Entry `name` of the chunk at `chunk`; `repeat` counts earlier entries of that name in the chunk.
std::string entry_locator(std::string_view chunk, std::string_view name, unsigned repeat = 1);
// The `repeat` for which entry_locator(chunk, name, repeat) == locator, or nullopt for none.
std::optional<unsigned> entry_repeat(std::string_view locator, std::string_view chunk, std::string_view name);
// "handler@0xOFFSET", the text of one step (also the extract writer's directory name for it).
std::string step_text(std::string_view handler, std::uint64_t offset);

struct LocatorStep {
  std::string handler;
  std::uint64_t offset = 0;
  std::optional<std::string> entry;  // as written: escaped, with its "#n" when repeated
  bool operator==(const LocatorStep&) const = default;
};

struct Locator {
  std::string root;                  // as written: escaped, with its "#n" when repeated
  std::vector<LocatorStep> steps;
  bool operator==(const Locator&) const = default;
  std::string str() const;           // the locator text: parse_locator(l.str()) == l
};

// nullopt when `text` is not a locator of the grammar (an empty root, a bad step, a bare '@' or
// '#' outside an entry's repeat suffix, a bad escape).
std::optional<Locator> parse_locator(std::string_view text);

}  // namespace fwscan
