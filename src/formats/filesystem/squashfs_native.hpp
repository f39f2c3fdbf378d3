#pragma once
// Native SquashFS reader for what libsquashfs does not open: layouts 2.x and 3.x in both byte
// orders (with the vendor LZMA variants that replace zlib) and big-endian 4.0 (AVM). The
// little-endian 4.0 images keep going through libsquashfs (formats/filesystem/squashfs.cpp).
#include <cstdint>
#include <optional>
#include <string>

#include "core/blob.hpp"
#include "unpack/handler.hpp"

namespace fwscan {

struct SquashfsProbe {
  unsigned major = 0, minor = 0;
  bool big_endian = false;
  std::uint64_t bytes_used = 0;
  std::uint32_t block_size = 0, inodes = 0;
  std::string compression;  // "gzip", "lzma", ..., or "zlib/vendor lzma" for 2.x/3.x
  std::string magic;        // "hsqs", "sqsh", or a vendor's ("shsq", "hsqt", "sqlz", "qshs", "tqsh")
};

// Superblock of a layout the native reader handles, at the start of `at`.
std::optional<SquashfsProbe> squashfs_native_probe(ByteView at);

Result<Extraction> squashfs_native_extract(ByteView image, ExtractContext& ctx);

}  // namespace fwscan
