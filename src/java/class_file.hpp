#pragma once
// Java class files (JVM specification, chapter 4), read with bounds: the constant pool, the
// fields and the methods with their bytecode, enough to say which method loads a string
// constant (ldc, ldc_w) and which field holds one (ConstantValue).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/blob.hpp"
#include "core/encoding.hpp"
#include "core/result.hpp"
#include "model/report.hpp"

namespace fwscan::java {

struct Utf8Constant {
  std::uint16_t index = 0;
  std::uint64_t offset = 0, length = 0;  // the modified UTF-8 bytes in the class file
};

struct Member {
  std::string name, descriptor;                  // modified UTF-8, as stored
  std::uint64_t code_offset = 0, code_length = 0;  // methods: the Code attribute's bytecode (0: none)
  std::uint16_t constant_value = 0;              // fields: the ConstantValue attribute's index (0: none)
};

struct ClassFile {
  std::uint16_t major = 0, minor = 0;
  std::string name;                              // this_class, "com/vendor/Face"
  std::vector<Utf8Constant> utf8;                // by offset
  std::vector<std::uint16_t> string_target;      // by pool index: a CONSTANT_String's Utf8 index, else 0
  std::vector<Member> fields, methods;
};

// CAFEBABE, a major version of Java 1.0.2 (45) to 25 (69), and a constant pool count over 1.
bool looks_like_class(ByteView bytes);

Result<ClassFile> parse_class(ByteView bytes);

// Where a method's bytecode loads CONSTANT_String `index`: the offsets (from the code's start)
// of its ldc and ldc_w instructions, walked instruction by instruction.
struct Load {
  std::uint64_t offset = 0;
  bool wide = false;  // ldc_w
  std::uint16_t index = 0;
};
std::vector<Load> string_loads(ByteView code, std::uint16_t index);
// The same for any of `indices` (sorted), in one walk.
std::vector<Load> string_loads(ByteView code, const std::vector<std::uint16_t>& indices);

// Evidence for the match [offset, offset+length) of the class file's bytes: the string
// constant that holds it, and every method whose bytecode loads it (ldc, ldc_w) and every field
// it is the ConstantValue of. nullopt when the match is not inside a CONSTANT_Utf8.
std::optional<JavaLocation> locate(const ClassFile& c, ByteView bytes, std::uint64_t offset, std::uint64_t length);

}  // namespace fwscan::java
