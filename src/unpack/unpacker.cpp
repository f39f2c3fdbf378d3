#include "unpack/unpacker.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <set>

#include "core/hash.hpp"
#include "core/worker_pool.hpp"

namespace fwscan {
namespace {
// Extents clipped to [0, size), sorted and merged where they touch or overlap.
std::vector<Extent> merged_within(std::vector<Extent> in, std::uint64_t size) {
  std::vector<Extent> out;
  for (Extent& e : in) {
    if (e.offset >= size) continue;
    e.size = std::min(e.size, size - e.offset);
  }
  std::sort(in.begin(), in.end(), [](const Extent& a, const Extent& b) { return a.offset < b.offset; });
  for (const Extent& e : in) {
    if (e.offset >= size || e.size == 0) continue;
    if (!out.empty() && e.offset <= out.back().offset + out.back().size) {
      out.back().size = std::max(out.back().offset + out.back().size, e.offset + e.size) - out.back().offset;
    } else {
      out.push_back(e);
    }
  }
  return out;
}

void pool_run_or_inline(WorkerPool* pool, std::size_t n, const std::function<void(std::size_t, unsigned)>& task) {
  if (pool != nullptr) {
    pool->run(n, task);
  } else {
    for (std::size_t i = 0; i < n; ++i) task(i, 0);
  }
}
// Hashes the content nodes of `ids` that are not hashed yet: SHA-256 and entropy are two tasks
// each, so one large node (an image and its chunk) takes both threads.
void hash_all(WorkerPool* pool, const std::vector<NodeId>& ids, ExtractionTree& tree) {
  std::vector<NodeId> todo;
  for (NodeId id : ids) {
    const Node& n = tree.at(id);
    if (n.is_content() && !n.hashed) todo.push_back(id);
  }
  pool_run_or_inline(pool, 2 * todo.size(), [&](std::size_t i, unsigned) {
    Node& n = tree.at(todo[i / 2]);
    if (i % 2 == 0) n.sha256 = sha256_hex(n.data);
    else n.entropy = shannon_entropy(n.data);
  });
  for (NodeId id : todo) tree.at(id).hashed = true;
}

}  // namespace

Unpacker::Unpacker(const Registry& registry, Limits limits, WorkerPool* pool)
    : registry_(registry), limits_(limits), pool_(pool), budget_(limits_) {}

bool Unpacker::will_walk(const Node& node) const {
  return node.is_content() && node.size() != 0 && node.kind != NodeKind::kChunk &&
         node.depth < limits_.max_depth && seen_.count(node.sha256) == 0;
}

void Unpacker::prepare(const std::vector<NodeId>& ids, ExtractionTree& tree) {
  if (pool_ == nullptr || pool_->jobs() < 2 || ids.size() < 2) return;  // process() does it in turn
  // The pool only reads the tree and writes each node's own fields; nothing is added meanwhile.
  hash_all(pool_, ids, tree);
  // Carve ahead only what the walk will carve: not a duplicate of a walked node or of an earlier
  // sibling (a sibling may still turn out to duplicate a node inside an earlier sibling's subtree;
  // its carve result is then dropped unused).
  std::vector<NodeId> to_carve;
  std::set<std::string> batch;
  for (NodeId id : ids) {
    const Node& n = tree.at(id);
    if (will_walk(n) && batch.insert(n.sha256).second) to_carve.push_back(id);
  }
  // Largest first, so one large sibling taken last does not leave the other threads idle.
  std::vector<std::size_t> order(to_carve.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return tree.at(to_carve[a]).size() > tree.at(to_carve[b]).size();
  });
  std::vector<CarveResult> results(to_carve.size());
  pool_->run(to_carve.size(), [&](std::size_t k, unsigned) {
    const std::size_t i = order[k];
    results[i] = carve(tree.at(to_carve[i]).data, registry_, limits_);
  });
  for (std::size_t i = 0; i < to_carve.size(); ++i) carved_.emplace(to_carve[i], std::move(results[i]));
}

