#include "activation_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tensor_test_util.h"

namespace cudasim::dnn {
namespace {

using cudasim::testing::random_tensor;
using cudasim::testing::span_of;

TEST(ActivationMath, ValuesFollowTheDefinitions) {
  const ActivationParams relu{ActivationMode::kRelu, 0.0f};
  const ActivationParams clipped{ActivationMode::kClippedRelu, 1.5f};
  const ActivationParams elu{ActivationMode::kElu, 0.5f};
  const ActivationParams sigmoid{ActivationMode::kSigmoid, 0.0f};
  const ActivationParams tanh_p{ActivationMode::kTanh, 0.0f};
  EXPECT_EQ(activation_value(relu, -2.0f), 0.0f);
  EXPECT_EQ(activation_value(relu, 3.0f), 3.0f);
  EXPECT_EQ(activation_value(clipped, 3.0f), 1.5f);
  EXPECT_EQ(activation_value(clipped, 1.0f), 1.0f);
  EXPECT_EQ(activation_value(clipped, -1.0f), 0.0f);
  EXPECT_NEAR(activation_value(elu, -1.0f), 0.5 * (std::exp(-1.0) - 1.0), 1e-6);
  EXPECT_EQ(activation_value(elu, 2.0f), 2.0f);
  EXPECT_NEAR(activation_value(sigmoid, 0.3f), 1.0 / (1.0 + std::exp(-0.3)), 1e-6);
  EXPECT_NEAR(activation_value(tanh_p, -0.7f), std::tanh(-0.7), 1e-6);
}

class ActivationModes : public ::testing::TestWithParam<ActivationParams> {};

// The backward pass is the derivative: compare with a central difference.
TEST_P(ActivationModes, BackwardIsTheDerivative) {
  const ActivationParams p = GetParam();
  const Tensor4d t = packed_nhwc(2, 3, 2, 2);
  auto x = random_tensor(t, 40);
  for (float& v : x) v *= 3.0f;
  const auto dy = random_tensor(t, 41), y0 = random_tensor(t, 42), dx0 = random_tensor(t, 43);
  auto y = y0;
  activation_forward(p, t, x.data(), 1.0f, 0.0f, t, y.data());
  auto dx = dx0;
  activation_backward(p, t, y.data(), t, dy.data(), t, x.data(), 1.0f, 0.0f, t, dx.data());
  const double h = 1e-3;
  for (std::size_t i = 0; i < x.size(); ++i) {
    // The difference quotient is meaningless across a kink (0, and coef for
    // the clipped ReLU).
    if (std::fabs(x[i]) < 2 * h || std::fabs(x[i] - p.coef) < 2 * h) continue;
    const double slope = (activation_value(p, static_cast<float>(x[i] + h)) -
                          activation_value(p, static_cast<float>(x[i] - h))) /
                         (2 * h);
    EXPECT_NEAR(dx[i], dy[i] * slope, 5e-3) << "x=" << x[i];
  }
  // alpha/beta blending on both passes.
  auto blended = y0;
  activation_forward(p, t, x.data(), 2.0f, -1.0f, t, blended.data());
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(blended[i], 2.0 * y[i] - y0[i], 1e-5);
  }
  auto dblended = dx0;
  activation_backward(p, t, y.data(), t, dy.data(), t, x.data(), 0.5f, 1.0f, t, dblended.data());
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(dblended[i], 0.5 * dx[i] + dx0[i], 1e-5);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, ActivationModes,
                         ::testing::Values(ActivationParams{ActivationMode::kRelu, 0.0f},
                                           ActivationParams{ActivationMode::kSigmoid, 0.0f},
                                           ActivationParams{ActivationMode::kTanh, 0.0f},
                                           ActivationParams{ActivationMode::kClippedRelu, 1.0f},
                                           ActivationParams{ActivationMode::kElu, 0.7f}));

TEST(ActivationMath, BetaZeroIgnoresNaN) {
  const Tensor4d t = packed_nchw(1, 2, 3, 3);
  const ActivationParams p{ActivationMode::kTanh, 0.0f};
  const auto x = random_tensor(t, 44);
  std::vector<float> y(span_of(t), std::nanf(""));
  activation_forward(p, t, x.data(), 1.0f, 0.0f, t, y.data());
  for (float v : y) EXPECT_FALSE(std::isnan(v));
}

}  // namespace
}  // namespace cudasim::dnn
