// The per-thread default stream forms (what cuda_runtime_api.h names the calls
// of a program built with CUDA_API_PER_THREAD_DEFAULT_STREAM or nvcc
// --default-stream per-thread): in an _ptsz call stream 0 is the calling
// thread's default stream, and an _ptds call runs on that stream and waits
// for it, instead of the legacy default stream.
#include <cuda_runtime_api.h>

#include "api.h"

namespace {

cudaStream_t per_thread(cudaStream_t stream) {
  return stream == nullptr ? cudaStreamPerThread : stream;
}

// Synchronous on the thread's default stream: enqueue there, then wait.
cudaError_t then_wait(cudaError_t enqueued) {
  return enqueued != cudaSuccess ? enqueued : cudaStreamSynchronize(cudaStreamPerThread);
}

}  // namespace

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemcpy_ptds(void* dst, const void* src, size_t count,
                                                   cudaMemcpyKind kind) {
  return then_wait(cudaMemcpyAsync(dst, src, count, kind, cudaStreamPerThread));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemcpy2D_ptds(void* dst, size_t dpitch, const void* src,
                                                     size_t spitch, size_t width, size_t height,
                                                     cudaMemcpyKind kind) {
  return then_wait(
      cudaMemcpy2DAsync(dst, dpitch, src, spitch, width, height, kind, cudaStreamPerThread));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemset_ptds(void* devPtr, int value, size_t count) {
  return then_wait(cudaMemsetAsync(devPtr, value, count, cudaStreamPerThread));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemcpyAsync_ptsz(void* dst, const void* src, size_t count,
                                                        cudaMemcpyKind kind, cudaStream_t stream) {
  return cudaMemcpyAsync(dst, src, count, kind, per_thread(stream));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemcpy2DAsync_ptsz(void* dst, size_t dpitch, const void* src,
                                                          size_t spitch, size_t width,
                                                          size_t height, cudaMemcpyKind kind,
                                                          cudaStream_t stream) {
  return cudaMemcpy2DAsync(dst, dpitch, src, spitch, width, height, kind, per_thread(stream));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaMemsetAsync_ptsz(void* devPtr, int value, size_t count,
                                                        cudaStream_t stream) {
  return cudaMemsetAsync(devPtr, value, count, per_thread(stream));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamQuery_ptsz(cudaStream_t stream) {
  return cudaStreamQuery(per_thread(stream));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamSynchronize_ptsz(cudaStream_t stream) {
  return cudaStreamSynchronize(per_thread(stream));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamWaitEvent_ptsz(cudaStream_t stream, cudaEvent_t event,
                                                            unsigned int flags) {
  return cudaStreamWaitEvent(per_thread(stream), event, flags);
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaStreamAddCallback_ptsz(cudaStream_t stream,
                                                              cudaStreamCallback_t callback,
                                                              void* userData, unsigned int flags) {
  return cudaStreamAddCallback(per_thread(stream), callback, userData, flags);
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaEventRecord_ptsz(cudaEvent_t event, cudaStream_t stream) {
  return cudaEventRecord(event, per_thread(stream));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaLaunchKernel_ptsz(const void* func, dim3 gridDim,
                                                         dim3 blockDim, void** args,
                                                         size_t sharedMem, cudaStream_t stream) {
  return cudaLaunchKernel(func, gridDim, blockDim, args, sharedMem, per_thread(stream));
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaLaunchHostFunc_ptsz(cudaStream_t stream, cudaHostFn_t fn,
                                                           void* userData) {
  return cudaLaunchHostFunc(per_thread(stream), fn, userData);
}
