// The software device's configuration, read once from the environment at
// cuInit and passed by value to whom needs it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vmm_cost.h"

namespace cudasim {

struct DriverConfig {
  int devices = 1;                           // CUDASIM_DEVICES
  std::uint64_t device_memory = 1ull << 30;  // CUDASIM_DEVICE_MEMORY
  double link_gbps = 12.0;                   // CUDASIM_LINK_GBPS (1e9 bytes/s)
  std::string link_name;                     // CUDASIM_LINK (empty: private)
  std::vector<std::string> pci_bus_ids;      // CUDASIM_PCI_BUS_IDS, one per device
  VmmCost vmm_cost;                          // CUDASIM_VMM_COST (default: none)
};

// "256MiB", "4GiB", "1073741824", "512KB" -> bytes; nullopt when malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);

// Reads the CUDASIM_* variables; a malformed value is reported on stderr and
// the default is kept, so a typo never takes the device away silently.
DriverConfig config_from_environment();

}  // namespace cudasim
