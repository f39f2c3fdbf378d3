#include "unpack/extraction_tree.hpp"

#include <algorithm>
#include <cstdio>

namespace fwscan {

std::string_view node_kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::kRoot: return "root";
    case NodeKind::kChunk: return "chunk";
    case NodeKind::kEntry: return "entry";
  }
  return "entry";
}

NodeId ExtractionTree::add(Node node) {
  node.id = static_cast<NodeId>(nodes_.size());
  if (!node.parent) roots_.push_back(node.id);
  nodes_.push_back(std::move(node));
  const Node& added = nodes_.back();
  if (added.parent) nodes_[*added.parent].children.push_back(added.id);
  return added.id;
}

std::vector<ProvenanceStep> ExtractionTree::provenance(NodeId id) const {
  std::vector<ProvenanceStep> chain;
  std::optional<NodeId> cur = id;
  while (cur) {
    chain.push_back(nodes_[*cur].step);
    cur = nodes_[*cur].parent;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

const Node* ExtractionTree::find_locator(std::string_view locator) const {
  for (const Node& n : nodes_) {
    if (n.locator == locator) return &n;
  }
  return nullptr;
}

std::string escape_locator_part(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    if (c < 0x20 || c == 0x7F || c == '%' || c == '@' || c == '#') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace fwscan
