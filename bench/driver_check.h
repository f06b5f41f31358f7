// The benchmarks' check of a driver call: on failure, one line naming the
// program, the call and the driver's error name, on standard error.
#pragma once

#include <cuda.h>

#include <cstdio>

namespace gpuswap::bench {

inline bool driver_ok(const char* program, CUresult status, const char* what) {
  if (status == CUDA_SUCCESS) return true;
  const char* name = nullptr;
  cuGetErrorName(status, &name);
  std::fprintf(stderr, "%s: %s failed: %s\n", program, what, name != nullptr ? name : "?");
  return false;
}

}  // namespace gpuswap::bench
