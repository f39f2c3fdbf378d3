#include "support/test_support.hpp"

#include "support/catch.hpp"
#include "unpack/registry.hpp"

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "core/hash.hpp"
#include "scan/rule_set.hpp"

namespace fwscan::test {

TempDir::TempDir(const std::string& tag) {
  static int counter = 0;
  path_ = std::filesystem::temp_directory_path() /
          ("fwscan_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path corpus_dir() { return FWSCAN_CORPUS_DIR; }
std::filesystem::path external_dir() { return FWSCAN_EXTERNAL_CORPUS_DIR; }
std::filesystem::path rules_dir() { return FWSCAN_RULES_DIR; }

std::optional<Extraction> run_handler(std::string_view id, const std::vector<std::uint8_t>& bytes) {
  const Handler* h = Registry::builtin().find(id);
  REQUIRE(h != nullptr);
  const ByteView v(bytes.data(), bytes.size());
  auto chunk = h->identify(v, 0);
  if (!chunk) return std::nullopt;
  Limits limits;
  Budget budget(limits);
  ExtractContext ctx(budget);
  auto r = h->extract(Blob::copy_of(v.subspan(0, chunk->size)), ctx);
  if (!r) return std::nullopt;
  return std::move(*r);
}

std::vector<std::uint8_t> external_xz(const std::string& rel) {
  const Unpacked doc = unpack_path(external_dir() / rel);
  const std::string name = std::filesystem::path(rel).filename().string();
  const Node* raw = node_at(doc, name + "/xz@0x0:decompressed");
  REQUIRE(raw != nullptr);
  return {raw->data.bytes().begin(), raw->data.bytes().end()};
}

long status_mib(const std::string& key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1)) / 1024;
  }
  return -1;
}

void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

void check_sparse_get_files_test(const std::vector<std::uint8_t>& image, const std::string& name, const std::string& handler,
                                 std::uint64_t size) {
  const long before = status_mib("VmRSS");
  reset_peak();
  const Unpacked doc = unpack_bytes(image, name);
  const long grown = status_mib("VmHWM") - before;
  const Node* third = node_at(doc, name + "/" + handler + "@0x0:get_files_test/generic folder/test file 3_.txt");
  REQUIRE(third != nullptr);
  CHECK(third->size() == size);
  CHECK(third->data.has_holes());
  CHECK(std::string(as_chars(third->data.bytes().subspan(0, 20))) == "The third test file!");
  std::uint64_t held = 0;
  for (const Extent& e : third->data.data_extents()) held += e.size;
  CHECK(held <= 4096);
  CHECK(before >= 0);
  CHECK(grown < 40);
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

namespace {

Unpacked finish_unpack(Pipeline& pipe) {
  Unpacked u;
  u.report = pipe.finish();
  u.tree = pipe.take_tree();
  u.inputs = u.report.inputs;
  u.diagnostics = u.report.diagnostics;
  return u;
}

template <class Doc, class N>
std::vector<const N*> ending_with(const Doc& doc, std::string_view suffix) {
  std::vector<const N*> out;
  for (const N& n : doc.tree.nodes()) {
    if (n.locator.size() >= suffix.size() && n.locator.compare(n.locator.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(&n);
    }
  }
  return out;
}

template <class Doc>
bool any_diagnostic(const Doc& doc, std::string_view name) {
  const auto code = diag_code_from_name(name);
  REQUIRE(code);  // a misspelt code would never be found, and "not found" tests would pass
  for (const auto& n : doc.tree.nodes()) {
    for (const auto& d : n.diagnostics) {
      if (d.code == *code) return true;
    }
  }
  return false;
}

}  // namespace

namespace {
// The unpacker's tests read the extracted bytes: the tree keeps them.
ScanOptions unpack_options(const Limits& limits) {
  ScanOptions opts{limits, nullptr};
  opts.keep_bytes = true;
  return opts;
}
}  // namespace

Unpacked unpack_bytes(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits) {
  Pipeline pipe(unpack_options(limits));
  pipe.add_blob(Blob::copy_of({bytes.data(), bytes.size()}), name);
  return finish_unpack(pipe);
}

Unpacked unpack_path(const std::filesystem::path& p, const Limits& limits) {
  if (!std::filesystem::is_regular_file(p)) throw std::runtime_error("missing test input " + p.string());
  Pipeline pipe(unpack_options(limits));
  pipe.add_file(p);
  return finish_unpack(pipe);
}

std::shared_ptr<const RuleSet> bundled_rules() {
  static const std::shared_ptr<const RuleSet> rules = [] {
    auto r = RuleSet::compile_dir(rules_dir());
    if (!r) throw std::runtime_error(r.error().message);
    return r.value();
  }();
  return rules;
}

std::string json_of(const ReportDocument& doc) {
  std::ostringstream os;
  write_json_report(doc, os);
  return os.str();
}

std::vector<std::uint8_t> unhex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

ReportDocument scan_path(const std::filesystem::path& p) {
  if (!std::filesystem::is_regular_file(p)) throw std::runtime_error("missing test input " + p.string());
  ScanOptions opts;
  opts.rules = bundled_rules();
  Pipeline pipe(opts);
  pipe.add_file(p);
  return pipe.finish();
}

std::vector<const Node*> nodes_ending_with(const Unpacked& doc, std::string_view suffix) {
  return ending_with<Unpacked, Node>(doc, suffix);
}
std::vector<const NodeRecord*> nodes_ending_with(const ReportDocument& doc, std::string_view suffix) {
  return ending_with<ReportDocument, NodeRecord>(doc, suffix);
}

const Node* node_at(const Unpacked& doc, std::string_view locator) { return doc.tree.find_locator(locator); }
const NodeRecord* node_at(const ReportDocument& doc, std::string_view locator) { return doc.tree.find_locator(locator); }
bool has_diagnostic(const Unpacked& doc, std::string_view code) { return any_diagnostic(doc, code); }
bool has_diagnostic(const ReportDocument& doc, std::string_view code) { return any_diagnostic(doc, code); }

std::vector<std::uint8_t> gzip_bytes(const std::vector<std::uint8_t>& in) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::vector<std::uint8_t> out(deflateBound(&zs, in.size()) + 64);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::vector<std::uint8_t> xz_bytes(const std::vector<std::uint8_t>& in) {
  std::vector<std::uint8_t> out(lzma_stream_buffer_bound(in.size()));
  std::size_t pos = 0;
  lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, nullptr, in.data(), in.size(), out.data(), &pos, out.size());
  out.resize(pos);
  return out;
}

std::vector<std::uint8_t> lzma_alone_bytes(const std::vector<std::uint8_t>& in) {
  lzma_options_lzma opt;
  lzma_lzma_preset(&opt, 6);
  lzma_stream s = LZMA_STREAM_INIT;
  if (lzma_alone_encoder(&s, &opt) != LZMA_OK) return {};
  std::vector<std::uint8_t> out(in.size() + in.size() / 2 + 1024);
  s.next_in = in.data();
  s.avail_in = in.size();
  s.next_out = out.data();
  s.avail_out = out.size();
  while (lzma_code(&s, LZMA_FINISH) == LZMA_OK) {
  }
  out.resize(s.total_out);
  lzma_end(&s);
  return out;
}

std::vector<std::uint8_t> bzip2_bytes(const std::vector<std::uint8_t>& in) {
  std::vector<std::uint8_t> out(in.size() + in.size() / 100 + 1024);
  unsigned int len = static_cast<unsigned int>(out.size());
  BZ2_bzBuffToBuffCompress(reinterpret_cast<char*>(out.data()), &len,
                           const_cast<char*>(reinterpret_cast<const char*>(in.data())),
                           static_cast<unsigned int>(in.size()), 9, 0, 0);
  out.resize(len);
  return out;
}

std::vector<std::uint8_t> zstd_bytes(const std::vector<std::uint8_t>& in) {
  std::vector<std::uint8_t> out(ZSTD_compressBound(in.size()));
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

std::vector<std::uint8_t> zlib_bytes(const std::vector<std::uint8_t>& in) {
  uLongf n = compressBound(in.size());
  std::vector<std::uint8_t> out(n);
  compress2(out.data(), &n, in.data(), in.size(), 9);
  out.resize(n);
  return out;
}

std::vector<std::uint8_t> lz4_frame_bytes(const std::vector<std::uint8_t>& in) {
  std::vector<std::uint8_t> out(LZ4F_compressFrameBound(in.size(), nullptr));
  out.resize(LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), nullptr));
  return out;
}

