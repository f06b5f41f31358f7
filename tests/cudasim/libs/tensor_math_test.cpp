#include "tensor_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tensor_test_util.h"

namespace cudasim::dnn {
namespace {

using cudasim::testing::random_tensor;
using cudasim::testing::span_of;

TEST(TensorMath, AddTensorBroadcastsABias) {
  const Tensor4d bias = packed_nchw(1, 3, 1, 1), out = packed_nhwc(2, 3, 2, 2);
  const std::vector<float> b = {1, 10, 100};
  const auto c0 = random_tensor(out, 60);
  auto c = c0;
  add_tensor(2.0f, bias, b.data(), 1.0f, out, c.data());
  for (int n = 0; n < 2; ++n)
    for (int ch = 0; ch < 3; ++ch)
      for (int h = 0; h < 2; ++h)
        for (int w = 0; w < 2; ++w) {
          const auto i = out.at(n, ch, h, w);
          EXPECT_NEAR(c[i], c0[i] + 2.0f * b[ch], 1e-5);
        }
}

TEST(TensorMath, AddTensorFullShapeAndBetaZero) {
  const Tensor4d t = packed_nchw(2, 2, 3, 1);
  const auto a = random_tensor(t, 61);
  std::vector<float> c(span_of(t), std::nanf(""));
  add_tensor(-1.0f, t, a.data(), 0.0f, t, c.data());
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c[i], -a[i]);
}

TEST(TensorMath, AddTensorShapeRule) {
  EXPECT_TRUE(add_tensor_shapes_valid(packed_nchw(1, 3, 1, 1), packed_nchw(4, 3, 5, 5)));
  EXPECT_TRUE(add_tensor_shapes_valid(packed_nchw(4, 3, 5, 5), packed_nchw(4, 3, 5, 5)));
  EXPECT_FALSE(add_tensor_shapes_valid(packed_nchw(1, 2, 1, 1), packed_nchw(4, 3, 5, 5)));
  EXPECT_FALSE(add_tensor_shapes_valid(packed_nchw(2, 3, 1, 1), packed_nchw(4, 3, 5, 5)));
}

TEST(TensorMath, BiasGradientSumsAllButChannels) {
  const Tensor4d dy = packed_nhwc(3, 4, 2, 5), db = packed_nchw(1, 4, 1, 1);
  ASSERT_TRUE(bias_gradient_shapes_valid(dy, db));
  EXPECT_FALSE(bias_gradient_shapes_valid(dy, packed_nchw(1, 3, 1, 1)));
  const auto g = random_tensor(dy, 62);
  const std::vector<float> db0 = {1, 2, 3, 4};
  auto out = db0;
  bias_gradient(0.5f, dy, g.data(), 2.0f, db, out.data());
  for (int c = 0; c < 4; ++c) {
    double sum = 0.0;
    for (int n = 0; n < 3; ++n)
      for (int h = 0; h < 2; ++h)
        for (int w = 0; w < 5; ++w) sum += g[dy.at(n, c, h, w)];
    EXPECT_NEAR(out[c], 0.5 * sum + 2.0 * db0[c], 1e-5);
  }
  std::vector<float> fresh(4, std::nanf(""));
  bias_gradient(1.0f, dy, g.data(), 0.0f, db, fresh.data());
  for (float v : fresh) EXPECT_FALSE(std::isnan(v));
}

}  // namespace
}  // namespace cudasim::dnn
