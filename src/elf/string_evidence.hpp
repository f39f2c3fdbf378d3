#pragma once
// Attribution: from a YARA string match in a program image (ELF, or PE through the same model)
// to the functions whose code references it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "elf/elf_image.hpp"
#include "elf/xref/xref_index.hpp"
#include "pe/pe_image.hpp"
#include "report/document.hpp"

namespace fwscan::elf {

class ElfAnalysis {
 public:
  // Parses the ELF or PE (LIEF) and, when `sweep`, builds the code reference index.
  static Result<std::unique_ptr<ElfAnalysis>> analyze(ByteView bytes, bool sweep, std::uint64_t max_instructions);
  // The same in stages, so that the pieces of a large sweep run on a pool: load (LIEF), then,
  // to sweep, plan_sweep and every task of the plan (sweep_task, from any thread), then finish
  // with their outputs in task order (nullopt: no sweep).
  static Result<std::unique_ptr<ElfAnalysis>> load(ByteView bytes);
  const SweepPlan& plan_sweep(std::uint64_t max_instructions);
  const SweepPlan& sweep_plan() const { return plan_; }
  SweepOutput sweep_task(std::size_t task) const { return XrefIndex::sweep(img_, bytes_, plan_, task); }
  void finish(std::optional<std::vector<SweepOutput>> outputs);
  ElfSummary summary(std::size_t max_functions) const;  // an ELF's (a PE's: facts())
  // What the report says of the image as a whole: its ElfSummary or PeSummary.
  NodeFacts facts(std::size_t max_functions) const;
  // Evidence for the match [offset, offset+length) of the node's bytes, decoded as `encoding`.
  ElfLocation locate(std::uint64_t offset, std::uint64_t length, Encoding encoding) const;
  // The same as the report's alternative for the format: ElfLocation or PeLocation.
  CodeEvidence evidence(std::uint64_t offset, std::uint64_t length, Encoding encoding) const;
  bool is_pe() const { return pe_.has_value(); }
  bool swept() const { return swept_; }
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  const ElfImage& image() const { return img_; }
  const std::vector<FunctionSymbol>& functions() const { return functions_; }
  const XrefIndex& index() const { return xref_; }

 private:
  void fill(ProgramSummary& s, std::size_t max_functions) const;
  std::string function_name(const FunctionSymbol* f, std::uint64_t va) const;
  std::vector<std::string> exported_callers(const FunctionSymbol* f) const;
  std::vector<std::string> direct_callers(const FunctionSymbol* f, std::uint64_t va) const;
  ByteView bytes_;
  ElfImage img_;
  XrefIndex xref_;
  SweepPlan plan_;
  bool swept_ = false;
  std::vector<FunctionSymbol> functions_;
  std::vector<CallEdge> calls_by_target_;  // the sweep's call edges, sorted by target
  std::vector<Diagnostic> diags_;
  std::optional<pe::PeFacts> pe_;
};

}  // namespace fwscan::elf