NodeId Unpacker::unpack(Blob input, std::string_view name, ExtractionTree& tree, unsigned name_repeat) {
  Node root;
  root.kind = NodeKind::kRoot;
  root.step = {"root", 0, input.size(), std::string(name), ChildOrigin::kCarved};
  root.locator = root_locator(name, name_repeat);
  root.root_offset = 0;
  root.data = std::move(input);
  first_node_ = tree.size();
  const NodeId root_id = tree.add(std::move(root));
  Work work{root_id};
  while (!work.empty()) {
    const NodeId id = work.back();
    work.pop_back();
    if (tree.at(id).later) fetch_later(id, tree);
    process(id, tree, work);
    finished(id, tree);
  }
  ongoing_.clear();
  // The byte account of the input, and of every node inside it that was carved into chunks or
  // claimed by a partition map (a flash dump inside an archive); partitions get theirs on the way.
  tree.at(root_id).bytes = account(root_id, tree, false);
  for (std::size_t i = root_id + 1; i < tree.size(); ++i) {
    Node& n = tree.at(static_cast<NodeId>(i));
    if (n.bytes || n.kind == NodeKind::kChunk || n.duplicate_of) continue;
    const Handler* h = n.handler ? registry_.find(*n.handler) : nullptr;
    if (n.coverage || (h != nullptr && h->info().maps_node)) n.bytes = account(n.id, tree, false);
  }
  flush_ready();
  return root_id;
}

// The byte account of a node in the input's byte space (DESIGN.md 4.9): its chunks' bytes by what
// their handlers did with them, a partition map's partitions each on their own (and recorded on
// the partition's node), what no chunk claims as padding, or as located inside a partition, or as
// unknown. A duplicate is accounted as its first copy; whatever this leaves unexplained (a
// partition the node limit dropped) is unknown, so the classes always sum to the node's size.
ByteAccount Unpacker::account(NodeId id, ExtractionTree& tree, bool in_map) const {
  const Node& n = tree.at(id);
  ByteAccount a;
  auto is_ancestor = [&](NodeId maybe) {
    for (std::optional<NodeId> up = n.parent; up; up = tree.at(*up).parent) {
      if (*up == maybe) return true;
    }
    return false;
  };
  if (n.duplicate_of && is_ancestor(*n.duplicate_of)) {
    // Its own container's bytes again (a map's only partition, a quine): nothing is known of it
    // that is not counted above; the remainder below classes it.
  } else if (n.duplicate_of) {
    a = account(*n.duplicate_of, tree, in_map);
  } else if (n.kind == NodeKind::kChunk || n.handler) {  // a chunk, or a node one handler claims whole
    a = account_chunk(id, tree, in_map);
  } else {
    for (const NodeId c : n.children) {
      if (tree.at(c).kind == NodeKind::kChunk) a += account_chunk(c, tree, in_map);
    }
    a.padding += n.gap_padding;
    (in_map ? a.located : a.unknown) += n.gap_data;
  }
  const std::uint64_t size = n.size();
  if (a.total() > size) a = ByteAccount{};  // cannot happen for a consistent tree: claim nothing then
  (in_map ? a.located : a.unknown) += size - a.total();
  return a;
}

ByteAccount Unpacker::account_chunk(NodeId id, ExtractionTree& tree, bool in_map) const {
  const Node& c = tree.at(id);
  ByteAccount a;
  const Handler* h = c.handler ? registry_.find(*c.handler) : nullptr;
  if (h == nullptr) {
    (in_map ? a.located : a.unknown) += c.size();
  } else if (h->info().maps_node) {
    for (const NodeId p : c.children) {
      Node& part = tree.at(p);
      if (part.step.origin != ChildOrigin::kCarved || !part.is_content()) continue;
      if (!part.partition) {  // data between partitions: carved, but the map does not bound it
        a += account(p, tree, false);
        continue;
      }
      part.bytes = account(p, tree, true);
      a += *part.bytes;
    }
    a.padding += c.gap_padding;
    a.unknown += c.gap_data;
  } else if (h->info().support == Support::kRecognised) {
    a.located += c.size();
  } else {
    for (const Extent& e : c.verified) a.verified += e.size;
    a.read += c.size() - std::min(a.verified, c.size());
  }
  return a;
}

