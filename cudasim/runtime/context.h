// Devices and contexts as the runtime API sees them: the driver is loaded and
// initialised on first use, each host thread has its own current device, and
// a device's primary context is retained on first use and made current on
// the calling thread (NVIDIA's runtime semantics).
#pragma once

#include <cuda.h>
#include <driver_types.h>

#include "driver_api.h"
#include "error_map.h"

namespace cudasim::rt {

// What a call that needs a context works with.
struct Bound {
  const DriverApi* api = nullptr;
  CUcontext context = nullptr;
  int device = 0;
};

// Largest launch dimensions the device accepts (its driver attributes).
struct LaunchLimits {
  int max_threads_per_block = 0;
  int block[3] = {0, 0, 0};
  int grid[3] = {0, 0, 0};
};

// The initialised driver, or the error every call reports without one:
// cudaErrorInsufficientDriver when libcuda.so.1 is missing or unusable, the
// mapped cuInit error otherwise (cudaErrorNoDevice without devices).
cudaError_t initialized_driver(const DriverApi** api);

cudaError_t device_count(int* count);
// cudaErrorInvalidDevice for an ordinal the driver does not have.
cudaError_t device_handle(int ordinal, CUdevice* device);
cudaError_t launch_limits(int ordinal, LaunchLimits* limits);

// Makes the thread's context current and returns it: a context the program
// made current itself (before choosing a device) is used as is; otherwise
// the current device's primary context. Fails with the device's sticky error.
cudaError_t bind(Bound* bound);

cudaError_t set_device(int ordinal);
cudaError_t get_device(int* ordinal);

// Destroys the current device's primary context and its state (sticky error
// included); `*destroyed` is the context that is gone, or nullptr.
cudaError_t reset_device(CUcontext* destroyed);

// Sticky errors belong to the thread's current device.
void mark_sticky(cudaError_t error) noexcept;
cudaError_t sticky_error() noexcept;

// Binds the thread's context, then makes one driver call and maps its result.
template <typename Call>
cudaError_t with_context(Call&& call) {
  Bound bound;
  if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
  return to_cuda_error(call(*bound.api));
}

}  // namespace cudasim::rt
