#pragma once
// The U-Boot environment reader's check, for the partition-map handler: whether a CRC-checked
// environment begins at the start of `at`.
#include <cstdint>
#include <optional>

#include "core/blob.hpp"

namespace fwscan {

// The environment's size when one with a matching CRC begins at the start of `at`.
std::optional<std::uint64_t> uboot_env_at(ByteView at);

}  // namespace fwscan
