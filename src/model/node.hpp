#pragma once
// A node of the report model: everything the report says about one node of the extraction,
// without its bytes (docs/architecture.md). The unpacker's working tree (unpack/extraction_tree.hpp)
// holds the same record plus the bytes; the pipeline snapshots it into a NodeTable at the end.
//
// Locator grammar (docs/locators.md):
//   locator = root-name *( "/" handler "@" hex-offset [ ":" entry ] )
// A step "H@0xO" is the chunk that handler H identified at offset O of the previous node;
// ":entry" names an entry that H extracted from that chunk. Entries escape '%', '@', '#'
// and control bytes as %XX, so every "/<id>@0x" in a locator starts a step. A repeated
// entry name in one chunk gets "#2", "#3"...
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnostic.hpp"
#include "model/locator.hpp"
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
std::optional<NodeKind> node_kind_from_name(std::string_view name);

struct ProvenanceStep {
  std::string handler;          // "root", "squashfs", "gzip", ...
  std::uint64_t offset = 0;     // chunk: offset in the parent; entry: offset in the chunk (carved only)
  std::uint64_t length = 0;
  std::string entry;            // entry path, empty for chunks
  ChildOrigin origin = ChildOrigin::kCarved;
};

// How the bytes of a node in its input's byte space (the input, the chunks carved from it, the
// partitions a map bounds) are accounted for: each byte in exactly one class (docs/report-schema.md).
struct ByteAccount {
  std::uint64_t verified = 0;  // read by a handler, and a check it made covers them (a checksum or hash that matched)
  std::uint64_t read = 0;      // read by a handler; no check covers them
  std::uint64_t located = 0;   // bounded by a partition map (or a recognised header) but not read by any handler
  std::uint64_t padding = 0;   // runs of 0x00 or 0xFF that no handler claims
  std::uint64_t unknown = 0;   // everything else
  std::uint64_t total() const { return verified + read + located + padding + unknown; }
  ByteAccount& operator+=(const ByteAccount& o) {
    verified += o.verified;
    read += o.read;
    located += o.located;
    padding += o.padding;
    unknown += o.unknown;
    return *this;
  }
  bool operator==(const ByteAccount&) const = default;
};

struct NodeRecord {
  NodeId id = 0;
  std::optional<NodeId> parent;
  int depth = 0;
  NodeKind kind = NodeKind::kRoot;
  ProvenanceStep step;
  std::string locator;
  EntryMeta meta;
  std::uint64_t byte_size = 0;               // of the node's bytes
  std::string sha256;
  double entropy = 0.0;
  std::optional<std::uint64_t> root_offset;  // absolute offset in the input when every step is carved
  std::optional<std::string> handler;        // format identified for this node as a whole
  std::string description;
  std::vector<std::pair<std::string, std::string>> properties;  // decoded header fields
  Confidence confidence = Confidence::kLow;
  std::vector<UnknownRegion> unknown;        // set when the node was carved into several chunks
  std::optional<double> coverage;            // share of non-padding bytes explained by chunks
  // The ranges of this node's bytes that its handler's checks covered (a CRC, a hash), merged
  // and in order; the bytes of the node's ByteAccount::verified come from here.
  std::vector<Extent> verified;
  // Set on each input's root and on each partition a map bounds.
  std::optional<ByteAccount> bytes;
  std::optional<NodeId> duplicate_of;        // same content as an earlier node: not processed again
  std::vector<Diagnostic> diagnostics;
  std::vector<NodeId> children;

  std::uint64_t size() const { return byte_size; }
  bool is_content() const { return meta.kind == EntryKind::kFile; }
};

// Nodes by id (ids are indices, parents come before children), with the roots in input order.
template <class N>
class NodeList {
 public:
  NodeId add(N node) {  // assigns the id
    node.id = static_cast<NodeId>(nodes_.size());
    if (!node.parent) roots_.push_back(node.id);
    nodes_.push_back(std::move(node));
    const N& added = nodes_.back();
    if (added.parent) nodes_[*added.parent].children.push_back(added.id);
    return added.id;
  }
  N& at(NodeId id) { return nodes_[id]; }
  const N& at(NodeId id) const { return nodes_[id]; }
  const std::vector<N>& nodes() const { return nodes_; }
  std::vector<N>& nodes() { return nodes_; }
  const std::vector<NodeId>& roots() const { return roots_; }
  std::size_t size() const { return nodes_.size(); }
  bool contains(NodeId id) const { return id < nodes_.size(); }
  // Root-first chain of provenance steps for a node.
  std::vector<ProvenanceStep> provenance(NodeId id) const {
    std::vector<ProvenanceStep> chain;
    for (std::optional<NodeId> cur = id; cur; cur = nodes_[*cur].parent) chain.push_back(nodes_[*cur].step);
    std::reverse(chain.begin(), chain.end());
    return chain;
  }
  NodeId root_of(NodeId id) const {
    while (nodes_[id].parent) id = *nodes_[id].parent;
    return id;
  }
  const N* find_locator(std::string_view locator) const {
    for (const N& n : nodes_) {
      if (n.locator == locator) return &n;
    }
    return nullptr;
  }

 private:
  std::vector<N> nodes_;
  std::vector<NodeId> roots_;
};

// The report's nodes: records only, no bytes.
using NodeTable = NodeList<NodeRecord>;

}  // namespace fwscan
