#pragma once
// The versions of the libraries that read and match an image (docs/report-schema.md, tool.libraries):
// with the rule pack's digest and fwscan's version, what another run needs to make the same
// report. Runtime versions where the library reports one (Capstone, libarchive), else the
// version of the headers fwscan was built with (libyara, LIEF, libsquashfs).
#include <string>
#include <utility>
#include <vector>

namespace fwscan {

std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace fwscan
