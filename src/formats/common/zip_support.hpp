#pragma once
// ZIP extent finding (native, exact) and entry extraction through libarchive, shared by the
// zip handler and the vendor zips (Dahua "DH" zip).
#include <optional>

#include "unpack/handler.hpp"

namespace fwscan {

struct ZipExtent {
  std::uint64_t size = 0;        // bytes from the first local header to the end of the EOCD
  bool complete = false;         // false: no consistent EOCD; extent is the last whole local entry
  std::uint32_t entries = 0;     // from the EOCD when complete, else local headers walked
};

// The chunk that starts at `start` of `node` with a local file header (its signature is not
// checked: vendors patch it). The end-of-central-directory records of the node are indexed once
// per node in `memo`, each by the one start its central-directory offset and size imply, so a
// node full of local-header signatures costs one pass and not one per signature.
std::optional<ZipExtent> find_zip_extent(ByteView node, std::uint64_t start, NodeMemo& memo);
inline std::optional<ZipExtent> find_zip_extent(ByteView at) {
  NodeMemo memo;
  return find_zip_extent(at, 0, memo);
}

enum class ArchiveFormat : std::uint8_t { kZip, kSevenZip, kIso9660, kCab, kRar, kXar, kLha };

// Extracts every entry of an archive held in `bytes` with libarchive. For the formats whose
// entries libarchive passes over without decoding (zip, ISO 9660, xar, LHA), the entries are
// listed first and the files' bytes come when the unpacker reaches them (Extraction::more), a
// batch at a time: the continuation keeps `bytes`. Solid formats (7z, CAB, RAR) read their first
// batch of entries while listing, and give the entries past it later in the same way.
Result<Extraction> extract_archive_entries(const Blob& bytes, ArchiveFormat format, ExtractContext& ctx);

// Central-directory entries of the zip `archive` (its first local header at 0, its end record
// last) whose local data overlap another entry's: the overlapping-entry construction of zip
// bombs (Fifield), where many names share one deflated member. One overlap diagnostic, with the
// count and the first pair; nullopt when the entries are disjoint or there is no end record.
std::optional<Diagnostic> zip_overlaps(ByteView archive);
inline Result<Extraction> extract_zip_entries(const Blob& bytes, ExtractContext& ctx) {
  auto ex = extract_archive_entries(bytes, ArchiveFormat::kZip, ctx);
  if (ex) {
    if (auto overlap = zip_overlaps(bytes.bytes())) ex->diagnostics.push_back(std::move(*overlap));
  }
  return ex;
}

}  // namespace fwscan
