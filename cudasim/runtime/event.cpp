// Events: markers in a stream, for ordering across streams and for timing.
#include <cuda_runtime_api.h>

#include "api.h"
#include "context.h"
#include "error_map.h"

namespace cudasim::rt {
namespace {

constexpr unsigned int kEventFlags =
    cudaEventBlockingSync | cudaEventDisableTiming | cudaEventInterprocess;

cudaError_t create(cudaEvent_t* event, unsigned int flags) {
  if (event == nullptr || (flags & ~kEventFlags) != 0) return cudaErrorInvalidValue;
  // An interprocess event cannot be timed (CUDA requires DisableTiming with it).
  if ((flags & cudaEventInterprocess) != 0 && (flags & cudaEventDisableTiming) == 0) {
    return cudaErrorInvalidValue;
  }
  Bound bound;
  if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
  // The runtime's event flags are the driver's CU_EVENT_* bits.
  return to_cuda_error(bound.api->cuEventCreate(event, flags));
}

}  // namespace
}  // namespace cudasim::rt

using namespace cudasim::rt;

CUDASIM_RUNTIME_EXPORT cudaError_t cudaEventCreate(cudaEvent_t* event) {
  return api_call([&] { return create(event, cudaEventDefault); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event,
                                                            unsigned int flags) {
  return api_call([&] { return create(event, flags); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  return api_call([&] {
    return with_context([&](const auto& api) { return api.cuEventRecord(event, stream); });
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  return api_call(
      [&] { return with_context([&](const auto& api) { return api.cuEventSynchronize(event); }); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaEventQuery(cudaEvent_t event) {
  return api_call(
      [&] { return with_context([&](const auto& api) { return api.cuEventQuery(event); }); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start,
                                                        cudaEvent_t end) {
  return api_call([&] {
    if (ms == nullptr) return cudaErrorInvalidValue;
    return with_context([&](const auto& api) { return api.cuEventElapsedTime(ms, start, end); });
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaEventDestroy(cudaEvent_t event) {
  return api_call(
      [&] { return with_context([&](const auto& api) { return api.cuEventDestroy(event); }); });
}
