#include "conv_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>
#include <vector>

#include "tensor_test_util.h"

namespace cudasim::dnn {
namespace {

using cudasim::testing::dot;
using cudasim::testing::layout;
using cudasim::testing::random_tensor;
using cudasim::testing::span_of;

struct Case {
  int n, c, h, w, k, r, s;
  ConvParams p;
  bool nhwc;
};

// Readable test names in failure messages.
void PrintTo(const Case& t, std::ostream* os) {
  *os << (t.nhwc ? "NHWC " : "NCHW ") << t.n << "x" << t.c << "x" << t.h << "x" << t.w << " * "
      << t.k << "x" << t.c << "x" << t.r << "x" << t.s << " pad " << t.p.pad_h << "," << t.p.pad_w
      << " stride " << t.p.stride_h << "," << t.p.stride_w << " dilation " << t.p.dilation_h << ","
      << t.p.dilation_w << (t.p.flip ? " convolution" : " cross-correlation");
}

const Case kCases[] = {
    {1, 1, 5, 5, 1, 3, 3, {0, 0, 1, 1, 1, 1, false}, false},
    {2, 3, 7, 6, 4, 3, 3, {1, 1, 1, 1, 1, 1, false}, false},
    {2, 3, 7, 6, 4, 3, 2, {1, 0, 2, 1, 1, 1, true}, false},
    {1, 2, 9, 8, 3, 3, 3, {2, 1, 2, 3, 2, 1, true}, true},
    {3, 2, 6, 6, 2, 1, 1, {0, 0, 1, 1, 1, 1, false}, true},
    {2, 4, 8, 7, 3, 2, 3, {1, 2, 3, 2, 1, 2, false}, true},
};

struct Shapes {
  Tensor4d x, w, y;
};

Shapes shapes_of(const Case& t) {
  const int oh = conv_output_size(t.h, t.p.pad_h, t.r, t.p.stride_h, t.p.dilation_h);
  const int ow = conv_output_size(t.w, t.p.pad_w, t.s, t.p.stride_w, t.p.dilation_w);
  return {layout(t.nhwc, t.n, t.c, t.h, t.w), layout(t.nhwc, t.k, t.c, t.r, t.s),
          layout(t.nhwc, t.n, t.k, oh, ow)};
}

int tap(int i, int count, bool flip) {
  return flip ? count - 1 - i : i;
}

// The definitions, accumulated in double: forward as a gather, both
// gradients as scatters (the opposite direction from the implementation).
std::vector<double> ref_forward(const Shapes& s, const ConvParams& p, const std::vector<float>& x,
                                const std::vector<float>& w) {
  std::vector<double> y(span_of(s.y), 0.0);
  for (int n = 0; n < s.y.n; ++n)
    for (int k = 0; k < s.y.c; ++k)
      for (int oh = 0; oh < s.y.h; ++oh)
        for (int ow = 0; ow < s.y.w; ++ow)
          for (int c = 0; c < s.x.c; ++c)
            for (int r = 0; r < s.w.h; ++r)
              for (int q = 0; q < s.w.w; ++q) {
                const int ih = oh * p.stride_h - p.pad_h + r * p.dilation_h;
                const int iw = ow * p.stride_w - p.pad_w + q * p.dilation_w;
                if (ih < 0 || iw < 0 || ih >= s.x.h || iw >= s.x.w) continue;
                y[s.y.at(n, k, oh, ow)] +=
                    static_cast<double>(x[s.x.at(n, c, ih, iw)]) *
                    w[s.w.at(k, c, tap(r, s.w.h, p.flip), tap(q, s.w.w, p.flip))];
              }
  return y;
}

template <typename Visit>
void for_each_product(const Shapes& s, const ConvParams& p, Visit&& visit) {
  for (int n = 0; n < s.y.n; ++n)
    for (int k = 0; k < s.y.c; ++k)
      for (int oh = 0; oh < s.y.h; ++oh)
        for (int ow = 0; ow < s.y.w; ++ow)
          for (int c = 0; c < s.x.c; ++c)
            for (int r = 0; r < s.w.h; ++r)
              for (int q = 0; q < s.w.w; ++q) {
                const int ih = oh * p.stride_h - p.pad_h + r * p.dilation_h;
                const int iw = ow * p.stride_w - p.pad_w + q * p.dilation_w;
                if (ih < 0 || iw < 0 || ih >= s.x.h || iw >= s.x.w) continue;
                visit(s.x.at(n, c, ih, iw),
                      s.w.at(k, c, tap(r, s.w.h, p.flip), tap(q, s.w.w, p.flip)),
                      s.y.at(n, k, oh, ow));
              }
}

void expect_close(const std::vector<float>& got, const std::vector<double>& want, float alpha,
                  float beta, const std::vector<float>& before) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double old = beta == 0.0f ? 0.0 : beta * static_cast<double>(before[i]);
    EXPECT_NEAR(got[i], alpha * want[i] + old, 1e-4) << "element " << i;
  }
}

