// fwscan_bench: figures for the notes, printed, never asserted.
//   fwscan_bench rules  RULES_DIR [MiB]   YARA scan of mixed firmware content: pack vs empty rule set
//   fwscan_bench make-mixed FILE [MiB]    writes the same mixed content to FILE (for `yara -r` runs)
//   fwscan_bench rules-each RULES_DIR [MiB]  the same, one rule file at a time (where the cost is)
//   fwscan_bench rules-loo RULES_DIR [MiB]   the pack without each rule file in turn (its marginal cost)
//   fwscan_bench rules-atoms RULES_DIR [MiB] the automaton's cost, without timing: root bytes and
//                                            how often the mixed content leaves the root, per rule
//                                            file (with the tree's atom preferences) and for the pack
//   fwscan_bench yara-tree RULES_DIR DIR   every regular file under DIR scanned with the pack's scanning
//                                            set (label and context rules), steered atoms and YARA's own
//   fwscan_bench views DIR                   the decoding views of every regular file under DIR
//                                            (an unpacked root): bytes in, view bytes out, seconds
#include <lzma.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <capstone/capstone.h>

#include "core/hash.hpp"
#include "elf/string_evidence.hpp"
#include "scan/rule_set.hpp"
#include "scan/text_views.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::uint8_t> read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t xorshift(std::uint32_t& x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

// Mixed firmware-like content, in 64 KiB blocks, deterministic: static ARM, MIPS and PowerPC
// executables (libc code and data, from the shared external corpus), web UI text, compressed
// data, erase-block padding and random bytes; the demo ELF with its planted labels once per
// 64 MiB, a realistic density for a camera image.
std::vector<std::uint8_t> make_mixed(std::size_t mib, const std::filesystem::path& corpus) {
  const auto ext = corpus.parent_path().parent_path() / "shared/corpus-external/FACT_core/src/plugins/analysis/qemu_exec/test/data";
  std::vector<std::uint8_t> elf;
  for (const char* f : {"other_architectures/test_arm_static", "test_tmp_dir/test_mips_static", "other_architectures/test_ppc_static"}) {
    const auto bytes = read_all(ext / f);
    elf.insert(elf.end(), bytes.begin(), bytes.end());
  }
  if (elf.empty()) std::fprintf(stderr, "warning: external corpus not found at %s; code blocks empty\n", ext.c_str());
  const auto demo = read_all(corpus / "elf/thumb/face_attr-O2-pic");
  std::size_t code_pos = 0;
  // A web UI language pack: a camera's usual vocabulary, face capture included, at the density
  // of a real zh_CN pack (one term per key).
  static const char* const kTerms[] = {
      "网络设置", "用户名", "密码", "录像计划", "回放", "报警输入", "报警输出", "移动侦测", "遮挡报警", "视频丢失",
      "人脸抓拍", "人脸比对", "性别", "年龄", "眼镜", "口罩", "车牌识别", "越界侦测", "区域入侵", "时间设置",
      "夏令时", "码流类型", "主码流", "子码流", "分辨率", "帧率", "图像参数", "亮度", "对比度", "饱和度",
      "恢复默认", "系统升级", "日志查询", "设备信息", "存储管理", "硬盘", "通道", "云台控制", "预置点", "巡航"};
  std::string text = "var lang = {\n";
  for (int i = 0; i < 2000; ++i) {
    const char* term = kTerms[(i * 7919) % (sizeof kTerms / sizeof kTerms[0])];
    text += "  \"key_" + std::to_string(i) + "\": \"" + term + "\", // " + std::string(i % 3 == 0 ? "config page" : "ui label") + "\n";
  }
  text += "};\n<div class=\"cfg\"><input id=\"ntp\" value=\"pool.ntp.org\"></div>\n";
  std::vector<std::uint8_t> xz(text.size() + 1024);
  std::size_t xz_len = 0;
  if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, nullptr, reinterpret_cast<const std::uint8_t*>(text.data()), text.size(),
                              xz.data(), &xz_len, xz.size()) != LZMA_OK) {
    xz_len = 0;
  }
  xz.resize(xz_len);
  constexpr std::size_t kBlock = 64 * 1024;
  std::vector<std::uint8_t> out;
  out.reserve(mib << 20);
  std::uint32_t seed = 0x9E3779B9;
  for (std::size_t b = 0; out.size() < (mib << 20); ++b) {
    const std::size_t start = out.size();
    switch (b % 8) {
      case 0: case 1: case 2:  // code, walking through the executables
        if (b % 1024 == 0) out.insert(out.end(), demo.begin(), demo.end());
        while (out.size() - start < kBlock && !elf.empty()) {
          const std::size_t n = std::min(kBlock - (out.size() - start), elf.size() - code_pos);
          out.insert(out.end(), elf.begin() + static_cast<std::ptrdiff_t>(code_pos), elf.begin() + static_cast<std::ptrdiff_t>(code_pos + n));
          code_pos = (code_pos + n) % elf.size();
        }
        break;
      case 3: case 4:  // text
        while (out.size() - start < kBlock) out.insert(out.end(), text.begin(), text.end());
        break;
      case 5:  // compressed
        while (out.size() - start < kBlock && !xz.empty()) out.insert(out.end(), xz.begin(), xz.end());
        break;
      case 6:  // padding
        out.insert(out.end(), kBlock, 0xFF);
        break;
      default:  // random
        for (std::size_t i = 0; i < kBlock; ++i) out.push_back(static_cast<std::uint8_t>(xorshift(seed)));
        break;
    }
    out.resize(std::min(out.size(), start + kBlock));
  }
  out.resize(mib << 20);
  return out;
}

