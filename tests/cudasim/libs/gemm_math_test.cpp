#include "gemm_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>
#include <vector>

#include "test_data.h"

namespace cudasim::blas {
namespace {

using cudasim::testing::random_floats;

// op(X)(row, col) straight from the definition of column-major storage.
double element(const std::vector<float>& x, int ld, bool transpose, int row, int col) {
  return transpose ? x[row * ld + col] : x[col * ld + row];
}

std::vector<float> reference(const GemmShape& s, float alpha, const std::vector<float>& a,
                             const std::vector<float>& b, float beta, std::vector<float> c) {
  for (int j = 0; j < s.n; ++j) {
    for (int i = 0; i < s.m; ++i) {
      double sum = 0.0;
      for (int p = 0; p < s.k; ++p) {
        sum += element(a, s.lda, s.transpose_a, i, p) * element(b, s.ldb, s.transpose_b, p, j);
      }
      const double old = beta == 0.0f ? 0.0 : beta * static_cast<double>(c[j * s.ldc + i]);
      c[j * s.ldc + i] = static_cast<float>(alpha * sum + old);
    }
  }
  return c;
}

GemmShape shape(bool ta, bool tb, int m, int n, int k, int pad) {
  GemmShape s{ta, tb, m, n, k, 0, 0, 0};
  s.lda = (ta ? k : m) + pad;
  s.ldb = (tb ? n : k) + pad;
  s.ldc = m + pad;
  return s;
}

std::size_t columns_a(const GemmShape& s) {
  return s.transpose_a ? s.m : s.k;
}
std::size_t columns_b(const GemmShape& s) {
  return s.transpose_b ? s.k : s.n;
}

class GemmTransposes : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

TEST_P(GemmTransposes, MatchesReferenceForEveryShapeAndScale) {
  const auto [ta, tb] = GetParam();
  // 70 rows span more than one accumulator block.
  const int dims[][3] = {{1, 1, 1}, {5, 7, 3}, {13, 4, 9}, {8, 8, 17}, {70, 3, 5}};
  const float scales[][2] = {{1.0f, 0.0f}, {0.5f, 2.0f}, {-1.5f, 1.0f}};
  std::uint32_t seed = 1;
  for (const auto& d : dims) {
    for (int pad : {0, 3}) {
      for (const auto& sc : scales) {
        const GemmShape s = shape(ta, tb, d[0], d[1], d[2], pad);
        const auto a = random_floats(s.lda * columns_a(s), seed++);
        const auto b = random_floats(s.ldb * columns_b(s), seed++);
        const auto c0 = random_floats(s.ldc * s.n, seed++);
        auto c = c0;
        gemm(s, sc[0], a.data(), b.data(), sc[1], c.data());
        const auto want = reference(s, sc[0], a, b, sc[1], c0);
        for (int j = 0; j < s.n; ++j) {
          for (int i = 0; i < s.ldc; ++i) {
            const std::size_t at = j * s.ldc + i;
            if (i < s.m) {
              EXPECT_NEAR(c[at], want[at], 1e-5) << "i=" << i << " j=" << j;
            } else {
              EXPECT_EQ(c[at], c0[at]) << "padding row " << i << " was written";
            }
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCases, GemmTransposes,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()));

TEST(GemmMath, TransposeSelectsTheOtherAxis) {
  // A 2x3 matrix [[1,2,3],[4,5,6]] (column-major) times the 3-vector (1,1,1);
  // stored transposed it must give the same product.
  const std::vector<float> a = {1, 4, 2, 5, 3, 6};
  const std::vector<float> at = {1, 2, 3, 4, 5, 6};
  const std::vector<float> b = {1, 1, 1};
  std::vector<float> c(2), ct(2);
  gemm({false, false, 2, 1, 3, 2, 3, 2}, 1.0f, a.data(), b.data(), 0.0f, c.data());
  gemm({true, false, 2, 1, 3, 3, 3, 2}, 1.0f, at.data(), b.data(), 0.0f, ct.data());
  EXPECT_EQ(c, (std::vector<float>{6, 15}));
  EXPECT_EQ(ct, (std::vector<float>{6, 15}));
}

TEST(GemmMath, BetaZeroDoesNotReadC) {
  const GemmShape s = shape(false, true, 4, 3, 5, 0);
  const auto a = random_floats(s.lda * columns_a(s), 7);
  const auto b = random_floats(s.ldb * columns_b(s), 8);
  std::vector<float> c(s.ldc * s.n, std::numeric_limits<float>::quiet_NaN());
  gemm(s, 2.0f, a.data(), b.data(), 0.0f, c.data());
  const auto want = reference(s, 2.0f, a, b, 0.0f, std::vector<float>(c.size(), 0.0f));
  for (std::size_t i = 0; i < c.size(); ++i) {
    ASSERT_FALSE(std::isnan(c[i]));
    EXPECT_NEAR(c[i], want[i], 1e-5);
  }
}

TEST(GemmMath, AlphaZeroOrEmptyKOnlyScalesC) {
  const GemmShape s = shape(false, false, 3, 2, 4, 0);
  const std::vector<float> nan_a(s.lda * columns_a(s), std::numeric_limits<float>::quiet_NaN());
  const std::vector<float> nan_b(s.ldb * columns_b(s), std::numeric_limits<float>::quiet_NaN());
  std::vector<float> c = {1, 2, 3, 4, 5, 6};
  gemm(s, 0.0f, nan_a.data(), nan_b.data(), 3.0f, c.data());
  EXPECT_EQ(c, (std::vector<float>{3, 6, 9, 12, 15, 18}));

  GemmShape empty = s;
  empty.k = 0;
  gemm(empty, 1.0f, nan_a.data(), nan_b.data(), 0.5f, c.data());
  EXPECT_EQ(c, (std::vector<float>{1.5f, 3, 4.5f, 6, 7.5f, 9}));
}

TEST(GemmMath, ResultsAreBitReproducible) {
  const GemmShape s = shape(true, false, 31, 17, 64, 1);
  const auto a = random_floats(s.lda * columns_a(s), 11);
  const auto b = random_floats(s.ldb * columns_b(s), 12);
  std::vector<float> c1(s.ldc * s.n), c2(s.ldc * s.n);
  gemm(s, 1.0f, a.data(), b.data(), 0.0f, c1.data());
  gemm(s, 1.0f, a.data(), b.data(), 0.0f, c2.data());
  EXPECT_EQ(0, std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(float)));
}

TEST(GemmMath, LeadingDimensionValidation) {
  EXPECT_TRUE(gemm_shape_valid({false, false, 4, 3, 2, 4, 2, 4}));
  EXPECT_FALSE(gemm_shape_valid({false, false, 4, 3, 2, 3, 2, 4}));  // lda < m
  EXPECT_TRUE(gemm_shape_valid({true, false, 4, 3, 2, 2, 2, 4}));    // lda >= k for A^T
  EXPECT_FALSE(gemm_shape_valid({true, false, 4, 3, 5, 4, 5, 4}));   // lda < k for A^T
  EXPECT_FALSE(gemm_shape_valid({false, false, 4, 3, 2, 4, 1, 4}));  // ldb < k
  EXPECT_TRUE(gemm_shape_valid({false, true, 4, 3, 2, 4, 3, 4}));    // ldb >= n for B^T
  EXPECT_FALSE(gemm_shape_valid({false, true, 4, 3, 2, 4, 2, 4}));
  EXPECT_FALSE(gemm_shape_valid({false, false, 4, 3, 2, 4, 2, 3}));  // ldc < m
  EXPECT_FALSE(gemm_shape_valid({false, false, -1, 3, 2, 4, 2, 4}));
  EXPECT_TRUE(gemm_shape_valid({false, false, 0, 0, 0, 1, 1, 1}));
}

}  // namespace
}  // namespace cudasim::blas
