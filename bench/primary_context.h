// How every benchmark starts: the driver initialised and device 0's primary
// context current on the calling thread. A failure is reported as
// driver_ok() reports it.
#pragma once

#include <cuda.h>

#include "driver_check.h"

namespace gpuswap::bench {

// `device` and `context`, when given, receive device 0 and its context.
inline bool start_primary_context(const char* program, CUdevice* device = nullptr,
                                  CUcontext* context = nullptr) {
  CUdevice ordinal = 0;
  CUcontext primary = nullptr;
  if (!driver_ok(program, cuInit(0), "cuInit") ||
      !driver_ok(program, cuDeviceGet(&ordinal, 0), "cuDeviceGet") ||
      !driver_ok(program, cuDevicePrimaryCtxRetain(&primary, ordinal),
                 "cuDevicePrimaryCtxRetain") ||
      !driver_ok(program, cuCtxSetCurrent(primary), "cuCtxSetCurrent")) {
    return false;
  }
  if (device != nullptr) *device = ordinal;
  if (context != nullptr) *context = primary;
  return true;
}

}  // namespace gpuswap::bench
