#include "gpuswap/runtime/process_barrier.h"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

namespace gpuswap::runtime {
namespace {

long membarrier(int command) {
  return syscall(__NR_membarrier, command, 0, 0);
}

}  // namespace

bool enable_process_barrier() noexcept {
  // Registration is per process and idempotent, so racing callers are fine.
  static const bool enabled = [] {
    const long offered = membarrier(MEMBARRIER_CMD_QUERY);
    if (offered < 0 || (offered & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) return false;
    return membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
  }();
  return enabled;
}

bool process_barrier() noexcept {
  return membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0;
}

}  // namespace gpuswap::runtime
