#include "elf/string_evidence.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/hash.hpp"
#include "elf/functions.hpp"
#include "report/text_encoding.hpp"
#include "scan/text_views.hpp"

namespace fwscan::elf {
namespace {
constexpr std::uint64_t kMaxStringWiden = 512;
constexpr std::uint64_t kTableReach = 1024;  // a pointer slot belongs to a table starting at most this far before it
constexpr int kCallerDepth = 4;

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}
}  // namespace

Result<std::unique_ptr<ElfAnalysis>> ElfAnalysis::load(ByteView bytes) {
  auto a = std::unique_ptr<ElfAnalysis>(new ElfAnalysis());
  if (pe::looks_like_pe(bytes)) {
    FWSCAN_ASSIGN_OR_RETURN(pe::LoadedPe loaded, pe::load_pe(bytes));
    a->img_ = std::move(loaded.image);
    a->pe_ = std::move(loaded.facts);
  } else {
    FWSCAN_ASSIGN_OR_RETURN(ElfImage img, load_elf(bytes));
    a->img_ = std::move(img);
  }
  a->bytes_ = bytes;
  a->diags_ = a->img_.diagnostics;
  return a;
}

const SweepPlan& ElfAnalysis::plan_sweep(std::uint64_t max_instructions) {
  plan_ = XrefIndex::plan(img_, bytes_, max_instructions);
  return plan_;
}

void ElfAnalysis::finish(std::optional<std::vector<SweepOutput>> outputs) {
  if (outputs) {
    xref_ = XrefIndex::assemble(img_, bytes_, plan_, std::move(*outputs), diags_);
    swept_ = true;
  }
  functions_ = discover_functions(img_, bytes_, swept_ ? &xref_ : nullptr);
  calls_by_target_ = xref_.calls();
  std::sort(calls_by_target_.begin(), calls_by_target_.end(),
            [](const CallEdge& x, const CallEdge& y) { return x.target_va < y.target_va; });
}

Result<std::unique_ptr<ElfAnalysis>> ElfAnalysis::analyze(ByteView bytes, bool sweep, std::uint64_t max_instructions) {
  FWSCAN_ASSIGN_OR_RETURN(std::unique_ptr<ElfAnalysis> a, load(bytes));
  if (!sweep) {
    a->finish(std::nullopt);
    return a;
  }
  const SweepPlan& plan = a->plan_sweep(max_instructions);
  std::vector<SweepOutput> outputs;
  for (std::size_t t = 0; t < plan.tasks(); ++t) outputs.push_back(a->sweep_task(t));
  a->finish(std::move(outputs));
  return a;
}

void ElfAnalysis::fill(ProgramSummary& s, std::size_t max_functions) const {
  s.arch = std::string(arch_name(img_.arch));
  s.bits = img_.bits;
  s.entry = img_.entry;
  s.stripped = img_.stripped;
  s.needed = img_.needed;
  s.exports = img_.exports;
  s.imports = img_.imports.size();
  s.function_count = functions_.size();
  for (const auto& f : functions_) {
    if (s.functions.size() >= max_functions) break;
    s.functions.push_back({f.addr, f.size, function_name(&f, f.addr), std::string(function_source_name(f.source))});
  }
  s.swept = swept_;
  s.instructions = xref_.stats().instructions;
}

ElfSummary ElfAnalysis::summary(std::size_t max_functions) const {
  ElfSummary s;
  fill(s, max_functions);
  s.endian = img_.big_endian ? "big" : "little";
  s.type = img_.pie ? (img_.interpreter.empty() && !img_.exports.empty() ? "shared_object" : "pie_executable") : "executable";
  s.interpreter = img_.interpreter;
  s.build_id = img_.build_id;
  s.pie = img_.pie;
  return s;
}

NodeFacts ElfAnalysis::facts(std::size_t max_functions) const {
  if (!pe_) return summary(max_functions);
  PeSummary s;
  fill(s, max_functions);
  s.type = pe_->type;
  s.subsystem = pe_->subsystem;
  s.timestamp = pe_->timestamp;
  s.image_base = img_.image_base;
  s.pdb_path = pe_->pdb_path;
  s.pdb_id = pe_->pdb_id;
  s.version_info = pe_->version_info;
  s.signed_ = pe_->signed_;
  s.dotnet = pe_->dotnet;
  return s;
}

