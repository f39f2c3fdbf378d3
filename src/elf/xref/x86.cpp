// x86-64: RIP-relative operands. i386: absolute immediates and displacements, and PIC code
// (call __x86.get_pc_thunk.reg; add reg, imm; lea rX, [reg + disp]). The sweep decodes x86 with
// Zydis (ZydisX86, four times Capstone's speed, which formats every instruction as text);
// X86Resolver reads the same operands from Capstone, the reference a test compares it with on
// every x86 ELF of both corpora (SweepPlan::capstone_x86).
#include <Zydis/Zydis.h>

#include "elf/xref/resolver.hpp"

namespace fwscan::elf::detail {
namespace {

constexpr std::uint8_t kPcBase = 1;

class X86Resolver final : public Resolver {
 public:
  explicit X86Resolver(bool is64) : is64_(is64) {}
  void reset() override { regs_.reset(); }

  void on_insn(const cs_insn& insn, SweepContext& ctx) override {
    const cs_x86& x = insn.detail->x86;
    const std::uint64_t now = ctx.index;
    const std::uint64_t next = insn.address + insn.size;
    bool handled = false;
    if (insn.id == X86_INS_CALL && x.op_count == 1 && x.operands[0].type == X86_OP_IMM) {
      const auto target = static_cast<std::uint64_t>(x.operands[0].imm);
      ctx.call(insn.address, target);
      if (!is64_) {
        // __x86.get_pc_thunk.<reg>: mov reg, [esp]; ret
        auto w = ctx.word32(target);
        if (w) {
          const std::uint32_t v = static_cast<std::uint32_t>(*w);
          const std::uint8_t b0 = v & 0xFF, b1 = (v >> 8) & 0xFF, b2 = (v >> 16) & 0xFF, b3 = (v >> 24) & 0xFF;
          if (b0 == 0x8B && b2 == 0x24 && b3 == 0xC3 && (b1 & 0xC7) == 0x04) {
            static constexpr unsigned kRegs[8] = {X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX,
                                                  X86_REG_ESP, X86_REG_EBP, X86_REG_ESI, X86_REG_EDI};
            regs_.set(kRegs[(b1 >> 3) & 7], next, now, kPcBase, true);
          }
        }
      }
      return;
    }
    if (insn.id == X86_INS_PUSH && x.op_count == 1 && x.operands[0].type == X86_OP_REG &&
        (x.operands[0].reg == X86_REG_EBP || x.operands[0].reg == X86_REG_RBP)) {
      ctx.prologues.push_back(insn.address);
    }
    for (int i = 0; i < x.op_count; ++i) {
      const cs_x86_op& op = x.operands[i];
      if (op.type == X86_OP_MEM) {
        if (op.mem.base == X86_REG_RIP) {
          ctx.ref(insn.address, next + static_cast<std::uint64_t>(op.mem.disp), RefKind::kRipRelative);
        } else if (op.mem.base == X86_REG_INVALID) {  // [disp] or [disp + index*scale]: a table base
          const std::uint64_t disp = is64_ ? static_cast<std::uint64_t>(op.mem.disp) : static_cast<std::uint32_t>(op.mem.disp);
          ctx.ref(insn.address, disp, RefKind::kAbsolute);
        } else if (!is64_) {
          if (const auto* s = regs_.get(static_cast<unsigned>(op.mem.base), now); s && s->tag == kPcBase) {
            const std::uint64_t target = (s->value + static_cast<std::uint64_t>(op.mem.disp)) & 0xFFFFFFFFULL;
            // lea of an address, or an access at base + disp (+ index: a table): the address is used.
            ctx.ref(insn.address, target, RefKind::kPcThunk);
            if (insn.id == X86_INS_MOV && i == 1 && op.mem.index == X86_REG_INVALID) {  // load of a GOT slot
              if (auto v = ctx.slot_value(target, 4)) ctx.ref(insn.address, *v, RefKind::kGotLoad);
            }
          }
        }
      } else if (op.type == X86_OP_IMM && op.size >= 4 && insn.id != X86_INS_CALL && insn.id != X86_INS_JMP && !relative_branch(insn)) {
        ctx.ref(insn.address, is64_ ? static_cast<std::uint64_t>(op.imm) : static_cast<std::uint32_t>(op.imm), RefKind::kAbsolute);
      }
    }
    if (!is64_ && insn.id == X86_INS_ADD && x.op_count == 2 && x.operands[0].type == X86_OP_REG && x.operands[1].type == X86_OP_IMM) {
      const auto r = static_cast<unsigned>(x.operands[0].reg);
      if (const auto* s = regs_.get(r, now); s && s->tag == kPcBase) {
        regs_.set(r, (s->value + static_cast<std::uint64_t>(x.operands[1].imm)) & 0xFFFFFFFFULL, now, kPcBase, true);
        handled = true;
      }
    }
    if (!handled && x.op_count > 0 && x.operands[0].type == X86_OP_REG && insn.id != X86_INS_PUSH && insn.id != X86_INS_CMP &&
        insn.id != X86_INS_TEST) {
      regs_.clear(static_cast<unsigned>(x.operands[0].reg));
    }
  }

