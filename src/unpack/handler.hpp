#pragma once
#include <atomic>
// The handler contract (DESIGN.md 4.3). A format is one handler file plus one line in
// formats/formats.def. Handlers are stateless and const, never write files, never print,
// never spawn processes and never touch globals.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/blob.hpp"
#include "core/diagnostic.hpp"
#include "core/limits.hpp"
#include "core/result.hpp"

namespace fwscan {

class WorkerPool;

enum class Category : std::uint8_t { kArchive, kCompression, kFilesystem, kFirmware, kExecutable, kMedia, kDisk };
enum class Confidence : std::uint8_t { kLow, kMedium, kHigh };

std::string_view category_name(Category c);
std::string_view confidence_name(Confidence c);

struct Magic {
  std::string_view pattern;        // hex with ?? wildcards, e.g. "1f 8b 08"
  std::uint32_t header_offset = 0; // where the pattern sits relative to the chunk start (tar: 257)
  bool at_start_only = false;      // weak magics: only at node offset 0
};

// What a handler does with what it identifies.
enum class Support : std::uint8_t {
  kRead,        // extracts the contents (or, for media, carves the exact extent)
  kRecognised,  // names the format and its extent, reads nothing: an `unsupported` diagnostic says so
};
std::string_view support_name(Support s);

struct HandlerInfo {
  std::string_view id;             // unique, stable, [a-z0-9_]+
  Category category;
  std::string_view description;
  std::span<const Magic> magics;
  std::span<const std::string_view> references;
  std::span<const std::string_view> limitations;
  Support support = Support::kRead;
  // A partition map: its magic marks a map of the node that holds it (a U-Boot environment's
  // mtdparts, say), wherever it sits. The carver asks identify() at offset 0 of that node, and
  // the handler claims the whole node when the map describes it; its children are the
  // partitions, carved at their offsets (Child::partition), and the data between them, so that
  // nothing the map does not bound is hidden. Bytes inside a partition that no handler reads
  // are "located" in the byte account, not unknown. The claim may end where the map ends (past
  // the node's middle): the carver goes on after it.
  bool maps_node = false;
};

struct Chunk {
  std::uint64_t offset = 0;        // in the node
  std::uint64_t size = 0;          // exact extent
  Confidence confidence = Confidence::kMedium;
  std::string description;         // "uImage, ARM Linux kernel, gzip, 1.2 MiB"
};

enum class ChildOrigin : std::uint8_t { kCarved, kDecoded };
enum class EntryKind : std::uint8_t { kFile, kDirectory, kSymlink, kHardlink, kCharDevice, kBlockDevice, kFifo, kSocket, kOther };

std::string_view entry_kind_name(EntryKind k);
// Kind from the POSIX type bits of an st_mode-style word (cpio, cramfs, ...); kOther when unknown.
EntryKind entry_kind_from_mode(std::uint64_t mode);

struct EntryMeta {
  EntryKind kind = EntryKind::kFile;
  std::optional<std::uint32_t> mode;      // permission bits (and type bits where the format has them)
  std::optional<std::uint32_t> uid, gid;
  std::optional<std::int64_t> mtime;
  std::string link_target;                // symlink / hardlink target, recorded never followed
  std::optional<std::uint32_t> dev_major, dev_minor;
};

struct Child {
  std::string name;                 // entry path inside the container; never empty
  Blob data;                        // empty for non-file entries
  ChildOrigin origin = ChildOrigin::kDecoded;
  std::uint64_t offset = 0;         // for kCarved: offset of data in the chunk
  EntryMeta meta;
  bool later = false;               // kDecoded: `data` comes from Extraction::more
  bool partition = false;           // kCarved, from a partition map: a region the map bounds
};

class ExtractContext;
// What one call of Extraction::more gives: the bytes of the next children marked `later`, in
// order (one at least), by their index in the Extraction's children.
struct MoreBytes {
  std::vector<std::pair<std::size_t, Blob>> bytes;
  std::vector<Diagnostic> diagnostics;
  bool complete = true;
};
using MoreChildren = std::function<MoreBytes(ExtractContext&)>;

struct Extraction {
  std::vector<Child> children;
  std::vector<Diagnostic> diagnostics;
  bool complete = true;
  std::string description;          // optional refinement of the chunk description
  // Decoded header fields worth reporting ("language" = "2 (Chinese)"), in handler order.
  std::vector<std::pair<std::string, std::string>> properties;
  // The ranges of the chunk that a check the handler made covers and passed: a stored CRC or
  // hash over them that matched. Never bytes the handler only skipped or only parsed without a
  // check. The byte account counts them verified; the rest of the chunk, read.
  std::vector<Extent> verified;
  // A handler that decodes many children (a file system's files) may list them all but give the
  // bytes of some later (Child::later), through this: the unpacker calls it when the walk reaches
  // the first child still without its bytes, once the subtrees of the children before it are
  // walked, so the decoded children of one chunk are not all in memory at once. The children,
  // their order and their node ids are the same as when every byte comes at once. It owns what
  // it reads (a copy of the chunk's Blob); it batches by ExtractContext::batch_bytes.
  MoreChildren more;
};

// Output budget for decoders and extractors (DESIGN.md 6.5).
class Budget {
 public:
  explicit Budget(const Limits& limits) : limits_(limits), remaining_total_(limits.max_total_bytes) {}
  // Most bytes one decoding of `input_size` encoded bytes may produce.
  std::uint64_t max_output(std::uint64_t input_size) const;
  // Records produced bytes; false (and nothing charged) when the run total would be exceeded.
  bool charge(std::uint64_t bytes);
  std::uint64_t remaining_total() const { return remaining_total_; }
  const Limits& limits() const { return limits_; }
  // The smallest cap the resident-memory budget set since the last call, and the decoded bytes
  // held then (none: it set none); the unpacker names it beside the cut it caused.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> take_resident_cut();

