#include "model/report.hpp"

#include <algorithm>

namespace fwscan {

std::size_t ReportDocument::count_at_or_above(RuleSeverity s) const {
  std::size_t n = 0;
  for (const auto& f : findings) {
    if (f.severity >= s) ++n;
  }
  return n;
}

CodeUsers code_users(const CodeEvidence& evidence) {
  CodeUsers users;
  auto add = [&](const CodeLocation& l) {
    for (const auto& r : l.refs) {
      users.functions.push_back(r.function);
      users.callers.insert(users.callers.end(), r.callers.begin(), r.callers.end());
    }
  };
  std::visit(overloaded{[&](const ElfLocation& l) { add(l); }, [&](const PeLocation& l) { add(l); },
                        [&](const JavaLocation& l) {
                          JavaLocation methods = l;
                          std::erase_if(methods.refs, [](const CodeReference& r) { return r.kind == "constant_value"; });
                          add(methods);
                        }},
             evidence);
  return users;
}

bool layout_reordered(const CodeEvidence& evidence) {
  return std::visit(overloaded{[](const ElfLocation&) { return true; }, [](const PeLocation&) { return true; },
                               [](const JavaLocation&) { return false; }},
                    evidence);
}

const ElfSummary* ReportDocument::elf_summary(NodeId id) const {
  auto it = facts.find(id);
  return it == facts.end() ? nullptr : std::get_if<ElfSummary>(&it->second);
}

const ProgramSummary* ReportDocument::program_summary(NodeId id) const {
  auto it = facts.find(id);
  if (it == facts.end()) return nullptr;
  return std::visit(overloaded{[](const ElfSummary& e) -> const ProgramSummary* { return &e; },
                               [](const PeSummary& p) -> const ProgramSummary* { return &p; }},
                    it->second);
}

std::vector<const NodeRecord*> chain_to(const NodeTable& tree, NodeId id) {
  std::vector<const NodeRecord*> out;
  for (std::optional<NodeId> cur = id; cur; cur = tree.at(*cur).parent) out.push_back(&tree.at(*cur));
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace fwscan