TEST(ConvMath, OutputSize) {
  EXPECT_EQ(conv_output_size(5, 0, 3, 1, 1), 3);
  EXPECT_EQ(conv_output_size(5, 1, 3, 1, 1), 5);
  EXPECT_EQ(conv_output_size(7, 1, 3, 2, 1), 4);
  EXPECT_EQ(conv_output_size(9, 2, 3, 2, 3), 4);  // extent 7, span 6
  EXPECT_LE(conv_output_size(2, 0, 3, 1, 1), 0);
}

TEST(ConvMath, ConvolutionModeFlipsTheFilter) {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> w = {1, 0, 0, 0};
  const Tensor4d xt = packed_nchw(1, 1, 3, 3), wt = packed_nchw(1, 1, 2, 2),
                 yt = packed_nchw(1, 1, 2, 2);
  std::vector<float> y(4);
  conv_forward_direct(xt, x.data(), wt, w.data(), ConvParams{}, 1.0f, 0.0f, yt, y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 2, 4, 5}));
  ConvParams flipped;
  flipped.flip = true;
  conv_forward_direct(xt, x.data(), wt, w.data(), flipped, 1.0f, 0.0f, yt, y.data());
  EXPECT_EQ(y, (std::vector<float>{5, 6, 8, 9}));
}

class ConvCases : public ::testing::TestWithParam<Case> {};

TEST_P(ConvCases, ForwardMatchesDefinition) {
  const Case& t = GetParam();
  const Shapes s = shapes_of(t);
  ASSERT_TRUE(conv_shapes_valid(s.x, s.w, t.p, s.y));
  const auto x = random_tensor(s.x, 1), w = random_tensor(s.w, 2), y0 = random_tensor(s.y, 3);
  const auto want = ref_forward(s, t.p, x, w);
  std::vector<float> ws(conv_forward_gemm_workspace(s.x, s.w, s.y));
  for (const auto& [alpha, beta] : {std::pair{1.0f, 0.0f}, std::pair{0.5f, -2.0f}}) {
    auto direct = y0, lowered = y0;
    conv_forward_direct(s.x, x.data(), s.w, w.data(), t.p, alpha, beta, s.y, direct.data());
    conv_forward_gemm(s.x, x.data(), s.w, w.data(), t.p, alpha, beta, s.y, lowered.data(),
                      ws.data());
    expect_close(direct, want, alpha, beta, y0);
    expect_close(lowered, want, alpha, beta, y0);
  }
}

TEST_P(ConvCases, BackwardDataMatchesScatteredDefinition) {
  const Case& t = GetParam();
  const Shapes s = shapes_of(t);
  const auto w = random_tensor(s.w, 4), dy = random_tensor(s.y, 5), dx0 = random_tensor(s.x, 6);
  std::vector<double> want(span_of(s.x), 0.0);
  for_each_product(s, t.p, [&](std::int64_t xi, std::int64_t wi, std::int64_t yi) {
    want[xi] += static_cast<double>(dy[yi]) * w[wi];
  });
  std::vector<float> ws(conv_backward_data_gemm_workspace(s.x, s.w, s.y));
  for (const auto& [alpha, beta] : {std::pair{1.0f, 0.0f}, std::pair{2.0f, 0.25f}}) {
    auto direct = dx0, lowered = dx0;
    conv_backward_data_direct(s.w, w.data(), s.y, dy.data(), t.p, alpha, beta, s.x, direct.data());
    conv_backward_data_gemm(s.w, w.data(), s.y, dy.data(), t.p, alpha, beta, s.x, lowered.data(),
                            ws.data());
    expect_close(direct, want, alpha, beta, dx0);
    expect_close(lowered, want, alpha, beta, dx0);
  }
}

TEST_P(ConvCases, BackwardFilterMatchesScatteredDefinition) {
  const Case& t = GetParam();
  const Shapes s = shapes_of(t);
  const auto x = random_tensor(s.x, 7), dy = random_tensor(s.y, 8), dw0 = random_tensor(s.w, 9);
  std::vector<double> want(span_of(s.w), 0.0);
  for_each_product(s, t.p, [&](std::int64_t xi, std::int64_t wi, std::int64_t yi) {
    want[wi] += static_cast<double>(dy[yi]) * x[xi];
  });
  std::vector<float> ws(conv_backward_filter_gemm_workspace(s.x, s.w, s.y));
  for (const auto& [alpha, beta] : {std::pair{1.0f, 0.0f}, std::pair{-1.0f, 1.0f}}) {
    auto direct = dw0, lowered = dw0;
    conv_backward_filter_direct(s.x, x.data(), s.y, dy.data(), t.p, alpha, beta, s.w,
                                direct.data());
    conv_backward_filter_gemm(s.x, x.data(), s.y, dy.data(), t.p, alpha, beta, s.w, lowered.data(),
                              ws.data());
    expect_close(direct, want, alpha, beta, dw0);
    expect_close(lowered, want, alpha, beta, dw0);
  }
}

