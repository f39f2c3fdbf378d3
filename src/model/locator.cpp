#include "model/locator.hpp"

#include <cstdio>

#include "core/encoding.hpp"
#include "core/hash.hpp"

namespace fwscan {
namespace {

bool is_id_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }
bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// Where the step that starts at text[pos] ("/" id "@0x" hex) ends, or npos when none starts there.
std::size_t step_end(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || text[pos] != '/') return std::string_view::npos;
  std::size_t i = pos + 1;
  while (i < text.size() && is_id_char(text[i])) ++i;
  if (i == pos + 1 || text.substr(i, 3) != "@0x") return std::string_view::npos;
  i += 3;
  const std::size_t digits = i;
  while (i < text.size() && is_hex_digit(text[i])) ++i;
  if (i == digits || i - digits > 16) return std::string_view::npos;
  return i;
}

// The next step start at or after `from`, or npos.
std::size_t next_step(std::string_view text, std::size_t from) {
  for (std::size_t p = text.find('/', from); p != std::string_view::npos; p = text.find('/', p + 1)) {
    if (step_end(text, p) != std::string_view::npos) return p;
  }
  return std::string_view::npos;
}

// An escaped part: escapes well formed, no raw '@' or control byte, and '#' only as the
// "#n" repeat suffix at its end.
bool valid_part(std::string_view part) {
  std::size_t end = part.size();
  const std::size_t hash = part.rfind('#');
  if (hash != std::string_view::npos) {
    if (hash + 1 == part.size() || part[hash + 1] == '0') return false;
    for (std::size_t i = hash + 1; i < part.size(); ++i) {
      if (part[i] < '0' || part[i] > '9') return false;
    }
    end = hash;
  }
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(part[i]);
    if (c < 0x20 || c == 0x7F || c == '@' || c == '#') return false;
    if (c == '%') {
      if (i + 2 >= end) return false;
      if (hex_digit_value(part[i + 1]) < 0 || hex_digit_value(part[i + 2]) < 0) return false;
      i += 2;
    }
  }
  return true;
}

std::string with_repeat(std::string base, unsigned repeat) {
  if (repeat > 1) base += "#" + std::to_string(repeat);
  return base;
}

}  // namespace

std::string escape_locator_part(std::string_view raw) {
  // Well-formed UTF-8 is kept; every other byte of 0x80 and up is escaped like a control byte.
  // A JSON writer would otherwise turn each such byte into U+FFFD, so that two entries whose names
  // differ only there would share one locator in the report (and it could not be read back).
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c >= 0x80) {
      std::uint32_t cp = 0;
      if (const std::size_t n = utf8_code_point_at(raw, i, cp); n > 0) {
        out.append(raw.substr(i, n));
        i += n - 1;
        continue;
      }
    }
    if (c < 0x20 || c >= 0x7F || c == '%' || c == '@' || c == '#') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::optional<std::string> unescape_locator_part(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '%') {
      out.push_back(escaped[i]);
      continue;
    }
    if (i + 2 >= escaped.size()) return std::nullopt;
    const int hi = hex_digit_value(escaped[i + 1]), lo = hex_digit_value(escaped[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string root_locator(std::string_view name, unsigned repeat) { return with_repeat(escape_locator_part(name), repeat); }

std::string step_text(std::string_view handler, std::uint64_t offset) { return std::string(handler) + "@" + hex_u64(offset); }

std::string chunk_locator(std::string_view parent, std::string_view handler, std::uint64_t offset) {
  return std::string(parent) + "/" + step_text(handler, offset);
}

std::string entry_locator(std::string_view chunk, std::string_view name, unsigned repeat) {
  return with_repeat(std::string(chunk) + ":" + escape_locator_part(name), repeat);
}

std::optional<unsigned> entry_repeat(std::string_view locator, std::string_view chunk, std::string_view name) {
  const std::string base = entry_locator(chunk, name);
  if (locator.substr(0, base.size()) != base) return std::nullopt;
  const std::string_view rest = locator.substr(base.size());
  if (rest.empty()) return 1u;
  if (rest.size() < 2 || rest.size() > 10 || rest[0] != '#' || rest[1] == '0') return std::nullopt;
  unsigned n = 0;
  for (char c : rest.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  return n >= 2 ? std::optional<unsigned>(n) : std::nullopt;
}

std::string Locator::str() const {
  std::string out = root;
  for (const LocatorStep& s : steps) {
    out += "/" + step_text(s.handler, s.offset);
    if (s.entry) out += ":" + *s.entry;
  }
  return out;
}

std::optional<Locator> parse_locator(std::string_view text) {
  Locator l;
  std::size_t pos = next_step(text, 0);
  l.root = std::string(text.substr(0, pos));
  if (l.root.empty() || !valid_part(l.root)) return std::nullopt;
  while (pos != std::string_view::npos) {
    const std::size_t end = step_end(text, pos);
    LocatorStep s;
    const std::string_view step = text.substr(pos + 1, end - pos - 1);
    const std::size_t at = step.find('@');
    s.handler = std::string(step.substr(0, at));
    s.offset = std::stoull(std::string(step.substr(at + 3)), nullptr, 16);
    const std::size_t next = next_step(text, end);
    const std::string_view rest = text.substr(end, next == std::string_view::npos ? std::string_view::npos : next - end);
    if (!rest.empty()) {
      if (rest[0] != ':' || rest.size() == 1 || !valid_part(rest.substr(1))) return std::nullopt;
      s.entry = std::string(rest.substr(1));
    }
    l.steps.push_back(std::move(s));
    pos = next;
  }
  return l;
}

}  // namespace fwscan
