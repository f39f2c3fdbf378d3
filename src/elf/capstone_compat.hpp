#pragma once
// Every Capstone-version name lives here (Capstone 6 renames ARM64 to AARCH64, among others).
#include <capstone/capstone.h>

namespace fwscan::elf::cs {

inline constexpr cs_arch kArchArm = CS_ARCH_ARM;
inline constexpr cs_arch kArchAarch64 = CS_ARCH_ARM64;
inline constexpr cs_arch kArchMips = CS_ARCH_MIPS;
inline constexpr cs_arch kArchX86 = CS_ARCH_X86;
inline constexpr cs_arch kArchPpc = CS_ARCH_PPC;

inline const cs_arm64& aarch64(const cs_detail& d) { return d.arm64; }
inline constexpr int kAarch64InsAdrp = ARM64_INS_ADRP;
inline constexpr int kAarch64InsAdr = ARM64_INS_ADR;
inline constexpr int kAarch64InsAdd = ARM64_INS_ADD;
inline constexpr int kAarch64InsLdr = ARM64_INS_LDR;
inline constexpr int kAarch64InsBl = ARM64_INS_BL;
inline constexpr int kAarch64InsStp = ARM64_INS_STP;
inline constexpr int kAarch64OpImm = ARM64_OP_IMM;
inline constexpr int kAarch64OpReg = ARM64_OP_REG;
inline constexpr int kAarch64OpMem = ARM64_OP_MEM;
inline constexpr int kAarch64RegX29 = ARM64_REG_X29;
inline constexpr int kAarch64RegX30 = ARM64_REG_X30;

}  // namespace fwscan::elf::cs
