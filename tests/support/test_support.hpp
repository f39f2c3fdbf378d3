#pragma once
// Helpers shared by the tests: building binary inputs, locating corpora, running scans.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/pipeline.hpp"
#include "core/blob.hpp"
#include "report/document.hpp"
#include "unpack/extraction_tree.hpp"

namespace fwscan::test {

class ByteBuilder {
 public:
  ByteBuilder& u8(std::uint8_t v) { b_.push_back(v); return *this; }
  ByteBuilder& u16le(std::uint16_t v) { return u8(v & 0xFF).u8(v >> 8); }
  ByteBuilder& u32le(std::uint32_t v) { return u16le(v & 0xFFFF).u16le(v >> 16); }
  ByteBuilder& u64le(std::uint64_t v) { return u32le(static_cast<std::uint32_t>(v)).u32le(static_cast<std::uint32_t>(v >> 32)); }
  ByteBuilder& u16be(std::uint16_t v) { return u8(v >> 8).u8(v & 0xFF); }
  ByteBuilder& u32be(std::uint32_t v) { return u16be(v >> 16).u16be(v & 0xFFFF); }
  ByteBuilder& str(std::string_view s) { b_.insert(b_.end(), s.begin(), s.end()); return *this; }
  ByteBuilder& fixed(std::string_view s, std::size_t n) { str(s.substr(0, n)); return fill(0, n - std::min(n, s.size())); }
  ByteBuilder& bytes(const std::vector<std::uint8_t>& v) { b_.insert(b_.end(), v.begin(), v.end()); return *this; }
  ByteBuilder& fill(std::uint8_t v, std::size_t n) { b_.insert(b_.end(), n, v); return *this; }
  ByteBuilder& pad_to(std::size_t n, std::uint8_t v = 0) { if (b_.size() < n) fill(v, n - b_.size()); return *this; }
  ByteBuilder& align(std::size_t a, std::uint8_t v = 0) { while (b_.size() % a) b_.push_back(v); return *this; }
  void patch_u32le(std::size_t off, std::uint32_t v) { for (int i = 0; i < 4; ++i) b_.at(off + i) = static_cast<std::uint8_t>(v >> (8 * i)); }
  void patch_u32be(std::size_t off, std::uint32_t v) { for (int i = 0; i < 4; ++i) b_.at(off + i) = static_cast<std::uint8_t>(v >> (8 * (3 - i))); }
  std::size_t size() const { return b_.size(); }
  const std::vector<std::uint8_t>& data() const { return b_; }
  std::vector<std::uint8_t>& data() { return b_; }
  ByteView view() const { return {b_.data(), b_.size()}; }
  Blob blob() const { return Blob::copy_of(view()); }

 private:
  std::vector<std::uint8_t> b_;
};

// A fresh folder under the system temp dir, removed when the test ends, pass or fail.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::filesystem::path corpus_dir();
std::filesystem::path external_dir();   // ../shared/corpus-external
std::filesystem::path rules_dir();
std::vector<std::uint8_t> read_file(const std::filesystem::path& p);
// A line of /proc/self/status in MiB ("VmRSS", "VmHWM"); -1 when absent. reset_peak() starts
// VmHWM again from the resident memory now (writes 5 to /proc/self/clear_refs).
long status_mib(const std::string& key);
void reset_peak();
// FACT's get_files_test image (minix, XFS) with every file made `size` bytes of which only the
// first block holds data, unpacked: "generic folder/test file 3_.txt" is that size, begins with
// its text, holds at most one block of data, and the unpack grew the process by under 40 MiB.
void check_sparse_get_files_test(const std::vector<std::uint8_t>& image, const std::string& name, const std::string& handler,
                                 std::uint64_t size);
// One handler's identify (at 0) and extract on `bytes`, without the pipeline around them (no
// carving, no entropy of the rest): for loops over many damaged copies of a large image. The
// extraction, or nullopt when the handler does not claim the bytes or extract() refuses them.
std::optional<Extraction> run_handler(std::string_view id, const std::vector<std::uint8_t>& bytes);
// The bytes of an xz-compressed sample under external_dir() (`rel` ends in ".xz"), decompressed
// by fwscan's own xz handler.
std::vector<std::uint8_t> external_xz(const std::string& rel);

// An unpack without rules: the report, and the working tree with the bytes of every node (the
// report model holds none), for tests that check what a handler extracted.
struct Unpacked {
  ExtractionTree tree;
  std::vector<ReportInput> inputs;
  std::vector<Diagnostic> diagnostics;
  ReportDocument report;  // its tree: the records of `tree`
};
Unpacked unpack_bytes(const std::vector<std::uint8_t>& bytes, const std::string& name = "input.bin", const Limits& limits = Limits{});
Unpacked unpack_path(const std::filesystem::path& p, const Limits& limits = Limits{});
// The bundled rules, compiled once per test process.
std::shared_ptr<const RuleSet> bundled_rules();
// The JSON report of a document, as fwscan writes it.
std::string json_of(const ReportDocument& doc);
// Unpack and scan with the bundled rules.
ReportDocument scan_path(const std::filesystem::path& p);

// Bytes from hex digits ("e7bbb4" -> e7 bb b4), as the corpus generators write them.
std::vector<std::uint8_t> unhex(const std::string& hex);

// Nodes of a document whose locator ends with `suffix`.
std::vector<const Node*> nodes_ending_with(const Unpacked& doc, std::string_view suffix);
std::vector<const NodeRecord*> nodes_ending_with(const ReportDocument& doc, std::string_view suffix);
const Node* node_at(const Unpacked& doc, std::string_view locator);
const NodeRecord* node_at(const ReportDocument& doc, std::string_view locator);
bool has_diagnostic(const Unpacked& doc, std::string_view code);
bool has_diagnostic(const ReportDocument& doc, std::string_view code);
// Value of a node property, or "" when the node has none by that name.
std::string prop(const NodeRecord& n, std::string_view key);

// Compression helpers for building inputs.
std::vector<std::uint8_t> gzip_bytes(const std::vector<std::uint8_t>& in);
std::vector<std::uint8_t> xz_bytes(const std::vector<std::uint8_t>& in);
std::vector<std::uint8_t> lzma_alone_bytes(const std::vector<std::uint8_t>& in);
std::vector<std::uint8_t> bzip2_bytes(const std::vector<std::uint8_t>& in);
std::vector<std::uint8_t> zstd_bytes(const std::vector<std::uint8_t>& in);
std::vector<std::uint8_t> zlib_bytes(const std::vector<std::uint8_t>& in);
std::vector<std::uint8_t> lz4_frame_bytes(const std::vector<std::uint8_t>& in);
std::vector<std::uint8_t> text_bytes(std::string_view s);
// Writes a text file, creating its folders.
void write_text(const std::filesystem::path& p, const std::string& text);
std::uint32_t crc32_of(std::string_view s);
std::vector<std::uint8_t> pseudo_random(std::size_t n, std::uint32_t seed);

// A tar header block for tests (ustar, checksum filled in).
std::vector<std::uint8_t> tar_header(const std::string& name, std::uint64_t size, char type = '0',
                                     const std::string& link = "");
// A uImage with correct CRCs.
std::vector<std::uint8_t> uimage_bytes(const std::vector<std::uint8_t>& payload, std::uint8_t type, std::uint8_t comp,
                                       const std::string& name);

}  // namespace fwscan::test
