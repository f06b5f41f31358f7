// What the driver-API test programs here share: reporting a failed call,
// starting on the primary context, registering a (pointer, n, k) kernel, and
// hashing what a buffer holds.
#pragma once

#include <cuda.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "cudasim/kernel.h"

namespace gpuswap::testing {

// Prints "<what> failed: <code>" on standard output (where the tests compare
// runs) and returns false for any result but CUDA_SUCCESS.
inline bool ok(CUresult status, const char* what) {
  if (status == CUDA_SUCCESS) return true;
  std::printf("%s failed: %d\n", what, static_cast<int>(status));
  return false;
}

// Device 0's primary context, current on this thread.
inline bool start_primary_context() {
  CUdevice device = 0;
  CUcontext context = nullptr;
  return ok(cuInit(0), "cuInit") && ok(cuDeviceGet(&device, 0), "cuDeviceGet") &&
         ok(cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain") &&
         ok(cuCtxSetCurrent(context), "cuCtxSetCurrent");
}

// A kernel taking (uint32_t* data, uint32_t n, uint32_t k), registered with
// cudasim under (module, name) and loaded.
inline bool load_data_kernel(const char* module, const char* name, cudasimKernelFn kernel,
                             CUfunction* out) {
  using Layout = cudasim::ParamLayout<std::uint32_t*, std::uint32_t, std::uint32_t>;
  CUmodule loaded = nullptr;
  return cudasimRegisterKernel(module, name, kernel, Layout::count, Layout::offsets.data(),
                               Layout::sizes.data()) == CUDA_SUCCESS &&
         ok(cuModuleLoadData(&loaded, cudasimModuleImage(module)), "cuModuleLoadData") &&
         ok(cuModuleGetFunction(out, loaded, name), "cuModuleGetFunction");
}

// mix(uint32_t* data, uint32_t n, uint32_t k): data[i] = (data[i] * 5 + k) ^ i
inline void mix_kernel(const cudasimLaunch*, void** args) {
  auto* data = cudasim::arg<std::uint32_t*>(args, 0);
  const auto n = cudasim::arg<std::uint32_t>(args, 1);
  const auto k = cudasim::arg<std::uint32_t>(args, 2);
  for (std::uint32_t i = 0; i < n; ++i) data[i] = (data[i] * 5 + k) ^ i;
}

// FNV-1a over the bytes: what the programs print so that runs compare exactly.
inline std::uint64_t fnv1a(const void* data, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

}  // namespace gpuswap::testing
