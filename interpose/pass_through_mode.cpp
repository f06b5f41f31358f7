#include "pass_through_mode.h"

#include <pthread.h>

#include <atomic>

#include "log_line.h"
#include "process_state.h"
#include "real_functions.h"

namespace gpuswap::interpose {
namespace {

constinit std::atomic<Mode> g_mode{Mode::undetermined};
constinit pthread_mutex_t g_decide = PTHREAD_MUTEX_INITIALIZER;

constexpr int kFirstVersionWithParamInfo = 12040;

Mode decide() {
  const DriverLoad& driver = real::load_driver();
  if (!driver.loaded) {
    log_line("no CUDA driver found (%s); passing every call through", driver.error);
    return Mode::pass_through;
  }
  const DriverExtras& api = real::driver_extras();
  int version = 0;
  if (api.cuDriverGetVersion == nullptr || api.cuDriverGetVersion(&version) != CUDA_SUCCESS) {
    log_line("the CUDA driver does not report its version; passing every call through");
    return Mode::pass_through;
  }
  if (version < kFirstVersionWithParamInfo || api.cuFuncGetParamInfo == nullptr) {
    log_line(
        "the CUDA driver (%d.%d) has no cuFuncGetParamInfo (CUDA 12.4 or newer needed); "
        "passing every call through",
        version / 1000, version % 1000 / 10);
    return Mode::pass_through;
  }
  int count = 0;
  const CUresult counted = api.cuDeviceGetCount(&count);
  if (counted == CUDA_ERROR_NOT_INITIALIZED) return Mode::undetermined;
  if (counted != CUDA_SUCCESS) {
    log_line(
        "no usable CUDA device (cuDeviceGetCount failed with error %d); "
        "passing every call through",
        static_cast<int>(counted));
    return Mode::pass_through;
  }
  if (count == 0) {
    log_line("no CUDA device; passing every call through");
    return Mode::pass_through;
  }
  for (int ordinal = 0; ordinal < count; ++ordinal) {
    CUdevice device = 0;
    int vmm = 0;
    if (api.cuDeviceGet(&device, ordinal) != CUDA_SUCCESS ||
        api.cuDeviceGetAttribute(&vmm, CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED,
                                 device) != CUDA_SUCCESS ||
        vmm == 0) {
      log_line(
          "CUDA device %d does not support virtual memory management; "
          "passing every call through",
          ordinal);
      return Mode::pass_through;
    }
  }
  if (debug_logging())
    log_line("driver %d.%d, %d device(s): active", version / 1000, version % 1000 / 10, count);
  return Mode::active;
}

}  // namespace

Mode current_mode() noexcept {
  const Mode known = g_mode.load(std::memory_order_acquire);
  if (known != Mode::undetermined) return known;
  // No CUDA call once exit has begun, and none from a forked child, whose
  // copy of the driver's state is not usable.
  if (process_state().ended()) return Mode::pass_through;
  pthread_mutex_lock(&g_decide);
  Mode mode = g_mode.load(std::memory_order_relaxed);
  if (mode == Mode::undetermined) {
    mode = decide();
    g_mode.store(mode, std::memory_order_release);
  }
  pthread_mutex_unlock(&g_decide);
  return mode;
}

}  // namespace gpuswap::interpose
