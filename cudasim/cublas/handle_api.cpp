// cuBLAS handle management: create/destroy, stream, workspace, modes.
#include <cstdint>
#include <new>

#include "export.h"
#include "handle.h"
#include "library_context.h"

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t* handle) {
  if (handle == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  cublasContext bound;
  if (!cudasim::bind_library_handle(&bound, cudasim::blas::gemm_kernels))
    return CUBLAS_STATUS_NOT_INITIALIZED;
  auto* h = new (std::nothrow) cublasContext(bound);
  if (h == nullptr) return CUBLAS_STATUS_ALLOC_FAILED;
  *handle = h;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  // cuBLAS documents that destroying a handle synchronises the device. An
  // error of earlier work stays sticky for the program's next synchronisation
  // to report; it does not fail the destroy.
  handle->api->cuCtxSynchronize_v2(handle->context);
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (version == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *version = CUBLAS_VERSION;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t handle,
                                                        cudaStream_t stream) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  handle->stream = stream;
  // A new stream drops a workspace set by the user, as cuBLAS documents.
  handle->workspace = nullptr;
  handle->workspace_size = 0;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasGetStream_v2(cublasHandle_t handle,
                                                        cudaStream_t* stream) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (stream == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *stream = handle->stream;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void* workspace,
                                                           size_t workspaceSizeInBytes) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (workspace == nullptr && workspaceSizeInBytes != 0) return CUBLAS_STATUS_INVALID_VALUE;
  // cuBLAS requires 256-byte alignment of a user workspace.
  if (reinterpret_cast<std::uintptr_t>(workspace) % 256 != 0) return CUBLAS_STATUS_INVALID_VALUE;
  handle->workspace = workspace;
  handle->workspace_size = workspaceSizeInBytes;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasGetPointerMode_v2(cublasHandle_t handle,
                                                             cublasPointerMode_t* mode) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *mode = handle->pointer_mode;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle,
                                                             cublasPointerMode_t mode) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode != CUBLAS_POINTER_MODE_HOST && mode != CUBLAS_POINTER_MODE_DEVICE) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  handle->pointer_mode = mode;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasGetMathMode(cublasHandle_t handle, cublasMath_t* mode) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (mode == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  *mode = handle->math_mode;
  return CUBLAS_STATUS_SUCCESS;
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  // Every mode computes in fp32 here; the mode is kept so that it reads back.
  handle->math_mode = mode;
  return CUBLAS_STATUS_SUCCESS;
}
