// The operands of each hooked cuBLAS GEMM, from its arguments alone (matrix
// extents follow from m, n, k, the transposes and the leading dimensions).
// Whether alpha and beta live in host or device memory is the handle's
// pointer mode, read through CublasPointerModes so this stays pure.
#pragma once

#include <cstddef>

#include "cuda_api.h"
#include "operands.h"

namespace gpuswap::interpose {

class CublasPointerModes {
 public:
  // True when the handle's alpha/beta are device pointers (or unknown).
  virtual bool device_scalars(cublasHandle_t handle) const noexcept = 0;

 protected:
  ~CublasPointerModes() = default;
};

// Bytes spanned by a column-major rows x cols matrix with leading dimension
// ld; 0 when the shape is empty or inconsistent (ld < rows).
std::size_t matrix_bytes(long long rows, long long cols, long long ld, std::size_t element);

// Element size of a cudaDataType_t; 0 for sub-byte types.
std::size_t cuda_data_type_bytes(cudaDataType type) noexcept;

// The scalar type of alpha/beta for a compute type.
Scalar cublas_scaling_type(cublasComputeType_t compute) noexcept;

namespace cublas_operands {

Operands sgemm(const CublasPointerModes& modes, cublasHandle_t handle, cublasOperation_t transa,
               cublasOperation_t transb, int m, int n, int k, const float* alpha, const float* A,
               int lda, const float* B, int ldb, const float* beta, float* C, int ldc);
Operands gemm_ex(const CublasPointerModes& modes, cublasHandle_t handle, cublasOperation_t transa,
                 cublasOperation_t transb, int m, int n, int k, const void* alpha, const void* A,
                 cudaDataType Atype, int lda, const void* B, cudaDataType Btype, int ldb,
                 const void* beta, void* C, cudaDataType Ctype, int ldc,
                 cublasComputeType_t computeType, cublasGemmAlgo_t algo);
Operands sgemm_strided_batched(const CublasPointerModes& modes, cublasHandle_t handle,
                               cublasOperation_t transa, cublasOperation_t transb, int m, int n,
                               int k, const float* alpha, const float* A, int lda,
                               long long strideA, const float* B, int ldb, long long strideB,
                               const float* beta, float* C, int ldc, long long strideC,
                               int batchCount);
// The matrices hide behind device-resident pointer arrays: the arrays are
// listed (read) and the description is marked indirect.
Operands gemm_batched_ex(const CublasPointerModes& modes, cublasHandle_t handle,
                         cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
                         const void* alpha, const void* const Aarray[], cudaDataType Atype, int lda,
                         const void* const Barray[], cudaDataType Btype, int ldb, const void* beta,
                         void* const Carray[], cudaDataType Ctype, int ldc, int batchCount,
                         cublasComputeType_t computeType, cublasGemmAlgo_t algo);

}  // namespace cublas_operands
}  // namespace gpuswap::interpose
