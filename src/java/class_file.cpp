#include "java/class_file.hpp"

#include <algorithm>

#include "core/reader.hpp"
#include "report/text_encoding.hpp"

namespace fwscan::java {
namespace {

constexpr std::uint32_t kMaxAttributes = 65535;

// The length of the instruction at `pc` (0 when it does not decode: an unknown opcode, a
// switch past the end).
std::uint64_t insn_length(ByteView code, std::uint64_t pc) {
  const std::uint8_t op = code[pc];
  switch (op) {
    case 0x10: case 0x12: case 0x15: case 0x16: case 0x17: case 0x18: case 0x19:
    case 0x36: case 0x37: case 0x38: case 0x39: case 0x3A: case 0xA9: case 0xBC:
      return 2;
    case 0x11: case 0x13: case 0x14: case 0x84: case 0xA7: case 0xA8: case 0xBB: case 0xBD: case 0xC0: case 0xC1:
    case 0xC6: case 0xC7:
      return 3;
    case 0xC5: return 4;
    case 0xB9: case 0xBA: case 0xC8: case 0xC9: return 5;
    case 0xC4: {  // wide: iinc with two u2 operands, or a load/store with one
      if (pc + 1 >= code.size()) return 0;
      return code[pc + 1] == 0x84 ? 6 : 4;
    }
    case 0xAA: case 0xAB: {  // tableswitch, lookupswitch: padded to 4 from the code's start
      const std::uint64_t base = (pc + 4) & ~std::uint64_t{3};
      const auto a = load_be32(code, base + 4), b = load_be32(code, base + 8);
      if (!a || !b) return 0;
      std::uint64_t n;
      if (op == 0xAA) {
        const auto low = static_cast<std::int32_t>(*a), high = static_cast<std::int32_t>(*b);
        if (high < low) return 0;
        n = (static_cast<std::uint64_t>(static_cast<std::int64_t>(high) - low) + 1) * 4 + 12;
      } else {
        n = std::uint64_t{*a} * 8 + 8;
      }
      return base - pc + n;
    }
    default:
      if ((op >= 0x99 && op <= 0xA6) || (op >= 0xB2 && op <= 0xB8)) return 3;
      return op <= 0xC3 ? 1 : 0;  // 0xCA and up: reserved, not in a class file
  }
}

}  // namespace

bool looks_like_class(ByteView b) {
  const auto magic = load_be32(b, 0);
  const auto major = load_be16(b, 6), count = load_be16(b, 8);
  return magic && *magic == 0xCAFEBABEU && major && *major >= 45 && *major <= 69 && count && *count > 1;
}

Result<ClassFile> parse_class(ByteView bytes) {
  if (!looks_like_class(bytes)) return make_error(Errc::kNotThisFormat, "not a class file");
  ClassFile c;
  Reader r(bytes, Endian::kBig);
  FWSCAN_TRY(r.skip(4));
  FWSCAN_ASSIGN_OR_RETURN(c.minor, r.u16());
  FWSCAN_ASSIGN_OR_RETURN(c.major, r.u16());
  FWSCAN_ASSIGN_OR_RETURN(std::uint16_t count, r.u16());
  c.string_target.assign(count, 0);
  std::vector<std::uint16_t> class_name(count, 0);  // CONSTANT_Class -> its Utf8
  std::vector<std::int64_t> utf8_at(count, -1);     // pool index -> position in c.utf8
  for (std::uint16_t i = 1; i < count; ++i) {
    FWSCAN_ASSIGN_OR_RETURN(std::uint8_t tag, r.u8());
    switch (tag) {
      case 1: {
        FWSCAN_ASSIGN_OR_RETURN(std::uint16_t len, r.u16());
        utf8_at[i] = static_cast<std::int64_t>(c.utf8.size());
        c.utf8.push_back({i, r.offset(), len});
        FWSCAN_TRY(r.skip(len));
        break;
      }
      case 3: case 4: FWSCAN_TRY(r.skip(4)); break;
      case 5: case 6: FWSCAN_TRY(r.skip(8)); ++i; break;  // takes two slots
      case 7: { FWSCAN_ASSIGN_OR_RETURN(class_name[i], r.u16()); break; }
      case 8: { FWSCAN_ASSIGN_OR_RETURN(c.string_target[i], r.u16()); break; }
      case 16: case 19: case 20: FWSCAN_TRY(r.skip(2)); break;
      case 9: case 10: case 11: case 12: case 17: case 18: FWSCAN_TRY(r.skip(4)); break;
      case 15: FWSCAN_TRY(r.skip(3)); break;
      default: return make_error(Errc::kMalformed, "constant " + std::to_string(i) + " has unknown tag " + std::to_string(tag), r.offset() - 1);
    }
  }
  auto text = [&](std::uint16_t index) -> std::string {
    if (index >= count || utf8_at[index] < 0) return {};
    const Utf8Constant& u = c.utf8[static_cast<std::size_t>(utf8_at[index])];
    return decode_text(Encoding::kUtf8, bytes.subspan(u.offset, u.length)).text;  // names as the report prints text
  };
  FWSCAN_TRY(r.skip(2));  // access flags
  FWSCAN_ASSIGN_OR_RETURN(std::uint16_t this_class, r.u16());
  if (this_class < count) c.name = text(class_name[this_class]);
  FWSCAN_TRY(r.skip(2));  // super class
  FWSCAN_ASSIGN_OR_RETURN(std::uint16_t interfaces, r.u16());
  FWSCAN_TRY(r.skip(std::uint64_t{interfaces} * 2));
  for (int kind = 0; kind < 2; ++kind) {  // fields, then methods
    FWSCAN_ASSIGN_OR_RETURN(std::uint16_t n, r.u16());
    for (std::uint16_t k = 0; k < n; ++k) {
      Member m;
      FWSCAN_TRY(r.skip(2));
      FWSCAN_ASSIGN_OR_RETURN(std::uint16_t name, r.u16());
      FWSCAN_ASSIGN_OR_RETURN(std::uint16_t desc, r.u16());
      m.name = text(name);
      m.descriptor = text(desc);
      FWSCAN_ASSIGN_OR_RETURN(std::uint16_t attributes, r.u16());
      for (std::uint32_t a = 0; a < attributes && a < kMaxAttributes; ++a) {
        FWSCAN_ASSIGN_OR_RETURN(std::uint16_t attr_name, r.u16());
        FWSCAN_ASSIGN_OR_RETURN(std::uint32_t len, r.u32());
        const std::uint64_t body = r.offset();
        FWSCAN_TRY(r.skip(len));
        const std::string an = text(attr_name);
        if (kind == 1 && an == "Code" && len >= 8) {
          const auto code_len = load_be32(bytes, body + 4);
          if (code_len && std::uint64_t{*code_len} + 8 <= len) {
            m.code_offset = body + 8;
            m.code_length = *code_len;
          }
        } else if (kind == 0 && an == "ConstantValue" && len == 2) {
          m.constant_value = load_be16(bytes, body).value_or(0);
        }
      }
      (kind == 0 ? c.fields : c.methods).push_back(std::move(m));
    }
  }
  return c;
}

std::vector<Load> string_loads(ByteView code, const std::vector<std::uint16_t>& indices) {
  std::vector<Load> out;
  for (std::uint64_t pc = 0; pc < code.size();) {
    const std::uint64_t n = insn_length(code, pc);
    if (n == 0 || pc + n > code.size()) break;
    if (code[pc] == 0x12 || code[pc] == 0x13) {
      const bool wide = code[pc] == 0x13;
      const auto index = static_cast<std::uint16_t>(wide ? (code[pc + 1] << 8) | code[pc + 2] : code[pc + 1]);
      if (std::binary_search(indices.begin(), indices.end(), index)) out.push_back({pc, wide, index});
    }
    pc += n;
  }
  return out;
}

std::vector<Load> string_loads(ByteView code, std::uint16_t index) { return string_loads(code, std::vector<std::uint16_t>{index}); }

std::optional<JavaLocation> locate(const ClassFile& c, ByteView bytes, std::uint64_t offset, std::uint64_t length) {
  constexpr std::uint64_t kMaxText = 512;
  auto it = std::upper_bound(c.utf8.begin(), c.utf8.end(), offset, [](std::uint64_t v, const Utf8Constant& u) { return v < u.offset; });
  if (it == c.utf8.begin()) return std::nullopt;
  const Utf8Constant& u = *std::prev(it);
  if (offset + length > u.offset + u.length) return std::nullopt;
  JavaLocation loc;
  loc.va = offset;
  loc.string_va = u.offset;
  loc.section = "constant_pool";
  loc.string_text = decode_text(Encoding::kUtf8, bytes.subspan(u.offset, std::min(u.length, kMaxText))).text;
  loc.class_name = c.name;
  loc.constant = u.index;
  // Every CONSTANT_String naming this Utf8 (a hostile pool may hold thousands): each method's
  // code is walked once for all of them.
  std::vector<std::uint16_t> strings;
  for (std::size_t i = 1; i < c.string_target.size(); ++i) {
    if (c.string_target[i] == u.index) strings.push_back(static_cast<std::uint16_t>(i));
  }
  if (strings.empty()) return loc;
  for (const Member& m : c.methods) {
    if (m.code_length == 0 || m.code_offset + m.code_length > bytes.size()) continue;
    for (const Load& l : string_loads(bytes.subspan(m.code_offset, m.code_length), strings)) {
      CodeReference r;
      r.function = c.name + "." + m.name + m.descriptor;
      r.function_va = m.code_offset;
      r.insn_va = m.code_offset + l.offset;
      r.function_offset = l.offset;
      r.function_source = "class_file";
      r.kind = l.wide ? "ldc_w" : "ldc";
      loc.refs.push_back(std::move(r));
    }
  }
  for (const Member& f : c.fields) {
    if (f.constant_value == 0 || !std::binary_search(strings.begin(), strings.end(), f.constant_value)) continue;
    CodeReference r;
    r.function = c.name + "." + f.name + ":" + f.descriptor;
    r.function_source = "class_file";
    r.kind = "constant_value";
    loc.refs.push_back(std::move(r));
  }
  return loc;
}

}  // namespace fwscan::java
