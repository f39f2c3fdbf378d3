#pragma once
// The only code that writes extracted bytes to disk. It refuses absolute paths, "..", empty or
// over-long components and NUL bytes; it never creates symlinks, hard links or device nodes
// and never follows a symlink (every directory is opened with O_NOFOLLOW). Refusals become
// diagnostics on the node.
//
// Layout under DIR:  <input>.extracted/<handler>@0x<offset>/<entry path>
//                    and, for an entry that was unpacked further, <entry path>.extracted/...
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "unpack/extraction_tree.hpp"

namespace fwscan {

struct ExtractStats {
  std::size_t files = 0, directories = 0, refused = 0, not_created = 0;
};

// Writes nodes' bytes as the walk finishes them, so that they can go right after: a node's
// folder is known once its parent is written, and the unpacker finishes a parent before its
// children (Unpacker::on_ready). A node whose parent was refused is not written either.
class ExtractionWriter {
 public:
  // Opens (creating it) the folder every write goes under; an error when it cannot be opened.
  static Result<std::unique_ptr<ExtractionWriter>> open(const std::filesystem::path& out_dir);
  ~ExtractionWriter();
  ExtractionWriter(const ExtractionWriter&) = delete;
  ExtractionWriter& operator=(const ExtractionWriter&) = delete;
  // Writes these nodes (each once, parents first: in id order), refusals as their diagnostics.
  void write(ExtractionTree& tree, const std::vector<NodeId>& ids);
  // Writes every node of the tree not written yet.
  void write_all(ExtractionTree& tree);
  const ExtractStats& stats() const { return stats_; }

 private:
  explicit ExtractionWriter(int root_fd);
  void write_node(ExtractionTree& tree, NodeId id);
  int root_fd_;
  ExtractStats stats_;
  // node id -> the folder (components under the output folder) its extraction goes to
  std::map<NodeId, std::vector<std::string>> node_dir_;
  std::set<NodeId> written_;
};

// Writes a whole working tree's bytes at once (tests, and any caller that holds the tree).
Result<ExtractStats> write_extraction(ExtractionTree& tree, const std::filesystem::path& out_dir);

// Splits an entry path into safe components; error when it is absolute or climbs out.
Result<std::vector<std::string>> safe_components(std::string_view entry);

}  // namespace fwscan
