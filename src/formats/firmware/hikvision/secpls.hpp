#pragma once
// Hikvision `_cfgUpgSecPls`, the integrity manifest of SWKH packages (camera-formats.md 1.7).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/blob.hpp"

namespace fwscan::hikvision {

struct SecplsEntry {
  std::string name;
  std::string sha0;  // hex
  std::uint32_t size = 0, offset = 0;
};

struct Secpls {
  bool self_hash_ok = false;  // SHA-0 of plaintext[24:] equals the stored one
  std::uint32_t total_size = 0;
  std::vector<SecplsEntry> entries;
};

// Decrypts and parses the member; nullopt with `error` set when it is not a manifest.
std::optional<Secpls> decode_secpls(ByteView member, std::string& error);

}  // namespace fwscan::hikvision