 private:
  const Limits& limits_;
  std::uint64_t remaining_total_;
  mutable std::atomic<std::uint64_t> resident_cap_{0}, resident_held_{0};
};

class ExtractContext {
 public:
  explicit ExtractContext(Budget& budget, WorkerPool* pool = nullptr, std::uint64_t batch_bytes = ~std::uint64_t{0})
      : budget_(budget), pool_(pool), batch_bytes_(batch_bytes) {}
  Budget& budget() { return budget_; }
  const Limits& limits() const { return budget_.limits(); }
  // The run's worker pool, or null. A handler may decode independent parts of its chunk on it
  // (a file system's files): each task writes only its own slot, and every decision that
  // depends on order (budget charges, names, limits) is taken before or after, in order, so
  // the extraction is the same for any number of threads.
  WorkerPool* pool() const { return pool_; }
  // About how many decoded bytes a handler that can return its children in batches
  // (Extraction::more) should put in one batch; the maximum: all at once.
  std::uint64_t batch_bytes() const { return batch_bytes_; }

 private:
  Budget& budget_;
  WorkerPool* pool_;
  std::uint64_t batch_bytes_;
};

// What identify() learns about a whole node and may reuse at every other candidate start in the
// same node: an index of the node's end records, say, so that a flood of start signatures costs
// one pass over the node and not one per signature. The carver keeps one per carve of a node,
// used by one thread; what a handler stores is a function of the node's bytes alone, so
// identify() stays pure (its result depends on the node and the start only).
class NodeMemo {
 public:
  // The value stored under `key`, made by `make()` on first use. Keys are string constants
  // owned by the handler that uses them ("zip.eocd").
  template <class T, class Make>
  const T& get(std::string_view key, Make&& make) {
    for (const auto& [k, v] : slots_) {
      if (k == key) return *static_cast<const T*>(v.get());
    }
    auto value = std::make_shared<T>(make());
    const T& ref = *value;
    slots_.emplace_back(key, std::move(value));
    return ref;
  }

 private:
  std::vector<std::pair<std::string_view, std::shared_ptr<const void>>> slots_;
};

class Handler {
 public:
  virtual ~Handler() = default;
  virtual const HandlerInfo& info() const = 0;
  // `start` is the candidate chunk start in `node` (magic hit minus its header_offset).
  // Cheap; nullopt for "not mine"; must return the exact extent.
  virtual std::optional<Chunk> identify(ByteView node, std::uint64_t start) const = 0;
  // identify() with the node's memo; the carver calls this one. A handler whose identify would
  // search the node beyond the chunk (for an end record) overrides it to search once per node.
  virtual std::optional<Chunk> identify_in(ByteView node, std::uint64_t start, NodeMemo&) const { return identify(node, start); }
  // `chunk` is exactly the identified extent. May return a partial Extraction.
  virtual Result<Extraction> extract(const Blob& chunk, ExtractContext& ctx) const = 0;
};

using HandlerPtr = std::unique_ptr<const Handler>;

}  // namespace fwscan