CodeEvidence ElfAnalysis::evidence(std::uint64_t offset, std::uint64_t length, Encoding encoding) const {
  ElfLocation loc = locate(offset, length, encoding);
  if (!pe_) return loc;
  PeLocation p;
  static_cast<CodeLocation&>(p) = std::move(static_cast<CodeLocation&>(loc));
  p.rva = p.va - img_.image_base;
  return p;
}

std::string ElfAnalysis::function_name(const FunctionSymbol* f, std::uint64_t va) const {
  if (f == nullptr) return "sub_" + hex(va);
  return f->name.empty() ? "sub_" + hex(f->addr) : f->name;
}

std::vector<std::string> ElfAnalysis::direct_callers(const FunctionSymbol* f, std::uint64_t va) const {
  constexpr std::size_t kMaxCallers = 16;
  std::vector<std::string> out;
  if (f == nullptr) return out;
  auto c = std::lower_bound(calls_by_target_.begin(), calls_by_target_.end(), f->addr,
                            [](const CallEdge& e, std::uint64_t v) { return e.target_va < v; });
  for (; c != calls_by_target_.end() && c->target_va == f->addr && out.size() < kMaxCallers; ++c) {
    const FunctionSymbol* caller = containing_function(img_, functions_, c->insn_va);
    if (caller != nullptr && caller != f) out.push_back(function_name(caller, va));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> ElfAnalysis::exported_callers(const FunctionSymbol* f) const {
  std::vector<std::string> out;
  if (f == nullptr) return out;
  std::set<std::uint64_t> seen{f->addr};
  std::vector<const FunctionSymbol*> frontier{f};
  for (int depth = 0; depth <= kCallerDepth && !frontier.empty(); ++depth) {
    std::vector<const FunctionSymbol*> next;
    for (const FunctionSymbol* g : frontier) {
      if (g->exported && !g->name.empty()) out.push_back(g->name);
      auto c = std::lower_bound(calls_by_target_.begin(), calls_by_target_.end(), g->addr,
                                [](const CallEdge& e, std::uint64_t v) { return e.target_va < v; });
      for (; c != calls_by_target_.end() && c->target_va == g->addr; ++c) {
        const FunctionSymbol* caller = containing_function(img_, functions_, c->insn_va);
        if (caller != nullptr && seen.insert(caller->addr).second) next.push_back(caller);
      }
    }
    frontier = std::move(next);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ElfLocation ElfAnalysis::locate(std::uint64_t offset, std::uint64_t length, Encoding encoding) const {
  ElfLocation loc;
  auto va = img_.offset_to_va(offset);
  if (!va) return loc;
  loc.va = *va;
  if (const SectionInfo* s = img_.section_at(*va)) loc.section = s->name;
  if (const LoadSegment* g = img_.segment_at(*va)) {
    loc.segment = "LOAD " + hex_u64(g->vaddr) + " r" + (g->write ? "w" : "-") + (g->exec ? "x" : "-");
  }
  // Widen to the enclosing string: back to the previous terminator, forward to the next.
  const bool wide = is_utf16(encoding);
  const std::uint64_t unit = wide ? 2 : 1;
  auto is_nul = [&](std::uint64_t o) { return wide ? (o + 1 < bytes_.size() && bytes_[o] == 0 && bytes_[o + 1] == 0) : bytes_[o] == 0; };
  // Back: to a NUL, or for UTF-16 to what bounds a run before it (the views' rule: also the NUL
  // of a byte string that ends at an odd offset just before the string).
  auto bound_before = [&](std::uint64_t o) { return wide ? utf16_bound_before(bytes_, o, encoding == Encoding::kUtf16be) : bytes_[o] == 0; };
  std::uint64_t start = offset;
  while (start >= unit && offset - start < kMaxStringWiden && !bound_before(start - unit)) start -= unit;
  std::uint64_t end = std::min<std::uint64_t>(offset + length, bytes_.size());
  while (end + unit <= bytes_.size() && end - offset < kMaxStringWiden && !is_nul(end)) end += unit;
  loc.string_text = decode_text(encoding, bytes_.subspan(start, end - start)).text;
  loc.string_va = *va - (offset - start);
  if (!swept_) return loc;
  const std::uint64_t match_end_va = *va + length;
  auto add_ref = [&](const CodeRef& r, std::optional<std::uint64_t> via) {
    const FunctionSymbol* f = containing_function(img_, functions_, r.insn_va);
    CodeReference c;
    c.insn_va = r.insn_va;
    c.function = function_name(f, r.insn_va);
    c.function_va = f != nullptr ? f->addr : r.insn_va;
    c.function_offset = r.insn_va - c.function_va;
    c.function_source = f != nullptr ? std::string(function_source_name(f->source)) : "none";
    c.kind = std::string(ref_kind_name(via ? RefKind::kDataPointer : r.kind));
    c.via_slot = via;
    c.disasm = disassemble_around(img_, bytes_, r.insn_va, c.function_va, 3, 3, xref_.thumb_at(r.insn_va));
    c.exported_via = exported_callers(f);
    c.callers = direct_callers(f, r.insn_va);
    loc.refs.push_back(std::move(c));
  };
  for (const CodeRef& r : xref_.refs_to(loc.string_va, match_end_va)) add_ref(r, std::nullopt);
  // One more hop: pointers to the string stored in data, then the code that loads their table.
  // The table is the data object (symbol) holding the slot; without symbols, the nearest
  // code-referenced address below the slot, provided every word in between is a pointer (a pure
  // pointer table), so neighbouring tables are never confused.
  const int w = img_.bits / 8;
  for (std::uint64_t slot : xref_.data_pointers_to(loc.string_va, match_end_va)) {
    auto obj = std::upper_bound(img_.objects.begin(), img_.objects.end(), slot,
                                [](std::uint64_t v, const DataObject& o) { return v < o.addr; });
    if (obj != img_.objects.begin() && slot - std::prev(obj)->addr < std::prev(obj)->size) {
      const DataObject& o = *std::prev(obj);
      for (const CodeRef& r : xref_.refs_to(o.addr, o.addr + o.size)) add_ref(r, slot);
      continue;
    }
    // A symbol table that sizes the data objects, and none covers the slot. (A PE's COFF symbols
    // give no sizes: its objects stay empty and the table is found as in a stripped ELF.)
    if (!img_.stripped && !img_.objects.empty()) continue;
    // GOT slots are one per address, loaded by the code that uses them (got_load): not tables.
    if (const SectionInfo* sec = img_.section_at(slot); sec && sec->name.rfind(".got", 0) == 0) continue;
    const std::uint64_t lo = slot > kTableReach ? slot - kTableReach : 0;
    auto candidates = xref_.refs_to(lo, slot + 1);
    if (candidates.empty()) continue;
    const std::uint64_t base = candidates.back().target_va;
    // Every word from the base to the slot must be a pointer or a small integer (an array of
    // pointers or of small structs such as {int id; const char* label}).
    bool pure = true;
    for (std::uint64_t a = base; a < slot && pure; a += static_cast<std::uint64_t>(w)) {
      const bool reloc = std::binary_search(img_.relocations.begin(), img_.relocations.end(), Relocation{a, 0},
                                            [](const Relocation& x, const Relocation& y) { return x.slot < y.slot; });
      auto v = img_.read_word(bytes_, a, w);
      pure = reloc || (v && (img_.segment_at(*v) != nullptr || *v < 0x10000));
    }
    if (!pure) continue;
    for (const CodeRef& r : candidates) {
      if (r.target_va == base) add_ref(r, slot);
    }
  }
  std::sort(loc.refs.begin(), loc.refs.end(), [](const CodeReference& a, const CodeReference& b) { return a.insn_va < b.insn_va; });
  loc.refs.erase(std::unique(loc.refs.begin(), loc.refs.end(), [](const CodeReference& a, const CodeReference& b) {
    return a.insn_va == b.insn_va;
  }), loc.refs.end());
  return loc;
}

}  // namespace fwscan::elf