void Unpacker::on_ready(ReadyFn ready, std::uint64_t every_bytes) {
  ready_fn_ = std::move(ready);
  ready_every_ = every_bytes;
}

void Unpacker::finished(NodeId id, const ExtractionTree& tree) {
  if (!ready_fn_) return;
  ready_.push_back(id);
  const Node& n = tree.at(id);
  // What letting go of the batch frees: decoded bytes and the input itself (a slice shares them).
  if (n.kind == NodeKind::kRoot || n.step.origin == ChildOrigin::kDecoded) {
    ready_bytes_ += n.data.size();
    ready_largest_ = std::max<std::uint64_t>(ready_largest_, n.data.size());
  }
  // A large node waits for as much other work: its analysis alone would leave threads idle;
  // but not past a quarter of the resident-memory budget.
  if (ready_bytes_ >= std::max(ready_every_, 2 * ready_largest_)) flush_ready();
  else make_room();
}

void Unpacker::make_room() {
  // The batch in flight goes (analysed, its bytes let go) before more is decoded, once a quarter
  // of the resident-memory budget is held and some of it is the batch's.
  if (ready_bytes_ > 0 && resident_decoded_bytes() >= limits_.max_resident_bytes / 4) flush_ready();
}

void Unpacker::say_resident_cut(Node& n, std::size_t from, const std::string& hid) {
  const auto cut = budget_.take_resident_cut();
  if (!cut) return;
  const bool limited = std::any_of(n.diagnostics.begin() + static_cast<std::ptrdiff_t>(from), n.diagnostics.end(), [](const Diagnostic& d) {
    return d.code == DiagCode::kLimitExpansion || d.code == DiagCode::kLimitSize || d.code == DiagCode::kLimitFile;
  });
  if (!limited) return;
  n.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitResident,
                           "the cut above is the resident-memory budget's (" + std::to_string(limits_.max_resident_bytes >> 20) +
                               " MiB, --max-resident-mib): one decode may take half of it, and " + std::to_string(cut->second >> 20) +
                               " MiB of decoded bytes were held; capped at " + std::to_string(cut->first) + " bytes",
                           hid, std::nullopt});
}

void Unpacker::flush_ready() {
  if (!ready_fn_ || ready_.empty()) return;
  std::vector<NodeId> batch;
  batch.swap(ready_);
  ready_bytes_ = 0;
  ready_largest_ = 0;
  ready_fn_(batch);
}

void Unpacker::share_storage(const std::vector<NodeId>& ids, ExtractionTree& tree) {
  for (NodeId id : ids) {
    Node& n = tree.at(id);
    if (!n.is_content() || n.size() == 0 || n.step.origin != ChildOrigin::kDecoded) continue;  // a slice shares already
    if (!n.hashed) {
      n.sha256 = sha256_hex(n.data);
      n.entropy = shannon_entropy(n.data);
      n.hashed = true;
    }
    auto [it, inserted] = stored_.emplace(n.sha256, id);
    if (inserted) continue;
    const Blob& held = tree.at(it->second).data;
    if (held.size() == n.data.size()) n.data = held;  // the same bytes: this copy is freed now
    else it->second = id;                             // the first was let go (its batch is done): this one is kept
  }
}

