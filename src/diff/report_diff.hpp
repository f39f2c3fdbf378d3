#pragma once
// fwscan diff (docs/diff.md): what an old firmware version's findings became in a new version.
// A vendor says "we removed it"; the diff answers per finding: unchanged, moved, changed,
// removed or added, and says what changed around it (the file, the functions that used the
// string, the identifier that took its place).
//
// A finding is matched by a key that does not depend on how the image was packed: its rule, its
// path (the entry names of the file systems and archives on the way down: offsets, container
// kinds and decoded-stream names dropped) and its decoded texts. The diff is a pure function of
// the two report models and of the bytes kept around their findings (none for a saved report).
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/blob.hpp"
#include "model/report.hpp"

namespace fwscan {

class Registry;
struct NodeEvidence;
namespace verdict {
struct Policy;
}

// One version: its report, and the bytes of the nodes kept for the diff, by locator (none when
// it was given as a saved report).
struct DiffSide {
  std::string name;                   // as given on the command line
  ReportDocument doc;
  std::map<std::string, Blob> bytes;  // node locator -> its bytes
  bool from_report = false;
  bool bytes_capped = false;          // the bytes kept reached their bound: some renames untold
};

enum class DiffState : std::uint8_t {
  kUnchanged,  // same rule, path and texts
  kMoved,      // same rule and texts, another path
  kChanged,    // same rule and path, some texts the same, some gone or new
  kRemoved,    // in OLD only
  kAdded,      // in NEW only
};
std::string_view diff_state_name(DiffState s);
// The states in which an old finding is still present in NEW.
inline bool still_present(DiffState s) { return s == DiffState::kUnchanged || s == DiffState::kMoved || s == DiffState::kChanged; }

// A removed text whose place NEW fills with another: the bytes on both sides of the identifier
// (or text) that held it are unchanged in NEW, and something else stands between them.
struct Rename {
  std::string old_text, new_text;  // decoded; new_text "" when the neighbours closed up
  std::uint64_t old_offset = 0, new_offset = 0;  // in the old and the new node
};

struct DiffItem {
  DiffState state = DiffState::kUnchanged;
  std::string rule;                          // namespace/rule
  std::string path;                          // the key path (finding_path)
  std::vector<std::string> texts;            // decoded texts, sorted, unique
  std::optional<Finding> old_finding, new_finding;
  std::vector<std::string> texts_removed, texts_added;  // kChanged
  std::vector<Rename> renames;               // of the texts that are gone
  std::vector<std::string> notes;            // what changed around it, one sentence each
  bool classification() const;               // made by the verdict stage (a label)
  RuleSeverity severity() const;             // NEW's when present there, else OLD's
};

struct ReportDiff {
  std::string old_name, new_name;
  std::string old_sha256, new_sha256;        // of the inputs (first input each)
  std::string old_rules_digest, new_rules_digest;
  std::vector<DiffItem> items;               // OLD's findings in report order, then the added ones in NEW's
  std::vector<std::string> warnings;
  std::size_t count(DiffState s) const;
  std::size_t old_classification() const;    // classification findings of OLD
  std::size_t still_classification() const;  // ... still present in NEW
  // "N of M classification findings of OLD are still present in NEW"
  std::string headline() const;
  // The diff as a gate: NEW holds, still or new, a finding at or above `threshold`.
  bool new_at_or_above(RuleSeverity threshold) const;
};

// The key path of a locator: the entry names of its steps, joined by "/", without the input's
// name, the offsets, the container kinds, and the entries of compression handlers (a stream's
// "decompressed" or the file name a gzip header carries). Steps are separated by "!" when both
// have entries: "app.img!usr/bin/faced".
std::string finding_path(std::string_view locator, const Registry& registry);

// Which nodes of the OLD version a diff keeps the bytes of (ScanOptions::keep_bytes_of): those
// with a finding, or a label signal, in the YARA node phase.
bool diff_keeps_old(const NodeEvidence* found, const verdict::Policy* policy);

ReportDiff diff_reports(const DiffSide& old_side, const DiffSide& new_side, const Registry& registry);

// Finds what NEW holds in place of old[offset, offset + length) (an identifier widened to its
// whole token): the unchanged bytes before and after it, up to 24 each, that no other match
// (`others`: old [begin, end) ranges) overlaps, located in NEW in that order, the occurrence
// nearest the old offset.
std::optional<Rename> find_rename(ByteView old_bytes, ByteView new_bytes, std::uint64_t offset, std::uint64_t length,
                                  Encoding encoding, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& others);

void write_diff_text(const ReportDiff& diff, std::ostream& out);
void write_diff_json(const ReportDiff& diff, std::ostream& out);
// One self-contained page, like the HTML report (no script, nothing fetched).
void write_diff_html(const ReportDiff& diff, std::ostream& out);

}  // namespace fwscan
