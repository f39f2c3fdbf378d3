#pragma once
// Attribution: from a YARA string match in an ELF to the functions whose code references it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "elf/elf_image.hpp"
#include "elf/xref/xref_index.hpp"
#include "report/document.hpp"

namespace fwscan::elf {

class ElfAnalysis {
 public:
  // Parses the ELF (LIEF) and, when `sweep`, builds the code reference index (Capstone).
  static Result<std::unique_ptr<ElfAnalysis>> analyze(ByteView bytes, bool sweep, std::uint64_t max_instructions);
  // The same in stages, so that the pieces of a large sweep run on a pool: load (LIEF), then,
  // to sweep, plan_sweep and every task of the plan (sweep_task, from any thread), then finish
  // with their outputs in task order (nullopt: no sweep).
  static Result<std::unique_ptr<ElfAnalysis>> load(ByteView bytes);
  const SweepPlan& plan_sweep(std::uint64_t max_instructions);
  const SweepPlan& sweep_plan() const { return plan_; }
  SweepOutput sweep_task(std::size_t task) const { return XrefIndex::sweep(img_, bytes_, plan_, task); }
  void finish(std::optional<std::vector<SweepOutput>> outputs);
  ElfSummary summary(std::size_t max_functions) const;
  // Evidence for the match [offset, offset+length) of the node's bytes, decoded as `encoding`.
  ElfLocation locate(std::uint64_t offset, std::uint64_t length, Encoding encoding) const;
  bool swept() const { return swept_; }
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  const ElfImage& image() const { return img_; }
  const std::vector<FunctionSymbol>& functions() const { return functions_; }
  const XrefIndex& index() const { return xref_; }

 private:
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
};

}  // namespace fwscan::elf
