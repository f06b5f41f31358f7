// The graph engine's arithmetic against plain loops: broadcasting, strided
// outputs, op order and every pointwise function.
#include "graph_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cudasim::dnn {
namespace {

GraphTensor shape(std::vector<std::int64_t> dims, std::vector<std::int64_t> strides, float* data) {
  GraphTensor t;
  t.rank = static_cast<std::int32_t>(dims.size());
  for (std::size_t i = 0; i < dims.size(); ++i) {
    t.dims[i] = dims[i];
    t.strides[i] = strides[i];
  }
  t.data = data;
  return t;
}

TEST(GraphMath, PointwiseFunctions) {
  EXPECT_EQ(pointwise(PointwiseFn::add, 1.5f, 2.0f), 3.5f);
  EXPECT_EQ(pointwise(PointwiseFn::sub, 1.5f, 2.0f), -0.5f);
  EXPECT_EQ(pointwise(PointwiseFn::mul, 1.5f, 2.0f), 3.0f);
  EXPECT_EQ(pointwise(PointwiseFn::max, 1.5f, 2.0f), 2.0f);
  EXPECT_EQ(pointwise(PointwiseFn::min, 1.5f, 2.0f), 1.5f);
  EXPECT_EQ(pointwise(PointwiseFn::relu, -1.5f, 9.0f), 0.0f);
  EXPECT_EQ(pointwise(PointwiseFn::relu, 1.5f, 9.0f), 1.5f);
  EXPECT_EQ(pointwise(PointwiseFn::identity, -1.5f, 9.0f), -1.5f);
}

TEST(GraphMath, BroadcastsOverSizeOneDimensionsOnly) {
  const GraphTensor out = shape({2, 3, 4}, {12, 4, 1}, nullptr);
  EXPECT_TRUE(broadcasts_to(shape({1, 3, 1}, {3, 1, 1}, nullptr), out));
  EXPECT_TRUE(broadcasts_to(out, out));
  EXPECT_FALSE(broadcasts_to(shape({2, 2, 4}, {8, 4, 1}, nullptr), out));
  EXPECT_FALSE(broadcasts_to(shape({3, 4}, {4, 1}, nullptr), out));
}

// y (2 x 3, written transposed: strides 1, 2) = x (2 x 3) * b (1 x 3), then
// z = relu(y - 2 * x) reading y back: ops run in record order.
TEST(GraphMath, RunsOpsInOrderOverStridedAndBroadcastTensors) {
  std::vector<float> x = {1, -2, 3, -4, 5, -6};
  std::vector<float> b = {0.5f, 2.0f, -1.0f};
  std::vector<float> y(6, 99.0f), z(6, 99.0f);
  GraphRecord r;
  r.tensor_count = 4;
  r.tensors[0] = shape({2, 3}, {3, 1}, x.data());
  r.tensors[1] = shape({1, 3}, {3, 1}, b.data());
  r.tensors[2] = shape({2, 3}, {1, 2}, y.data());
  r.tensors[3] = shape({2, 3}, {3, 1}, z.data());
  r.op_count = 2;
  r.ops[0] = GraphOp{PointwiseFn::mul, 0, 1, 2, 1.0f, 1.0f};
  r.ops[1] = GraphOp{PointwiseFn::sub, 2, 0, 3, 1.0f, 2.0f};
  run_graph(r);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      const float want_y = x[i * 3 + j] * b[j];
      EXPECT_EQ(y[i + 2 * j], want_y) << i << "," << j;
      const float d = want_y - 2.0f * x[i * 3 + j];
      EXPECT_EQ(z[i * 3 + j], d) << i << "," << j;
    }
  }
}

TEST(GraphMath, ExtentSpansFirstToLastElement) {
  EXPECT_EQ(graph_tensor_extent(shape({2, 3}, {3, 1}, nullptr)), 6 * sizeof(float));
  EXPECT_EQ(graph_tensor_extent(shape({2, 3}, {8, 2}, nullptr)), (8 + 4 + 1) * sizeof(float));
}

}  // namespace
}  // namespace cudasim::dnn
