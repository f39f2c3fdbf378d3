#include "app/run_info.hpp"

#include <archive.h>
#include <capstone/capstone.h>
#include <libdeflate.h>
#include <yara/libyara.h>
#include <Zydis/Zydis.h>

#include <LIEF/version.h>

namespace fwscan {

std::vector<std::pair<std::string, std::string>> library_versions() {
  int cs_major = 0, cs_minor = 0;
  cs_version(&cs_major, &cs_minor);
  std::string capstone = std::to_string(cs_major) + "." + std::to_string(cs_minor);
  if (cs_major == CS_API_MAJOR && cs_minor == CS_API_MINOR) capstone += "." + std::to_string(CS_VERSION_EXTRA);  // the patch level, from the headers
  std::string archive = archive_version_string();
  if (archive.rfind("libarchive ", 0) == 0) archive.erase(0, 11);
  std::string lief = LIEF_VERSION;
  while (!lief.empty() && (lief.back() == '-' || lief.back() == ' ')) lief.pop_back();  // "0.9.0-"
  const ZyanU64 zv = ZydisGetVersion();
  const std::string zydis = std::to_string(ZYDIS_VERSION_MAJOR(zv)) + "." + std::to_string(ZYDIS_VERSION_MINOR(zv)) + "." +
                            std::to_string(ZYDIS_VERSION_PATCH(zv));
  return {
      {"capstone", capstone},
      {"libarchive", archive},
      {"libdeflate", LIBDEFLATE_VERSION_STRING},
      {"libsquashfs", FWSCAN_LIBSQUASHFS_VERSION},
      {"libyara", std::to_string(YR_MAJOR_VERSION) + "." + std::to_string(YR_MINOR_VERSION) + "." + std::to_string(YR_MICRO_VERSION)},
      {"lief", lief},
      {"zydis", zydis},
  };
}

}  // namespace fwscan
