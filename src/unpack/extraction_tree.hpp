#pragma once
// The extraction tree: the unpacker's working state. Every node the unpacker produced, with its
// provenance, its locator (model/node.hpp) and its bytes. The report never holds this tree: the
// pipeline snapshots it into the model's NodeTable (records, no bytes) when the scan ends.
#include "core/blob.hpp"
#include "model/node.hpp"

namespace fwscan {

struct Node : NodeRecord {
  Blob data;
  bool hashed = false;  // sha256 and entropy are set (the unpacker may do it ahead, in parallel)
  bool later = false;   // its bytes are still to come from its handler (Extraction::more)
  // The bytes of this node (a carved node) or of this chunk (a partition map's) that nothing
  // found claims: padding runs and data, for the byte account.
  std::uint64_t gap_padding = 0, gap_data = 0;
  bool carved = false;  // its carve ran (a depth limit or a duplicate stops it)
  bool partition = false;  // Child::partition
};

class ExtractionTree : public NodeList<Node> {
 public:
  NodeId add(Node node) {  // assigns the id; the record's size is the bytes'
    node.byte_size = node.data.size();
    return NodeList<Node>::add(std::move(node));
  }
  // The records of every node, without their bytes, for the report.
  NodeTable snapshot() const;
};

}  // namespace fwscan