double best_of(int runs, fwscan::ScanSession& s, const std::vector<std::uint8_t>& data, std::size_t& matches) {
  double best = 1e30;
  for (int r = 0; r < runs; ++r) {
    std::vector<fwscan::Diagnostic> diags;
    const auto t0 = Clock::now();
    auto m = s.scan({data.data(), data.size()}, fwscan::ScanContext{}, diags);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    matches = m ? m->size() : 0;
    best = std::min(best, secs);
  }
  return best;
}

}  // namespace

// Every regular file under dir (links skipped), and their total size in `in`.
std::vector<std::vector<std::uint8_t>> read_tree(const char* dir, std::uint64_t& in) {
  std::vector<std::vector<std::uint8_t>> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    files.push_back(read_all(e.path()));
    in += files.back().size();
  }
  return files;
}

// The decoding views of each regular file under dir, as the YARA analyzer makes them (no
// unescaped view for ELF files): the time they take, best of three, and what they produce.
int bench_views(const char* dir) {
  std::uint64_t in = 0;
  const std::vector<std::vector<std::uint8_t>> files = read_tree(dir, in);
  std::vector<double> entropy;
  std::vector<fwscan::Blob> blobs;
  for (const auto& f : files) {
    blobs.push_back(fwscan::Blob::copy_of(fwscan::ByteView(f.data(), f.size())));
    entropy.push_back(fwscan::shannon_entropy(blobs.back().bytes()));
  }
  double best = 1e30;
  std::uint64_t out = 0, runs = 0;
  for (int round = 0; round < 3; ++round) {
    out = runs = 0;
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < files.size(); ++i) {
      const auto& f = files[i];
      const bool elf = f.size() >= 4 && std::memcmp(f.data(), "\x7f" "ELF", 4) == 0;
      for (const auto& v : fwscan::decoding_views(blobs[i], entropy[i], !elf)) {
        out += v.bytes.size();
        runs += v.escapes;
      }
    }
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::printf("views: %zu files, %.1f MiB in, %.1f MiB of views (%llu runs/escapes), %.3f s, %.0f MiB/s\n", files.size(),
              static_cast<double>(in) / 1048576.0, static_cast<double>(out) / 1048576.0, static_cast<unsigned long long>(runs),
              best, static_cast<double>(in) / 1048576.0 / best);
  return 0;
}

