// Kernels: binding host symbols to registered kernels, and launching them
// as NVIDIA's runtime does since CUDA 12: cuLaunchKernel given the kernel's
// CUkernel handle where a CUfunction goes.
#include <cuda_runtime_api.h>

#include <cstring>

#include "cudasim/kernel.h"

#include "api.h"
#include "context.h"
#include "error_map.h"
#include "function_registry.h"

namespace cudasim::rt {
namespace {

// A limit of 0 is one the driver did not report: not checked.
bool exceeds(unsigned int value, int limit) {
  return limit > 0 && value > static_cast<unsigned int>(limit);
}

cudaError_t check_configuration(int device, dim3 grid, dim3 block) {
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || block.x == 0 || block.y == 0 || block.z == 0) {
    return cudaErrorInvalidConfiguration;
  }
  LaunchLimits limits;
  if (const cudaError_t e = launch_limits(device, &limits); e != cudaSuccess) return e;
  const unsigned long long threads = 1ull * block.x * block.y * block.z;
  const unsigned int block_dims[3] = {block.x, block.y, block.z};
  const unsigned int grid_dims[3] = {grid.x, grid.y, grid.z};
  if (limits.max_threads_per_block > 0 &&
      threads > static_cast<unsigned long long>(limits.max_threads_per_block)) {
    return cudaErrorInvalidConfiguration;
  }
  for (int i = 0; i < 3; ++i) {
    if (exceeds(block_dims[i], limits.block[i]) || exceeds(grid_dims[i], limits.grid[i])) {
      return cudaErrorInvalidConfiguration;
    }
  }
  return cudaSuccess;
}

// The driver kernel registered for a host symbol, with the calling thread's
// context bound.
cudaError_t bind_kernel(const void* func, Bound* bound, CUkernel* kernel) {
  if (const cudaError_t e = bind(bound); e != cudaSuccess) return e;
  return function_registry().kernel(*bound->api, func, kernel);
}

cudaError_t launch(const void* func, dim3 grid, dim3 block, void** args, size_t shared_mem,
                   cudaStream_t stream) {
  if (func == nullptr) return cudaErrorInvalidDeviceFunction;
  Bound bound;
  CUkernel kernel = nullptr;
  if (const cudaError_t e = bind_kernel(func, &bound, &kernel); e != cudaSuccess) return e;
  if (const cudaError_t e = check_configuration(bound.device, grid, block); e != cudaSuccess) {
    return e;
  }
  const auto function = reinterpret_cast<CUfunction>(kernel);
  return to_cuda_error(bound.api->cuLaunchKernel(function, grid.x, grid.y, grid.z, block.x, block.y,
                                                 block.z, static_cast<unsigned int>(shared_mem),
                                                 stream, args, nullptr));
}

cudaError_t function_attributes(cudaFuncAttributes* attr, const void* func) {
  if (attr == nullptr) return cudaErrorInvalidValue;
  if (func == nullptr) return cudaErrorInvalidDeviceFunction;
  Bound bound;
  CUkernel kernel = nullptr;
  if (const cudaError_t e = bind_kernel(func, &bound, &kernel); e != cudaSuccess) return e;
  // A host-implemented kernel uses no registers, constant or local memory;
  // its limits are the device's.
  CUdevice device = 0;
  if (const cudaError_t e = device_handle(bound.device, &device); e != cudaSuccess) return e;
  cudaFuncAttributes out;
  std::memset(&out, 0, sizeof(out));
  int major = 0;
  int minor = 0;
  int max_threads = 0;
  int max_shared = 0;
  const DriverApi& api = *bound.api;
  if (const CUresult r =
          api.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
      r != CUDA_SUCCESS) {
    return to_cuda_error(r);
  }
  if (const CUresult r =
          api.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
      r != CUDA_SUCCESS) {
    return to_cuda_error(r);
  }
  if (api.cuDeviceGetAttribute(&max_threads, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, device)) {
    max_threads = 0;
  }
  if (api.cuDeviceGetAttribute(&max_shared, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK,
                               device)) {
    max_shared = 0;
  }
  out.maxThreadsPerBlock = max_threads;
  out.ptxVersion = major * 10 + minor;
  out.binaryVersion = major * 10 + minor;
  out.maxDynamicSharedSizeBytes = max_shared;
  out.preferredShmemCarveout = -1;  // "no preference", CUDA's default
  *attr = out;
  return cudaSuccess;
}

}  // namespace
}  // namespace cudasim::rt

using namespace cudasim::rt;

CUDASIM_RUNTIME_EXPORT int cudasimRegisterFunction(const void* hostSymbol, const char* module,
                                                   const char* name) {
  return api_call([&] { return function_registry().add(hostSymbol, module, name); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaLaunchKernel(const void* func, dim3 gridDim, dim3 blockDim,
                                                    void** args, size_t sharedMem,
                                                    cudaStream_t stream) {
  return api_call([&] { return launch(func, gridDim, blockDim, args, sharedMem, stream); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaGetFuncBySymbol(cudaFunction_t* functionPtr,
                                                       const void* symbolPtr) {
  return api_call([&] {
    if (functionPtr == nullptr) return cudaErrorInvalidValue;
    if (symbolPtr == nullptr) return cudaErrorInvalidDeviceFunction;
    // A CUfunction, the kernel's in the current context (a handle distinct
    // from the CUkernel launches use, as in CUDA).
    Bound bound;
    CUkernel kernel = nullptr;
    if (const cudaError_t e = bind_kernel(symbolPtr, &bound, &kernel); e != cudaSuccess) return e;
    CUfunction function = nullptr;
    if (const CUresult r = bound.api->cuKernelGetFunction(&function, kernel); r != CUDA_SUCCESS) {
      return to_cuda_error(r);
    }
    *functionPtr = function;
    return cudaSuccess;
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attr,
                                                         const void* func) {
  return api_call([&] { return function_attributes(attr, func); });
}
