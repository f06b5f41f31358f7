#include "cublas_operands.h"

namespace gpuswap::interpose {
namespace {

struct Shape {
  long long rows;
  long long cols;
};

// op(A) is m x k: A itself is m x k, or k x m when transposed.
Shape stored(cublasOperation_t op, long long rows, long long cols) {
  return op == CUBLAS_OP_N ? Shape{rows, cols} : Shape{cols, rows};
}

std::size_t scalar_bytes(Scalar s) {
  switch (s) {
    case Scalar::f16:
    case Scalar::bf16:
      return 2;
    case Scalar::f32:
    case Scalar::i32:
      return 4;
    case Scalar::f64:
      return 8;
    case Scalar::unknown:
      break;
  }
  return 0;
}

// With device-resident scalars, alpha and beta are device operands too and
// beta's value cannot be read on the host: the output stays `write`.
Access output_and_scalars(Operands& ops, const CublasPointerModes& modes, cublasHandle_t handle,
                          const void* alpha, const void* beta, Scalar type) {
  if (!modes.device_scalars(handle)) return output_access(beta, type);
  ops.add(alpha, scalar_bytes(type), Access::read);
  ops.add(beta, scalar_bytes(type), Access::read);
  return Access::write;
}

// `overwrite` promises every byte of the listed span is replaced; columns
// padded out to ld > rows leave gaps the call never writes.
Access unless_gapped(Access access, long long rows, long long ld) {
  return access == Access::overwrite && ld != rows ? Access::write : access;
}

// The span of a strided batch: the last matrix starts (batch-1)*stride in.
std::size_t batched_bytes(std::size_t one, long long stride, int batch, std::size_t element) {
  if (one == 0 || batch <= 0 || stride < 0) return 0;
  return static_cast<std::size_t>(batch - 1) * static_cast<std::size_t>(stride) * element + one;
}

}  // namespace

std::size_t matrix_bytes(long long rows, long long cols, long long ld, std::size_t element) {
  if (rows <= 0 || cols <= 0 || ld < rows || element == 0) return 0;
  return (static_cast<std::size_t>(ld) * static_cast<std::size_t>(cols - 1) +
          static_cast<std::size_t>(rows)) *
         element;
}

std::size_t cuda_data_type_bytes(cudaDataType type) noexcept {
  switch (type) {
    case CUDA_R_64F:
    case CUDA_C_32F:
    case CUDA_R_64I:
    case CUDA_R_64U:
      return 8;
    case CUDA_C_64F:
      return 16;
    case CUDA_R_32F:
    case CUDA_R_32I:
    case CUDA_R_32U:
    case CUDA_C_16F:
    case CUDA_C_16BF:
      return 4;
    case CUDA_R_16F:
    case CUDA_R_16BF:
    case CUDA_C_8I:
      return 2;
    case CUDA_R_8I:
    case CUDA_R_8U:
    case CUDA_R_8F_E4M3:
    case CUDA_R_8F_E5M2:
      return 1;
    default:
      return 0;
  }
}

Scalar cublas_scaling_type(cublasComputeType_t compute) noexcept {
  switch (compute) {
    case CUBLAS_COMPUTE_16F:
    case CUBLAS_COMPUTE_16F_PEDANTIC:
      return Scalar::f16;
    case CUBLAS_COMPUTE_32F:
    case CUBLAS_COMPUTE_32F_PEDANTIC:
    case CUBLAS_COMPUTE_32F_FAST_16F:
    case CUBLAS_COMPUTE_32F_FAST_16BF:
    case CUBLAS_COMPUTE_32F_FAST_TF32:
      return Scalar::f32;
    case CUBLAS_COMPUTE_64F:
    case CUBLAS_COMPUTE_64F_PEDANTIC:
      return Scalar::f64;
    case CUBLAS_COMPUTE_32I:
    case CUBLAS_COMPUTE_32I_PEDANTIC:
      return Scalar::i32;
    default:
      return Scalar::unknown;
  }
}

namespace cublas_operands {

Operands sgemm(const CublasPointerModes& modes, cublasHandle_t handle, cublasOperation_t transa,
               cublasOperation_t transb, int m, int n, int k, const float* alpha, const float* A,
               int lda, const float* B, int ldb, const float* beta, float* C, int ldc) {
  Operands ops;
  const Shape a = stored(transa, m, k);
  const Shape b = stored(transb, k, n);
  ops.add(A, matrix_bytes(a.rows, a.cols, lda, sizeof(float)), Access::read);
  ops.add(B, matrix_bytes(b.rows, b.cols, ldb, sizeof(float)), Access::read);
  const Access c = output_and_scalars(ops, modes, handle, alpha, beta, Scalar::f32);
  ops.add(C, matrix_bytes(m, n, ldc, sizeof(float)), unless_gapped(c, m, ldc));
  return ops;
}

Operands gemm_ex(const CublasPointerModes& modes, cublasHandle_t handle, cublasOperation_t transa,
                 cublasOperation_t transb, int m, int n, int k, const void* alpha, const void* A,
                 cudaDataType Atype, int lda, const void* B, cudaDataType Btype, int ldb,
                 const void* beta, void* C, cudaDataType Ctype, int ldc,
                 cublasComputeType_t computeType, cublasGemmAlgo_t) {
  Operands ops;
  const Shape a = stored(transa, m, k);
  const Shape b = stored(transb, k, n);
  ops.add(A, matrix_bytes(a.rows, a.cols, lda, cuda_data_type_bytes(Atype)), Access::read);
  ops.add(B, matrix_bytes(b.rows, b.cols, ldb, cuda_data_type_bytes(Btype)), Access::read);
  const Access c =
      output_and_scalars(ops, modes, handle, alpha, beta, cublas_scaling_type(computeType));
  ops.add(C, matrix_bytes(m, n, ldc, cuda_data_type_bytes(Ctype)), unless_gapped(c, m, ldc));
  return ops;
}

Operands sgemm_strided_batched(const CublasPointerModes& modes, cublasHandle_t handle,
                               cublasOperation_t transa, cublasOperation_t transb, int m, int n,
                               int k, const float* alpha, const float* A, int lda,
                               long long strideA, const float* B, int ldb, long long strideB,
                               const float* beta, float* C, int ldc, long long strideC,
                               int batchCount) {
  Operands ops;
  constexpr std::size_t f = sizeof(float);
  const Shape a = stored(transa, m, k);
  const Shape b = stored(transb, k, n);
  ops.add(A, batched_bytes(matrix_bytes(a.rows, a.cols, lda, f), strideA, batchCount, f),
          Access::read);
  ops.add(B, batched_bytes(matrix_bytes(b.rows, b.cols, ldb, f), strideB, batchCount, f),
          Access::read);
  Access c =
      unless_gapped(output_and_scalars(ops, modes, handle, alpha, beta, Scalar::f32), m, ldc);
  // Matrices further apart than one matrix leave gaps between them.
  if (c == Access::overwrite && batchCount > 1 && strideC > 1LL * ldc * n) c = Access::write;
  ops.add(C, batched_bytes(matrix_bytes(m, n, ldc, f), strideC, batchCount, f), c);
  return ops;
}

Operands gemm_batched_ex(const CublasPointerModes& modes, cublasHandle_t handle, cublasOperation_t,
                         cublasOperation_t, int, int, int, const void* alpha,
                         const void* const Aarray[], cudaDataType, int, const void* const Barray[],
                         cudaDataType, int, const void* beta, void* const Carray[], cudaDataType,
                         int, int batchCount, cublasComputeType_t computeType, cublasGemmAlgo_t) {
  Operands ops;
  const std::size_t arrays =
      batchCount > 0 ? static_cast<std::size_t>(batchCount) * sizeof(void*) : 0;
  ops.add(Aarray, arrays, Access::read);
  ops.add(Barray, arrays, Access::read);
  ops.add(Carray, arrays, Access::read);
  if (modes.device_scalars(handle)) {
    const std::size_t s = scalar_bytes(cublas_scaling_type(computeType));
    ops.add(alpha, s, Access::read);
    ops.add(beta, s, Access::read);
  }
  ops.set_indirect();
  return ops;
}

}  // namespace cublas_operands
}  // namespace gpuswap::interpose
