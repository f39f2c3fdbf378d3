#include "scan/rule_set.hpp"
#include "verdict/policy.hpp"

#include <yara.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/hash.hpp"
#include "scan/atom_quality.hpp"

namespace fwscan {
namespace {

constexpr std::size_t kMaxMatchBytes = 256;

// yr_initialize / yr_finalize once per process. libyara copies no match data: the callback reads
// a match's bytes from the scanned bytes themselves, so a match costs libyara its record alone.
struct YaraRuntime {
  int status;
  YaraRuntime() : status(yr_initialize()) {
    if (status == ERROR_SUCCESS) yr_set_configuration_uint32(YR_CONFIG_MAX_MATCH_DATA, 0);
  }
  ~YaraRuntime() {
    if (status == ERROR_SUCCESS) yr_finalize();
  }
};

bool yara_ready() {
  static YaraRuntime runtime;
  return runtime.status == ERROR_SUCCESS;
}

struct CompileSink {
  std::vector<CompileMessage>* messages;
  std::string current_file;
};

void compile_callback(int level, const char* file, int line, const YR_RULE*, const char* message, void* user) {
  auto* sink = static_cast<CompileSink*>(user);
  sink->messages->push_back({file != nullptr && *file != 0 ? std::string(file) : sink->current_file, line,
                             message != nullptr ? message : "", level == YARA_ERROR_LEVEL_WARNING});
}

void define_externals(YR_COMPILER* c) {
  yr_compiler_define_integer_variable(c, "fw_depth", 0);
  yr_compiler_define_string_variable(c, "fw_handler", "");
  yr_compiler_define_string_variable(c, "fw_locator", "");
  yr_compiler_define_string_variable(c, "fw_name", "");
  yr_compiler_define_boolean_variable(c, "fw_is_elf", 0);
}

// Adds one file; returns the number of errors.
int add_file(YR_COMPILER* c, const std::filesystem::path& path, const std::string& ns, const std::string& rel) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return 1;
  const int errors = yr_compiler_add_file(c, f, ns.c_str(), rel.c_str());
  std::fclose(f);
  return errors;
}

std::string namespace_of(const std::string& rel) {
  const auto slash = rel.find_last_of('/');
  return slash == std::string::npos ? std::string("default") : rel.substr(0, slash);
}

// The preferences of the compile in progress on this thread (YARA's quality callback carries no
// user pointer).
thread_local const AtomPreferences* t_atom_prefs = nullptr;

int atom_quality_callback(YR_ATOMS_CONFIG*, YR_ATOM* atom) {
  static const AtomPreferences kNone;
  const AtomPreferences& prefs = t_atom_prefs != nullptr ? *t_atom_prefs : kNone;
  return prefs.quality(atom->bytes, atom->mask, atom->length);
}

// The bytes on which the automaton leaves its root state.
std::vector<std::uint8_t> root_bytes(const YR_RULES* rules) {
  std::vector<std::uint8_t> out;
  const YR_AC_TRANSITION* t = rules->ac_transition_table;
  for (int b = 0; b < 256; ++b) {
    if (!YR_AC_INVALID_TRANSITION(t[b + 1], static_cast<YR_AC_TRANSITION>(b + 1))) out.push_back(static_cast<std::uint8_t>(b));
  }
  return out;
}

struct ScanSink {
  ByteView data;  // what is scanned: match offsets are offsets in it
  std::vector<RuleMatch>* matches = nullptr;
  std::vector<Diagnostic>* diags = nullptr;
  std::map<std::uint32_t, std::uint32_t> seen;  // string index -> matches seen, past the cap
  bool failed = false;
};

// libyara 4.2 hands out YR_MATCH records from its notebook allocator without aligning them, so
// reading their fields trips UBSan's alignment check (harmless on the targets we run on).
__attribute__((no_sanitize("alignment")))
int scan_callback(YR_SCAN_CONTEXT* context, int message, void* message_data, void* user) {
  auto* sink = static_cast<ScanSink*>(user);
  try {
    if (message == CALLBACK_MSG_RULE_MATCHING) {
      const auto* rule = static_cast<const YR_RULE*>(message_data);
      RuleMatch m;
      m.rule = rule->identifier;
      m.ns = rule->ns->name;
      const char* tag = nullptr;
      yr_rule_tags_foreach(rule, tag) { m.tags.emplace_back(tag); }
      const YR_META* meta = nullptr;
      yr_rule_metas_foreach(rule, meta) {
        MetaValue v;
        if (meta->type == META_TYPE_INTEGER) v = static_cast<std::int64_t>(meta->integer);
        else if (meta->type == META_TYPE_BOOLEAN) v = meta->integer != 0;
        else v = std::string(meta->string != nullptr ? meta->string : "");
        m.meta.entries.emplace_back(meta->identifier, std::move(v));
      }
      const YR_STRING* string = nullptr;
      yr_rule_strings_foreach(rule, string) {
        const YR_MATCH* match = nullptr;
        std::uint32_t count = 0;
        yr_string_matches_foreach(context, string, match) {
          if (++count > ScanSession::kMaxMatchesPerString) continue;  // the first ones, in offset order
          StringMatch sm;
          sm.id = string->identifier;
          sm.offset = static_cast<std::uint64_t>(match->base + match->offset);
          sm.length = static_cast<std::uint32_t>(match->match_length);
          if (sm.offset < sink->data.size()) {
            const auto n = std::min<std::uint64_t>({sm.length, kMaxMatchBytes, sink->data.size() - sm.offset});
            const ByteView bytes = sink->data.subspan(sm.offset, n);
            sm.data.assign(bytes.begin(), bytes.end());
          }
          m.strings.push_back(std::move(sm));
        }
        if (count > ScanSession::kMaxMatchesPerString) sink->seen[string->idx] = count;
      }
      std::sort(m.strings.begin(), m.strings.end(), [](const StringMatch& a, const StringMatch& b) {
        return a.offset != b.offset ? a.offset < b.offset : a.id < b.id;
      });
      sink->matches->push_back(std::move(m));
    }
    // CALLBACK_MSG_TOO_MANY_MATCHES (libyara's own cap, a million in one block): continuing stops
    // the string, and the cap of kMaxMatchesPerString, passed long before, is what is said.
  } catch (...) {
    sink->failed = true;
    return CALLBACK_ERROR;
  }
  return CALLBACK_CONTINUE;
}


// --- The compiled-pack cache (RuleSet::compile_dir) ---

constexpr std::string_view kCacheMagic{"fwscan compiled rules 1\n"};
constexpr std::uint64_t kMaxCacheFile = 256ULL << 20;

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_str(std::string& out, std::string_view v) {
  put_u64(out, v.size());
  out.append(v);
}
bool get_u64(std::string_view& in, std::uint64_t& v) {
  if (in.size() < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in[static_cast<std::size_t>(i)])) << (8 * i);
  in.remove_prefix(8);
  return true;
}
bool get_str(std::string_view& in, std::string& v) {
  std::uint64_t n = 0;
  if (!get_u64(in, n) || n > in.size()) return false;
  v.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  return body.str();
}

