#pragma once
// The report model (docs/architecture.md): what a scan found, apart from the working state that
// found it. It holds no input bytes; JSON is written from it and read back into it
// (model/json_reader.hpp), and every writer is a pure function of it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/encoding.hpp"
#include "core/limits.hpp"
#include "model/node.hpp"
#include "scan/rule_match.hpp"

namespace fwscan {

inline constexpr int kReportSchemaVersion = 1;

// Code evidence for a string inside a program image, ELF or PE (DESIGN.md 4.7).
struct CodeReference {
  std::uint64_t insn_va = 0;
  std::string function;                    // symbol name, or sub_<va>
  std::uint64_t function_va = 0;
  std::uint64_t function_offset = 0;
  std::string function_source;             // symbol, eh_frame, call_target, prologue, ...
  std::string kind;                        // adrp_add, literal_pool, lui_addiu, data_pointer, ...
  std::optional<std::uint64_t> via_slot;   // data_pointer: the slot holding the string's address
  std::vector<std::string> disasm;         // ±3 instructions, the referencing one marked "> "
  std::vector<std::string> exported_via;   // shared objects: exported functions that reach it
  std::vector<std::string> callers;        // functions that call `function` directly (at most 16)
};

// Where a matched string lies in a program image (ELF or PE) and the code that uses it: what
// the native-code layers share; each alternative below adds what its format has.
struct CodeLocation {
  std::uint64_t va = 0;                    // of the match
  std::string section;                     // "" when no section headers
  std::uint64_t string_va = 0;             // start of the enclosing string
  std::string string_text;                 // the whole enclosing string, decoded, bounded
  std::vector<CodeReference> refs;
};

struct ElfLocation : CodeLocation {
  std::string segment;                     // "LOAD 0x10000 r-x"
};

struct PeLocation : CodeLocation {
  std::uint64_t rva = 0;                   // of the match: va minus the image base
};

// A string constant of a Java class file. There are no addresses: va and string_va are offsets
// in the class file (of the match, of the constant's bytes); each reference's function is the
// method ("com/vendor/Face.label(I)Ljava/lang/String;") or field that uses the constant, its
// insn_va and function_offset the bytecode offset, its kind "ldc", "ldc_w" or "constant_value".
struct JavaLocation : CodeLocation {
  std::string class_name;                  // "com/vendor/Face"
  std::uint32_t constant = 0;              // the CONSTANT_Utf8's index in the pool
};

struct ElfFunction {
  std::uint64_t va = 0, size = 0;
  std::string name, source;
};

// What a program image's summary shares (ELF or PE): its code, what it links, its functions.
struct ProgramSummary {
  std::string arch;
  int bits = 0;
  std::uint64_t entry = 0;
  std::vector<std::string> needed, exports;  // needed: ELF DT_NEEDED, PE imported DLLs
  std::size_t imports = 0;
  std::vector<ElfFunction> functions;      // capped
  std::size_t function_count = 0;
  bool stripped = true;                    // no symbol table
  bool swept = false;                      // code references computed
  std::uint64_t instructions = 0;
};

struct ElfSummary : ProgramSummary {
  std::string endian, type, interpreter, build_id;
  bool pie = false;
};

// A PE/COFF image (EXE, DLL): the header facts an auditor checks a vendor's claims against.
struct PeSummary : ProgramSummary {
  std::string type;                        // "exe" or "dll"
  std::string subsystem;                   // "windows_gui", "windows_cui", "native", ...
  std::uint32_t timestamp = 0;             // COFF TimeDateStamp (a hash in reproducible builds)
  std::uint64_t image_base = 0;
  std::string pdb_path, pdb_id;            // CodeView: the PDB the linker named, GUID + age
  std::vector<std::pair<std::string, std::string>> version_info;  // VS_VERSIONINFO strings, as stored
  bool signed_ = false;                    // an Authenticode certificate table is present (not verified)
  bool dotnet = false;                     // a CLR header: a .NET assembly
};

// The evidence layers (docs/architecture.md, "Analyzers"). An analyzer that explains the code
// behind a matched string adds one alternative to CodeEvidence; one that describes a node as a
// whole adds one to NodeFacts. Both are closed: every writer and the JSON reader visit them with
// one overload per alternative and no catch-all, so a layer that a writer forgets does not
// compile (tests/model/closed_evidence.sh adds an alternative and checks that).
#ifdef FWSCAN_CLOSED_EVIDENCE_PROBE
struct ProbeLocation {};  // only in tests/model/closed_evidence.sh
struct ProbeFacts {};
#define FWSCAN_PROBE_LOCATION , ProbeLocation
#define FWSCAN_PROBE_FACTS , ProbeFacts
#else
#define FWSCAN_PROBE_LOCATION
#define FWSCAN_PROBE_FACTS
#endif
using CodeEvidence = std::variant<ElfLocation, PeLocation, JavaLocation FWSCAN_PROBE_LOCATION>;
using NodeFacts = std::variant<ElfSummary, PeSummary FWSCAN_PROBE_FACTS>;

// The JSON key of each alternative (a string's "elf", a node's "elf"): one line per layer.
inline constexpr std::string_view evidence_key(const ElfLocation&) { return "elf"; }
inline constexpr std::string_view evidence_key(const PeLocation&) { return "pe"; }
inline constexpr std::string_view evidence_key(const JavaLocation&) { return "java"; }
inline constexpr std::string_view facts_key(const ElfSummary&) { return "elf"; }
inline constexpr std::string_view facts_key(const PeSummary&) { return "pe"; }

// std::visit(overloaded{[](const ElfLocation&) {...}, ...}, v): one lambda per alternative.
template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

struct EvidenceString {
  std::string id;                          // "$label_gbk"
  std::uint64_t offset = 0;                // in the node
  std::uint32_t length = 0;
  std::optional<std::uint64_t> root_offset;  // in the input file, when the chain is all carved
  Encoding encoding = Encoding::kBinary;   // of the text (JSON: its name, core/encoding.hpp)
  std::string text;                        // decoded to UTF-8 (escaped when binary)
  std::string hex;                         // matched bytes (in the view, when there is one)
  std::string context;                     // decoded text around the match, same encoding
  std::string view;                        // "" = the node's bytes; "unescaped" = decoding view
  std::string source;                      // with a view: the node's own bytes at the match (escaped text)
  std::optional<CodeEvidence> code;        // the code that uses the string, when an analyzer found it (--evidence)
};

// The functions that code evidence says use the string, and their direct callers (the verdict
// stage's function scope, whatever the layer).
struct CodeUsers {
  std::vector<std::string> functions, callers;
};
CodeUsers code_users(const CodeEvidence& evidence);  // Java: the methods (a constant field is no code)
// Whether the file's layout says nothing of which strings belong together: a linker lays out an
// ELF's or a PE's string tables as it likes, while javac allocates a class's constants in the
// order its source declares and uses them, so nearness in a class file means what it means in
// any data file.
bool layout_reordered(const CodeEvidence& evidence);

// The ELF alternative of a string's code evidence, or null (tests).
inline const ElfLocation* elf_location(const EvidenceString& s) {
  return s.code ? std::get_if<ElfLocation>(&*s.code) : nullptr;
}

// Why a verdict finding has its severity (docs/verdicts.md): the signals that met it, where.
struct VerdictSignal {
  std::string kind;                        // signal kind (rules/verdict.policy)
  std::string rule;                        // the signal rule that found it
  std::string text;
  Encoding encoding = Encoding::kBinary;
  std::string view;
  std::string locator;                     // node of the signal
  std::uint64_t offset = 0;                // in that node
  std::string scope;                       // where it met the finding's label: string, function, record, file, image
  std::string function;                    // scope function: the function both are used by
  double contribution = 0.0;               // to the score (negative: lowered)
};

struct Verdict {
  std::string kind;                        // the subject's signal kind
  double score = 0.0;
  std::string scope;                       // narrowest scope where corroboration met; "" when lone
  std::vector<VerdictSignal> signals;      // corroborating (+) and lowering (-) signals
  std::string explained_by;                // benign context that explains the label away ("" when none)
  std::string explanation;                 // one sentence: label, signals, scopes -> severity
  std::size_t occurrences = 0;             // occurrences of the label in the node
};

struct Finding {
  std::string ns, rule;
  RuleSeverity severity = RuleSeverity::kMedium;
  RuleMeta meta;
  NodeId node = 0;
  std::string locator;
  std::string node_sha256;
  std::vector<EvidenceString> strings;
  std::vector<std::string> also_in;        // locators of nodes with identical content, in the same input
  std::vector<std::string> shared_with;    // the same content in other inputs (which report it too)
  std::optional<Verdict> verdict;          // findings made by the verdict stage from signals
};

struct ReportInput {
  std::string name;
  std::string sha256;
  std::uint64_t size = 0;
  std::optional<NodeId> root;              // absent when the file could not be read
};

// A finding's hash chain: the nodes from its input's root down to `id`, root first (each with
// its step's handler and offset, its size and its SHA-256).
std::vector<const NodeRecord*> chain_to(const NodeTable& tree, NodeId id);

struct ReportDocument {
  std::string tool_version;
  std::string rules_digest;
  std::size_t rules_count = 0;
  std::vector<std::string> rule_files;
  Limits limits;
  std::vector<ReportInput> inputs;
  NodeTable tree;                          // the nodes, as records (no bytes)
  std::vector<Finding> findings;           // sorted: severity desc, then locator, rule
  std::vector<Finding> signals;            // matches of signal rules (meta `signal`), input of the verdicts
  std::vector<Diagnostic> diagnostics;     // run-level (unreadable input, rules)
  std::map<NodeId, NodeFacts> facts;       // what an analyzer says of a node as a whole (ELF: architecture, symbols, functions)
  std::string sandbox;                     // how the scanning process confined itself (app/sandbox.hpp); "" when it did not
  // How the report was made, so that it can be made again: the libraries that read and matched
  // (name, version), and, from the CLI, its command line and the options that shape the report.
  std::vector<std::pair<std::string, std::string>> libraries;
  std::vector<std::string> command_line;
  std::vector<std::pair<std::string, std::string>> options;

  std::size_t count_at_or_above(RuleSeverity s) const;
  // The node's ELF summary, or null.
  const ElfSummary* elf_summary(NodeId id) const;
  const ProgramSummary* program_summary(NodeId id) const;  // an ELF's or a PE's

};

}  // namespace fwscan