void Unpacker::process(NodeId id, ExtractionTree& tree, Work& work) {
  {
    Node& node = tree.at(id);
    if (!node.is_content()) return;
    if (!node.hashed) hash_all(pool_, {id}, tree);
    if (node.size() == 0) return;
    if (node.kind != NodeKind::kChunk) {
      auto [it, inserted] = seen_.emplace(node.sha256, id);
      if (!inserted) {
        node.duplicate_of = it->second;
        carved_.erase(id);
        return;
      }
    }
    if (node.kind == NodeKind::kChunk) {  // a chunk carved from its parent: its handler extracts it
      extract_chunk(id, tree, work);
      return;
    }
    if (node.depth >= limits_.max_depth) {
      node.diagnostics.push_back({Severity::kWarning, DiagCode::kLimitDepth,
                                  "depth limit " + std::to_string(limits_.max_depth) +
                                      " reached; not unpacked further",
                                  "", std::nullopt});
      return;
    }
  }

  CarveResult carved;
  if (auto ahead = carved_.find(id); ahead != carved_.end()) {
    carved = std::move(ahead->second);
    carved_.erase(ahead);
  } else {
    carved = carve(tree.at(id).data, registry_, limits_, pool_);
  }
  Node& node = tree.at(id);
  node.diagnostics.insert(node.diagnostics.end(), carved.diagnostics.begin(), carved.diagnostics.end());
  node.carved = true;
  for (const auto& r : carved.unknown) (r.padding ? node.gap_padding : node.gap_data) += r.size;
  if (carved.chunks.empty()) return;

  const bool whole = carved.chunks.size() == 1 && carved.chunks[0].chunk.offset == 0 &&
                     carved.chunks[0].chunk.size == node.size();
  if (whole) {
    const CarvedChunk& c = carved.chunks[0];
    const Handler& h = registry_.at(c.handler);
    node.handler = std::string(h.info().id);
    node.description = c.chunk.description;
    node.confidence = c.chunk.confidence;
    run_extract(h, id, chunk_locator(node.locator, node.handler.value(), 0), node.root_offset, tree, work);
    return;
  }

  // Several chunks, or one that does not cover the node: record unknown regions and coverage,
  // and make each chunk an intermediate node.
  std::uint64_t padding = 0, unknown_data = 0;
  for (const auto& r : carved.unknown) (r.padding ? padding : unknown_data) += r.size;
  const std::uint64_t meaningful = node.size() - padding;
  node.unknown = std::move(carved.unknown);
  node.coverage = meaningful == 0 ? 1.0
                                  : static_cast<double>(meaningful - unknown_data) /
                                        static_cast<double>(meaningful);
  std::vector<NodeId> chunk_nodes;
  for (const CarvedChunk& c : carved.chunks) {
    if (tree.size() - first_node_ >= limits_.max_nodes) {
      tree.at(id).diagnostics.push_back({Severity::kWarning, DiagCode::kLimitNodes, "node limit reached", "", c.chunk.offset});
      break;
    }
    const Node& parent = tree.at(id);
    const Handler& h = registry_.at(c.handler);
    Node chunk;
    chunk.parent = id;
    chunk.depth = parent.depth + 1;
    chunk.kind = NodeKind::kChunk;
    chunk.step = {std::string(h.info().id), c.chunk.offset, c.chunk.size, "", ChildOrigin::kCarved};
    chunk.locator = chunk_locator(parent.locator, h.info().id, c.chunk.offset);
    if (parent.root_offset) chunk.root_offset = *parent.root_offset + c.chunk.offset;
    chunk.data = *parent.data.slice(c.chunk.offset, c.chunk.size);
    chunk.handler = std::string(h.info().id);
    chunk.description = c.chunk.description;
    chunk.confidence = c.chunk.confidence;
    chunk_nodes.push_back(tree.add(std::move(chunk)));
  }
  // A chunk is hashed now; it is extracted when the walk reaches it (extract_chunk), after the
  // subtrees of the chunks before it, so that one chunk's decoded bytes can go before the next
  // chunk is decoded.
  hash_all(pool_, chunk_nodes, tree);
  for (auto it = chunk_nodes.rbegin(); it != chunk_nodes.rend(); ++it) work.push_back(*it);
}

