#pragma once
// The verdict stage (docs/verdicts.md): after YARA and code evidence, it combines the signals
// of the signal rules within scopes, narrow to wide (the string, the function that uses it,
// the record, the file, the image), and turns every label into a finding whose severity and
// explanation follow from the policy (verdict/policy.hpp). One finding per label text and node.
#include <functional>

#include "report/document.hpp"
#include "unpack/extraction_tree.hpp"
#include "verdict/policy.hpp"

namespace fwscan::verdict {

// The bytes of a node that the stage reads: the node's own, or a copy that holds them only
// around its signals (record_bytes_around).
using NodeBytes = std::function<ByteView(NodeId)>;

// Adds a finding to doc.findings for every subject label in doc.signals. Needs the node bytes
// around each signal (string and record scopes, name lists; `bytes`, else the working tree's)
// and the tree's parents (image scope). Signals of kinds the policy does not know become one
// run-level diagnostic.
void apply(ReportDocument& doc, ExtractionTree& tree, const Policy& policy, const NodeBytes& bytes = nullptr);

// How far from a signal's bytes the stage reads: its reads of a node stay within this many bytes
// of some signal's [offset, offset + length).
std::uint64_t read_reach(const Policy& policy);

// True when [begin, end) of `data` holds an identifier token of its own: it starts and ends on
// a word boundary of identifier syntax (non-letters, '_', digits, a camelCase step: byRace,
// raceType, EM_RACE_YELLOW, "race"; a plural 's' may follow), and it is not a word of prose (a
// lone word with a letter-space on either side: "data race", "race condition").
bool identifier_token_ok(ByteView data, std::uint64_t begin, std::uint64_t end);

}  // namespace fwscan::verdict
