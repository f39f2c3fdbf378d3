#pragma once
// fwscan's own 7-Zip reader, for what libarchive cannot do: AES-256 encrypted archives (entries,
// and headers written with -mhe), opened with the passwords the user gave. It reads the header
// (plain or encoded), decodes each folder's coder chain (AES, LZMA, LZMA2, Deflate, BZip2, Copy,
// and the BCJ/Delta filters in front of LZMA or LZMA2) and checks every file's CRC-32, which is
// also how a wrong password is told from a right one.
#include <string>
#include <vector>

#include "unpack/handler.hpp"

namespace fwscan {

// The entries of the 7z archive `bytes`, decoded with the first of `passwords` that opens it.
// An error when the archive does not parse; an extraction whose diagnostics say so when no
// password opens it.
Result<Extraction> extract_7z_native(ByteView bytes, const std::vector<std::string>& passwords, ExtractContext& ctx);

}  // namespace fwscan
