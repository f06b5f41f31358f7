// Single-precision GEMM as cuBLAS defines it (column-major storage), as a pure
// function: the kernels of cudasim's cuBLAS call it on device memory, the
// tests call it on host arrays.
#pragma once

namespace cudasim::blas {

struct GemmShape {
  bool transpose_a = false;  // op(A) = A^T (CUBLAS_OP_T, and CUBLAS_OP_C for real data)
  bool transpose_b = false;
  int m = 0;  // rows of op(A) and C
  int n = 0;  // columns of op(B) and C
  int k = 0;  // columns of op(A), rows of op(B)
  int lda = 0;
  int ldb = 0;
  int ldc = 0;
};

// C = alpha * op(A) * op(B) + beta * C. Each element sums its k products in
// ascending order, so results are reproducible bit for bit. With beta == 0, C
// is written without being read (NaN already in C does not propagate); with
// alpha == 0 or k == 0, A and B are not read.
void gemm(const GemmShape& shape, float alpha, const float* a, const float* b, float beta,
          float* c);

// Whether the leading dimensions fit the shape, as cuBLAS checks them.
bool gemm_shape_valid(const GemmShape& shape);

}  // namespace cudasim::blas
