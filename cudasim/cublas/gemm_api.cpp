// The GEMM entry points: validate synchronously, as cuBLAS does, then enqueue
// the work as a kernel on the handle's stream.
#include <cublas_v2.h>

#include "export.h"
#include "handle.h"
#include "kernel_binding.h"

namespace {

using cudasim::blas::GemmScalars;
using cudasim::blas::GemmShape;

bool parse_op(cublasOperation_t op, bool* transpose) {
  // Real data: the conjugate transpose is the transpose.
  switch (op) {
    case CUBLAS_OP_N:
      *transpose = false;
      return true;
    case CUBLAS_OP_T:
    case CUBLAS_OP_C:
      *transpose = true;
      return true;
    default:
      return false;
  }
}

struct Prepared {
  GemmShape shape;
  GemmScalars scalars;
  const float* alpha_dev = nullptr;
  const float* beta_dev = nullptr;
  bool empty = false;  // m == 0 or n == 0: nothing to do
};

cublasStatus_t prepare(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                       int m, int n, int k, const float* alpha, int lda, int ldb, const float* beta,
                       int ldc, Prepared* out) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  GemmShape& s = out->shape;
  if (!parse_op(transa, &s.transpose_a) || !parse_op(transb, &s.transpose_b)) {
    return CUBLAS_STATUS_INVALID_VALUE;
  }
  s.m = m;
  s.n = n;
  s.k = k;
  s.lda = lda;
  s.ldb = ldb;
  s.ldc = ldc;
  if (!cudasim::blas::gemm_shape_valid(s)) return CUBLAS_STATUS_INVALID_VALUE;
  if (alpha == nullptr || beta == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  out->empty = m == 0 || n == 0;
  if (handle->pointer_mode == CUBLAS_POINTER_MODE_DEVICE) {
    // Device scalars are read by the kernel, in stream order.
    out->alpha_dev = alpha;
    out->beta_dev = beta;
  } else {
    out->scalars = GemmScalars{*alpha, *beta};
  }
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t launched(CUresult rc) {
  return rc == CUDA_SUCCESS ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_EXECUTION_FAILED;
}

bool is_fp32(cudaDataType a, cudaDataType b, cudaDataType c) {
  return a == CUDA_R_32F && b == CUDA_R_32F && c == CUDA_R_32F;
}

// Compute types that are fp32 arithmetic here (the "fast" ones may, but need
// not, round inputs down on real hardware).
bool is_fp32_compute(cublasComputeType_t t) {
  switch (t) {
    case CUBLAS_COMPUTE_32F:
    case CUBLAS_COMPUTE_32F_PEDANTIC:
    case CUBLAS_COMPUTE_32F_FAST_TF32:
    case CUBLAS_COMPUTE_32F_FAST_16F:
    case CUBLAS_COMPUTE_32F_FAST_16BF:
      return true;
    default:
      return false;
  }
}

// Shared by the exported entry points; never calls another exported symbol,
// so an interposer sees exactly the call the program made.
cublasStatus_t sgemm(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                     int m, int n, int k, const float* alpha, const float* A, int lda,
                     const float* B, int ldb, const float* beta, float* C, int ldc) {
  Prepared p;
  const cublasStatus_t st =
      prepare(handle, transa, transb, m, n, k, alpha, lda, ldb, beta, ldc, &p);
  if (st != CUBLAS_STATUS_SUCCESS || p.empty) return st;
  return launched(cudasim::launch_kernel(*handle->api, handle->kernels->gemm, handle->stream,
                                         p.shape, p.scalars, p.alpha_dev, p.beta_dev, A, B, C));
}

}  // namespace

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
                                                    cublasOperation_t transb, int m, int n, int k,
                                                    const float* alpha, const float* A, int lda,
                                                    const float* B, int ldb, const float* beta,
                                                    float* C, int ldc) {
  return sgemm(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasGemmEx(
    cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
    const void* alpha, const void* A, cudaDataType Atype, int lda, const void* B,
    cudaDataType Btype, int ldb, const void* beta, void* C, cudaDataType Ctype, int ldc,
    cublasComputeType_t computeType, cublasGemmAlgo_t /*algo: every algorithm is the same here*/) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!is_fp32(Atype, Btype, Ctype) || !is_fp32_compute(computeType)) {
    return CUBLAS_STATUS_NOT_SUPPORTED;
  }
  return sgemm(handle, transa, transb, m, n, k, static_cast<const float*>(alpha),
               static_cast<const float*>(A), lda, static_cast<const float*>(B), ldb,
               static_cast<const float*>(beta), static_cast<float*>(C), ldc);
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t cublasSgemmStridedBatched(
    cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
    const float* alpha, const float* A, int lda, long long int strideA, const float* B, int ldb,
    long long int strideB, const float* beta, float* C, int ldc, long long int strideC,
    int batchCount) {
  Prepared p;
  const cublasStatus_t st =
      prepare(handle, transa, transb, m, n, k, alpha, lda, ldb, beta, ldc, &p);
  if (st != CUBLAS_STATUS_SUCCESS) return st;
  if (batchCount < 0) return CUBLAS_STATUS_INVALID_VALUE;
  if (p.empty || batchCount == 0) return CUBLAS_STATUS_SUCCESS;
  return launched(cudasim::launch_kernel(*handle->api, handle->kernels->strided, handle->stream,
                                         p.shape, p.scalars, p.alpha_dev, p.beta_dev, A, strideA, B,
                                         strideB, C, strideC, batchCount));
}

CUDASIM_CUBLAS_EXPORT cublasStatus_t
cublasGemmBatchedEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                    int m, int n, int k, const void* alpha, const void* const Aarray[],
                    cudaDataType Atype, int lda, const void* const Barray[], cudaDataType Btype,
                    int ldb, const void* beta, void* const Carray[], cudaDataType Ctype, int ldc,
                    int batchCount, cublasComputeType_t computeType, cublasGemmAlgo_t /*algo*/) {
  if (handle == nullptr) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!is_fp32(Atype, Btype, Ctype) || !is_fp32_compute(computeType)) {
    return CUBLAS_STATUS_NOT_SUPPORTED;
  }
  Prepared p;
  const cublasStatus_t st =
      prepare(handle, transa, transb, m, n, k, static_cast<const float*>(alpha), lda, ldb,
              static_cast<const float*>(beta), ldc, &p);
  if (st != CUBLAS_STATUS_SUCCESS) return st;
  if (batchCount < 0) return CUBLAS_STATUS_INVALID_VALUE;
  if (p.empty || batchCount == 0) return CUBLAS_STATUS_SUCCESS;
  return launched(cudasim::launch_kernel(*handle->api, handle->kernels->pointer_array,
                                         handle->stream, p.shape, p.scalars, p.alpha_dev,
                                         p.beta_dev, reinterpret_cast<const float* const*>(Aarray),
                                         reinterpret_cast<const float* const*>(Barray),
                                         reinterpret_cast<float* const*>(Carray), batchCount));
}
