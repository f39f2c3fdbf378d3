#pragma once
// The scanning process confines itself before it reads a byte of its inputs (DESIGN.md 6), as a
// last line behind the bounded readers and the budgets: a parser bug that an input turns into
// "open this file", "connect there" or "run that" is refused by the kernel.
//   * Landlock: reads only under the inputs, the rules, the password files and the system
//     folders the libraries load from at run time (iconv's gconv modules, locales); writes only
//     under the output folders;
//   * seccomp-bpf (libseccomp): no socket, no exec, no ptrace or other process access, no mount,
//     no kernel module or key calls; such calls fail with EPERM;
//   * setrlimit: CPU time, and the address space (not under the sanitizers, which reserve it).
// Each layer is applied to the calling thread and the threads it creates later, so confine()
// runs before the worker pool starts. Where the kernel lacks a layer, the status says so and
// the scan goes on.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fwscan {

struct SandboxPolicy {
  std::vector<std::filesystem::path> read;   // files or folders, read (and listed) beneath
  std::vector<std::filesystem::path> write;  // folders, read, written and created beneath (created first if absent)
  std::uint64_t cpu_seconds = 4 * 3600;
  std::uint64_t address_space = 64ULL << 30;
};

struct SandboxStatus {
  bool landlock = false, seccomp = false, rlimits = false;
  int landlock_abi = 0;
  std::string summary;  // one line for the report: what was applied, and what the kernel lacked
};

SandboxStatus confine(const SandboxPolicy& policy);

}  // namespace fwscan
