// Running totals of what the swap engine has done, for logs, the trace
// summary and tests.
#pragma once

#include <cstdint>

namespace gpuswap::runtime {

struct SwapStats {
  std::uint64_t evictions = 0;        // copies to host
  std::uint64_t evictions_ahead = 0;  // of those, begun before memory was needed
  std::uint64_t ahead_cancelled = 0;  // evictions ahead undone: the region was wanted back
  std::uint64_t discards = 0;         // evictions without a copy (dead contents)
  std::uint64_t restores = 0;         // copies to device
  std::uint64_t fresh_pages = 0;      // first uses and overwrites: pages without a copy
  // Regions made resident entirely on chunks that freed regions left mapped
  // (no cuMemMap or cuMemSetAccess).
  std::uint64_t reused_mappings = 0;
  std::uint64_t bytes_to_host = 0;
  std::uint64_t bytes_to_device = 0;
  std::uint64_t stall_ns = 0;       // host time spent waiting for evictions to finish
  std::uint64_t out_of_memory = 0;  // operations and allocations refused
  // Kernel launches issued without the runtime lock or pins (every region
  // resident): the fast path.
  std::uint64_t fast_launches = 0;
  // Of those, launches issued while no region was unsettled, without
  // decoding their parameters first: the quiet path.
  std::uint64_t quiet_launches = 0;
  // Of those, launches that were not recorded either, only counted (room to
  // spare on the device: Runtime::begin_unrecorded_launch).
  std::uint64_t unrecorded_launches = 0;
};

}  // namespace gpuswap::runtime
