// What the memory-management calls cost the calling thread on a real GPU.
// cudasim does them in microseconds or less, where a real driver takes tens
// to hundreds (on an H200, cuMemSetAccess over 16 MiB: about 200 us); code
// that is fast on cudasim only because of that would look fine here and be
// slow on a card. With CUDASIM_VMM_COST=h200 each call spins for the time
// the card took, so benchmarks see the same costs.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cudasim {

struct VmmCost {
  // Microseconds per MiB of the range or allocation, or per call.
  double create_us_per_mib = 0;      // cuMemCreate
  double map_us_per_call = 0;        // cuMemMap
  double set_access_us_per_mib = 0;  // cuMemSetAccess
  double unmap_us_per_mib = 0;       // cuMemUnmap
  double release_us_per_call = 0;    // cuMemRelease (of a 2 MiB handle, as measured)
  double alloc_us_per_mib = 0;       // cuMemAlloc
  double free_us_per_mib = 0;        // cuMemFree
};

// "none" (no cost) or "h200" (measured on an NVIDIA H200 with driver
// 580.159.04, docs/gpu-validation.md); nullopt for anything else.
std::optional<VmmCost> vmm_cost_profile(std::string_view name);

// Spins the calling thread for `us` microseconds (nothing when <= 0), as a
// driver call that takes that long holds its caller.
void spend_us(double us);

}  // namespace cudasim