 private:
  // A jcc, loop or xbegin target is code, never data: not a reference. Nor is the immediate of
  // an 8- or 16-bit operation (cmp ax, 0x8000) an address.
  static bool relative_branch(const cs_insn& insn) {
    const cs_detail& d = *insn.detail;
    return std::find(d.groups, d.groups + d.groups_count, X86_GRP_BRANCH_RELATIVE) != d.groups + d.groups_count;
  }

  bool is64_;
  RegState regs_;
};

// The same resolution from Zydis's decoding. In 64-bit code only direct calls, push rbp,
// immediates, and memory operands without a base register or based on RIP can give anything,
// so the operands of other instructions are not decoded (most are not).
class ZydisX86 final : public Stepper {
 public:
  explicit ZydisX86(bool is64) : is64_(is64) {
    ZydisDecoderInit(&decoder_, is64 ? ZYDIS_MACHINE_MODE_LONG_64 : ZYDIS_MACHINE_MODE_LEGACY_32,
                     is64 ? ZYDIS_STACK_WIDTH_64 : ZYDIS_STACK_WIDTH_32);
  }
  void reset() override { regs_.reset(); }

  std::size_t step(const std::uint8_t* code, std::size_t size, std::uint64_t addr, SweepContext& ctx) override {
    ZydisDecoderContext zc;
    ZydisDecodedInstruction in;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&decoder_, &zc, code, size, &in))) return 0;
    if (is64_ && !worth_operands(in)) return in.length;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT_VISIBLE];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeOperands(&decoder_, &zc, &in, ops, in.operand_count_visible))) return in.length;
    resolve(in, ops, addr, ctx);
    return in.length;
  }

 private:
  static bool worth_operands(const ZydisDecodedInstruction& in) {
    const auto& raw = in.raw;
    if (in.mnemonic == ZYDIS_MNEMONIC_CALL || in.mnemonic == ZYDIS_MNEMONIC_PUSH) return true;
    if (raw.imm[0].size > 0 && !raw.imm[0].is_relative) return true;
    // mod 00 with r/m 101 ([rip + disp32]) or a SIB byte whose base is 101 (no base, disp32).
    return (in.attributes & ZYDIS_ATTRIB_HAS_MODRM) != 0 && raw.modrm.mod == 0 &&
           (raw.modrm.rm == 5 || (raw.modrm.rm == 4 && (in.attributes & ZYDIS_ATTRIB_HAS_SIB) != 0 && raw.sib.base == 5));
  }

  void resolve(const ZydisDecodedInstruction& in, const ZydisDecodedOperand* ops, std::uint64_t addr, SweepContext& ctx) {
    const std::uint64_t now = ctx.index;
    const std::uint64_t next = addr + in.length;
    const unsigned count = in.operand_count_visible;
    if (in.mnemonic == ZYDIS_MNEMONIC_CALL && count == 1 && ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
      ZyanU64 target = 0;
      if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&in, &ops[0], addr, &target))) return;
      ctx.call(addr, target);
      if (!is64_) {
        // __x86.get_pc_thunk.<reg>: mov reg, [esp]; ret
        if (auto w = ctx.word32(target)) {
          const std::uint32_t v = static_cast<std::uint32_t>(*w);
          const std::uint8_t b0 = v & 0xFF, b1 = (v >> 8) & 0xFF, b2 = (v >> 16) & 0xFF, b3 = (v >> 24) & 0xFF;
          if (b0 == 0x8B && b2 == 0x24 && b3 == 0xC3 && (b1 & 0xC7) == 0x04) {
            static constexpr ZydisRegister kRegs[8] = {ZYDIS_REGISTER_EAX, ZYDIS_REGISTER_ECX, ZYDIS_REGISTER_EDX, ZYDIS_REGISTER_EBX,
                                                       ZYDIS_REGISTER_ESP, ZYDIS_REGISTER_EBP, ZYDIS_REGISTER_ESI, ZYDIS_REGISTER_EDI};
            regs_.set(kRegs[(b1 >> 3) & 7], next, now, kPcBase, true);
          }
        }
      }
      return;
    }
    if (in.mnemonic == ZYDIS_MNEMONIC_PUSH && count == 1 && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        (ops[0].reg.value == ZYDIS_REGISTER_EBP || ops[0].reg.value == ZYDIS_REGISTER_RBP)) {
      ctx.prologues.push_back(addr);
    }
    bool handled = false;
    for (unsigned i = 0; i < count; ++i) {
      const ZydisDecodedOperand& op = ops[i];
      if (op.type == ZYDIS_OPERAND_TYPE_MEMORY) {
        const auto disp = static_cast<std::uint64_t>(op.mem.disp.value);
        if (op.mem.base == ZYDIS_REGISTER_RIP) {
          ctx.ref(addr, next + disp, RefKind::kRipRelative);
        } else if (op.mem.base == ZYDIS_REGISTER_NONE) {  // [disp] or [disp + index*scale]: a table base
          ctx.ref(addr, is64_ ? disp : (disp & 0xFFFFFFFFULL), RefKind::kAbsolute);
        } else if (!is64_) {
          if (const auto* s = regs_.get(static_cast<unsigned>(op.mem.base), now); s && s->tag == kPcBase) {
            const std::uint64_t target = (s->value + disp) & 0xFFFFFFFFULL;
            // lea of an address, or an access at base + disp (+ index: a table): the address is used.
            ctx.ref(addr, target, RefKind::kPcThunk);
            if (in.mnemonic == ZYDIS_MNEMONIC_MOV && i == 1 && op.mem.index == ZYDIS_REGISTER_NONE) {  // load of a GOT slot
              if (auto v = ctx.slot_value(target, 4)) ctx.ref(addr, *v, RefKind::kGotLoad);
            }
          }
        }
      } else if (op.type == ZYDIS_OPERAND_TYPE_IMMEDIATE && op.size >= 32 && !op.imm.is_relative && in.mnemonic != ZYDIS_MNEMONIC_CALL &&
                 in.mnemonic != ZYDIS_MNEMONIC_JMP) {
        ctx.ref(addr, is64_ ? op.imm.value.u : (op.imm.value.u & 0xFFFFFFFFULL), RefKind::kAbsolute);
      }
    }
    if (is64_) return;  // register values are followed for i386 PIC code only
    if (in.mnemonic == ZYDIS_MNEMONIC_ADD && count == 2 && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
      const auto r = static_cast<unsigned>(ops[0].reg.value);
      if (const auto* s = regs_.get(r, now); s && s->tag == kPcBase) {
        regs_.set(r, (s->value + ops[1].imm.value.u) & 0xFFFFFFFFULL, now, kPcBase, true);
        handled = true;
      }
    }
    if (!handled && count > 0 && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && in.mnemonic != ZYDIS_MNEMONIC_PUSH &&
        in.mnemonic != ZYDIS_MNEMONIC_CMP && in.mnemonic != ZYDIS_MNEMONIC_TEST) {
      regs_.clear(static_cast<unsigned>(ops[0].reg.value));
    }
  }

  bool is64_;
  ZydisDecoder decoder_{};
  RegState regs_;
};

}  // namespace

std::unique_ptr<Stepper> make_x86_zydis_stepper(bool is64) { return std::make_unique<ZydisX86>(is64); }

std::unique_ptr<Resolver> make_x86_resolver(bool is64) { return std::make_unique<X86Resolver>(is64); }

}  // namespace fwscan::elf::detail
