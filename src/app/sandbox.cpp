#include "app/sandbox.hpp"

#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)  // ABI 3; Debian 12's headers stop at ABI 2
#endif

#if defined(__SANITIZE_ADDRESS__)
#define FWSCAN_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FWSCAN_SANITIZED 1
#endif
#endif

namespace fwscan {
namespace {

// Folders the libraries read from after the scan has started: iconv's gconv modules (GBK, Big5
// views) and locales under /usr, OpenSSL's configuration, the CPU count, /dev/null and
// /dev/urandom. Nothing in them is the user's.
constexpr const char* kSystemReads[] = {"/usr", "/etc/ssl", "/sys/devices/system/cpu", "/proc/self", "/dev/null", "/dev/urandom"};

constexpr std::uint64_t kAbi1 = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
                                LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                                LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                                LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                                LANDLOCK_ACCESS_FS_MAKE_SYM;
constexpr std::uint64_t kRead = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
// The output folders: files and folders are made and written; never a link, device, FIFO or
// socket, never an executable run.
constexpr std::uint64_t kWrite = kRead | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
                                 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG;
constexpr std::uint64_t kFileOnly = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
                                    LANDLOCK_ACCESS_FS_TRUNCATE;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Landlock: the ruleset, its rules and restrict_self. The ABI it ran with, or an explanation.
std::string landlock(const SandboxPolicy& policy, int& abi) {
  abi = static_cast<int>(::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION));
  if (abi < 1) {
    abi = 0;
    return std::string("landlock unavailable (") + (errno == ENOSYS ? "not in this kernel" : errno == EOPNOTSUPP ? "disabled at boot" : std::strerror(errno)) +
           "): reads and writes not confined";
  }
  std::uint64_t handled = kAbi1;
  if (abi >= 2) handled |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
  landlock_ruleset_attr attr{};
  attr.handled_access_fs = handled;
  Fd ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0)));
  if (ruleset.get() < 0) return std::string("landlock ruleset refused (") + std::strerror(errno) + "): not confined";
  auto allow = [&](const std::filesystem::path& p, std::uint64_t access) {
    Fd fd(::open(p.c_str(), O_PATH | O_CLOEXEC));  // O_PATH: no read, and a FIFO does not block
    if (fd.get() < 0) return;                     // absent: nothing to allow (the scan says so itself)
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) access &= kFileOnly;
    landlock_path_beneath_attr rule{};
    rule.allowed_access = access & handled;
    rule.parent_fd = fd.get();
    ::syscall(SYS_landlock_add_rule, ruleset.get(), LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  };
  for (const char* p : kSystemReads) allow(p, kRead);
  for (const auto& p : policy.read) allow(p, kRead);
  for (const auto& p : policy.write) allow(p, kWrite | (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0));
  if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0) {
    abi = 0;
    return std::string("landlock restrict_self refused (") + std::strerror(errno) + "): not confined";
  }
  return "landlock ABI " + std::to_string(abi) + ": reads under the inputs and rules, writes under the output folder";
}

// seccomp: the calls a parser never needs fail with EPERM, in every thread.
std::string seccomp(bool& applied) {
  applied = false;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) return "seccomp unavailable: system calls not filtered";
  static constexpr const char* kDenied[] = {
      "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "execve", "execveat",
      "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root", "chroot", "init_module",
      "finit_module", "delete_module", "kexec_load", "kexec_file_load", "add_key", "request_key", "keyctl", "bpf",
      "perf_event_open", "userfaultfd", "setns", "unshare", "iopl", "ioperm", "reboot", "swapon", "swapoff",
#ifndef FWSCAN_SANITIZED
      "ptrace",  // LeakSanitizer stops the world with ptrace at exit
#endif
  };
  bool ok = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) == 0;
  for (const char* name : kDenied) {
    const int nr = seccomp_syscall_resolve_name(name);
    if (nr != __NR_SCMP_ERROR) ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) == 0;
  }
  ok = ok && seccomp_load(ctx) == 0;
  seccomp_release(ctx);
  if (!ok) return "seccomp filter refused: system calls not filtered";
  applied = true;
  return "seccomp: no network, exec, ptrace or mount";
}

}  // namespace

SandboxStatus confine(const SandboxPolicy& policy) {
  SandboxStatus s;
  for (const auto& dir : policy.write) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // before the rules: the parent is not writable after
  }
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);  // Landlock and seccomp without privileges need it
  const std::string ll = landlock(policy, s.landlock_abi);
  s.landlock = s.landlock_abi > 0;
  const std::string sc = seccomp(s.seccomp);
  const rlimit cpu{policy.cpu_seconds, policy.cpu_seconds + 60};
  bool rl = ::setrlimit(RLIMIT_CPU, &cpu) == 0;
#ifndef FWSCAN_SANITIZED
  const rlimit as{policy.address_space, policy.address_space};
  rl = rl && ::setrlimit(RLIMIT_AS, &as) == 0;
  const std::string limits = "rlimits: " + std::to_string(policy.cpu_seconds) + " s CPU, " + std::to_string(policy.address_space >> 30) + " GiB address space";
#else
  const std::string limits = "rlimits: " + std::to_string(policy.cpu_seconds) + " s CPU (no address-space limit under the sanitizers)";
#endif
  s.rlimits = rl;
  s.summary = ll + "; " + sc + "; " + (rl ? limits : "rlimits refused");
  return s;
}

}  // namespace fwscan
