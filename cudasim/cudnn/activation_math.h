// Pointwise activations in fp32 as cuDNN's legacy API defines them, as pure
// functions over same-shaped strided tensors.
#pragma once

#include "tensor_shape.h"

namespace cudasim::dnn {

enum class ActivationMode { kSigmoid, kRelu, kTanh, kClippedRelu, kElu, kIdentity };

struct ActivationParams {
  ActivationMode mode = ActivationMode::kRelu;
  // The clipping ceiling for kClippedRelu, alpha of kElu.
  float coef = 0.0f;
};

float activation_value(const ActivationParams& p, float x);

// The derivative at x, where y = activation_value(p, x) (cuDNN passes both).
float activation_derivative(const ActivationParams& p, float x, float y);

// y = alpha * f(x) + beta * y.
void activation_forward(const ActivationParams& p, const Tensor4d& x, const float* xd, float alpha,
                        float beta, const Tensor4d& y, float* yd);

// dx = alpha * dy * f'(x) + beta * dx.
void activation_backward(const ActivationParams& p, const Tensor4d& y, const float* yd,
                         const Tensor4d& dy, const float* dyd, const Tensor4d& x, const float* xd,
                         float alpha, float beta, const Tensor4d& dx, float* dxd);

}  // namespace cudasim::dnn
