#include "elf/xref/xref_index.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>

#include "core/checked_math.hpp"
#include "core/reader.hpp"
#include "elf/functions.hpp"
#include "elf/xref/resolver.hpp"

namespace fwscan::elf {
namespace {

struct CsDeleter {
  void operator()(csh* h) const {
    if (h != nullptr) {
      cs_close(h);
      delete h;
    }
  }
};
using Handle = std::unique_ptr<csh, CsDeleter>;

struct Mode {
  cs_arch arch;
  int mode;
  std::size_t align;  // skip width for an undecodable byte
};

std::optional<Mode> mode_for(const ElfImage& img, bool thumb) {
  const int endian = img.big_endian ? CS_MODE_BIG_ENDIAN : CS_MODE_LITTLE_ENDIAN;
  switch (img.arch) {
    case Arch::kArm: return Mode{cs::kArchArm, (thumb ? CS_MODE_THUMB : CS_MODE_ARM) | endian, thumb ? 2U : 4U};
    case Arch::kAarch64: return Mode{cs::kArchAarch64, CS_MODE_ARM | endian, 4};
    case Arch::kMips: return Mode{cs::kArchMips, CS_MODE_MIPS32 | endian, 4};
    case Arch::kX86: return Mode{cs::kArchX86, CS_MODE_32, 1};
    case Arch::kX86_64: return Mode{cs::kArchX86, CS_MODE_64, 1};
    case Arch::kPpc: return Mode{cs::kArchPpc, CS_MODE_32 | CS_MODE_BIG_ENDIAN, 4};
    case Arch::kPpc64: return Mode{cs::kArchPpc, CS_MODE_64 | endian, 4};
    case Arch::kUnknown: break;
  }
  return std::nullopt;
}

Handle open_handle(const Mode& m, bool detail) {
  auto* h = new csh(0);
  if (cs_open(m.arch, static_cast<cs_mode>(m.mode), h) != CS_ERR_OK) {
    delete h;
    return Handle(nullptr);
  }
  cs_option(*h, CS_OPT_DETAIL, detail ? CS_OPT_ON : CS_OPT_OFF);
  return Handle(h);
}

std::unique_ptr<detail::Resolver> resolver_for(const ElfImage& img, bool thumb) {
  switch (img.arch) {
    case Arch::kArm: return detail::make_arm_resolver(thumb);
    case Arch::kAarch64: return detail::make_aarch64_resolver();
    case Arch::kMips: return detail::make_mips_resolver();
    case Arch::kX86: return detail::make_x86_resolver(false);
    case Arch::kX86_64: return detail::make_x86_resolver(true);
    case Arch::kPpc: case Arch::kPpc64: return detail::make_ppc_resolver();
    case Arch::kUnknown: break;
  }
  return nullptr;
}

// A Capstone handle with the architecture's resolver.
class CapstoneStepper final : public detail::Stepper {
 public:
  CapstoneStepper(Handle h, std::unique_ptr<detail::Resolver> resolver)
      : h_(std::move(h)), insn_(cs_malloc(*h_)), resolver_(std::move(resolver)) {}
  ~CapstoneStepper() override { cs_free(insn_, 1); }
  CapstoneStepper(const CapstoneStepper&) = delete;
  CapstoneStepper& operator=(const CapstoneStepper&) = delete;
  void reset() override { resolver_->reset(); }
  std::size_t step(const std::uint8_t* code, std::size_t size, std::uint64_t addr, detail::SweepContext& ctx) override {
    if (!cs_disasm_iter(*h_, &code, &size, &addr, insn_)) return 0;
    resolver_->on_insn(*insn_, ctx);
    return insn_->size;
  }