void Unpacker::extract_chunk(NodeId id, ExtractionTree& tree, Work& work) {
  const Node& cn = tree.at(id);
  if (cn.depth >= limits_.max_depth) {
    tree.at(id).diagnostics.push_back({Severity::kWarning, DiagCode::kLimitDepth, "depth limit reached; not unpacked further", "", std::nullopt});
    return;
  }
  const Handler* h = registry_.find(*cn.handler);
  const std::string loc = cn.locator;
  const auto ro = cn.root_offset;
  run_extract(*h, id, loc, ro, tree, work);
}

void Unpacker::run_extract(const Handler& handler, NodeId chunk_node, const std::string& chunk_at,
                           std::optional<std::uint64_t> chunk_root_offset, ExtractionTree& tree, Work& work) {
  const std::string hid(handler.info().id);
  make_room();
  ExtractContext ctx(budget_, pool_, ready_fn_ ? ready_every_ : ~std::uint64_t{0});
  (void)budget_.take_resident_cut();
  std::optional<Result<Extraction>> result;
  try {
    result.emplace(handler.extract(tree.at(chunk_node).data, ctx));
  } catch (const std::bad_alloc&) {
    tree.at(chunk_node).diagnostics.push_back({Severity::kError, DiagCode::kInternalError, "out of memory during extraction", hid, std::nullopt});
    return;
  } catch (const std::exception& e) {
    tree.at(chunk_node).diagnostics.push_back({Severity::kError, DiagCode::kInternalError, std::string("extract threw: ") + e.what(), hid, std::nullopt});
    return;
  } catch (...) {
    tree.at(chunk_node).diagnostics.push_back({Severity::kError, DiagCode::kInternalError, "extract threw", hid, std::nullopt});
    return;
  }
  if (!result->has_value()) {
    tree.at(chunk_node).diagnostics.push_back(diagnostic_from_error(result->error(), hid));
    return;
  }
  Extraction ex = std::move(*result).value();
  {
    Node& cn = tree.at(chunk_node);
    const std::size_t said = cn.diagnostics.size();
    for (auto& d : ex.diagnostics) {
      if (d.handler.empty()) d.handler = hid;
      cn.diagnostics.push_back(std::move(d));
    }
    say_resident_cut(cn, said, hid);
    if (!ex.description.empty()) cn.description = ex.description;
    cn.properties = std::move(ex.properties);
    cn.verified = merged_within(std::move(ex.verified), cn.size());
    if (handler.info().maps_node) {  // what no partition covers: padding or data, for the byte account
      std::vector<Extent> parts;
      for (const Child& c : ex.children) {
        if (c.origin == ChildOrigin::kCarved) parts.push_back({c.offset, c.data.size()});
      }
      std::uint64_t pos = 0;
      for (const Extent& e : merged_within(std::move(parts), cn.size())) {
        for (const auto& r : classify_gap(cn.data.bytes(), pos, e.offset - pos)) (r.padding ? cn.gap_padding : cn.gap_data) += r.size;
        pos = e.offset + e.size;
      }
      for (const auto& r : classify_gap(cn.data.bytes(), pos, cn.size() - pos)) (r.padding ? cn.gap_padding : cn.gap_data) += r.size;
    }
    if (!ex.complete && ex.diagnostics.empty()) {  // incomplete, and the handler did not say why
      cn.diagnostics.push_back({Severity::kWarning, DiagCode::kIncomplete, "extraction incomplete", hid, std::nullopt});
    }
  }
  if (ex.children.size() > limits_.max_children_per_node) {
    tree.at(chunk_node).diagnostics.push_back({Severity::kWarning, DiagCode::kLimitChildren,
        std::to_string(ex.children.size()) + " children; only the first " +
            std::to_string(limits_.max_children_per_node) + " kept", hid, std::nullopt});
    ex.children.resize(limits_.max_children_per_node);
  }
  std::set<std::string> used_locators;
  std::vector<NodeId> created;
  Ongoing later{std::move(ex.more), std::vector<std::optional<NodeId>>(ex.children.size())};
  bool any_later = false;
  for (std::size_t i = 0; i < ex.children.size(); ++i) {
    Child& child = ex.children[i];
    if (tree.size() - first_node_ >= limits_.max_nodes) {
      tree.at(chunk_node).diagnostics.push_back({Severity::kWarning, DiagCode::kLimitNodes, "node limit reached", hid, std::nullopt});
      break;
    }
    if (child.name.empty()) child.name = "data";
    std::string locator = entry_locator(chunk_at, child.name);
    for (unsigned n = 2; used_locators.count(locator) != 0; ++n) locator = entry_locator(chunk_at, child.name, n);
    used_locators.insert(locator);
    const Node& parent = tree.at(chunk_node);
    Node node;
    node.parent = chunk_node;
    node.depth = parent.depth + 1;
    node.kind = NodeKind::kEntry;
    node.step = {hid, child.origin == ChildOrigin::kCarved ? child.offset : 0, child.data.size(),
                 child.name, child.origin};
    node.locator = std::move(locator);
    node.meta = std::move(child.meta);
    if (child.origin == ChildOrigin::kCarved && chunk_root_offset) {
      node.root_offset = *chunk_root_offset + child.offset;
    }
    node.data = std::move(child.data);
    node.partition = child.partition && child.origin == ChildOrigin::kCarved;
    node.later = child.later && child.origin == ChildOrigin::kDecoded && later.more;
    any_later = any_later || node.later;
    const NodeId cid = tree.add(std::move(node));
    later.nodes[i] = cid;
    if (!tree.at(cid).later) created.push_back(cid);
  }
  // Depth-first, in the handler's order: push in reverse.
  for (auto it = later.nodes.rbegin(); it != later.nodes.rend(); ++it) {
    if (*it) work.push_back(**it);
  }
  if (any_later) ongoing_.emplace(chunk_node, std::move(later));
  prepare(created, tree);
  share_storage(created, tree);
}

