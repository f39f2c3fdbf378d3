#pragma once
// Internal interface of the per-architecture reference resolvers (one file per architecture).
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "elf/capstone_compat.hpp"
#include "elf/xref/xref_index.hpp"

namespace fwscan::elf::detail {

struct SweepContext {
  const ElfImage& img;
  ByteView bytes;
  std::vector<CodeRef>& refs;
  std::vector<CallEdge>& calls;
  std::vector<std::uint64_t>& prologues;
  std::uint64_t index = 0;  // running instruction counter

  bool valid(std::uint64_t va) const {
    for (const auto& s : img.segments) {
      if (va >= s.vaddr && va - s.vaddr < s.filesz) return true;
    }
    return false;
  }
  std::optional<std::uint64_t> word(std::uint64_t va) const { return img.read_word(bytes, va, img.bits / 8); }
  std::optional<std::uint64_t> word32(std::uint64_t va) const { return img.read_word(bytes, va, 4); }
  // The address a GOT or data slot holds at run time: its dynamic relocation when there is one
  // (RELA targets leave the slot zero in the file), else the word stored in the file.
  std::optional<std::uint64_t> slot_value(std::uint64_t va, int size) const {
    auto rel = std::lower_bound(img.relocations.begin(), img.relocations.end(), va,
                                [](const Relocation& r, std::uint64_t v) { return r.slot < v; });
    if (rel != img.relocations.end() && rel->slot == va) return rel->value;
    return img.read_word(bytes, va, size);
  }
  void ref(std::uint64_t insn, std::uint64_t target, RefKind kind) {
    if (!valid(target)) return;
    // With section headers, targets must lie in an allocated section (not the ELF header that
    // small immediates hit in images loaded at 0).
    if (!img.sections.empty() && img.section_at(target) == nullptr) return;
    refs.push_back({insn, target, kind});
  }
  void call(std::uint64_t insn, std::uint64_t target) { calls.push_back({insn, target}); }
};

// Register values known from earlier instructions of the same block; they expire after a few
// instructions so unrelated code is never paired.
class RegState {
 public:
  static constexpr std::uint64_t kMaxAge = 24;
  struct Slot {
    std::uint64_t value = 0;
    std::uint64_t at = 0;     // instruction index when set
    std::uint32_t gen = 0;
    std::uint8_t tag = 0;     // resolver-specific (e.g. "page", "pool word", "thunk")
    bool sticky = false;      // a function-wide base (PIC register): lives until the next function
  };
  void reset() { ++gen_; }
  void set(unsigned reg, std::uint64_t value, std::uint64_t at, std::uint8_t tag, bool sticky = false) {
    if (reg < slots_.size()) slots_[reg] = {value, at, gen_, tag, sticky};
  }
  const Slot* get(unsigned reg, std::uint64_t now) const {
    if (reg >= slots_.size()) return nullptr;
    const Slot& s = slots_[reg];
    if (s.gen != gen_ || (!s.sticky && now - s.at > kMaxAge)) return nullptr;
    return &s;
  }
  // A write we do not model forgets the value; a function-wide base survives it (the linear sweep
  // also walks past the epilogue that restores it into code that still uses it).
  void clear(unsigned reg) {
    if (reg < slots_.size() && !slots_[reg].sticky) slots_[reg].gen = 0;
  }

 private:
  std::array<Slot, 1024> slots_{};
  std::uint32_t gen_ = 1;
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual void reset() = 0;
  virtual void on_insn(const cs_insn& insn, SweepContext& ctx) = 0;
};

// One code state's decoder and resolver: the sweep hands it each position and moves on by the
// length it returns. Capstone steppers wrap a Resolver; x86 decodes with Zydis, which reads
// operands without formatting text (Capstone prints every instruction it decodes).
class Stepper {
 public:
  virtual ~Stepper() = default;
  virtual void reset() = 0;  // a function start: forget register values
  // Decodes the instruction at `code` (`size` bytes left, at `addr`) and resolves it; returns
  // its length, or 0 when the bytes there do not decode.
  virtual std::size_t step(const std::uint8_t* code, std::size_t size, std::uint64_t addr, SweepContext& ctx) = 0;
};

std::unique_ptr<Stepper> make_x86_zydis_stepper(bool is64);

std::unique_ptr<Resolver> make_arm_resolver(bool thumb);
std::unique_ptr<Resolver> make_aarch64_resolver();
std::unique_ptr<Resolver> make_mips_resolver();
std::unique_ptr<Resolver> make_x86_resolver(bool is64);
std::unique_ptr<Resolver> make_ppc_resolver();

// Sign-extends the low `bits` of v.
inline std::int64_t sext(std::uint64_t v, int bits) {
  const std::uint64_t m = 1ULL << (bits - 1);
  v &= (bits == 64) ? ~0ULL : ((1ULL << bits) - 1);
  return static_cast<std::int64_t>((v ^ m) - m);
}

}  // namespace fwscan::elf::detail