// Whether the text has a YARA include directive: what it includes is not in the cache key, so
// such a tree is always compiled.
bool has_include(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.substr(0, 7) == "include") return true;
    pos = end + 1;
  }
  return false;
}

// Everything the compile reads, and what compiles it: every rule file, the atom preferences and
// the verdict policy, the atom choice, libyara's version, and this executable (its inode, size
// and time: a rebuilt fwscan may choose other atoms). "" when the tree cannot be cached.
std::string rule_cache_key(const std::filesystem::path& root, const std::vector<std::string>& files, AtomChoice atoms) {
  std::string input = std::string(kCacheMagic) + FWSCAN_VERSION + '\0' + YR_VERSION + '\0' + std::to_string(static_cast<int>(atoms));
  struct stat exe {};
  if (::stat("/proc/self/exe", &exe) != 0) return "";
  for (const auto v : {static_cast<std::uint64_t>(exe.st_dev), static_cast<std::uint64_t>(exe.st_ino), static_cast<std::uint64_t>(exe.st_size),
                       static_cast<std::uint64_t>(exe.st_mtim.tv_sec), static_cast<std::uint64_t>(exe.st_mtim.tv_nsec)}) {
    put_u64(input, v);
  }
  std::vector<std::string> all = files;
  all.emplace_back(kAtomPreferencesFile);
  all.emplace_back(verdict::kPolicyFile);
  for (const auto& rel : all) {
    std::error_code ec;
    const bool present = std::filesystem::is_regular_file(root / rel, ec);
    std::optional<std::string> body = present ? read_file(root / rel) : std::optional<std::string>(std::string());
    const bool rule_file = rel.ends_with(".yar") || rel.ends_with(".yara");
    if (!body || (rule_file && has_include(*body))) return "";
    put_str(input, rel);
    input.push_back(present ? '\1' : '\0');
    put_str(input, *body);
  }
  return sha256_hex(ByteView(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));  // NOLINT
}

