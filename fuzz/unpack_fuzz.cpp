// libFuzzer target: the format registry, as a scan meets an input. The bytes are identified,
// carved and extracted recursively (every handler, no rules), then the report is written as
// JSON, read back into the model and written again, which must give the same text.
#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "app/pipeline.hpp"
#include "fuzz_limits.hpp"
#include "model/json_reader.hpp"
#include "report/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwscan;
  Pipeline pipe(ScanOptions{fuzz::limits(), nullptr});
  pipe.add_blob(Blob::copy_of({data, size}), "input.bin");
  const ReportDocument doc = pipe.finish();
  std::ostringstream first;
  write_json_report(doc, first);
  auto back = read_json_report(first.str());
  if (!back) std::abort();  // fwscan could not read its own report
  std::ostringstream second;
  write_json_report(*back, second);
  if (second.str() != first.str()) std::abort();  // the round trip changed the report
  return 0;
}
