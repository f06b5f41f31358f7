#include "gemm_math.h"

#include <algorithm>
#include <cstddef>

namespace cudasim::blas {

bool gemm_shape_valid(const GemmShape& s) {
  if (s.m < 0 || s.n < 0 || s.k < 0) return false;
  const int rows_a = s.transpose_a ? s.k : s.m;
  const int rows_b = s.transpose_b ? s.n : s.k;
  return s.lda >= std::max(1, rows_a) && s.ldb >= std::max(1, rows_b) && s.ldc >= std::max(1, s.m);
}

void gemm(const GemmShape& s, float alpha, const float* a, const float* b, float beta, float* c) {
  const auto lda = static_cast<std::ptrdiff_t>(s.lda);
  const auto ldb = static_cast<std::ptrdiff_t>(s.ldb);
  const auto ldc = static_cast<std::ptrdiff_t>(s.ldc);
  // Element (i, p) of op(A) is a[i * a_row + p * a_col]; likewise for B.
  const std::ptrdiff_t a_row = s.transpose_a ? lda : 1;
  const std::ptrdiff_t a_col = s.transpose_a ? 1 : lda;
  const std::ptrdiff_t b_row = s.transpose_b ? ldb : 1;
  const std::ptrdiff_t b_col = s.transpose_b ? 1 : ldb;
  const bool product = alpha != 0.0f && s.k > 0;

  // Accumulators live on the stack: a kernel that faults on device memory is
  // abandoned where it stands, so it must not own heap memory.
  constexpr int kBlock = 64;
  float acc[kBlock];
  for (int j = 0; j < s.n; ++j) {
    float* c_j = c + j * ldc;
    for (int i0 = 0; i0 < s.m; i0 += kBlock) {
      const int rows = std::min(kBlock, s.m - i0);
      std::fill(acc, acc + rows, 0.0f);
      if (product) {
        // One rank-1 update per p, in ascending p: each element's summation
        // order is fixed, whatever the blocking.
        for (int p = 0; p < s.k; ++p) {
          const float bpj = b[p * b_row + j * b_col];
          const float* a_p = a + p * a_col + i0 * a_row;
          for (int i = 0; i < rows; ++i) acc[i] += a_p[i * a_row] * bpj;
        }
      }
      for (int i = 0; i < rows; ++i) {
        const float scaled = alpha * acc[i];
        c_j[i0 + i] = beta == 0.0f ? scaled : scaled + beta * c_j[i0 + i];
      }
    }
  }
}

}  // namespace cudasim::blas