// A folder or file of the cache is trusted when it is what it says (no link), owned by this
// user and writable by no one else.
bool trusted(const struct stat& st, bool folder) {
  return (folder ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) && st.st_uid == ::geteuid() && (st.st_mode & 022) == 0;
}

bool trusted_folder(const std::filesystem::path& dir) {
  struct stat st {};
  return ::lstat(dir.c_str(), &st) == 0 && trusted(st, true);
}

// The cache file's bytes, whose last 64 are the SHA-256 (hex) of the rest; nullopt when it is
// missing, not trusted, too large, or does not match its digest.
std::optional<std::string> read_trusted(const std::filesystem::path& file) {
  if (!trusted_folder(file.parent_path())) return std::nullopt;
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && trusted(st, false) && static_cast<std::uint64_t>(st.st_size) <= kMaxCacheFile && st.st_size > 64) {
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    const std::size_t body = bytes.size() - 64;
    if (got == bytes.size() &&
        sha256_hex(ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()), body)) == std::string_view(bytes).substr(body)) {  // NOLINT
      bytes.resize(body);
      out = std::move(bytes);
    }
  }
  ::close(fd);
  return out;
}

// Writes the cache file whole or not at all: a fresh file beside it (O_EXCL, 0600), renamed over
// it. The folder is made 0700 when missing, and must be trusted.
void write_trusted(const std::filesystem::path& dir, const std::filesystem::path& file, std::string bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return;
  }
  if (!trusted_folder(dir)) return;
  bytes += sha256_hex(ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));  // NOLINT
  std::string tmp = (dir / ".fwrules-XXXXXX").string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return;
  std::size_t put = 0;
  while (put < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + put, bytes.size() - put);
    if (n <= 0) break;
    put += static_cast<std::size_t>(n);
  }
  const bool whole = put == bytes.size() && ::close(fd) == 0;
  if (!whole || ::rename(tmp.c_str(), file.c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace

std::optional<std::filesystem::path> default_rule_cache() {
  if (const char* v = std::getenv("FWSCAN_CACHE_DIR"); v != nullptr && *v != 0) {
    if (std::string_view(v) == "off") return std::nullopt;
    return std::filesystem::path(v);
  }
  if (const char* v = std::getenv("XDG_CACHE_HOME"); v != nullptr && *v == '/') return std::filesystem::path(v) / "fwscan";
  if (const char* v = std::getenv("HOME"); v != nullptr && *v == '/') return std::filesystem::path(v) / ".cache" / "fwscan";
  return std::nullopt;
}

namespace {

size_t save_chunk(const void* ptr, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(static_cast<const char*>(ptr), size * count);
  return count;
}

struct LoadCursor {
  std::string_view data;
};

size_t load_chunk(void* ptr, size_t size, size_t count, void* user) {
  auto* c = static_cast<LoadCursor*>(user);
  if (size == 0) return 0;
  const std::size_t n = std::min(count, c->data.size() / size);
  std::memcpy(ptr, c->data.data(), n * size);
  c->data.remove_prefix(n * size);
  return n;
}

}  // namespace

void RuleSet::save(std::string& out) const {
  put_str(out, digest_);
  put_u64(out, rule_count_);
  put_u64(out, files_.size());
  for (const auto& f : files_) put_str(out, f);
  put_u64(out, rule_names_.size());
  for (const auto& n : rule_names_) put_str(out, n);
  put_u64(out, warnings_.size());
  for (const auto& w : warnings_) {
    put_str(out, w.file);
    put_u64(out, static_cast<std::uint64_t>(w.line));
    put_str(out, w.message);
    out.push_back(w.warning ? '\1' : '\0');
  }
  std::string blob;
  YR_STREAM stream{&blob, nullptr, save_chunk};
  yr_rules_save_stream(static_cast<YR_RULES*>(rules_), &stream);
  put_str(out, blob);
  for (const auto* sub : {&context_, &both_}) {
    out.push_back(*sub ? '\1' : '\0');
    if (*sub) (*sub)->save(out);
  }
}

std::shared_ptr<RuleSet> RuleSet::load(std::string_view& in, const std::filesystem::path& root) {
  std::shared_ptr<RuleSet> set(new RuleSet());
  std::uint64_t count = 0, n = 0;
  if (!get_str(in, set->digest_) || !get_u64(in, count) || !get_u64(in, n) || n > in.size()) return nullptr;
  set->rule_count_ = count;
  set->files_.resize(n);
  for (auto& f : set->files_) {
    if (!get_str(in, f)) return nullptr;
  }
  if (!get_u64(in, n) || n > in.size()) return nullptr;
  set->rule_names_.resize(n);
  for (auto& r : set->rule_names_) {
    if (!get_str(in, r)) return nullptr;
  }
  if (!get_u64(in, n) || n > in.size()) return nullptr;
  set->warnings_.resize(n);
  for (auto& w : set->warnings_) {
    std::uint64_t line = 0;
    if (!get_str(in, w.file) || !get_u64(in, line) || !get_str(in, w.message) || in.empty()) return nullptr;
    w.line = static_cast<int>(line);
    w.warning = in.front() == '\1';
    in.remove_prefix(1);
  }
  std::string blob;
  if (!get_str(in, blob)) return nullptr;
  LoadCursor cursor{blob};
  YR_STREAM stream{&cursor, load_chunk, nullptr};
  YR_RULES* rules = nullptr;
  if (yr_rules_load_stream(&stream, &rules) != ERROR_SUCCESS || rules == nullptr) return nullptr;
  set->rules_ = rules;
  set->from_cache_ = true;
  if (std::error_code ec; std::filesystem::is_regular_file(root / verdict::kPolicyFile, ec)) {
    auto policy = verdict::Policy::load(root / verdict::kPolicyFile);
    if (!policy) return nullptr;
    set->policy_ = std::make_shared<const verdict::Policy>(std::move(*policy));
  }
  for (auto* sub : {&set->context_, &set->both_}) {
    if (in.empty()) return nullptr;
    const bool present = in.front() == '\1';
    in.remove_prefix(1);
    if (!present) continue;
    auto loaded = load(in, root);
    if (!loaded) return nullptr;
    *sub = std::move(loaded);
  }
  return set;
}

namespace {
}  // namespace

Result<std::shared_ptr<const RuleSet>> RuleSet::compile_dir(const std::filesystem::path& root, AtomChoice atoms,
                                                            const std::filesystem::path* cache) {
  if (!yara_ready()) return make_error(Errc::kInternal, "yr_initialize failed");
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    return make_error(Errc::kIo, "rules directory not found: " + root.string());
  }
  std::vector<std::string> files;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const auto ext = it->path().extension();
    if (ext != ".yar" && ext != ".yara") continue;
    files.push_back(std::filesystem::relative(it->path(), root).generic_string());
  }
  std::sort(files.begin(), files.end());
  if (cache == nullptr) return compile_uncached(root, std::move(files), atoms);
  const std::string key = rule_cache_key(root, files, atoms);
  if (key.empty()) return compile_uncached(root, std::move(files), atoms);
  const std::filesystem::path file = *cache / (key + ".fwrules");
  if (std::optional<std::string> bytes = read_trusted(file)) {
    std::string_view in(*bytes);
    if (in.substr(0, kCacheMagic.size()) == kCacheMagic) {
      in.remove_prefix(kCacheMagic.size());
      if (auto set = load(in, root); set && in.empty()) return std::shared_ptr<const RuleSet>(std::move(set));
    }
  }
  auto set = compile_uncached(root, std::move(files), atoms);
  if (set) {
    std::string out(kCacheMagic);
    (*set)->save(out);
    write_trusted(*cache, file, out);  // best effort: a cache that cannot be written is no cache
  }
  return set;
}

