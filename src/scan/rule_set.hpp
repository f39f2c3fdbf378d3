#pragma once
// Compiled YARA rules (immutable, shared) and per-thread scan sessions. Only scan/ includes
// <yara.h>; no YARA type appears in these headers.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/blob.hpp"
#include "core/diagnostic.hpp"
#include "core/result.hpp"
#include "scan/rule_match.hpp"

namespace fwscan {
namespace verdict {
struct Policy;
}

struct CompileMessage {
  std::string file;   // relative to the rules root
  int line = 0;
  std::string message;
  bool warning = false;
};

// The rules tree's atom preferences (scan/atom_quality.hpp), at its top.
inline constexpr const char* kAtomPreferencesFile = "atom-preferences.txt";
// The folder of the rules scanned only around labels (RuleSet::context).
inline constexpr const char* kContextFolder = "context/";

// What the compiled automaton costs, independent of timing noise: the bytes that leave its root
// state, and how often a sample of content makes the scan leave it (the scan's extra cost over
// an empty rule set grows with that rate; see atom_quality.hpp).
struct AutomatonProfile {
  std::vector<std::uint8_t> root_bytes;
  double leave_root_rate = 0.0;  // per input byte
  std::vector<std::uint64_t> leaves_by_byte = std::vector<std::uint64_t>(256);  // the byte that left it
};

// Which atoms YARA searches the strings through: fwscan's choice (scan/atom_quality.hpp), or
// libyara's own heuristic, as the `yara` command uses (for comparisons in benchmarks).
enum class AtomChoice { kSteered, kYaraStock };

// The folder compiled packs are cached in: $FWSCAN_CACHE_DIR ("off": no cache), else
// $XDG_CACHE_HOME/fwscan, else $HOME/.cache/fwscan; nullopt when none applies.
std::optional<std::filesystem::path> default_rule_cache();

class RuleSet {
 public:
  // Compiles every *.yar / *.yara below `root`; namespace = relative folder ("default" at the
  // top). On failure the error message lists every compile error as file:line: message.
  //
  // With a `cache` folder, the compiled pack is kept there and read back on the next run with
  // the same inputs (rule_cache_key): every file of the tree, the atom choice, libyara's version
  // and this executable. A cache file is trusted only when it is a regular file (no link) owned
  // by this user and writable by no one else, in a folder of the same kind; anything else, or a
  // file that does not read back whole, is compiled again and replaced.
  static Result<std::shared_ptr<const RuleSet>> compile_dir(const std::filesystem::path& root,
                                                            AtomChoice atoms = AtomChoice::kSteered,
                                                            const std::filesystem::path* cache = nullptr);
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const std::vector<std::string>& files() const { return files_; }  // relative, sorted
  const std::vector<CompileMessage>& warnings() const { return warnings_; }
  const std::string& digest() const { return digest_; }             // sha256 over names + contents
  std::size_t rule_count() const { return rule_count_; }
  const std::vector<std::string>& rule_names() const { return rule_names_; }  // identifiers, sorted
  void* raw() const { return rules_; }                              // YR_RULES*
  AutomatonProfile profile(ByteView sample) const;
  // The tree's verdict policy (verdict.policy at its top); null when it has none.
  const std::shared_ptr<const verdict::Policy>& policy() const { return policy_; }
  // The rules of the tree's context/ folder (context and benign signals), compiled apart: the
  // pipeline scans an image with them only when the other rules found a label in it. Null when
  // the tree has none. files(), rule_count(), rule_names() and digest() cover both sets.
  const std::shared_ptr<const RuleSet>& context() const { return context_; }
  // Both sets compiled together, for scanning: one pass of the automaton over a node gives the
  // matches of both, told apart by is_context_namespace. This set itself when there is no
  // context folder.
  const RuleSet& scan_set() const { return both_ ? *both_ : *this; }
  std::shared_ptr<const RuleSet> scan_set_ptr(const std::shared_ptr<const RuleSet>& self) const { return both_ ? both_ : self; }
  // Whether this pack was read from the cache (compile_dir), not compiled.
  bool from_cache() const { return from_cache_; }
  // Whether a rule of this namespace comes from the context folder.
  static bool is_context_namespace(const std::string& ns);

 private:
  RuleSet() = default;
  // `checked`: every file compiled on its own before (its errors reported), so that pass is skipped.
  static Result<std::shared_ptr<const RuleSet>> compile_uncached(const std::filesystem::path& root, std::vector<std::string> files,
                                                                 AtomChoice atoms);
  void save(std::string& out) const;
  static std::shared_ptr<RuleSet> load(std::string_view& in, const std::filesystem::path& root);
  static Result<std::shared_ptr<RuleSet>> compile_list(const std::filesystem::path& root, std::vector<std::string> files,
                                                      AtomChoice atoms, bool checked = false);
  void* rules_ = nullptr;
  std::shared_ptr<const verdict::Policy> policy_;
  std::shared_ptr<const RuleSet> context_;
  std::shared_ptr<const RuleSet> both_;
  bool from_cache_ = false;
  std::vector<std::string> files_;
  std::vector<CompileMessage> warnings_;
  std::string digest_;
  std::size_t rule_count_ = 0;
  std::vector<std::string> rule_names_;
};

struct ScanContext {
  int depth = 0;
  std::string handler;   // handler of the node ("" when unidentified)
  std::string locator;
  std::string name;      // entry basename
  bool is_elf = false;
};

// One scanner (one thread). Bytes are scanned in blocks of block_bytes() (1 MiB), each
// overlapping the next by block_overlap(): the longest match a rule string of the pack can have,
// so every match lies whole in some block and the matches are those of a scan in one piece.
// Between blocks, a string already matched more than kMaxMatchesPerString times is no longer
// searched: libyara keeps every match until the scan ends (up to a million a string), so a node
// that repeats rule strings held gigabytes. What a scan then holds is at most that many matches
// a string plus one block's. A string matched more often than that has its first
// kMaxMatchesPerString matches reported, and a yara_too_many_matches diagnostic says how many
// were seen and where matching stopped.
class ScanSession {
 public:
  static constexpr std::uint32_t kMaxMatchesPerString = 1024;
  explicit ScanSession(std::shared_ptr<const RuleSet> rules, std::uint32_t timeout_seconds = 60);
  ~ScanSession();
  ScanSession(const ScanSession&) = delete;
  ScanSession& operator=(const ScanSession&) = delete;
  // Diagnostics (timeouts, too many matches) are appended to `diags`.
  Result<std::vector<RuleMatch>> scan(ByteView data, const ScanContext& ctx, std::vector<Diagnostic>& diags);
  // Only the `extents` of data (a blob's data extents; the rest is holes, zeros never read), in
  // blocks of libyara's block scan: match offsets stay offsets in data, `filesize` is its whole
  // size.
  Result<std::vector<RuleMatch>> scan(ByteView data, std::span<const Extent> extents, const ScanContext& ctx,
                                      std::vector<Diagnostic>& diags);
  std::size_t rule_count() const { return rules_->rule_count(); }
  std::uint64_t block_bytes() const { return block_; }
  std::uint64_t block_overlap() const { return overlap_; }
  // Tests: scan in blocks of `bytes` (0: each extent in one block, which stops no string).
  void set_block_bytes(std::uint64_t bytes) { block_ = bytes; }

 private:
  std::shared_ptr<const RuleSet> rules_;
  void* scanner_ = nullptr;  // YR_SCANNER*
  std::uint32_t timeout_;
  std::uint64_t block_ = 1ULL << 20;
  std::uint64_t overlap_ = 0;
};

}  // namespace fwscan