 private:
  Handle h_;
  cs_insn* insn_;
  std::unique_ptr<detail::Resolver> resolver_;
};

// The stepper for code in the given state, or null when Capstone cannot open the mode.
std::unique_ptr<detail::Stepper> stepper_for(const ElfImage& img, const Mode& mode, bool thumb, bool capstone_x86) {
  if (!capstone_x86 && (img.arch == Arch::kX86 || img.arch == Arch::kX86_64)) {
    return detail::make_x86_zydis_stepper(img.arch == Arch::kX86_64);
  }
  Handle h = open_handle(mode, true);
  if (!h) return nullptr;
  return std::make_unique<CapstoneStepper>(std::move(h), resolver_for(img, thumb));
}

struct Region {
  std::uint64_t va, offset, size;
  bool thumb;
};

// Code regions: executable sections (else executable PT_LOADs), split by ARM mapping symbols.
// Share of a block's bytes that do not decode in the given ARM state.
double decode_failure_ratio(const ElfImage& img, ByteView bytes, std::uint64_t offset, std::uint64_t size, bool thumb) {
  auto mode = mode_for(img, thumb);
  if (!mode || size == 0 || !range_fits(offset, size, bytes.size())) return 1.0;
  Handle h = open_handle(*mode, false);
  if (!h) return 1.0;
  cs_insn* insn = cs_malloc(*h);
  const std::uint8_t* code = bytes.data() + offset;
  std::size_t left = size;
  std::uint64_t addr = 0, failed = 0;
  while (left > 0) {
    if (cs_disasm_iter(*h, &code, &left, &addr, insn)) continue;
    const std::size_t skip = std::min<std::size_t>(mode->align, left);
    code += skip;
    left -= skip;
    addr += skip;
    failed += skip;
  }
  cs_free(insn, 1);
  return static_cast<double>(failed) / static_cast<double>(size);
}

// Stripped ARM without mapping or function symbols: split at strong function-start evidence
// (the entry point, ARM "push {..., lr}" words) and call a block ARM when most of its words
// carry the "always" condition (0xE in the top nibble), which Thumb code almost never does.
std::vector<Region> classify_arm_blocks(const ElfImage& img, ByteView bytes, const Region& r) {
  const Endian e = img.big_endian ? Endian::kBig : Endian::kLittle;
  std::vector<std::uint64_t> cuts{r.va};
  const std::uint64_t entry = img.entry & ~std::uint64_t{1};
  if (entry > r.va && entry < r.va + r.size) cuts.push_back(entry);
  for (std::uint64_t a = align_up(r.va, 4); a + 4 <= r.va + r.size; a += 4) {
    auto w = load_u32(bytes, r.offset + (a - r.va), e);
    if (!w) break;
    if ((*w & 0xFFFF4000U) == 0xE92D4000U) cuts.push_back(a);  // push {..., lr}
    // After a return (bx lr; pop {..., pc}; ldr pc, [sp], #4) the next function may switch state.
    if (*w == 0xE12FFF1EU || (*w & 0xFFFF8000U) == 0xE8BD8000U || *w == 0xE49DF004U) cuts.push_back(a + 4);
  }
  for (std::uint64_t a = align_up(r.va, 2); a + 2 <= r.va + r.size; a += 2) {
    auto h = load_u16(bytes, r.offset + (a - r.va), e);
    if (h && (*h == 0x4770U || (*h & 0xFF00U) == 0xBD00U)) cuts.push_back(align_up(a + 2, 4));  // Thumb bx lr / pop {pc}
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::erase_if(cuts, [&](std::uint64_t c) { return c >= r.va + r.size; });
  std::vector<Region> out;
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const std::uint64_t b = cuts[i], end = i + 1 < cuts.size() ? cuts[i + 1] : r.va + r.size;
    std::uint64_t words = 0, al = 0;
    for (std::uint64_t a = align_up(b, 4); a + 4 <= end; a += 4) {
      auto w = load_u32(bytes, r.offset + (a - r.va), e);
      if (!w) break;
      ++words;
      al += (*w >> 28) == 0xE ? 1 : 0;
    }
    bool thumb;
    if (b == entry) {
      thumb = (img.entry & 1U) != 0;
    } else if (words == 0) {
      thumb = true;
    } else if (al * 2 >= words) {
      thumb = false;                       // mostly "always" conditions: ARM
    } else if (al * 5 >= words) {
      // Ambiguous (conditional ARM code such as movwls/ldrls, or Thumb): keep the state of the
      // block before it, unless only Thumb decodes cleanly.
      const bool prev_thumb = out.empty() ? false : out.back().thumb;
      const double arm_fail = decode_failure_ratio(img, bytes, r.offset + (b - r.va), end - b, false);
      const double thumb_fail = decode_failure_ratio(img, bytes, r.offset + (b - r.va), end - b, true);
      thumb = arm_fail > thumb_fail ? true : prev_thumb;
    } else {
      thumb = true;
    }
    if (!out.empty() && out.back().thumb == thumb && out.back().va + out.back().size == b) {
      out.back().size += end - b;
    } else {
      out.push_back({b, r.offset + (b - r.va), end - b, thumb});
    }
  }
  return out;
}

std::vector<Region> code_regions(const ElfImage& img, ByteView bytes) {
  const std::uint64_t file_size = bytes.size();
  std::vector<Region> base;
  for (const auto& s : img.sections) {
    if (s.exec && s.alloc && !s.nobits && s.size > 0 && range_fits(s.offset, s.size, file_size)) {
      base.push_back({s.addr, s.offset, s.size, false});
    }
  }
  if (base.empty()) {
    for (const auto& s : img.segments) {
      if (s.exec && range_fits(s.offset, s.filesz, file_size)) base.push_back({s.vaddr, s.offset, s.filesz, false});
    }
  }
  if (img.arch != Arch::kArm) return base;
  // Default ARM state: the entry point's Thumb bit, else the majority of function symbols.
  std::size_t thumb_funcs = 0;
  for (const auto& f : img.functions) thumb_funcs += f.thumb ? 1 : 0;
  const bool default_thumb = img.functions.empty() ? (img.entry & 1U) != 0 : thumb_funcs * 2 >= img.functions.size();
  std::vector<Region> out;
  if (img.mapping.empty() && img.functions.empty()) {
    for (const Region& r : base) {
      auto blocks = classify_arm_blocks(img, bytes, r);
      out.insert(out.end(), blocks.begin(), blocks.end());
    }
    return out;
  }
  for (const Region& r : base) {
    // Boundaries: mapping symbols when present, else function symbols with their Thumb bit.
    std::vector<std::pair<std::uint64_t, char>> marks;
    if (!img.mapping.empty()) {
      for (const auto& m : img.mapping) {
        if (m.addr >= r.va && m.addr < r.va + r.size) marks.emplace_back(m.addr, m.kind);
      }
    } else {
      for (const auto& f : img.functions) {
        if (f.addr >= r.va && f.addr < r.va + r.size) marks.emplace_back(f.addr, f.thumb ? 't' : 'a');
      }
    }
    std::sort(marks.begin(), marks.end());
    char kind = default_thumb ? 't' : 'a';
    std::uint64_t pos = r.va;
    for (std::size_t i = 0; i <= marks.size(); ++i) {
      const std::uint64_t end = i < marks.size() ? marks[i].first : r.va + r.size;
      if (end > pos && kind != 'd') out.push_back({pos, r.offset + (pos - r.va), end - pos, kind == 't'});
      if (i < marks.size()) {
        pos = marks[i].first;
        kind = marks[i].second;
      }
    }
  }
  return out;
}

}  // namespace

std::string_view ref_kind_name(RefKind k) {
  switch (k) {
    case RefKind::kRipRelative: return "rip_relative";
    case RefKind::kAbsolute: return "absolute";
    case RefKind::kPcThunk: return "pc_thunk";
    case RefKind::kAdrpAdd: return "adrp_add";
    case RefKind::kAdr: return "adr";
    case RefKind::kLiteralPool: return "literal_pool";
    case RefKind::kMovwMovt: return "movw_movt";
    case RefKind::kLuiAddiu: return "lui_addiu";
    case RefKind::kLisAddi: return "lis_addi";
    case RefKind::kGotLoad: return "got_load";
    case RefKind::kDataPointer: return "data_pointer";
  }
  return "absolute";
}

SweepPlan XrefIndex::plan(const ElfImage& img, ByteView bytes, std::uint64_t max_instructions, std::uint64_t piece_bytes) {
  SweepPlan p;
  p.max_instructions = max_instructions;
  for (const auto& f : img.functions) p.starts.push_back(f.addr);
  for (std::uint64_t a : unwind_table_starts(img, bytes)) p.starts.push_back(img.arch == Arch::kArm ? (a & ~std::uint64_t{1}) : a);
  std::sort(p.starts.begin(), p.starts.end());
  const std::vector<Region> regions = code_regions(img, bytes);
  std::uint64_t could = 0;
  const std::uint64_t shortest = shortest_instruction(bytes);
  for (const Region& r : regions) {
    if (r.thumb) p.thumb.emplace_back(r.va, r.va + r.size);
    could += r.size / shortest + 1;
  }
  std::sort(p.thumb.begin(), p.thumb.end());
  p.serial = could > max_instructions;
  for (const Region& r : regions) {
    std::uint64_t pos = r.va;
    // Cut at the first function start a piece's length past the last cut. Addresses come from
    // hostile headers: a region whose end (or a cut point) would pass 2^64 is not cut.
    constexpr std::uint64_t kTop = std::numeric_limits<std::uint64_t>::max();
    if (!p.serial && r.size <= kTop - r.va) {
      const std::uint64_t end = r.va + r.size;
      while (end - pos > piece_bytes && pos <= kTop - piece_bytes) {
        const auto it = std::lower_bound(p.starts.begin(), p.starts.end(), pos + piece_bytes);
        if (it == p.starts.end() || *it >= end) break;
        p.pieces.push_back({pos, r.offset + (pos - r.va), *it - pos, r.thumb});
        pos = *it;
      }
    }
    p.pieces.push_back({pos, r.offset + (pos - r.va), r.size - (pos - r.va), r.thumb});
  }
  return p;
}

SweepOutput XrefIndex::sweep(const ElfImage& img, ByteView bytes, const SweepPlan& plan, std::size_t task) {
  SweepOutput out;
  detail::SweepContext ctx{img, bytes, out.refs, out.calls, out.prologues, 0};
  std::unique_ptr<detail::Stepper> steppers[2];
  const std::size_t first = plan.serial ? 0 : task, last = plan.serial ? plan.pieces.size() : task + 1;
  for (std::size_t k = first; k < last; ++k) {
    const SweepPiece& r = plan.pieces[k];
    auto mode = mode_for(img, r.thumb);
    if (!mode) {
      out.diags.push_back({Severity::kInfo, DiagCode::kUnsupported, "no disassembler for architecture " + std::string(arch_name(img.arch)), "elf", std::nullopt});
      break;
    }
    auto& stepper = steppers[r.thumb ? 1 : 0];
    if (!stepper) stepper = stepper_for(img, *mode, r.thumb, plan.capstone_x86);
    if (!stepper) {
      out.diags.push_back({Severity::kWarning, DiagCode::kInternalError, "cs_open failed", "elf", std::nullopt});
      break;
    }
    stepper->reset();  // each piece from a fresh resolver
    const std::uint8_t* code = bytes.data() + r.offset;
    std::size_t size = r.size;
    std::uint64_t addr = r.va;
    auto next_start = std::lower_bound(plan.starts.begin(), plan.starts.end(), addr);
    while (size > 0) {
      if (ctx.index >= plan.max_instructions) {
        out.diags.push_back({Severity::kWarning, DiagCode::kLimitInstructions, "instruction limit reached; later code not swept", "elf", addr});
        size = 0;
        break;
      }
      while (next_start != plan.starts.end() && *next_start <= addr) {
        if (*next_start == addr) stepper->reset();
        ++next_start;
      }
      std::size_t n = stepper->step(code, size, addr, ctx);
      if (n == 0) {
        n = std::min<std::size_t>(mode->align, size);
        ++out.undecodable;
      } else {
        ++ctx.index;
      }
      n = std::min(n, size);
      code += n;
      size -= n;
      addr += n;
    }
    out.bytes += r.size;
  }
  out.instructions = ctx.index;
  return out;
}

XrefIndex XrefIndex::build(const ElfImage& img, ByteView bytes, std::uint64_t max_instructions, std::vector<Diagnostic>& diags) {
  const SweepPlan p = plan(img, bytes, max_instructions);
  std::vector<SweepOutput> outputs;
  for (std::size_t t = 0; t < p.tasks(); ++t) outputs.push_back(sweep(img, bytes, p, t));
  return assemble(img, bytes, p, std::move(outputs), diags);
}

XrefIndex XrefIndex::assemble(const ElfImage& img, ByteView bytes, const SweepPlan& plan, std::vector<SweepOutput> outputs,
                              std::vector<Diagnostic>& diags) {
  XrefIndex x;
  x.thumb_ = plan.thumb;
  bool unsupported = false;
  for (SweepOutput& o : outputs) {
    for (Diagnostic& d : o.diags) {
      // One "no disassembler" for the ELF, however many pieces said it.
      if (d.code == DiagCode::kUnsupported || d.code == DiagCode::kInternalError) {
        if (unsupported) continue;
        unsupported = true;
      }
      diags.push_back(std::move(d));
    }
    x.refs_.insert(x.refs_.end(), o.refs.begin(), o.refs.end());
    x.calls_.insert(x.calls_.end(), o.calls.begin(), o.calls.end());
    x.prologues_.insert(x.prologues_.end(), o.prologues.begin(), o.prologues.end());
    x.stats_.instructions += o.instructions;
    x.stats_.bytes += o.bytes;
    x.stats_.undecodable += o.undecodable;
  }
  detail::SweepContext ctx{img, bytes, x.refs_, x.calls_, x.prologues_, 0};
  std::sort(x.refs_.begin(), x.refs_.end(), [](const CodeRef& a, const CodeRef& b) {
    return a.target_va != b.target_va ? a.target_va < b.target_va : a.insn_va < b.insn_va;
  });
  x.refs_.erase(std::unique(x.refs_.begin(), x.refs_.end(), [](const CodeRef& a, const CodeRef& b) {
    return a.target_va == b.target_va && a.insn_va == b.insn_va;
  }), x.refs_.end());
  std::sort(x.calls_.begin(), x.calls_.end(), [](const CallEdge& a, const CallEdge& b) { return a.insn_va < b.insn_va; });
  std::sort(x.prologues_.begin(), x.prologues_.end());
  x.prologues_.erase(std::unique(x.prologues_.begin(), x.prologues_.end()), x.prologues_.end());

  // Pointers in data: relocation slots, and aligned words of non-executable file-backed memory.
  const int w = img.bits / 8;
  for (const auto& r : img.relocations) {
    if (ctx.valid(r.value)) x.data_ptrs_.emplace_back(r.value, r.slot);
  }
  // Data areas: non-executable allocated sections (.rodata may share an executable segment with
  // .text in non-PIE layouts), else non-executable segments.
  // Sizes come from hostile headers: only the file-backed part of each area is walked.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> areas;
  auto add_area = [&](std::uint64_t va, std::uint64_t offset, std::uint64_t size) {
    if (offset >= bytes.size()) return;
    areas.emplace_back(va, std::min<std::uint64_t>(size, bytes.size() - offset));
  };
  for (const auto& s : img.sections) {
    if (s.alloc && !s.exec && !s.nobits && s.size > 0) add_area(s.addr, s.offset, s.size);
  }
  if (areas.empty()) {
    for (const auto& s : img.segments) {
      if (!s.exec) add_area(s.vaddr, s.offset, s.filesz);
    }
  }
  for (const auto& [va, size] : areas) {
    const std::uint64_t first = align_up(va, static_cast<std::uint64_t>(w));
    for (std::uint64_t a = first; a + static_cast<std::uint64_t>(w) <= va + size; a += static_cast<std::uint64_t>(w)) {
      auto v = img.read_word(bytes, a, w);
      if (v && *v != 0 && ctx.valid(*v)) x.data_ptrs_.emplace_back(*v, a);
    }
  }
  std::sort(x.data_ptrs_.begin(), x.data_ptrs_.end());
  x.data_ptrs_.erase(std::unique(x.data_ptrs_.begin(), x.data_ptrs_.end()), x.data_ptrs_.end());
  return x;
}

std::span<const CodeRef> XrefIndex::refs_to(std::uint64_t va_begin, std::uint64_t va_end) const {
  auto lo = std::lower_bound(refs_.begin(), refs_.end(), va_begin, [](const CodeRef& r, std::uint64_t v) { return r.target_va < v; });
  auto hi = std::lower_bound(lo, refs_.end(), va_end, [](const CodeRef& r, std::uint64_t v) { return r.target_va < v; });
  return {lo, hi};
}

std::vector<std::uint64_t> XrefIndex::data_pointers_to(std::uint64_t va_begin, std::uint64_t va_end) const {
  std::vector<std::uint64_t> out;
  auto it = std::lower_bound(data_ptrs_.begin(), data_ptrs_.end(), std::make_pair(va_begin, std::uint64_t{0}));
  for (; it != data_ptrs_.end() && it->first < va_end; ++it) out.push_back(it->second);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool XrefIndex::thumb_at(std::uint64_t va) const {
  auto it = std::upper_bound(thumb_.begin(), thumb_.end(), va, [](std::uint64_t v, const auto& r) { return v < r.first; });
  return it != thumb_.begin() && va < std::prev(it)->second;
}

std::vector<std::string> disassemble_around(const ElfImage& img, ByteView bytes, std::uint64_t va,
                                            std::uint64_t function_start, int before, int after, bool thumb) {
  std::vector<std::string> lines;
  auto mode = mode_for(img, thumb);
  if (!mode) return lines;
  Handle h = open_handle(*mode, false);
  if (!h) return lines;
  // Fixed-width: start `before` instructions back; x86: decode forward from up to 64 bytes back.
  const std::uint64_t back = mode->align == 1 ? 64 : static_cast<std::uint64_t>(before) * (thumb ? 4 : mode->align);
  std::uint64_t start = va > back ? va - back : 0;
  if (start < function_start && function_start <= va) start = function_start;
  auto off = img.va_to_offset(start);
  if (!off || *off >= bytes.size()) return lines;
  const std::uint8_t* code = bytes.data() + *off;
  std::size_t size = std::min<std::size_t>(bytes.size() - *off, static_cast<std::size_t>(va - start) + 16 * static_cast<std::size_t>(after + 1));
  std::uint64_t addr = start;
  cs_insn* insn = cs_malloc(*h);
  std::vector<std::pair<std::uint64_t, std::string>> all;
  while (size > 0 && cs_disasm_iter(*h, &code, &size, &addr, insn)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx: ", static_cast<unsigned long long>(insn->address));
    all.emplace_back(insn->address, std::string(buf) + insn->mnemonic + " " + insn->op_str);
    if (insn->address > va && all.size() > 64) break;
  }
  cs_free(insn, 1);
  std::size_t at = all.size();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].first == va) at = i;
  }
  if (at == all.size()) return lines;
  const std::size_t from = at >= static_cast<std::size_t>(before) ? at - static_cast<std::size_t>(before) : 0;
  const std::size_t to = std::min(all.size(), at + static_cast<std::size_t>(after) + 1);
  for (std::size_t i = from; i < to; ++i) lines.push_back((i == at ? "> " : "  ") + all[i].second);
  return lines;
}

}  // namespace fwscan::elf
