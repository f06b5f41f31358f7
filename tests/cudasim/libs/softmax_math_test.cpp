#include "softmax_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tensor_test_util.h"

namespace cudasim::dnn {
namespace {

using cudasim::testing::layout;
using cudasim::testing::random_tensor;
using cudasim::testing::span_of;

struct Case {
  SoftmaxParams p;
  bool nhwc;
};

class SoftmaxCases : public ::testing::TestWithParam<Case> {};

// Reference: groups enumerated explicitly, in double.
TEST_P(SoftmaxCases, ForwardAndBackwardMatchReference) {
  const auto [p, nhwc] = GetParam();
  const Tensor4d t = layout(nhwc, 2, 4, 3, 2);
  auto x = random_tensor(t, 50);
  for (float& v : x) v *= 4.0f;
  const auto dy = random_tensor(t, 51), y0 = random_tensor(t, 52);
  std::vector<double> y_want(span_of(t)), dx_want(span_of(t));
  std::vector<std::vector<std::int64_t>> groups;
  for (int n = 0; n < t.n; ++n) {
    if (p.mode == SoftmaxMode::kInstance) {
      groups.emplace_back();
      for (int c = 0; c < t.c; ++c)
        for (int h = 0; h < t.h; ++h)
          for (int w = 0; w < t.w; ++w) groups.back().push_back(t.at(n, c, h, w));
    } else {
      for (int h = 0; h < t.h; ++h)
        for (int w = 0; w < t.w; ++w) {
          groups.emplace_back();
          for (int c = 0; c < t.c; ++c) groups.back().push_back(t.at(n, c, h, w));
        }
    }
  }
  for (const auto& g : groups) {
    double sum = 0.0;
    for (auto i : g) sum += std::exp(static_cast<double>(x[i]));
    for (auto i : g) {
      const double prob = std::exp(static_cast<double>(x[i])) / sum;
      y_want[i] = p.algorithm == SoftmaxAlgorithm::kLog ? std::log(prob) : prob;
    }
    double dot = 0.0;
    for (auto i : g) dot += p.algorithm == SoftmaxAlgorithm::kLog ? dy[i] : dy[i] * y_want[i];
    for (auto i : g) {
      dx_want[i] = p.algorithm == SoftmaxAlgorithm::kLog ? dy[i] - std::exp(y_want[i]) * dot
                                                         : y_want[i] * (dy[i] - dot);
    }
  }
  auto y = y0;
  softmax_forward(p, t, x.data(), 1.0f, 0.0f, t, y.data());
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], y_want[i], 1e-5);
  auto blended = y0;
  softmax_forward(p, t, x.data(), 0.5f, 2.0f, t, blended.data());
  for (std::size_t i = 0; i < y.size(); ++i) {
    EXPECT_NEAR(blended[i], 0.5 * y_want[i] + 2.0 * y0[i], 1e-5);
  }
  auto dx = y0;
  softmax_backward(p, t, y.data(), t, dy.data(), 1.0f, 0.0f, t, dx.data());
  for (std::size_t i = 0; i < dx.size(); ++i) EXPECT_NEAR(dx[i], dx_want[i], 1e-5);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, SoftmaxCases,
    ::testing::Values(Case{{SoftmaxAlgorithm::kAccurate, SoftmaxMode::kChannel}, false},
                      Case{{SoftmaxAlgorithm::kAccurate, SoftmaxMode::kInstance}, true},
                      Case{{SoftmaxAlgorithm::kFast, SoftmaxMode::kChannel}, true},
                      Case{{SoftmaxAlgorithm::kLog, SoftmaxMode::kChannel}, false},
                      Case{{SoftmaxAlgorithm::kLog, SoftmaxMode::kInstance}, false}));

TEST(SoftmaxMath, AccurateSurvivesLargeInputs) {
  const Tensor4d t = packed_nchw(1, 3, 1, 1);
  const std::vector<float> x = {1000.0f, 1001.0f, 999.0f};
  std::vector<float> y(3, std::nanf(""));
  softmax_forward({SoftmaxAlgorithm::kAccurate, SoftmaxMode::kChannel}, t, x.data(), 1.0f, 0.0f, t,
                  y.data());
  const double e = std::exp(1.0), sum = 1.0 + e + 1.0 / e;
  EXPECT_NEAR(y[0], 1.0 / sum, 1e-6);
  EXPECT_NEAR(y[1], e / sum, 1e-6);
  EXPECT_NEAR(y[2], 1.0 / e / sum, 1e-6);
}

}  // namespace
}  // namespace cudasim::dnn
