// PowerPC (32-bit, big-endian): lis + addi/ori (non-PIC), and PIC code that builds a GOT
// pointer (bcl 20,31,.+4; mflr rX; addis/addi rX, rX, off) and loads the address from it.
#include "elf/xref/resolver.hpp"

namespace fwscan::elf::detail {
namespace {

constexpr std::uint8_t kHi = 1;
constexpr std::uint8_t kBase = 2;   // a full address usable as a base (GOT pointer, LR)

class PpcResolver final : public Resolver {
 public:
  void reset() override {
    regs_.reset();
    lr_.reset();
  }

  void on_insn(const cs_insn& insn, SweepContext& ctx) override {
    const cs_ppc& p = insn.detail->ppc;
    const std::uint64_t now = ctx.index;
    bool handled = false;
    auto reg = [&](int i) { return static_cast<unsigned>(p.operands[i].reg); };
    switch (insn.id) {
      case PPC_INS_LIS:
        if (p.op_count == 2 && p.operands[1].type == PPC_OP_IMM) {
          regs_.set(reg(0), (static_cast<std::uint64_t>(p.operands[1].imm) & 0xFFFF) << 16, now, kHi);
          handled = true;
        }
        break;
      case PPC_INS_ADDIS:
        if (p.op_count == 3 && p.operands[2].type == PPC_OP_IMM) {
          if (const auto* s = regs_.get(reg(1), now); s && s->tag == kBase) {
            regs_.set(reg(0), (s->value + (static_cast<std::uint64_t>(p.operands[2].imm) << 16)) & 0xFFFFFFFFULL, now, kBase, true);
            handled = true;
          }
        }
        break;
      case PPC_INS_ADDI:
      case PPC_INS_ORI:
      case PPC_INS_LA:
        if (p.op_count == 3 && p.operands[1].type == PPC_OP_REG && p.operands[2].type == PPC_OP_IMM) {
          if (const auto* s = regs_.get(reg(1), now); s && (s->tag == kHi || s->tag == kBase)) {
            const std::uint64_t imm = static_cast<std::uint64_t>(p.operands[2].imm);
            const std::uint64_t target =
                (insn.id == PPC_INS_ORI ? (s->value | (imm & 0xFFFF)) : (s->value + imm)) & 0xFFFFFFFFULL;
            if (s->tag == kHi) ctx.ref(insn.address, target, RefKind::kLisAddi);
            regs_.set(reg(0), target, now, s->tag == kBase ? kBase : 0, s->tag == kBase);
            handled = true;
          }
        }
        break;
      case PPC_INS_LWZ:
        if (p.op_count == 2 && p.operands[1].type == PPC_OP_MEM) {
          if (const auto* s = regs_.get(static_cast<unsigned>(p.operands[1].mem.base), now); s && (s->tag == kBase || s->tag == kHi)) {
            const std::uint64_t slot = (s->value + static_cast<std::uint64_t>(static_cast<std::int64_t>(p.operands[1].mem.disp))) & 0xFFFFFFFFULL;
            if (auto v = ctx.slot_value(slot, 4)) {
              ctx.ref(insn.address, *v, RefKind::kGotLoad);
              regs_.set(reg(0), *v, now, 0);
              handled = true;
            }
          }
        }
        break;
      default:
        break;
    }
    // Branch-and-link forms (bl, bcl; Capstone 4 prints "bcl 20,31,.+4" as bdnzl).
    const std::string_view mn(insn.mnemonic);
    if (mn.size() >= 2 && mn.front() == 'b' && mn.back() == 'l' && p.op_count >= 1 &&
        p.operands[p.op_count - 1].type == PPC_OP_IMM) {
      const auto target = static_cast<std::uint64_t>(p.operands[p.op_count - 1].imm);
      if (target == insn.address + 4) lr_ = target;  // PIC base
      else if (insn.id == PPC_INS_BL) ctx.call(insn.address, target);
    }
    switch (insn.id) {
      case PPC_INS_MFLR:
        if (p.op_count == 1 && lr_) {
          regs_.set(reg(0), *lr_, now, kBase, true);
          handled = true;
        }
        break;
      case PPC_INS_STWU:
        if (p.op_count == 2 && p.operands[0].reg == PPC_REG_R1) ctx.prologues.push_back(insn.address);
        break;
      default:
        break;
    }
    if (!handled && p.op_count > 0 && p.operands[0].type == PPC_OP_REG && insn.mnemonic[0] != 's' && insn.mnemonic[0] != 'c' &&
        insn.mnemonic[0] != 'b' && insn.id != PPC_INS_MTLR) {
      regs_.clear(reg(0));
    }
  }

 private:
  RegState regs_;
  std::optional<std::uint64_t> lr_;
};

}  // namespace

std::unique_ptr<Resolver> make_ppc_resolver() { return std::make_unique<PpcResolver>(); }

}  // namespace fwscan::elf::detail
