#pragma once
// The handler of a format that fwscan recognises but does not read (Support::kRecognised): it
// names the format and the extent it can vouch for, and its extract() says, with an
// `unsupported` diagnostic, that the contents were not examined.
//   * A file system claims its superblock area only (`header`), so the carver still searches the
//     rest: files stored contiguously inside an unread file system keep being found.
//   * An archive claims the size its header gives, or, with none, the rest of the node, marked
//     low confidence ("extent unknown").
#include <cstdint>
#include <optional>
#include <string_view>

#include "formats/common/stream_handler.hpp"
#include "unpack/handler.hpp"

namespace fwscan {

struct Recognised {
  std::optional<std::uint64_t> size;  // total size the header states
  std::uint64_t header = 0;           // file systems: the superblock area to claim; 0 for archives
};

// The format's header at the start of `at`, or nullopt when it is not there.
using RecogniseFn = std::optional<Recognised> (*)(ByteView at);

// The handler for `info`, whose format is called `name` in descriptions and diagnostics ("JFS").
HandlerPtr make_recognised_handler(const HandlerInfo& info, std::string_view name, RecogniseFn recognise);

}  // namespace fwscan
