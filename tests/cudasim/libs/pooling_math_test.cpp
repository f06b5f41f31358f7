#include "pooling_math.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <ostream>
#include <vector>

#include "tensor_test_util.h"

namespace cudasim::dnn {
namespace {

using cudasim::testing::layout;
using cudasim::testing::random_tensor;
using cudasim::testing::span_of;

TEST(PoolingMath, MaxAndAverageOnAKnownImage) {
  // 4x4 image 0..15, 2x2 windows, stride 2.
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
  const Tensor4d xt = packed_nchw(1, 1, 4, 4), yt = packed_nchw(1, 1, 2, 2);
  PoolParams p{PoolMode::kMax, 2, 2, 0, 0, 2, 2};
  std::vector<float> y(4);
  pool_forward(xt, x.data(), p, 1.0f, 0.0f, yt, y.data());
  EXPECT_EQ(y, (std::vector<float>{5, 7, 13, 15}));
  p.mode = PoolMode::kAverageIncludePadding;
  pool_forward(xt, x.data(), p, 1.0f, 0.0f, yt, y.data());
  EXPECT_EQ(y, (std::vector<float>{2.5f, 4.5f, 10.5f, 12.5f}));
}

TEST(PoolingMath, PaddingCountsOnlyWhenIncluded) {
  // 2x2 image of ones, 2x2 window, padding 1, stride 2: every window holds
  // exactly one real element.
  const std::vector<float> x = {1, 1, 1, 1};
  const Tensor4d xt = packed_nchw(1, 1, 2, 2), yt = packed_nchw(1, 1, 2, 2);
  PoolParams p{PoolMode::kAverageIncludePadding, 2, 2, 1, 1, 2, 2};
  ASSERT_TRUE(pool_shapes_valid(xt, p, yt));
  std::vector<float> y(4);
  pool_forward(xt, x.data(), p, 1.0f, 0.0f, yt, y.data());
  EXPECT_EQ(y, (std::vector<float>{0.25f, 0.25f, 0.25f, 0.25f}));
  p.mode = PoolMode::kAverageExcludePadding;
  pool_forward(xt, x.data(), p, 1.0f, 0.0f, yt, y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 1, 1, 1}));
}

struct Case {
  PoolParams p;
  int n, c, h, w;
  bool nhwc;
};

// Readable test names in failure messages.
void PrintTo(const Case& t, std::ostream* os) {
  *os << (t.nhwc ? "NHWC " : "NCHW ") << t.n << "x" << t.c << "x" << t.h << "x" << t.w << " mode "
      << static_cast<int>(t.p.mode) << " window " << t.p.window_h << "x" << t.p.window_w << " pad "
      << t.p.pad_h << "," << t.p.pad_w << " stride " << t.p.stride_h << "," << t.p.stride_w;
}

class PoolCases : public ::testing::TestWithParam<Case> {};

