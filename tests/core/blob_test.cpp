// Blob storage: a mapped input's pages can leave the resident set and be read again.
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "core/blob.hpp"
#include "support/catch.hpp"
#include "support/test_support.hpp"

using namespace fwscan;
using namespace fwscan::test;

namespace {

std::uint64_t checksum(ByteView b) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < b.size(); i += 64) sum = sum * 31 + b[i] + (b[i + 63] << 8);
  return sum;
}

}  // namespace

// The pipeline drops the pages of a mapped input after each batch it has scanned: they are the
// file's, so the next read faults them in again from the page cache, the same bytes.
TEST_CASE("blob: a mapped file's pages leave the resident set and read back the same", "[blob][memory]") {
  constexpr std::size_t kSize = 48U << 20;
  const auto path = std::filesystem::temp_directory_path() / ("fwscan-blob-test-" + std::to_string(getpid()));
  {
    std::vector<std::uint8_t> bytes = pseudo_random(kSize, 7);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  const std::vector<std::uint8_t> expected = pseudo_random(kSize, 7);
  const std::uint64_t want = checksum({expected.data(), expected.size()});
  {
    auto blob = Blob::map_file(path);
    REQUIRE(blob);
    const long before = status_mib("VmRSS");
    CHECK(checksum(blob->bytes()) == want);
    const long read = status_mib("VmRSS");
    INFO("VmRSS " << before << " -> " << read << " MiB after reading 48 MiB");
    CHECK(read - before >= 40);
    blob->drop_read_pages();
    const long dropped = status_mib("VmRSS");
    INFO("after drop_read_pages: " << dropped << " MiB");
    CHECK(read - dropped >= 40);
    CHECK(checksum(blob->bytes()) == want);
    // A copy in memory holds the only copy of its bytes: nothing is dropped.
    const Blob owned = Blob::copy_of(ByteView(expected.data(), 4096));
    owned.drop_read_pages();
    CHECK(owned.bytes()[100] == expected[100]);
  }
  std::filesystem::remove(path);
}

// Decoded bytes held by blobs are counted while they live: a vector blob by its size (not a
// reserved tail), an output buffer's blob by the pages written (not its holes); a mapped input
// not at all.
TEST_CASE("blob: resident_decoded_bytes counts what decoded blobs hold, while they live", "[blob][memory]") {
  const std::uint64_t before = resident_decoded_bytes();
  {
    std::vector<std::uint8_t> v(3 << 20, 7);
    v.reserve(64 << 20);
    const Blob a = Blob::own(std::move(v));
    CHECK(resident_decoded_bytes() - before == (3U << 20));
    auto buffer = OutputBuffer::make(40 << 20);
    REQUIRE(buffer);
    buffer->append(std::vector<std::uint8_t>(8192, 1));
    buffer->append_hole(30 << 20);
    buffer->append(std::vector<std::uint8_t>(4096, 2));
    const Blob b = Blob::adopt(std::move(*buffer));
    CHECK(b.size() == 8192 + (30U << 20) + 4096);
    CHECK(resident_decoded_bytes() - before == (3U << 20) + 8192 + 4096);
    const Blob slice = *a.slice(0, 100);  // shares a's storage: counted once
    CHECK(resident_decoded_bytes() - before == (3U << 20) + 8192 + 4096);
  }
  CHECK(resident_decoded_bytes() == before);
}