int bench_yara_tree(const char* rules_dir, const char* dir) {
  std::uint64_t in = 0;
  const std::vector<std::vector<std::uint8_t>> files = read_tree(dir, in);
  for (const auto atoms : {fwscan::AtomChoice::kSteered, fwscan::AtomChoice::kYaraStock}) {
    auto pack = fwscan::RuleSet::compile_dir(rules_dir, atoms);
    if (!pack) return 2;
    fwscan::ScanSession session((*pack)->scan_set_ptr(*pack), 600);
    double best = 1e30;
    std::size_t matches = 0;
    for (int round = 0; round < 3; ++round) {
      matches = 0;
      const auto t0 = Clock::now();
      for (const auto& f : files) {
        std::vector<fwscan::Diagnostic> diags;
        auto m = session.scan(fwscan::ByteView(f.data(), f.size()), fwscan::ScanContext{}, diags);
        if (m) matches += m->size();
      }
      best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::printf("%s atoms: %zu files, %.1f MiB, %.3f s, %.0f MiB/s, %zu rule matches\n",
                atoms == fwscan::AtomChoice::kSteered ? "steered" : "yara's ", files.size(), static_cast<double>(in) / 1048576.0, best,
                static_cast<double>(in) / 1048576.0 / best, matches);
  }
  return 0;
}

// Code evidence cost: the full analysis (LIEF parse, Capstone sweep with details and resolvers,
// function discovery, attribution of one string) against a plain Capstone linear sweep of the
// same executable sections without details.
int bench_xref(const char* path) {
  const auto bytes = read_all(path);
  auto img = fwscan::elf::load_elf({bytes.data(), bytes.size()});
  if (!img) {
    std::fprintf(stderr, "not an ELF: %s\n", img.error().message.c_str());
    return 2;
  }
  cs_arch arch = CS_ARCH_X86;
  int mode = CS_MODE_64;
  if (img->arch == fwscan::elf::Arch::kArm) { arch = CS_ARCH_ARM; mode = (img->entry & 1U) ? CS_MODE_THUMB : CS_MODE_ARM; }
  if (img->arch == fwscan::elf::Arch::kAarch64) { arch = CS_ARCH_ARM64; mode = CS_MODE_ARM; }
  if (img->arch == fwscan::elf::Arch::kMips) { arch = CS_ARCH_MIPS; mode = CS_MODE_MIPS32 | (img->big_endian ? CS_MODE_BIG_ENDIAN : 0); }
  std::uint64_t code_bytes = 0;
  double plain = 1e30;
  for (int run = 0; run < 3; ++run) {
    csh h;
    cs_open(arch, static_cast<cs_mode>(mode), &h);
    cs_insn* insn = cs_malloc(h);
    std::uint64_t n = 0;
    code_bytes = 0;
    const auto t0 = Clock::now();
    for (const auto& s : img->sections) {
      if (!s.exec || s.nobits || s.offset + s.size > bytes.size()) continue;
      const std::uint8_t* code = bytes.data() + s.offset;
      std::size_t size = s.size;
      std::uint64_t addr = s.addr;
      code_bytes += s.size;
      while (size > 0) {
        if (cs_disasm_iter(h, &code, &size, &addr, insn)) { ++n; continue; }
        ++code; --size; ++addr;
      }
    }
    plain = std::min(plain, std::chrono::duration<double>(Clock::now() - t0).count());
    cs_free(insn, 1);
    cs_close(&h);
  }
  double full = 1e30;
  std::size_t refs = 0, funcs = 0;
  for (int run = 0; run < 3; ++run) {
    const auto t0 = Clock::now();
    auto a = fwscan::elf::ElfAnalysis::analyze({bytes.data(), bytes.size()}, true, 500'000'000);
    if (!a) return 2;
    const std::string needle = "fwscan_bench_label_777";
    auto it = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
    if (it != bytes.end()) {
      refs = (*a)->locate(static_cast<std::uint64_t>(it - bytes.begin()), needle.size(), fwscan::Encoding::kAscii).refs.size();
    }
    funcs = (*a)->functions().size();
    full = std::min(full, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::printf("code: %.1f MiB in executable sections\n", static_cast<double>(code_bytes) / 1048576.0);
  std::printf("plain Capstone linear sweep : %7.3f s\n", plain);
  std::printf("fwscan evidence (parse, sweep, resolve, functions, attribution): %7.3f s  (%zu functions, %zu refs to the label)\n",
              full, funcs, refs);
  std::printf("ratio evidence/plain sweep: %.2fx\n", full / plain);
  return 0;
}

// Each rule file compiled alone (in its namespace folder), or the pack without it (leave one
// out), against the empty set: the extra time of each as a ratio, so the expensive rules stand
// out. Best of 5; the empty set is timed again between rules and its best time is the base, as
// timings on a shared machine drift.
int bench_rules_each(const std::filesystem::path& dir, std::size_t mib, const std::filesystem::path& corpus, bool leave_one_out) {
  const auto tmp = std::filesystem::temp_directory_path() / "fwscan_bench_one_rule";
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp / "empty");
  auto empty = fwscan::RuleSet::compile_dir(tmp / "empty");
  if (!empty) return 2;
  const auto data = make_mixed(mib, corpus);
  fwscan::ScanSession s_empty(*empty, 600);
  std::size_t m = 0;
  double t_empty = best_of(5, s_empty, data, m);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".yar") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  auto time_set = [&](const std::vector<std::filesystem::path>& set, double& secs) {
    std::filesystem::remove_all(tmp / "set");
    for (const auto& f : set) {
      const auto ns = tmp / "set" / f.parent_path().filename();
      std::filesystem::create_directories(ns);
      std::filesystem::copy_file(f, ns / f.filename());
    }
    auto rs = fwscan::RuleSet::compile_dir(tmp / "set");
    if (!rs) return false;
    fwscan::ScanSession s(*rs, 600);
    secs = best_of(5, s, data, m);
    t_empty = std::min(t_empty, best_of(1, s_empty, data, m));
    return true;
  };
  double t_all = 0;
  if (leave_one_out && !time_set(files, t_all)) return 2;
  std::vector<std::pair<std::string, double>> rows;
  for (const auto& f : files) {
    std::vector<std::filesystem::path> set;
    if (leave_one_out) {
      for (const auto& g : files) if (g != f) set.push_back(g);
    } else {
      set.push_back(f);
    }
    double t = 0;
    if (!time_set(set, t)) {
      std::printf("%-50s compile failed\n", f.stem().c_str());
      continue;
    }
    rows.emplace_back(f.stem().string(), t);
  }
  std::printf("empty rule set: %7.3f s (best)\n", t_empty);
  if (leave_one_out) std::printf("whole pack    : %7.3f s  %5.2fx\n", t_all, t_all / t_empty);
  for (const auto& [name, t] : rows) {
    if (leave_one_out) {
      std::printf("%-50s without: %7.3f s  %5.2fx   its cost: %+6.3f s\n", name.c_str(), t, t / t_empty, t_all - t);
    } else {
      std::printf("%-50s %7.3f s  %5.2fx\n", name.c_str(), t, t / t_empty);
    }
  }
  std::filesystem::remove_all(tmp);
  return 0;
}

int bench_rules_atoms(const std::filesystem::path& dir, std::size_t mib, const std::filesystem::path& corpus) {
  const auto data = make_mixed(mib, corpus);
  const fwscan::ByteView sample(data.data(), data.size());
  auto pack = fwscan::RuleSet::compile_dir(dir);
  if (!pack) {
    std::fprintf(stderr, "%s\n", pack.error().message.c_str());
    return 2;
  }
  auto show = [](const char* name, const fwscan::AutomatonProfile& p) {
    std::string bytes;
    for (const auto b : p.root_bytes) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%02x ", b);
      bytes += hex;
    }
    std::printf("%-46s %3zu root bytes  leaves root %.4f/byte  %s\n", name, p.root_bytes.size(), p.leave_root_rate, bytes.c_str());
  };
  const auto tmp = std::filesystem::temp_directory_path() / "fwscan_bench_atoms";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".yar") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  const double whole = (*pack)->profile(sample).leave_root_rate;
  auto compile_set = [&](const std::vector<std::filesystem::path>& set) {
    std::filesystem::remove_all(tmp);
    for (const auto& g : set) {
      std::filesystem::create_directories(tmp / g.parent_path().filename());
      std::filesystem::copy_file(g, tmp / g.parent_path().filename() / g.filename());
    }
    if (std::filesystem::exists(dir / fwscan::kAtomPreferencesFile)) {
      std::filesystem::copy_file(dir / fwscan::kAtomPreferencesFile, tmp / fwscan::kAtomPreferencesFile);
    }
    return fwscan::RuleSet::compile_dir(tmp);
  };
  std::printf("per rule file: alone, and what the pack saves without it\n");
  for (const auto& f : files) {
    auto one = compile_set({f});
    std::vector<std::filesystem::path> others;
    for (const auto& g : files) if (g != f) others.push_back(g);
    auto rest = compile_set(others);
    if (!one || !rest) continue;
    const auto p = (*one)->profile(sample);
    std::printf("  saves %.4f  ", whole - (*rest)->profile(sample).leave_root_rate);
    show(f.stem().c_str(), p);
  }
  std::filesystem::remove_all(tmp);
  const auto all = (*pack)->profile(sample);
  show("whole pack", all);
  std::vector<int> order(256);
  for (int b = 0; b < 256; ++b) order[b] = b;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return all.leaves_by_byte[a] > all.leaves_by_byte[b]; });
  std::printf("costliest root bytes (share of the sample's bytes):");
  for (int k = 0; k < 16 && all.leaves_by_byte[order[k]] > 0; ++k) {
    std::printf(" %02x %.4f", order[k], static_cast<double>(all.leaves_by_byte[order[k]]) / static_cast<double>(data.size()));
  }
  std::printf("\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fwscan_bench rules RULES_DIR [MiB] | make-mixed FILE [MiB] | xref ELF\n");
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "xref") return bench_xref(argv[2]);
  if (cmd == "views") return bench_views(argv[2]);
  if (cmd == "yara-tree" && argc > 3) return bench_yara_tree(argv[2], argv[3]);
  const std::size_t mib = argc > 3 ? std::stoul(argv[3]) : 1024;
  const std::filesystem::path corpus = std::filesystem::path(FWSCAN_DEFAULT_RULES_DIR).parent_path() / "corpus";
  if (cmd == "make-mixed") {
    const auto data = make_mixed(mib, corpus);
    std::ofstream(argv[2], std::ios::binary).write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    return 0;
  }
  if (cmd == "rules-atoms") return bench_rules_atoms(argv[2], mib, corpus);
  if (cmd == "rules-each") return bench_rules_each(argv[2], mib, corpus, false);
  if (cmd == "rules-loo") return bench_rules_each(argv[2], mib, corpus, true);
  if (cmd != "rules") return 2;
  auto pack = fwscan::RuleSet::compile_dir(argv[2]);
  auto stock = fwscan::RuleSet::compile_dir(argv[2], fwscan::AtomChoice::kYaraStock);
  const auto empty_dir = std::filesystem::temp_directory_path() / "fwscan_bench_empty_rules";
  std::filesystem::create_directories(empty_dir);
  auto empty = fwscan::RuleSet::compile_dir(empty_dir);
  if (!pack || !empty || !stock) {
    std::fprintf(stderr, "rules failed to compile\n");
    return 2;
  }
  std::printf("building %zu MiB of mixed firmware content...\n", mib);
  const auto data = make_mixed(mib, corpus);
  fwscan::ScanSession s_pack(*pack, 600), s_empty(*empty, 600), s_stock(*stock, 600);
  std::size_t m_pack = 0, m_empty = 0, m_stock = 0;
  const double t_empty = best_of(3, s_empty, data, m_empty);
  const double t_pack = best_of(3, s_pack, data, m_pack);
  const double t_stock = best_of(3, s_stock, data, m_stock);
  const double mb = static_cast<double>(data.size()) / 1e6;
  std::printf("empty rule set : %7.3f s  %8.1f MB/s\n", t_empty, mb / t_empty);
  std::printf("rule pack (%zu): %7.3f s  %8.1f MB/s  (%zu rules matched)\n", (*pack)->rule_count(), t_pack, mb / t_pack, m_pack);
  std::printf("the pack with YARA's own atom choice (as the yara command): %7.3f s  (%zu rules matched)\n", t_stock, m_stock);
  std::printf("ratio pack/empty: %.2fx   (YARA's own atom choice: %.2fx)\n", t_pack / t_empty, t_stock / t_empty);
  return 0;
}
