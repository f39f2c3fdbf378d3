#pragma once
// The unpacker: walks an input depth-first with an explicit work list (no recursion), carves
// each node, extracts chunks, enforces the Limits, and deduplicates content by SHA-256. A chunk
// is extracted when the walk reaches it, after the subtrees of the chunks before it, and a
// handler may give its children's bytes later (Extraction::more), so that the nodes the walk is
// done with (on_ready) can let go of their bytes before more is decoded.
//
// With a worker pool, the pure per-node work of a batch of siblings (SHA-256, entropy, and the
// carver's scan) runs in parallel as soon as the batch is created; the walk itself, and every
// decision that depends on order (duplicates, budgets, node limits, ids), stays sequential, so
// the tree is the same whatever the number of threads.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/limits.hpp"
#include "unpack/extraction_tree.hpp"
#include "unpack/carver.hpp"
#include "unpack/registry.hpp"

namespace fwscan {

class WorkerPool;

class Unpacker {
 public:
  Unpacker(const Registry& registry, Limits limits, WorkerPool* pool = nullptr);
  // Unpacks one input into `tree`; returns the root's id. Never fails: damage becomes diagnostics.
  // `name_repeat` keeps locators unique when several inputs share a name (2 gives "#2").
  NodeId unpack(Blob input, std::string_view name, ExtractionTree& tree, unsigned name_repeat = 1);
  // Hands the nodes the walk has finished (processed: their chunks and children made; a chunk
  // once extracted) to `ready`, in walk order, each node once: whenever the decoded bytes they
  // hold reach `every_bytes` and twice the largest of them, and the rest when the input is done. The walk goes on after the
  // call returns; `ready` may let go of those nodes' bytes (their children hold what they share).
  using ReadyFn = std::function<void(const std::vector<NodeId>&)>;
  void on_ready(ReadyFn ready, std::uint64_t every_bytes);

 private:
  using Work = std::vector<NodeId>;
  // A chunk whose handler gives some children's bytes later: the continuation, and the node of
  // each of its children by index.
  struct Ongoing {
    MoreChildren more;
    std::vector<std::optional<NodeId>> nodes;
  };
  void process(NodeId id, ExtractionTree& tree, Work& work);
  void extract_chunk(NodeId id, ExtractionTree& tree, Work& work);
  // Asks the handler of `id`'s parent for the bytes of its next children (id's among them).
  void fetch_later(NodeId id, ExtractionTree& tree);
  void finished(NodeId id, const ExtractionTree& tree);
  void flush_ready();
  // Flushes the batch in flight when the resident-memory budget is a quarter spent.
  void make_room();
  // Names the resident-memory budget beside the limit diagnostics (from index `from`) it caused.
  void say_resident_cut(Node& n, std::size_t from, const std::string& hid);
  void run_extract(const Handler& handler, NodeId chunk_node, const std::string& chunk_at,
                   std::optional<std::uint64_t> chunk_root_offset, ExtractionTree& tree, Work& work);

  // The byte account of node `id` (its bytes in the input's byte space), and of chunk `id` by
  // its handler; partitions get theirs recorded on the way.
  ByteAccount account(NodeId id, ExtractionTree& tree, bool in_map) const;
  ByteAccount account_chunk(NodeId id, ExtractionTree& tree, bool in_map) const;

  // Hashes the new nodes and carves those that will be walked, on the pool.
  void prepare(const std::vector<NodeId>& ids, ExtractionTree& tree);
  bool will_walk(const Node& node) const;

  const Registry& registry_;
  Limits limits_;
  WorkerPool* pool_;
  std::unordered_map<NodeId, CarveResult> carved_;  // prepared, not yet walked
  Budget budget_;
  // Content-addressed storage: a decoded child whose bytes an earlier decoded node holds shares
  // that node's storage the moment it is made, so 64 identical members cost their bytes once.
  // Only memory changes: which node is a duplicate of which is still the walk's decision.
  void share_storage(const std::vector<NodeId>& ids, ExtractionTree& tree);
  std::unordered_map<std::string, NodeId> stored_;  // sha256 -> first decoded node with those bytes
  std::map<std::string, NodeId> seen_;  // sha256 -> first node (of this unpacker's inputs)
  std::size_t first_node_ = 0;          // id of the input's root: max_nodes counts from there
  std::map<NodeId, Ongoing> ongoing_;
  ReadyFn ready_fn_;
  std::uint64_t ready_every_ = 0;
  std::vector<NodeId> ready_;
  std::uint64_t ready_bytes_ = 0, ready_largest_ = 0;
};

}  // namespace fwscan
