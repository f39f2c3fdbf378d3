// fwscan_bench: figures for the notes, printed, never asserted.
//   fwscan_bench rules  RULES_DIR [MiB]   YARA scan of mixed firmware content: pack vs empty rule set
//   fwscan_bench make-mixed FILE [MiB]    writes the same mixed content to FILE (for `yara -r` runs)
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

#include "elf/string_evidence.hpp"
#include "scan/rule_set.hpp"

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
      refs = (*a)->locate(static_cast<std::uint64_t>(it - bytes.begin()), needle.size(), "ascii").refs.size();
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

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fwscan_bench rules RULES_DIR [MiB] | make-mixed FILE [MiB] | xref ELF\n");
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "xref") return bench_xref(argv[2]);
  const std::size_t mib = argc > 3 ? std::stoul(argv[3]) : 1024;
  const std::filesystem::path corpus = std::filesystem::path(FWSCAN_DEFAULT_RULES_DIR).parent_path() / "corpus";
  if (cmd == "make-mixed") {
    const auto data = make_mixed(mib, corpus);
    std::ofstream(argv[2], std::ios::binary).write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    return 0;
  }
  if (cmd != "rules") return 2;
  auto pack = fwscan::RuleSet::compile_dir(argv[2]);
  const auto empty_dir = std::filesystem::temp_directory_path() / "fwscan_bench_empty_rules";
  std::filesystem::create_directories(empty_dir);
  auto empty = fwscan::RuleSet::compile_dir(empty_dir);
  if (!pack || !empty) {
    std::fprintf(stderr, "rules failed to compile\n");
    return 2;
  }
  std::printf("building %zu MiB of mixed firmware content...\n", mib);
  const auto data = make_mixed(mib, corpus);
  fwscan::ScanSession s_pack(*pack, 600), s_empty(*empty, 600);
  std::size_t m_pack = 0, m_empty = 0;
  const double t_empty = best_of(3, s_empty, data, m_empty);
  const double t_pack = best_of(3, s_pack, data, m_pack);
  const double mb = static_cast<double>(data.size()) / 1e6;
  std::printf("empty rule set : %7.3f s  %8.1f MB/s\n", t_empty, mb / t_empty);
  std::printf("rule pack (%zu): %7.3f s  %8.1f MB/s  (%zu rules matched)\n", (*pack)->rule_count(), t_pack, mb / t_pack, m_pack);
  std::printf("ratio pack/empty: %.2fx\n", t_pack / t_empty);
  return 0;
}
