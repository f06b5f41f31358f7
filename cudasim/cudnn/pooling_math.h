// 2-d pooling in fp32 as cuDNN's legacy API defines it, as pure functions.
// Outputs blend as y = alpha * result + beta * y (y not read when beta == 0).
#pragma once

#include "tensor_shape.h"

namespace cudasim::dnn {

enum class PoolMode { kMax, kAverageIncludePadding, kAverageExcludePadding };

struct PoolParams {
  PoolMode mode = PoolMode::kMax;
  int window_h = 1, window_w = 1;
  int pad_h = 0, pad_w = 0;
  int stride_h = 1, stride_w = 1;
};

// Output size along one dimension: 1 + (input + 2 pad - window) / stride.
int pool_output_size(int input, int pad, int window, int stride);

bool pool_shapes_valid(const Tensor4d& x, const PoolParams& p, const Tensor4d& y);

void pool_forward(const Tensor4d& x, const float* xd, const PoolParams& p, float alpha, float beta,
                  const Tensor4d& y, float* yd);

// Max pooling sends each window's gradient to the first element (row-major
// within the window) that holds the window's maximum; averaging spreads it
// evenly over the counted elements.
void pool_backward(const Tensor4d& x, const float* xd, const Tensor4d& dy, const float* dyd,
                   const PoolParams& p, float alpha, float beta, const Tensor4d& dx, float* dxd);

}  // namespace cudasim::dnn
