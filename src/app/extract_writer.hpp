#pragma once
// The only code that writes extracted bytes to disk. It refuses absolute paths, "..", empty or
// over-long components and NUL bytes; it never creates symlinks, hard links or device nodes
// and never follows a symlink (every directory is opened with O_NOFOLLOW). Refusals become
// diagnostics on the node.
//
// Layout under DIR:  <input>.extracted/<handler>@0x<offset>/<entry path>
//                    and, for an entry that was unpacked further, <entry path>.extracted/...
#include <filesystem>

#include "core/result.hpp"
#include "unpack/extraction_tree.hpp"

namespace fwscan {

struct ExtractStats {
  std::size_t files = 0, directories = 0, refused = 0, not_created = 0;
};

// Writes the working tree's bytes (the pipeline calls it before the bytes are released).
Result<ExtractStats> write_extraction(ExtractionTree& tree, const std::filesystem::path& out_dir);

// Splits an entry path into safe components; error when it is absolute or climbs out.
Result<std::vector<std::string>> safe_components(std::string_view entry);

}  // namespace fwscan
