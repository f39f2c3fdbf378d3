#include "unpack/extraction_tree.hpp"

#include <cmath>
#include <cstdio>

namespace fwscan {
namespace {

// The report states entropy and coverage to fixed precision; the model holds the stated value,
// so a report read back from JSON is the report that was written.
double rounded(double v, double scale) { return std::round(v * scale) / scale; }

}  // namespace

std::string_view node_kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::kRoot: return "root";
    case NodeKind::kChunk: return "chunk";
    case NodeKind::kEntry: return "entry";
  }
  return "entry";
}

std::optional<NodeKind> node_kind_from_name(std::string_view name) {
  for (NodeKind k : {NodeKind::kRoot, NodeKind::kChunk, NodeKind::kEntry}) {
    if (node_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

NodeTable ExtractionTree::snapshot() const {
  NodeTable table;
  for (const Node& n : nodes()) {
    NodeRecord r = static_cast<const NodeRecord&>(n);
    r.children.clear();  // add() rebuilds them, in the same order
    r.entropy = rounded(r.entropy, 1000.0);
    if (r.coverage) r.coverage = rounded(*r.coverage, 10000.0);
    for (auto& u : r.unknown) u.entropy = rounded(u.entropy, 1000.0);
    table.add(std::move(r));
  }
  return table;
}

}  // namespace fwscan