void write_text(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::vector<std::uint8_t> text_bytes(std::string_view s) { return {s.begin(), s.end()}; }

std::uint32_t crc32_of(std::string_view s) {
  return static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

std::vector<std::uint8_t> pseudo_random(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint8_t> v(n);
  std::uint32_t x = seed ? seed : 1;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  return v;
}

std::vector<std::uint8_t> tar_header(const std::string& name, std::uint64_t size, char type, const std::string& link) {
  ByteBuilder b;
  b.fixed(name, 100);
  b.fixed("0000644", 8).fixed("0000000", 8).fixed("0000000", 8);
  char sz[16];
  std::snprintf(sz, sizeof sz, "%011llo", static_cast<unsigned long long>(size));
  b.fixed(sz, 12).fixed("14524770400", 12);  // mtime 1700000000
  b.fill(' ', 8);
  b.u8(static_cast<std::uint8_t>(type));
  b.fixed(link, 100);
  b.str(std::string_view("ustar\0" "00", 8));
  b.fixed("root", 32).fixed("root", 32);
  b.fixed("0000000", 8).fixed("0000000", 8);
  b.pad_to(512);
  unsigned sum = 0;
  for (auto c : b.data()) sum += c;
  char ck[8];
  std::snprintf(ck, sizeof ck, "%06o", sum);
  for (int i = 0; i < 6; ++i) b.data()[148 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ck[i]);
  b.data()[154] = 0;
  b.data()[155] = ' ';
  return b.data();
}

std::vector<std::uint8_t> uimage_bytes(const std::vector<std::uint8_t>& payload, std::uint8_t type, std::uint8_t comp,
                                       const std::string& name) {
  ByteBuilder b;
  b.u32be(0x27051956).u32be(0).u32be(1700000000).u32be(static_cast<std::uint32_t>(payload.size()));
  b.u32be(0x80008000).u32be(0x80008000).u32be(crc32_ieee({payload.data(), payload.size()}));
  b.u8(5).u8(2).u8(type).u8(comp).fixed(name, 32);
  b.patch_u32be(4, crc32_ieee(b.view()));
  b.bytes(payload);
  return b.data();
}

std::string prop(const NodeRecord& n, std::string_view key) {
  for (const auto& [k, v] : n.properties) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace fwscan::test
