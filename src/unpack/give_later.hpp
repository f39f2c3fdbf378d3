#pragma once
// The end of an extraction that gives some children's bytes later (Child::later,
// Extraction::more; DESIGN.md 4.3), shared by every handler that does.
#include "unpack/handler.hpp"

namespace fwscan {

// Ends an extraction whose children marked `later` get their bytes from `more`: when the
// unpacker asks for batches (ExtractContext::batch_bytes), `more` is kept for it to call as the
// walk reaches them; otherwise every later child's bytes are taken now, through the same `more`,
// so the children and the diagnostics are the same either way.
Extraction give_later(Extraction ex, MoreChildren more, ExtractContext& ctx);

}  // namespace fwscan
