// x86-64: RIP-relative operands. i386: absolute immediates and displacements, and PIC code
// (call __x86.get_pc_thunk.reg; add reg, imm; lea rX, [reg + disp]).
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
      } else if (op.type == X86_OP_IMM && insn.id != X86_INS_CALL && insn.id != X86_INS_JMP) {
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
  bool is64_;
  RegState regs_;
};

}  // namespace

std::unique_ptr<Resolver> make_x86_resolver(bool is64) { return std::make_unique<X86Resolver>(is64); }

}  // namespace fwscan::elf::detail
