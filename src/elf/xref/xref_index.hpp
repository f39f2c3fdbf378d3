#pragma once
// Code references to data: a linear sweep over the executable code with one small resolver per
// architecture (DESIGN.md 4.7), plus pointers stored in data. Capstone decodes every
// architecture but x86, which Zydis decodes.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/blob.hpp"
#include "core/limits.hpp"
#include "elf/elf_image.hpp"

namespace fwscan::elf {

enum class RefKind : std::uint8_t {
  kRipRelative,   // x86-64 [rip + disp]
  kAbsolute,      // i386 imm32 / disp32
  kPcThunk,       // i386 PIC: get_pc_thunk + add + lea
  kAdrpAdd,       // AArch64 ADRP + ADD/LDR
  kAdr,           // ARM/AArch64 ADR (pc + imm)
  kLiteralPool,   // ARM LDR rX, [pc, #imm] → pool word (+ pc for PIC)
  kMovwMovt,      // ARM MOVW + MOVT
  kLuiAddiu,      // MIPS LUI + ADDIU/ORI
  kLisAddi,       // PowerPC lis + addi/ori
  kGotLoad,       // load of a GOT/data slot holding the address (MIPS $gp, PPC r30, AArch64 LDR)
  kDataPointer,   // a pointer in data, then the code that loads its table
};
std::string_view ref_kind_name(RefKind k);

struct CodeRef {
  std::uint64_t insn_va = 0;
  std::uint64_t target_va = 0;
  RefKind kind = RefKind::kAbsolute;
};

struct CallEdge {
  std::uint64_t insn_va = 0, target_va = 0;
};

struct XrefStats {
  std::uint64_t instructions = 0, bytes = 0, undecodable = 0;
};

// A sweep cut into pieces that can run at the same time (XrefIndex::plan, sweep, assemble). The
// code regions are cut at function starts into pieces of about kSweepPieceBytes; each piece is
// swept from its first byte with a fresh resolver, as the whole sweep does at every function
// start it lands on. The cut depends on the ELF alone, never on the threads, so the index is the
// same for any job count. When the pieces together could decode more instructions than the cap
// allows (size over the shortest instruction), the plan is one task that sweeps every region in
// order under the one cap, as a single sweep does.
inline constexpr std::uint64_t kSweepPieceBytes = 2ULL << 20;

struct SweepPiece {
  std::uint64_t va = 0, offset = 0, size = 0;
  bool thumb = false;
};

struct SweepPlan {
  std::vector<SweepPiece> pieces;               // in address order
  std::vector<std::uint64_t> starts;            // known function starts, sorted
  std::vector<std::pair<std::uint64_t, std::uint64_t>> thumb;  // [begin, end) swept as Thumb, sorted
  std::uint64_t max_instructions = 0;
  bool serial = false;                          // one task, every piece in order, one running count
  bool capstone_x86 = false;                    // decode x86 with Capstone, the reference (tests), not Zydis
  std::size_t tasks() const { return serial ? (pieces.empty() ? 0 : 1) : pieces.size(); }
};

// What one task of a plan found.
struct SweepOutput {
  std::vector<CodeRef> refs;
  std::vector<CallEdge> calls;
  std::vector<std::uint64_t> prologues;
  std::uint64_t instructions = 0, bytes = 0, undecodable = 0;
  std::vector<Diagnostic> diags;
};

class XrefIndex {
 public:
  // Sweeps every executable section (or PT_LOAD when there are no section headers): plan, every
  // task of it in order, assemble.
  static XrefIndex build(const ElfImage& img, ByteView bytes, std::uint64_t max_instructions,
                         std::vector<Diagnostic>& diags);
  static SweepPlan plan(const ElfImage& img, ByteView bytes, std::uint64_t max_instructions,
                        std::uint64_t piece_bytes = kSweepPieceBytes);
  // Task `task` of the plan (thread-safe: it reads the image and the bytes only).
  static SweepOutput sweep(const ElfImage& img, ByteView bytes, const SweepPlan& plan, std::size_t task);
  // The index from every task's output, in task order; their diagnostics are appended to diags.
  static XrefIndex assemble(const ElfImage& img, ByteView bytes, const SweepPlan& plan, std::vector<SweepOutput> outputs,
                            std::vector<Diagnostic>& diags);
  std::span<const CodeRef> refs_to(std::uint64_t va_begin, std::uint64_t va_end) const;
  const std::vector<CodeRef>& refs() const { return refs_; }
  const std::vector<CallEdge>& calls() const { return calls_; }
  const std::vector<std::uint64_t>& prologues() const { return prologues_; }
  // Data slots (pointer-sized words in non-executable memory, or relocation slots) whose value
  // lies in [va_begin, va_end).
  std::vector<std::uint64_t> data_pointers_to(std::uint64_t va_begin, std::uint64_t va_end) const;
  const XrefStats& stats() const { return stats_; }
  // Whether the swept code at `va` was read as Thumb (ARM: by mapping or function symbols, or
  // by classifying the code; never for other architectures).
  bool thumb_at(std::uint64_t va) const;

 private:
  std::vector<CodeRef> refs_;          // sorted by target
  std::vector<CallEdge> calls_;        // sorted by insn
  std::vector<std::uint64_t> prologues_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> data_ptrs_;  // (target, slot), sorted
  XrefStats stats_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> thumb_;  // [begin, end) VAs swept as Thumb, sorted
};

// Disassembles a few instructions around `va` for display ("0x4012fd: adrp x0, #0x412000"), in
// Thumb when `thumb` (XrefIndex::thumb_at: the code's state is found once, by the sweep).
std::vector<std::string> disassemble_around(const ElfImage& img, ByteView bytes, std::uint64_t va,
                                            std::uint64_t function_start, int before, int after, bool thumb);

}  // namespace fwscan::elf