void Unpacker::fetch_later(NodeId id, ExtractionTree& tree) {
  const NodeId parent = *tree.at(id).parent;
  auto it = ongoing_.find(parent);
  const std::string hid = tree.at(parent).handler.value_or("");
  if (it != ongoing_.end()) {
    make_room();
    ExtractContext ctx(budget_, pool_, ready_fn_ ? ready_every_ : ~std::uint64_t{0});
    (void)budget_.take_resident_cut();
    MoreBytes got;
    try {
      got = it->second.more(ctx);
    } catch (const std::bad_alloc&) {
      got = {};
      got.diagnostics.push_back({Severity::kError, DiagCode::kInternalError, "out of memory during extraction", hid, std::nullopt});
    } catch (...) {
      got = {};
      got.diagnostics.push_back({Severity::kError, DiagCode::kInternalError, "extract threw", hid, std::nullopt});
    }
    Node& pn = tree.at(parent);
    const std::size_t said = pn.diagnostics.size();
    for (auto& d : got.diagnostics) {
      if (d.handler.empty()) d.handler = hid;
      pn.diagnostics.push_back(std::move(d));
    }
    say_resident_cut(pn, said, hid);
    std::vector<NodeId> filled;
    const auto& nodes = it->second.nodes;
    for (auto& [index, blob] : got.bytes) {
      if (index >= nodes.size() || !nodes[index] || !tree.at(*nodes[index]).later) continue;
      Node& n = tree.at(*nodes[index]);
      n.data = std::move(blob);
      n.byte_size = n.data.size();
      n.step.length = n.data.size();
      n.later = false;
      filled.push_back(n.id);
    }
    prepare(filled, tree);
    share_storage(filled, tree);
    // The last batch: the continuation (and the chunk bytes it holds) goes.
    if (std::none_of(nodes.begin(), nodes.end(), [&](const auto& c) { return c && tree.at(*c).later; })) ongoing_.erase(it);
  }
  Node& n = tree.at(id);
  if (n.later) {  // the handler did not give them: an empty entry, said so
    n.later = false;
    tree.at(parent).diagnostics.push_back({Severity::kError, DiagCode::kInternalError, "no bytes were given for entry '" + n.step.entry + "'", hid, std::nullopt});
  }
}

}  // namespace fwscan
