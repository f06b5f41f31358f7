// Streams: creation, ordering, and host work in stream order.
#include <cuda_runtime_api.h>

#include <memory>

#include "api.h"
#include "context.h"
#include "error_map.h"

namespace cudasim::rt {
namespace {

cudaError_t create(cudaStream_t* stream, unsigned int flags) {
  if (stream == nullptr || (flags & ~static_cast<unsigned int>(cudaStreamNonBlocking)) != 0) {
    return cudaErrorInvalidValue;
  }
  Bound bound;
  if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
  // cudaStreamNonBlocking and CU_STREAM_NON_BLOCKING are the same bit.
  return to_cuda_error(bound.api->cuStreamCreate(stream, flags));
}

struct Callback {
  cudaStreamCallback_t fn;
  void* user_data;
};

// The driver reports a CUresult; the program's callback expects cudaError_t.
void run_callback(CUstream stream, CUresult status, void* data) {
  std::unique_ptr<Callback> callback(static_cast<Callback*>(data));
  callback->fn(stream, to_cuda_error(status), callback->user_data);
}

}  // namespace
}  // namespace cudasim::rt

using namespace cudasim::rt;

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamCreate(cudaStream_t* pStream) {
  return api_call([&] { return create(pStream, cudaStreamDefault); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamCreateWithFlags(cudaStream_t* pStream,
                                                             unsigned int flags) {
  return api_call([&] { return create(pStream, flags); });
}

// cudasim has a single priority level (cudaDeviceGetStreamPriorityRange says
// so), to which every requested priority is clamped, as CUDA clamps.
CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamCreateWithPriority(cudaStream_t* pStream,
                                                                unsigned int flags,
                                                                int /*priority*/) {
  return api_call([&] { return create(pStream, flags); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  return api_call(
      [&] { return with_context([&](const auto& api) { return api.cuStreamDestroy(stream); }); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  return api_call([&] {
    return with_context([&](const auto& api) { return api.cuStreamSynchronize(stream); });
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamQuery(cudaStream_t stream) {
  return api_call(
      [&] { return with_context([&](const auto& api) { return api.cuStreamQuery(stream); }); });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event,
                                                       unsigned int flags) {
  return api_call([&] {
    return with_context(
        [&](const auto& api) { return api.cuStreamWaitEvent(stream, event, flags); });
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamAddCallback(cudaStream_t stream,
                                                         cudaStreamCallback_t callback,
                                                         void* userData, unsigned int flags) {
  return api_call([&] {
    if (callback == nullptr || flags != 0) return cudaErrorInvalidValue;
    Bound bound;
    if (const cudaError_t e = bind(&bound); e != cudaSuccess) return e;
    auto data = std::make_unique<Callback>(Callback{callback, userData});
    const CUresult r = bound.api->cuStreamAddCallback(stream, run_callback, data.get(), 0);
    if (r == CUDA_SUCCESS) data.release();  // run_callback owns it now
    return to_cuda_error(r);
  });
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn,
                                                      void* userData) {
  return api_call([&] {
    if (fn == nullptr) return cudaErrorInvalidValue;
    return with_context(
        [&](const auto& api) { return api.cuLaunchHostFunc(stream, fn, userData); });
  });
}