Result<std::shared_ptr<const RuleSet>> RuleSet::compile_uncached(const std::filesystem::path& root, std::vector<std::string> files,
                                                                 AtomChoice atoms) {
  // Context and benign signals matter only where a label is (rules/README.md): they are a second
  // set, scanned over an image only when the first found a label in it.
  std::vector<std::string> primary, context;
  for (const auto& f : files) (f.rfind(kContextFolder, 0) == 0 ? context : primary).push_back(f);
  auto set = compile_list(root, primary, atoms);
  if (!set) return set.error();
  if (!context.empty()) {
    auto ctx = compile_list(root, context, atoms);
    if (!ctx) return ctx.error();
    RuleSet& main = **set;
    const RuleSet& c = **ctx;
    main.files_ = files;
    main.rule_count_ += c.rule_count_;
    main.rule_names_.insert(main.rule_names_.end(), c.rule_names_.begin(), c.rule_names_.end());
    std::sort(main.rule_names_.begin(), main.rule_names_.end());
    main.warnings_.insert(main.warnings_.end(), c.warnings_.begin(), c.warnings_.end());
    const std::string both = main.digest_ + c.digest_;
    main.digest_ = sha256_hex(ByteView(reinterpret_cast<const std::uint8_t*>(both.data()), both.size()));  // NOLINT
    main.context_ = std::move(*ctx);
    auto together = compile_list(root, files, atoms, true);
    if (!together) return together.error();
    main.both_ = std::move(*together);
  }
  return std::shared_ptr<const RuleSet>(std::move(*set));
}

