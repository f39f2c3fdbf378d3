// AArch64: ADRP + ADD (address) and ADRP + LDR (a GOT or data slot holding the address), ADR.
#include <algorithm>

#include "elf/xref/resolver.hpp"

namespace fwscan::elf::detail {
namespace {

constexpr std::uint8_t kPage = 1;

class Aarch64Resolver final : public Resolver {
 public:
  void reset() override { regs_.reset(); }

  void on_insn(const cs_insn& insn, SweepContext& ctx) override {
    const cs_arm64& a = cs::aarch64(*insn.detail);
    const std::uint64_t now = ctx.index;
    bool handled = false;
    if (insn.id == cs::kAarch64InsAdrp && a.op_count == 2 && a.operands[1].type == cs::kAarch64OpImm) {
      regs_.set(static_cast<unsigned>(a.operands[0].reg), static_cast<std::uint64_t>(a.operands[1].imm), now, kPage);
      handled = true;
    } else if (insn.id == cs::kAarch64InsAdr && a.op_count == 2 && a.operands[1].type == cs::kAarch64OpImm) {
      ctx.ref(insn.address, static_cast<std::uint64_t>(a.operands[1].imm), RefKind::kAdr);
    } else if (insn.id == cs::kAarch64InsAdd && a.op_count == 3 && a.operands[1].type == cs::kAarch64OpReg &&
               a.operands[2].type == cs::kAarch64OpImm) {
      if (const auto* s = regs_.get(static_cast<unsigned>(a.operands[1].reg), now); s && s->tag == kPage) {
        const std::uint64_t target = s->value + static_cast<std::uint64_t>(a.operands[2].imm);
        ctx.ref(insn.address, target, RefKind::kAdrpAdd);
        regs_.set(static_cast<unsigned>(a.operands[0].reg), target, now, 0);
        handled = true;
      }
    } else if (insn.id == cs::kAarch64InsLdr && a.op_count == 2 && a.operands[1].type == cs::kAarch64OpMem) {
      if (const auto* s = regs_.get(static_cast<unsigned>(a.operands[1].mem.base), now); s && s->tag == kPage) {
        const std::uint64_t slot = s->value + static_cast<std::uint64_t>(static_cast<std::int64_t>(a.operands[1].mem.disp));
        ctx.ref(insn.address, slot, RefKind::kAdrpAdd);  // the slot itself (data next to code)
        const std::optional<std::uint64_t> value = ctx.slot_value(slot, 8);
        if (value && *value != 0) ctx.ref(insn.address, *value, RefKind::kGotLoad);
      }
    } else if (insn.id == cs::kAarch64InsBl && a.op_count == 1 && a.operands[0].type == cs::kAarch64OpImm) {
      ctx.call(insn.address, static_cast<std::uint64_t>(a.operands[0].imm));
    } else if (insn.id == cs::kAarch64InsStp && a.op_count == 3 && a.operands[0].reg == cs::kAarch64RegX29 &&
               a.operands[1].reg == cs::kAarch64RegX30) {
      ctx.prologues.push_back(insn.address);
    }
    if (!handled && a.op_count > 0 && a.operands[0].type == cs::kAarch64OpReg && insn.mnemonic[0] != 's' &&
        insn.mnemonic[0] != 'c' && insn.mnemonic[0] != 'b' && insn.mnemonic[0] != 't') {
      regs_.clear(static_cast<unsigned>(a.operands[0].reg));
    }
  }

 private:
  RegState regs_;
};

}  // namespace

std::unique_ptr<Resolver> make_aarch64_resolver() { return std::make_unique<Aarch64Resolver>(); }

}  // namespace fwscan::elf::detail
