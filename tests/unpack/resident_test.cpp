// The resident-memory budget (Limits::max_resident_bytes): one decode takes at most half of it,
// and no more than is left of it while other decoded bytes are held; the cut says so.
#include <zlib.h>

#include "core/blob.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"
#include "unpack/handler.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

// A gzip stream of `size` bytes of a repeated pattern: a known plaintext of any size from a few KiB.
std::vector<std::uint8_t> gzip_of(std::uint64_t size) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::vector<std::uint8_t> block(1 << 16);
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<std::uint8_t>(i * 7);
  std::vector<std::uint8_t> out(1 << 16), gz;
  for (std::uint64_t done = 0; done < size; done += block.size()) {
    z.next_in = block.data();
    z.avail_in = static_cast<uInt>(std::min<std::uint64_t>(block.size(), size - done));
    const int flush = done + block.size() >= size ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      deflate(&z, flush);
      gz.insert(gz.end(), out.data(), out.data() + (out.size() - z.avail_out));
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return gz;
}

}  // namespace

TEST_CASE("resident budget: a decode is capped at half the budget, and at what is left of it", "[unpack][memory][hostile]") {
  Limits limits;
  limits.max_resident_bytes = 64ULL << 20;
  Budget budget(limits);
  // Nothing else held (beyond what the test process holds): half the budget for one decode.
  const std::uint64_t base = resident_decoded_bytes();
  REQUIRE(base < (4ULL << 20));
  CHECK(budget.max_output(1ULL << 20) == 32ULL << 20);
  auto cut = budget.take_resident_cut();
  REQUIRE(cut);
  CHECK(cut->first == 32ULL << 20);
  CHECK_FALSE(budget.take_resident_cut());  // taken
  // 50 MiB held: what is left of the 64.
  {
    const Blob held = Blob::own(std::vector<std::uint8_t>(50ULL << 20, 1));
    const std::uint64_t now = resident_decoded_bytes();
    CHECK(budget.max_output(1ULL << 20) == (64ULL << 20) - now);
    cut = budget.take_resident_cut();
    REQUIRE(cut);
    CHECK(cut->second == now);
  }
  // A small input's cap under a large budget is the expansion rule's, untouched.
  Limits big;
  Budget roomy(big);
  CHECK(roomy.max_output(1000) == 64ULL << 20);
  CHECK_FALSE(roomy.take_resident_cut());
}

TEST_CASE("resident budget: a stream decoding past half the budget is cut there, and the report says why", "[unpack][memory][hostile]") {
  Limits limits;
  limits.max_resident_bytes = 64ULL << 20;
  const auto gz = gzip_of(40ULL << 20);  // 40 MiB: past the 32 MiB half
  const Unpacked doc = unpack_bytes(gz, "big.gz", limits);
  const Node* out = nullptr;
  for (const Node& n : doc.tree.nodes()) {
    if (n.parent && n.step.origin == ChildOrigin::kDecoded) out = &n;
  }
  REQUIRE(out != nullptr);
  CHECK(out->size() == 32ULL << 20);
  // The bytes kept are the stream's first 32 MiB: the pattern, from the start.
  const ByteView b = out->data.bytes();
  bool pattern = true;
  for (std::uint64_t i = 0; i < b.size(); i += 4093) pattern = pattern && b[i] == static_cast<std::uint8_t>((i % (1 << 16)) * 7);
  CHECK(pattern);
  CHECK(has_diagnostic(doc, "limit_expansion"));
  CHECK(has_diagnostic(doc, "limit_resident"));
  // Under the default budget the same stream is whole, and nothing says resident.
  const Unpacked whole = unpack_bytes(gz, "big.gz");
  CHECK_FALSE(has_diagnostic(whole, "limit_resident"));
}