bool RuleSet::is_context_namespace(const std::string& ns) { return (ns + "/").rfind(kContextFolder, 0) == 0; }

Result<std::shared_ptr<RuleSet>> RuleSet::compile_list(const std::filesystem::path& root, std::vector<std::string> files,
                                                        AtomChoice atoms, bool checked) {
  // Pass 1: each file in its own compiler, so every error of every file is reported.
  std::vector<CompileMessage> messages;
  CompileSink sink{&messages, ""};
  int total_errors = 0;
  for (const auto& rel : checked ? std::vector<std::string>{} : files) {
    YR_COMPILER* c = nullptr;
    if (yr_compiler_create(&c) != ERROR_SUCCESS) return make_error(Errc::kInternal, "yr_compiler_create failed");
    define_externals(c);
    sink.current_file = rel;
    yr_compiler_set_callback(c, compile_callback, &sink);
    total_errors += add_file(c, root / rel, namespace_of(rel), rel);
    yr_compiler_destroy(c);
  }
  std::vector<CompileMessage> errors, warnings;
  for (auto& m : messages) (m.warning ? warnings : errors).push_back(m);
  if (total_errors > 0 || !errors.empty()) {
    std::ostringstream os;
    os << "rules failed to compile:";
    for (const auto& e : errors) os << "\n  " << e.file << ":" << e.line << ": " << e.message;
    return make_error(Errc::kMalformed, os.str());
  }

  // Pass 2: everything in one compiler, with fwscan's atom choice (atom_quality.hpp). The choice
  // is settled by a few compiles: each one marks the root bytes the previous automaton already
  // has as paid, so strings move onto them; the cheapest automaton is kept.
  auto loaded = AtomPreferences::load(root / kAtomPreferencesFile);
  if (!loaded) return loaded.error();
  AtomPreferences prefs = std::move(*loaded);
  t_atom_prefs = &prefs;
  struct Reset {
    ~Reset() { t_atom_prefs = nullptr; }
  } reset;
  std::string digest_input;
  for (const auto& rel : files) {
    std::ifstream in(root / rel, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    digest_input += rel + '\0' + body.str() + '\0';
  }
  if (prefs.word_count() > 0) {
    std::ifstream in(root / kAtomPreferencesFile, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    digest_input += std::string(kAtomPreferencesFile) + '\0' + body.str() + '\0';
  }
  // The verdict policy (verdict/policy.hpp) belongs to the tree: its digest covers it.
  std::shared_ptr<const verdict::Policy> policy;
  if (std::error_code pec; std::filesystem::is_regular_file(root / verdict::kPolicyFile, pec)) {
    auto loaded_policy = verdict::Policy::load(root / verdict::kPolicyFile);
    if (!loaded_policy) return loaded_policy.error();
    policy = std::make_shared<const verdict::Policy>(std::move(*loaded_policy));
    std::ifstream in(root / verdict::kPolicyFile, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    digest_input += std::string(verdict::kPolicyFile) + '\0' + body.str() + '\0';
  }
  auto compile_all = [&]() -> Result<YR_RULES*> {
    YR_COMPILER* c = nullptr;
    if (yr_compiler_create(&c) != ERROR_SUCCESS) return make_error(Errc::kInternal, "yr_compiler_create failed");
    define_externals(c);
    if (atoms == AtomChoice::kSteered) {
      c->atoms_config.get_atom_quality = atom_quality_callback;
      c->atoms_config.quality_warning_threshold = 0;  // slow strings were reported by pass 1 (stock heuristic)
    }
    std::vector<CompileMessage> cross;
    CompileSink sink2{&cross, ""};
    yr_compiler_set_callback(c, compile_callback, &sink2);
    for (const auto& rel : files) {
      sink2.current_file = rel;
      if (add_file(c, root / rel, namespace_of(rel), rel) != 0) {
        yr_compiler_destroy(c);
        std::ostringstream os;
        os << "rules failed to compile together:";
        for (const auto& e : cross) if (!e.warning) os << "\n  " << e.file << ":" << e.line << ": " << e.message;
        return make_error(Errc::kMalformed, os.str());
      }
    }
    YR_RULES* compiled = nullptr;
    const int status = yr_compiler_get_rules(c, &compiled);
    yr_compiler_destroy(c);
    if (status != ERROR_SUCCESS) return make_error(Errc::kInternal, "yr_compiler_get_rules failed");
    return compiled;
  };
  const int kSettleCompiles = atoms == AtomChoice::kSteered ? 4 : 1;
  YR_RULES* rules = nullptr;
  double best_cost = 0;
  for (int round = 0; round < kSettleCompiles; ++round) {
    auto compiled = compile_all();
    if (!compiled) {
      if (rules != nullptr) yr_rules_destroy(rules);
      return compiled.error();
    }
    const std::vector<std::uint8_t> roots = root_bytes(*compiled);
    const double cost = AtomPreferences::root_cost(roots);
    if (rules == nullptr || cost < best_cost) {
      if (rules != nullptr) yr_rules_destroy(rules);
      rules = *compiled;
      best_cost = cost;
    } else {
      yr_rules_destroy(*compiled);
    }
    if (!prefs.mark_paid(roots)) break;  // nothing new: settled
  }
  std::shared_ptr<RuleSet> set(new RuleSet());
  set->rules_ = rules;
  set->policy_ = std::move(policy);
  set->files_ = std::move(files);
  set->warnings_ = std::move(warnings);
  set->digest_ = sha256_hex(ByteView(reinterpret_cast<const std::uint8_t*>(digest_input.data()), digest_input.size()));  // NOLINT
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules, rule) {
    ++set->rule_count_;
    set->rule_names_.emplace_back(rule->identifier);
  }
  std::sort(set->rule_names_.begin(), set->rule_names_.end());
  return set;
}

AutomatonProfile RuleSet::profile(ByteView sample) const {
  AutomatonProfile p;
  const auto* rules = static_cast<const YR_RULES*>(rules_);
  const YR_AC_TRANSITION* t = rules->ac_transition_table;
  p.root_bytes = root_bytes(rules);
  // The scan loop of libyara's _yr_scanner_scan_mem_block, without the matching: follow
  // transitions, fall back along failure links, count the steps that leave the root.
  std::uint64_t leaves = 0;
  std::uint32_t state = YR_AC_ROOT_STATE;
  for (const std::uint8_t byte : sample) {
    const auto index = static_cast<YR_AC_TRANSITION>(byte + 1);
    YR_AC_TRANSITION tr = t[state + index];
    while (YR_AC_INVALID_TRANSITION(tr, index) && state != YR_AC_ROOT_STATE) {
      state = YR_AC_NEXT_STATE(t[state]);
      tr = t[state + index];
    }
    const std::uint32_t next = YR_AC_INVALID_TRANSITION(tr, index) ? YR_AC_ROOT_STATE : YR_AC_NEXT_STATE(tr);
    if (state == YR_AC_ROOT_STATE && next != YR_AC_ROOT_STATE) {
      ++leaves;
      ++p.leaves_by_byte[byte];
    }
    state = next;
  }
  p.leave_root_rate = sample.empty() ? 0.0 : static_cast<double>(leaves) / static_cast<double>(sample.size());
  return p;
}

RuleSet::~RuleSet() {
  if (rules_ != nullptr) yr_rules_destroy(static_cast<YR_RULES*>(rules_));
}

namespace {

// The longest match a string of `rules` can have: a literal's length, twice for wide (xor and
// nocase keep it); a regular expression or hex string (or each part of a chained one) runs at
// most YR_RE_SCAN_LIMIT bytes back from its atom and as many forward.
__attribute__((no_sanitize("alignment")))
std::uint64_t longest_match(const YR_RULES* rules) {
  std::uint64_t longest = 1;
  for (std::uint32_t i = 0; i < rules->num_strings; ++i) {
    const YR_STRING* s = &rules->strings_table[i];
    const std::uint64_t n = STRING_IS_LITERAL(s) ? 2ULL * static_cast<std::uint64_t>(std::max(s->length, 0)) : 2ULL * YR_RE_SCAN_LIMIT;
    longest = std::max(longest, n);
  }
  return longest;
}

// libyara's block iterator over a node's data extents, each cut into blocks of `block` bytes
// that reach `overlap` bytes into the next (within the extent). A match starting in the overlap
// is found by both blocks, at the same offset, and libyara keeps it once. Between blocks, while
// the automaton is still running (not when a condition reads bytes), a string past the cap is
// stopped.
struct ExtentBlocks {
  ByteView data;
  std::span<const Extent> extents;
  std::uint64_t block = 0, overlap = 0;
  YR_SCANNER* scanner = nullptr;
  std::size_t next = 0;      // the extent
  std::uint64_t at = 0;      // the next block's start in it
  bool matched = false;      // the automaton has gone over every block
  std::uint64_t scanned_to = 0;
  std::map<std::uint32_t, std::uint64_t> stopped;  // string index -> offset matching stopped at
  YR_MEMORY_BLOCK current{};
};

__attribute__((no_sanitize("alignment")))
void stop_storms(ExtentBlocks& it) {
  YR_SCANNER* s = it.scanner;
  for (std::uint32_t i = 0; i < s->rules->num_strings; ++i) {
    const std::uint64_t count = static_cast<std::uint64_t>(s->matches[i].count) + static_cast<std::uint64_t>(s->unconfirmed_matches[i].count);
    if (count <= ScanSession::kMaxMatchesPerString || yr_bitmask_is_set(s->strings_temp_disabled, i)) continue;
    yr_bitmask_set(s->strings_temp_disabled, i);
    it.stopped.emplace(i, it.scanned_to);
  }
}

const std::uint8_t* extent_block_data(YR_MEMORY_BLOCK* block) {
  const auto* it = static_cast<const ExtentBlocks*>(block->context);
  return it->data.data() + block->base;
}

YR_MEMORY_BLOCK* extent_block_next(YR_MEMORY_BLOCK_ITERATOR* self) {
  auto* it = static_cast<ExtentBlocks*>(self->context);
  self->last_error = ERROR_SUCCESS;
  if (!it->matched && it->current.size != 0) {
    it->scanned_to = it->current.base + it->current.size;
    stop_storms(*it);
  }
  while (it->next < it->extents.size() && it->at >= it->extents[it->next].size) {
    ++it->next;
    it->at = 0;
  }
  if (it->next >= it->extents.size()) {
    it->matched = true;
    return nullptr;
  }
  const Extent& e = it->extents[it->next];
  const std::uint64_t left = e.size - it->at;
  std::uint64_t size = left;
  if (it->block != 0 && left > it->block + it->overlap) size = it->block + it->overlap;
  it->current.base = e.offset + it->at;
  it->current.size = static_cast<std::size_t>(size);
  it->current.context = it;
  it->current.fetch_data = extent_block_data;
  it->at = size == left ? e.size : it->at + it->block;
  return &it->current;
}

YR_MEMORY_BLOCK* extent_block_first(YR_MEMORY_BLOCK_ITERATOR* self) {
  auto* it = static_cast<ExtentBlocks*>(self->context);
  it->next = 0;
  it->at = 0;
  it->current.size = 0;
  return extent_block_next(self);
}

std::uint64_t extent_blocks_size(YR_MEMORY_BLOCK_ITERATOR* self) { return static_cast<ExtentBlocks*>(self->context)->data.size(); }

// One yara_too_many_matches diagnostic a string that matched past the cap: stopped between
// blocks, or past it within the last block (seen by the callback).
__attribute__((no_sanitize("alignment")))
void say_capped(const YR_RULES* rules, const ExtentBlocks& blocks, const ScanSink& sink, std::vector<Diagnostic>& diags) {
  std::set<std::uint32_t> strings;
  for (const auto& [i, at] : blocks.stopped) strings.insert(i);
  for (const auto& [i, n] : sink.seen) strings.insert(i);
  for (const std::uint32_t i : strings) {
    const YR_STRING* s = &rules->strings_table[i];
    const YR_RULE* r = &rules->rules_table[s->rule_idx];
    std::string msg = "rule " + std::string(r->identifier) + " string " + s->identifier + " matched more than " +
                      std::to_string(ScanSession::kMaxMatchesPerString) + " times";
    if (auto n = sink.seen.find(i); n != sink.seen.end()) msg += " (" + std::to_string(n->second) + " recorded)";
    if (auto at = blocks.stopped.find(i); at != blocks.stopped.end()) msg += "; it was not searched past offset " + hex_u64(at->second);
    msg += "; the first " + std::to_string(ScanSession::kMaxMatchesPerString) + " are reported";
    diags.push_back({Severity::kWarning, DiagCode::kYaraTooManyMatches, std::move(msg), "yara", std::nullopt});
  }
}

}  // namespace

ScanSession::ScanSession(std::shared_ptr<const RuleSet> rules, std::uint32_t timeout_seconds)
    : rules_(std::move(rules)), timeout_(timeout_seconds) {
  YR_SCANNER* s = nullptr;
  auto* raw = static_cast<YR_RULES*>(rules_->raw());
  if (yr_scanner_create(raw, &s) == ERROR_SUCCESS) scanner_ = s;
  overlap_ = longest_match(raw);
}

ScanSession::~ScanSession() {
  if (scanner_ != nullptr) yr_scanner_destroy(static_cast<YR_SCANNER*>(scanner_));
}

Result<std::vector<RuleMatch>> ScanSession::scan(ByteView data, const ScanContext& ctx, std::vector<Diagnostic>& diags) {
  const Extent all{0, data.size()};
  return scan(data, {&all, 1}, ctx, diags);
}

Result<std::vector<RuleMatch>> ScanSession::scan(ByteView data, std::span<const Extent> extents, const ScanContext& ctx,
                                                 std::vector<Diagnostic>& diags) {
  if (scanner_ == nullptr) return make_error(Errc::kInternal, "yr_scanner_create failed");
  auto* s = static_cast<YR_SCANNER*>(scanner_);
  std::vector<RuleMatch> matches;
  ScanSink sink;
  sink.data = data;
  sink.matches = &matches;
  sink.diags = &diags;
  yr_scanner_set_callback(s, scan_callback, &sink);
  yr_scanner_set_timeout(s, static_cast<int>(timeout_));
  yr_scanner_set_flags(s, 0);
  yr_scanner_define_integer_variable(s, "fw_depth", ctx.depth);
  yr_scanner_define_string_variable(s, "fw_handler", ctx.handler.c_str());
  yr_scanner_define_string_variable(s, "fw_locator", ctx.locator.c_str());
  yr_scanner_define_string_variable(s, "fw_name", ctx.name.c_str());
  yr_scanner_define_boolean_variable(s, "fw_is_elf", ctx.is_elf ? 1 : 0);
  ExtentBlocks blocks;
  blocks.data = data;
  blocks.extents = extents;
  blocks.block = block_;
  blocks.overlap = overlap_;
  blocks.scanner = s;
  int rc = ERROR_SUCCESS;
  if (extents.size() == 1 && extents[0].offset == 0 && extents[0].size == data.size() &&
      (block_ == 0 || data.size() <= block_ + overlap_)) {
    rc = yr_scanner_scan_mem(s, data.data(), data.size());
  } else {
    YR_MEMORY_BLOCK_ITERATOR it{&blocks, extent_block_first, extent_block_next, extent_blocks_size, ERROR_SUCCESS};
    rc = yr_scanner_scan_mem_blocks(s, &it);
  }
  if (rc == ERROR_SCAN_TIMEOUT) {
    diags.push_back({Severity::kWarning, DiagCode::kYaraTimeout, "YARA scan timed out after " + std::to_string(timeout_) + " s; matches so far kept", "yara", std::nullopt});
  } else if (rc != ERROR_SUCCESS || sink.failed) {
    return make_error(Errc::kInternal, "YARA scan failed with code " + std::to_string(rc));
  }
  say_capped(s->rules, blocks, sink, diags);
  std::sort(matches.begin(), matches.end(), [](const RuleMatch& a, const RuleMatch& b) {
    return a.ns != b.ns ? a.ns < b.ns : a.rule < b.rule;
  });
  return matches;
}

}  // namespace fwscan
