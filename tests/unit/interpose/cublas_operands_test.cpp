#include "cublas_operands.h"

#include <gtest/gtest.h>

namespace gpuswap::interpose {
namespace {

class FixedPointerMode final : public CublasPointerModes {
 public:
  explicit FixedPointerMode(bool device) : device_(device) {}
  bool device_scalars(cublasHandle_t) const noexcept override { return device_; }

 private:
  bool device_;
};

const float* fdev(std::uintptr_t v) {
  return reinterpret_cast<const float*>(v);
}
float* fout(std::uintptr_t v) {
  return reinterpret_cast<float*>(v);
}

const FixedPointerMode kHost{false};
const FixedPointerMode kDevice{true};
const float kZero = 0.0f;
const float kOne = 1.0f;

TEST(CublasOperands, SgemmExtentsFollowTransposesAndLeadingDimensions) {
  // C(4x3) = A^T * B with A stored 5x4 (lda 8), B stored 5x3 (ldb 5), ldc 4.
  const Operands ops =
      cublas_operands::sgemm(kHost, nullptr, CUBLAS_OP_T, CUBLAS_OP_N, 4, 3, 5, &kOne, fdev(0x1000),
                             8, fdev(0x2000), 5, &kZero, fout(0x3000), 4);
  ASSERT_EQ(ops.items().size(), 3u);
  EXPECT_EQ(ops.items()[0], (Operand{fdev(0x1000), (8u * 3 + 5) * 4, Access::read}));
  EXPECT_EQ(ops.items()[1], (Operand{fdev(0x2000), (5u * 2 + 5) * 4, Access::read}));
  EXPECT_EQ(ops.items()[2], (Operand{fout(0x3000), 12u * 4, Access::overwrite}));
}

TEST(CublasOperands, SgemmWithBetaOrPaddedOutputKeepsOldContents) {
  const Operands accumulate =
      cublas_operands::sgemm(kHost, nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 4, 3, 5, &kOne, fdev(0x1000),
                             4, fdev(0x2000), 5, &kOne, fout(0x3000), 4);
  EXPECT_EQ(accumulate.items()[2].access, Access::write);
  // ldc 6 > m: rows 4 and 5 of every column lie inside the span, unwritten.
  const Operands padded =
      cublas_operands::sgemm(kHost, nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 4, 3, 5, &kOne, fdev(0x1000),
                             4, fdev(0x2000), 5, &kZero, fout(0x3000), 6);
  EXPECT_EQ(padded.items()[2], (Operand{fout(0x3000), (6u * 2 + 4) * 4, Access::write}));
}

TEST(CublasOperands, DeviceScalarsAreOperandsAndNeverReadOnTheHost) {
  const Operands ops =
      cublas_operands::sgemm(kDevice, nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, fdev(0x9000),
                             fdev(0x1000), 2, fdev(0x2000), 2, fdev(0x9004), fout(0x3000), 2);
  ASSERT_EQ(ops.items().size(), 5u);
  EXPECT_EQ(ops.items()[2], (Operand{fdev(0x9000), 4, Access::read}));
  EXPECT_EQ(ops.items()[3], (Operand{fdev(0x9004), 4, Access::read}));
  EXPECT_EQ(ops.items()[4].access, Access::write);
}

TEST(CublasOperands, GemmExUsesEachMatrixsTypeAndTheComputeTypesScalar) {
  const double d_zero = 0.0;
  const Operands ops = cublas_operands::gemm_ex(kHost, nullptr, CUBLAS_OP_N, CUBLAS_OP_T, 2, 3, 4,
                                                &d_zero, fdev(0x1000), CUDA_R_16F, 2, fdev(0x2000),
                                                CUDA_R_16F, 3, &d_zero, fout(0x3000), CUDA_R_64F, 2,
                                                CUBLAS_COMPUTE_64F, CUBLAS_GEMM_DEFAULT);
  ASSERT_EQ(ops.items().size(), 3u);
  EXPECT_EQ(ops.items()[0].bytes, (2u * 3 + 2) * 2);  // A 2x4 halves
  EXPECT_EQ(ops.items()[1].bytes, (3u * 3 + 3) * 2);  // B stored 3x4 (op T)
  EXPECT_EQ(ops.items()[2], (Operand{fout(0x3000), 6u * 8, Access::overwrite}));
}

TEST(CublasOperands, StridedBatchedSpansEveryMatrix) {
  const Operands ops = cublas_operands::sgemm_strided_batched(
      kHost, nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &kOne, fdev(0x1000), 2, 4, fdev(0x2000), 2,
      0, &kZero, fout(0x3000), 2, 4, 3);
  ASSERT_EQ(ops.items().size(), 3u);
  EXPECT_EQ(ops.items()[0].bytes, (2u * 4 + 4) * 4);  // three matrices, stride 4
  EXPECT_EQ(ops.items()[1].bytes, 4u * 4);            // stride 0: one shared matrix
  EXPECT_EQ(ops.items()[2], (Operand{fout(0x3000), 12u * 4, Access::overwrite}));
  // Gaps between output matrices are not written: no overwrite.
  const Operands gapped = cublas_operands::sgemm_strided_batched(
      kHost, nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &kOne, fdev(0x1000), 2, 4, fdev(0x2000), 2,
      4, &kZero, fout(0x3000), 2, 6, 3);
  EXPECT_EQ(gapped.items()[2].access, Access::write);
}

TEST(CublasOperands, PointerArrayBatchesListTheArraysAndAreIndirect) {
  const void* const* a = reinterpret_cast<const void* const*>(0x1000);
  const void* const* b = reinterpret_cast<const void* const*>(0x2000);
  void* const* c = reinterpret_cast<void* const*>(0x3000);
  const Operands ops = cublas_operands::gemm_batched_ex(
      kHost, nullptr, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &kOne, a, CUDA_R_32F, 2, b, CUDA_R_32F, 2,
      &kZero, c, CUDA_R_32F, 2, 5, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
  EXPECT_TRUE(ops.indirect());
  ASSERT_EQ(ops.items().size(), 3u);
  for (const Operand& op : ops.items()) {
    EXPECT_EQ(op.bytes, 5 * sizeof(void*));
    EXPECT_EQ(op.access, Access::read);
  }
}

TEST(MatrixBytes, RejectsInconsistentShapes) {
  EXPECT_EQ(matrix_bytes(4, 3, 2, 4), 0u);  // ld < rows
  EXPECT_EQ(matrix_bytes(0, 3, 4, 4), 0u);
  EXPECT_EQ(matrix_bytes(4, 1, 100, 4), 16u);
}

}  // namespace
}  // namespace gpuswap::interpose
