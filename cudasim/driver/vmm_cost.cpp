#include "vmm_cost.h"

#include <chrono>

namespace cudasim {

std::optional<VmmCost> vmm_cost_profile(std::string_view name) {
  if (name == "none") return VmmCost{};
  if (name == "h200") {
    // 200 rounds of 8 chunks of 2 MiB, and cuMemAlloc/cuMemFree of 16 MiB.
    // Only 2 MiB chunks and 16 MiB ranges were measured; other sizes are
    // scaled linearly from them.
    VmmCost cost;
    cost.create_us_per_mib = 9.2 / 2;
    cost.map_us_per_call = 0.7;
    cost.set_access_us_per_mib = 194.5 / 16;
    cost.unmap_us_per_mib = 16.1 / 2;
    cost.release_us_per_call = 10.8;
    cost.alloc_us_per_mib = 41.3 / 16;
    cost.free_us_per_mib = 44.2 / 16;
    return cost;
  }
  return std::nullopt;
}

void spend_us(double us) {
  if (us <= 0) return;
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double, std::micro>(us));
  while (std::chrono::steady_clock::now() < until) {
  }
}

}  // namespace cudasim
