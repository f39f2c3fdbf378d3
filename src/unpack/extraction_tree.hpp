#pragma once
// The extraction tree: every node the unpacker produced, with its provenance and locator.
//
// Locator grammar (docs/locators.md):
//   locator = root-name *( "/" handler "@" hex-offset [ ":" entry ] )
// A step "H@0xO" is the chunk that handler H identified at offset O of the previous node;
// ":entry" names an entry that H extracted from that chunk. Entries escape '%', '@', '#'
// and control bytes as %XX, so every "/<id>@0x" in a locator starts a step. A repeated
// entry name in one chunk gets "#2", "#3"...
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/blob.hpp"
#include "core/diagnostic.hpp"
#include "unpack/carver.hpp"
#include "unpack/handler.hpp"

namespace fwscan {

using NodeId = std::uint32_t;

enum class NodeKind : std::uint8_t {
  kRoot,    // an input file
  kChunk,   // a chunk carved out of a node that holds more than one thing
  kEntry,   // an entry a handler extracted
};

std::string_view node_kind_name(NodeKind k);

struct ProvenanceStep {
  std::string handler;          // "root", "squashfs", "gzip", ...
  std::uint64_t offset = 0;     // chunk: offset in the parent; entry: offset in the chunk (carved only)
  std::uint64_t length = 0;
  std::string entry;            // entry path, empty for chunks
  ChildOrigin origin = ChildOrigin::kCarved;
};

struct Node {
  NodeId id = 0;
  std::optional<NodeId> parent;
  int depth = 0;
  NodeKind kind = NodeKind::kRoot;
  ProvenanceStep step;
  std::string locator;
  EntryMeta meta;
  Blob data;
  std::string sha256;
  double entropy = 0.0;
  std::optional<std::uint64_t> root_offset;  // absolute offset in the input when every step is carved
  std::optional<std::string> handler;        // format identified for this node as a whole
  std::string description;
  std::vector<std::pair<std::string, std::string>> properties;  // decoded header fields
  Confidence confidence = Confidence::kLow;
  std::vector<UnknownRegion> unknown;        // set when the node was carved into several chunks
  std::optional<double> coverage;            // share of non-padding bytes explained by chunks
  std::optional<NodeId> duplicate_of;        // same content as an earlier node: not processed again
  std::vector<Diagnostic> diagnostics;
  std::vector<NodeId> children;

  std::uint64_t size() const { return data.size(); }
  bool is_content() const { return meta.kind == EntryKind::kFile; }
};

class ExtractionTree {
 public:
  NodeId add(Node node);  // assigns the id
  Node& at(NodeId id) { return nodes_[id]; }
  const Node& at(NodeId id) const { return nodes_[id]; }
  const std::vector<Node>& nodes() const { return nodes_; }
  std::vector<Node>& nodes() { return nodes_; }
  const std::vector<NodeId>& roots() const { return roots_; }
  std::size_t size() const { return nodes_.size(); }
  // Root-first chain of provenance steps for a node.
  std::vector<ProvenanceStep> provenance(NodeId id) const;
  const Node* find_locator(std::string_view locator) const;

 private:
  std::vector<Node> nodes_;
  std::vector<NodeId> roots_;
};

// Escapes one entry name or root name for use in a locator.
std::string escape_locator_part(std::string_view raw);

}  // namespace fwscan