// Reference: each window visited from scratch; the gradient is scattered
// window by window.
TEST_P(PoolCases, ForwardAndBackwardMatchReference) {
  const Case& t = GetParam();
  const PoolParams& p = t.p;
  const int oh = pool_output_size(t.h, p.pad_h, p.window_h, p.stride_h);
  const int ow = pool_output_size(t.w, p.pad_w, p.window_w, p.stride_w);
  const Tensor4d xt = layout(t.nhwc, t.n, t.c, t.h, t.w), yt = layout(t.nhwc, t.n, t.c, oh, ow);
  ASSERT_TRUE(pool_shapes_valid(xt, p, yt));
  const auto x = random_tensor(xt, 21), dy = random_tensor(yt, 22), y0 = random_tensor(yt, 23),
             dx0 = random_tensor(xt, 24);
  std::vector<double> y_want(span_of(yt)), dx_want(span_of(xt), 0.0);
  for (int n = 0; n < t.n; ++n)
    for (int c = 0; c < t.c; ++c)
      for (int i = 0; i < oh; ++i)
        for (int j = 0; j < ow; ++j) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0.0;
          std::int64_t best_at = -1;
          int inside = 0;
          for (int a = 0; a < p.window_h; ++a)
            for (int b = 0; b < p.window_w; ++b) {
              const int ih = i * p.stride_h - p.pad_h + a, iw = j * p.stride_w - p.pad_w + b;
              if (ih < 0 || iw < 0 || ih >= t.h || iw >= t.w) continue;
              const double v = x[xt.at(n, c, ih, iw)];
              if (v > best) best = v, best_at = xt.at(n, c, ih, iw);
              sum += v;
              ++inside;
            }
          const int count =
              p.mode == PoolMode::kAverageExcludePadding ? inside : p.window_h * p.window_w;
          const double g = dy[yt.at(n, c, i, j)];
          if (p.mode == PoolMode::kMax) {
            y_want[yt.at(n, c, i, j)] = best;
            dx_want[best_at] += g;
          } else {
            y_want[yt.at(n, c, i, j)] = sum / count;
            for (int a = 0; a < p.window_h; ++a)
              for (int b = 0; b < p.window_w; ++b) {
                const int ih = i * p.stride_h - p.pad_h + a, iw = j * p.stride_w - p.pad_w + b;
                if (ih < 0 || iw < 0 || ih >= t.h || iw >= t.w) continue;
                dx_want[xt.at(n, c, ih, iw)] += g / count;
              }
          }
        }
  auto y = y0, dx = dx0;
  pool_forward(xt, x.data(), p, 2.0f, 0.5f, yt, y.data());
  pool_backward(xt, x.data(), yt, dy.data(), p, 1.0f, 0.0f, xt, dx.data());
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], 2.0 * y_want[i] + 0.5 * y0[i], 1e-5);
  for (std::size_t i = 0; i < dx.size(); ++i) EXPECT_NEAR(dx[i], dx_want[i], 1e-5);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, PoolCases,
    ::testing::Values(Case{{PoolMode::kMax, 2, 2, 0, 0, 2, 2}, 2, 3, 6, 6, false},
                      Case{{PoolMode::kMax, 3, 3, 1, 1, 2, 2}, 1, 2, 7, 5, true},
                      Case{{PoolMode::kAverageIncludePadding, 3, 2, 1, 1, 2, 1}, 2, 2, 5, 6, false},
                      Case{{PoolMode::kAverageExcludePadding, 3, 3, 1, 1, 2, 2}, 1, 3, 6, 7, true},
                      Case{{PoolMode::kMax, 2, 3, 0, 1, 1, 2}, 1, 1, 4, 5, false}));

TEST(PoolingMath, BetaZeroIgnoresNaN) {
  const Tensor4d xt = packed_nchw(1, 2, 4, 4), yt = packed_nchw(1, 2, 2, 2);
  const PoolParams p{PoolMode::kMax, 2, 2, 0, 0, 2, 2};
  const auto x = random_tensor(xt, 30), dy = random_tensor(yt, 31);
  std::vector<float> y(span_of(yt), std::nanf("")), dx(span_of(xt), std::nanf(""));
  pool_forward(xt, x.data(), p, 1.0f, 0.0f, yt, y.data());
  pool_backward(xt, x.data(), yt, dy.data(), p, 1.0f, 0.0f, xt, dx.data());
  for (float v : y) EXPECT_FALSE(std::isnan(v));
  for (float v : dx) EXPECT_FALSE(std::isnan(v));
}

TEST(PoolingMath, ShapeValidation) {
  const PoolParams p{PoolMode::kMax, 2, 2, 0, 0, 2, 2};
  EXPECT_TRUE(pool_shapes_valid(packed_nchw(1, 1, 4, 4), p, packed_nchw(1, 1, 2, 2)));
  EXPECT_FALSE(pool_shapes_valid(packed_nchw(1, 1, 4, 4), p, packed_nchw(1, 1, 3, 3)));
  EXPECT_FALSE(pool_shapes_valid(packed_nchw(1, 1, 4, 4), p, packed_nchw(1, 2, 2, 2)));
  PoolParams bad = p;
  bad.stride_h = 0;
  EXPECT_FALSE(pool_shapes_valid(packed_nchw(1, 1, 4, 4), bad, packed_nchw(1, 1, 2, 2)));
}

}  // namespace
}  // namespace cudasim::dnn
