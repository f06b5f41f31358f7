// Allocation: device memory, pinned host memory, and what the device has left.
#include <cuda_runtime_api.h>

#include "api.h"
#include "context.h"
#include "error_map.h"
#include "pointer.h"

namespace cudasim::rt {
namespace {

constexpr unsigned int kHostAllocFlags =
    cudaHostAllocPortable | cudaHostAllocMapped | cudaHostAllocWriteCombined;
// The element size cuMemAllocPitch aligns rows for; 16 bytes covers every type.
constexpr unsigned int kPitchElementBytes = 16;

CUdeviceptr as_device(const void* ptr) {
  return reinterpret_cast<CUdeviceptr>(ptr);
}

cudaError_t host_alloc(void** ptr, size_t size, unsigned int flags) {
  if (ptr == nullptr || (flags & ~kHostAllocFlags) != 0) return cudaErrorInvalidValue;
  Bound bound;
  if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
  if (size == 0) {
    *ptr = nullptr;
    return cudaSuccess;
  }
  return to_cuda_error(bound.api->cuMemHostAlloc(ptr, size, flags));
}

}  // namespace
}  // namespace cudasim::rt

using namespace cudasim::rt;

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMalloc(void** devPtr, size_t size) {
  return api_call([&] {
    if (devPtr == nullptr) return cudaErrorInvalidValue;
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    if (size == 0) {  // not an error for the runtime, unlike cuMemAlloc
      *devPtr = nullptr;
      return cudaSuccess;
    }
    CUdeviceptr ptr = 0;
    const cudaError_t e = to_cuda_error(bound.api->cuMemAlloc(&ptr, size));
    if (e == cudaSuccess) *devPtr = reinterpret_cast<void*>(ptr);
    return e;
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMallocPitch(void** devPtr, size_t* pitch, size_t width,
                                                   size_t height) {
  return api_call([&] {
    if (devPtr == nullptr || pitch == nullptr) return cudaErrorInvalidValue;
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    if (width == 0 || height == 0) {
      *devPtr = nullptr;
      *pitch = 0;
      return cudaSuccess;
    }
    CUdeviceptr ptr = 0;
    const cudaError_t e =
        to_cuda_error(bound.api->cuMemAllocPitch(&ptr, pitch, width, height, kPitchElementBytes));
    if (e == cudaSuccess) *devPtr = reinterpret_cast<void*>(ptr);
    return e;
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaFree(void* devPtr) {
  return api_call([&] {
    // cudaFree(nullptr) is the customary way to initialise the context.
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    if (devPtr == nullptr) return cudaSuccess;
    return to_cuda_error(bound.api->cuMemFree(as_device(devPtr)));
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMallocHost(void** ptr, size_t size) {
  return api_call([&] { return host_alloc(ptr, size, cudaHostAllocDefault); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaHostAlloc(void** pHost, size_t size, unsigned int flags) {
  return api_call([&] { return host_alloc(pHost, size, flags); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaFreeHost(void* ptr) {
  return api_call([&] {
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    if (ptr == nullptr) return cudaSuccess;
    return to_cuda_error(bound.api->cuMemFreeHost(ptr));
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemGetInfo(size_t* free, size_t* total) {
  return api_call([&] {
    if (free == nullptr || total == nullptr) return cudaErrorInvalidValue;
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    return to_cuda_error(bound.api->cuMemGetInfo(free, total));
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* attributes,
                                                            const void* ptr) {
  return api_call([&] {
    if (attributes == nullptr) return cudaErrorInvalidValue;
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    return pointer_attributes(*bound.api, bound.device, ptr, attributes);
  });
}
