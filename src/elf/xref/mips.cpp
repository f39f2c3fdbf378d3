// MIPS32, both byte orders: LUI + ADDIU/ORI (non-PIC), and PIC code that loads the address
// from the GOT through $gp (LW rX, off($gp)), optionally followed by ADDIU rX, rX, %lo(sym).
#include "elf/xref/resolver.hpp"

namespace fwscan::elf::detail {
namespace {

constexpr std::uint8_t kHi = 1;
constexpr std::uint8_t kGotWord = 2;

class MipsResolver final : public Resolver {
 public:
  void reset() override {
    regs_.reset();
    after_jump_ = false;
  }

  void on_insn(const cs_insn& insn, SweepContext& ctx) override {
    const cs_mips& m = insn.detail->mips;
    const std::uint64_t now = ctx.index;
    // The delay slot of an unconditional jump (jr ra; addiu v0, v0, %lo) ends its path: what it
    // writes does not flow into the code that follows in memory.
    const bool delay_slot_of_jump = after_jump_;
    after_jump_ = insn.id == MIPS_INS_JR || insn.id == MIPS_INS_J || insn.id == MIPS_INS_B;
    if (delay_slot_of_jump) saved_ = regs_;
    bool handled = false;
    auto reg = [&](int i) { return static_cast<unsigned>(m.operands[i].reg); };
    switch (insn.id) {
      case MIPS_INS_LUI:
        if (m.op_count == 2 && m.operands[1].type == MIPS_OP_IMM) {
          regs_.set(reg(0), (static_cast<std::uint64_t>(m.operands[1].imm) & 0xFFFF) << 16, now, kHi);
          handled = true;
        }
        break;
      case MIPS_INS_ADDIU:
      case MIPS_INS_ORI:
        if (m.op_count == 3 && m.operands[1].type == MIPS_OP_REG && m.operands[2].type == MIPS_OP_IMM) {
          if (const auto* s = regs_.get(reg(1), now); s && (s->tag == kHi || s->tag == kGotWord)) {
            const std::uint64_t lo = static_cast<std::uint64_t>(m.operands[2].imm);
            const std::uint64_t target = (insn.id == MIPS_INS_ORI ? (s->value | (lo & 0xFFFF)) : (s->value + lo)) & 0xFFFFFFFFULL;
            ctx.ref(insn.address, target, s->tag == kHi ? RefKind::kLuiAddiu : RefKind::kGotLoad);
            regs_.set(reg(0), target, now, 0);
            handled = true;
          }
        }
        break;
      case MIPS_INS_LW:
        if (m.op_count == 2 && m.operands[1].type == MIPS_OP_MEM) {
          const unsigned base = static_cast<unsigned>(m.operands[1].mem.base);
          std::optional<std::uint64_t> slot;
          if (base == MIPS_REG_GP && ctx.img.mips_gp) {
            slot = (*ctx.img.mips_gp + static_cast<std::uint64_t>(m.operands[1].mem.disp)) & 0xFFFFFFFFULL;
          } else if (const auto* s = regs_.get(base, now); s && s->tag == kHi) {
            slot = (s->value + static_cast<std::uint64_t>(m.operands[1].mem.disp)) & 0xFFFFFFFFULL;
          }
          if (slot) {
            if (auto v = ctx.slot_value(*slot, 4)) {
              ctx.ref(insn.address, *v, RefKind::kGotLoad);
              regs_.set(reg(0), *v, now, kGotWord);
              handled = true;
            }
          }
        }
        break;
      case MIPS_INS_JAL:
      case MIPS_INS_BAL:
        if (m.op_count == 1 && m.operands[0].type == MIPS_OP_IMM) ctx.call(insn.address, static_cast<std::uint64_t>(m.operands[0].imm));
        break;
      default:
        break;
    }
    if (insn.id == MIPS_INS_ADDIU && m.op_count == 3 && m.operands[0].reg == MIPS_REG_SP && m.operands[1].reg == MIPS_REG_SP &&
        m.operands[2].type == MIPS_OP_IMM && m.operands[2].imm < 0) {
      ctx.prologues.push_back(insn.address);
    }
    if (!handled && m.op_count > 0 && m.operands[0].type == MIPS_OP_REG && insn.mnemonic[0] != 's' && insn.mnemonic[0] != 'b' &&
        insn.mnemonic[0] != 'j') {
      regs_.clear(reg(0));
    }
    if (delay_slot_of_jump) regs_ = saved_;
  }

 private:
  RegState regs_, saved_;
  bool after_jump_ = false;
};

}  // namespace

std::unique_ptr<Resolver> make_mips_resolver() { return std::make_unique<MipsResolver>(); }

}  // namespace fwscan::elf::detail
