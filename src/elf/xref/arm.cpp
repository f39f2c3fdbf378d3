// ARM and Thumb-2: literal-pool loads (LDR rX, [pc, #imm], then ADD rX, pc for PIC), ADR,
// ADD/SUB rX, pc, #imm, and MOVW/MOVT pairs.
#include "elf/xref/resolver.hpp"

namespace fwscan::elf::detail {
namespace {

constexpr std::uint8_t kPoolWord = 1;
constexpr std::uint8_t kMovw = 2;

class ArmResolver final : public Resolver {
 public:
  explicit ArmResolver(bool thumb) : thumb_(thumb) {}
  void reset() override { regs_.reset(); }

  void on_insn(const cs_insn& insn, SweepContext& ctx) override {
    const cs_arm& a = insn.detail->arm;
    const std::uint64_t pc = insn.address + (thumb_ ? 4 : 8);
    const std::uint64_t pc_aligned = pc & ~std::uint64_t{3};
    const std::uint64_t now = ctx.index;
    bool handled = false;
    switch (insn.id) {
      case ARM_INS_LDR:
        if (a.op_count >= 2 && a.operands[0].type == ARM_OP_REG && a.operands[1].type == ARM_OP_MEM &&
            a.operands[1].mem.base == ARM_REG_PC && a.operands[1].mem.index == ARM_REG_INVALID) {
          const std::int64_t disp = a.operands[1].subtracted ? -static_cast<std::int64_t>(a.operands[1].mem.disp)
                                                              : a.operands[1].mem.disp;
          const std::uint64_t pool = pc_aligned + static_cast<std::uint64_t>(disp);
          if (auto v = ctx.word32(pool)) {
            ctx.ref(insn.address, *v, RefKind::kLiteralPool);
            regs_.set(static_cast<unsigned>(a.operands[0].reg), *v, now, kPoolWord);
            handled = true;
          }
        }
        break;
      case ARM_INS_ADR:
        if (a.op_count >= 2 && a.operands[1].type == ARM_OP_IMM) {
          ctx.ref(insn.address, pc_aligned + static_cast<std::uint64_t>(static_cast<std::int64_t>(a.operands[1].imm)), RefKind::kAdr);
        }
        break;
      case ARM_INS_ADD:
      case ARM_INS_SUB:
        if (a.op_count == 3 && a.operands[0].type == ARM_OP_REG && a.operands[1].type == ARM_OP_REG) {
          const auto rd = static_cast<unsigned>(a.operands[0].reg);
          const bool pc1 = a.operands[1].reg == ARM_REG_PC;
          if (pc1 && a.operands[2].type == ARM_OP_IMM) {  // add rd, pc, #imm (ARM-mode ADR)
            const std::int64_t imm = insn.id == ARM_INS_SUB ? -static_cast<std::int64_t>(a.operands[2].imm) : a.operands[2].imm;
            ctx.ref(insn.address, pc_aligned + static_cast<std::uint64_t>(imm), RefKind::kAdr);
          } else if (insn.id == ARM_INS_ADD && a.operands[2].type == ARM_OP_REG) {
            // PIC: ldr rX, =sym-(Lpc+8); add rX, pc, rX
            const bool pc2 = a.operands[2].reg == ARM_REG_PC;
            const unsigned other = static_cast<unsigned>(pc1 ? a.operands[2].reg : a.operands[1].reg);
            if (pc1 || pc2) {
              if (const auto* s = regs_.get(other, now); s && s->tag == kPoolWord) {
                const std::uint64_t target = (s->value + pc) & 0xFFFFFFFFULL;
                ctx.ref(insn.address, target, RefKind::kLiteralPool);
                regs_.set(rd, target, now, 0);
                handled = true;
              }
            }
          }
        } else if (a.op_count == 2 && thumb_ && a.operands[0].type == ARM_OP_REG && a.operands[1].type == ARM_OP_REG &&
                   insn.id == ARM_INS_ADD && a.operands[1].reg == ARM_REG_PC) {
          // Thumb: add rX, pc
          const auto rd = static_cast<unsigned>(a.operands[0].reg);
          if (const auto* s = regs_.get(rd, now); s && s->tag == kPoolWord) {
            const std::uint64_t target = (s->value + pc) & 0xFFFFFFFFULL;
            ctx.ref(insn.address, target, RefKind::kLiteralPool);
            regs_.set(rd, target, now, 0);
            handled = true;
          }
        }
        break;
      case ARM_INS_MOVW:
        if (a.op_count == 2 && a.operands[1].type == ARM_OP_IMM) {
          regs_.set(static_cast<unsigned>(a.operands[0].reg), static_cast<std::uint32_t>(a.operands[1].imm) & 0xFFFF, now, kMovw);
          handled = true;
        }
        break;
      case ARM_INS_MOVT:
        if (a.op_count == 2 && a.operands[1].type == ARM_OP_IMM) {
          const auto rd = static_cast<unsigned>(a.operands[0].reg);
          if (const auto* s = regs_.get(rd, now); s && s->tag == kMovw) {
            const std::uint64_t target = ((static_cast<std::uint64_t>(a.operands[1].imm) & 0xFFFF) << 16) | s->value;
            ctx.ref(insn.address, target, RefKind::kMovwMovt);
            regs_.set(rd, target, now, 0);
            handled = true;
          }
        }
        break;
      case ARM_INS_BL:
      case ARM_INS_BLX:
        if (a.op_count == 1 && a.operands[0].type == ARM_OP_IMM) ctx.call(insn.address, static_cast<std::uint32_t>(a.operands[0].imm));
        break;
      case ARM_INS_PUSH:
        for (int i = 0; i < a.op_count; ++i) {
          if (a.operands[i].type == ARM_OP_REG && a.operands[i].reg == ARM_REG_LR) ctx.prologues.push_back(insn.address);
        }
        break;
      default:
        break;
    }
    if (!handled && a.op_count > 0 && a.operands[0].type == ARM_OP_REG && insn.id != ARM_INS_STR && insn.id != ARM_INS_CMP &&
        insn.id != ARM_INS_PUSH && insn.id != ARM_INS_STRB && insn.id != ARM_INS_STRH && insn.id != ARM_INS_TST) {
      regs_.clear(static_cast<unsigned>(a.operands[0].reg));
    }
  }

 private:
  bool thumb_;
  RegState regs_;
};

}  // namespace

std::unique_ptr<Resolver> make_arm_resolver(bool thumb) { return std::make_unique<ArmResolver>(thumb); }

}  // namespace fwscan::elf::detail