// The gradients are the adjoints of the forward map: for any dy,
// <conv(x, w), dy> = <x, dgrad(w, dy)> = <w, wgrad(x, dy)>.
TEST_P(ConvCases, GradientsAreAdjointsOfForward) {
  const Case& t = GetParam();
  const Shapes s = shapes_of(t);
  const auto x = random_tensor(s.x, 10), w = random_tensor(s.w, 11), dy = random_tensor(s.y, 12);
  std::vector<float> y(span_of(s.y)), dx(span_of(s.x)), dw(span_of(s.w));
  conv_forward_direct(s.x, x.data(), s.w, w.data(), t.p, 1.0f, 0.0f, s.y, y.data());
  conv_backward_data_direct(s.w, w.data(), s.y, dy.data(), t.p, 1.0f, 0.0f, s.x, dx.data());
  conv_backward_filter_direct(s.x, x.data(), s.y, dy.data(), t.p, 1.0f, 0.0f, s.w, dw.data());
  const double forward = dot(s.y, y, s.y, dy);
  EXPECT_NEAR(forward, dot(s.x, x, s.x, dx), 1e-3);
  EXPECT_NEAR(forward, dot(s.w, w, s.w, dw), 1e-3);
}

// A finite difference of the scalar loss <conv(x, w), dy> along one input
// element equals the data gradient there (conv is linear, so exactly up to
// rounding).
TEST_P(ConvCases, DataGradientMatchesFiniteDifference) {
  const Case& t = GetParam();
  const Shapes s = shapes_of(t);
  auto x = random_tensor(s.x, 13);
  const auto w = random_tensor(s.w, 14), dy = random_tensor(s.y, 15);
  std::vector<float> dx(span_of(s.x)), y(span_of(s.y));
  conv_backward_data_direct(s.w, w.data(), s.y, dy.data(), t.p, 1.0f, 0.0f, s.x, dx.data());
  const auto loss = [&] {
    conv_forward_direct(s.x, x.data(), s.w, w.data(), t.p, 1.0f, 0.0f, s.y, y.data());
    return dot(s.y, y, s.y, dy);
  };
  const std::int64_t probe = s.x.at(s.x.n - 1, s.x.c / 2, s.x.h / 2, s.x.w - 1);
  const float h = 0.5f;
  const double base = loss();
  x[probe] += h;
  EXPECT_NEAR((loss() - base) / h, dx[probe], 2e-3);
}

TEST_P(ConvCases, BetaZeroIgnoresNaNInOutputs) {
  const Case& t = GetParam();
  const Shapes s = shapes_of(t);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto x = random_tensor(s.x, 16), w = random_tensor(s.w, 17), dy = random_tensor(s.y, 18);
  std::vector<float> y(span_of(s.y), nan), dx(span_of(s.x), nan), dw(span_of(s.w), nan);
  std::vector<float> ws(conv_backward_filter_gemm_workspace(s.x, s.w, s.y) +
                            conv_backward_data_gemm_workspace(s.x, s.w, s.y),
                        nan);
  conv_forward_gemm(s.x, x.data(), s.w, w.data(), t.p, 1.0f, 0.0f, s.y, y.data(), ws.data());
  conv_backward_data_gemm(s.w, w.data(), s.y, dy.data(), t.p, 1.0f, 0.0f, s.x, dx.data(),
                          ws.data());
  conv_backward_filter_gemm(s.x, x.data(), s.y, dy.data(), t.p, 1.0f, 0.0f, s.w, dw.data(),
                            ws.data());
  for (float v : y) ASSERT_FALSE(std::isnan(v));
  for (float v : dx) ASSERT_FALSE(std::isnan(v));
  for (float v : dw) ASSERT_FALSE(std::isnan(v));
}

INSTANTIATE_TEST_SUITE_P(Geometries, ConvCases, ::testing::ValuesIn(kCases));

TEST(ConvMath, ShapeValidation) {
  const Tensor4d x = packed_nchw(2, 3, 8, 8), w = packed_nchw(4, 3, 3, 3);
  ConvParams p;
  p.pad_h = p.pad_w = 1;
  EXPECT_TRUE(conv_shapes_valid(x, w, p, packed_nchw(2, 4, 8, 8)));
  EXPECT_FALSE(conv_shapes_valid(x, w, p, packed_nchw(2, 4, 6, 6)));  // wrong output size
  EXPECT_FALSE(conv_shapes_valid(x, w, p, packed_nchw(2, 5, 8, 8)));  // wrong K
  EXPECT_FALSE(conv_shapes_valid(x, packed_nchw(4, 2, 3, 3), p, packed_nchw(2, 4, 8, 8)));
  p.stride_h = 0;
  EXPECT_FALSE(conv_shapes_valid(x, w, p, packed_nchw(2, 4, 8, 8)));
}

}  // namespace
}  // namespace cudasim::dnn
