// Softmax in fp32 as cuDNN's legacy API defines it, as pure functions.
// kInstance normalises over C x H x W of each image, kChannel over C at each
// (n, h, w). Outputs blend as y = alpha * result + beta * y.
#pragma once

#include "tensor_shape.h"

namespace cudasim::dnn {

enum class SoftmaxAlgorithm { kFast, kAccurate, kLog };
enum class SoftmaxMode { kInstance, kChannel };

struct SoftmaxParams {
  SoftmaxAlgorithm algorithm = SoftmaxAlgorithm::kAccurate;
  SoftmaxMode mode = SoftmaxMode::kChannel;
};

void softmax_forward(const SoftmaxParams& p, const Tensor4d& x, const float* xd, float alpha,
                     float beta, const Tensor4d& y, float* yd);

// From the forward output y (log-probabilities for kLog) and its gradient dy.
void softmax_backward(const SoftmaxParams& p, const Tensor4d& y, const float* yd,
                      const Tensor4d& dy, const float* dyd, float alpha, float beta,
                      const Tensor4d& dx, float* dxd);

}  // namespace cudasim::dnn
