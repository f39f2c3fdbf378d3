// libFuzzer target: the rule and verdict stage. The bundled rule pack (compiled once) runs over
// the bytes as one file, with the decoding and transcoding views, the context pass, code
// evidence for every finding and the verdict; nothing is unpacked, so every execution spends
// its time in matching and judging.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "app/pipeline.hpp"
#include "fuzz_limits.hpp"
#include "report/document.hpp"

namespace {

std::shared_ptr<const fwscan::RuleSet> rules() {
  static const std::shared_ptr<const fwscan::RuleSet> pack = [] {
    auto r = fwscan::RuleSet::compile_dir(FWSCAN_DEFAULT_RULES_DIR);
    if (!r) std::abort();
    return r.value();
  }();
  return pack;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwscan;
  ScanOptions options{fuzz::limits(), rules()};
  options.limits.max_depth = 0;  // the input itself, not its children
  options.evidence = EvidencePolicy::kAll;
  Pipeline pipe(options);
  pipe.add_blob(Blob::copy_of({data, size}), "input.bin");
  const ReportDocument doc = pipe.finish();
  std::ostringstream json, text;
  write_json_report(doc, json);
  write_text_report(doc, text);
  return 0;
}
