// cuDNN handle management and library information.
#include <cudnn.h>

#include <new>

#include "export.h"
#include "handle.h"
#include "library_context.h"

CUDASIM_CUDNN_EXPORT size_t cudnnGetVersion(void) {
  return CUDNN_VERSION;
}

CUDASIM_CUDNN_EXPORT size_t cudnnGetCudartVersion(void) {
  return 13000;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnCreate(cudnnHandle_t* handle) {
  if (handle == nullptr) return CUDNN_STATUS_BAD_PARAM;
  cudnnContext bound;
  if (!cudasim::bind_library_handle(&bound, cudasim::dnn::dnn_kernels))
    return CUDNN_STATUS_NOT_INITIALIZED;
  auto* h = new (std::nothrow) cudnnContext(bound);
  if (h == nullptr) return CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED;
  *handle = h;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnDestroy(cudnnHandle_t handle) {
  if (handle == nullptr) return CUDNN_STATUS_BAD_PARAM;
  // cuDNN documents that destroying a handle synchronises the device. An
  // error of earlier work stays sticky for the program's next synchronisation
  // to report; it does not fail the destroy.
  handle->api->cuCtxSynchronize_v2(handle->context);
  delete handle;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t stream) {
  if (handle == nullptr) return CUDNN_STATUS_BAD_PARAM;
  handle->stream = stream;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetStream(cudnnHandle_t handle, cudaStream_t* stream) {
  if (handle == nullptr || stream == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *stream = handle->stream;
  return CUDNN_STATUS_SUCCESS;
}
