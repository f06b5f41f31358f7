// cudaMemset: bytes, through the driver's 8-bit fills.
#include <cuda_runtime_api.h>

#include "api.h"
#include "context.h"
#include "error_map.h"

namespace cudasim::rt {
namespace {

cudaError_t memset_bytes(void* devPtr, int value, size_t count, bool async, cudaStream_t stream) {
  Bound bound;
  if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
  if (count == 0) return cudaSuccess;
  const auto ptr = reinterpret_cast<CUdeviceptr>(devPtr);
  const auto byte = static_cast<unsigned char>(value);
  return to_cuda_error(async ? bound.api->cuMemsetD8Async(ptr, byte, count, stream)
                             : bound.api->cuMemsetD8(ptr, byte, count));
}

}  // namespace
}  // namespace cudasim::rt

using namespace cudasim::rt;

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemset(void* devPtr, int value, size_t count) {
  return api_call([&] { return memset_bytes(devPtr, value, count, false, nullptr); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemsetAsync(void* devPtr, int value, size_t count,
                                                   cudaStream_t stream) {
  return api_call([&] { return memset_bytes(devPtr, value, count, true, stream); });
}
