#include "activation_math.h"

#include <algorithm>
#include <cmath>

namespace cudasim::dnn {

float activation_value(const ActivationParams& p, float x) {
  switch (p.mode) {
    case ActivationMode::kSigmoid:
      return 1.0f / (1.0f + std::exp(-x));
    case ActivationMode::kRelu:
      return x > 0.0f ? x : 0.0f;
    case ActivationMode::kTanh:
      return std::tanh(x);
    case ActivationMode::kClippedRelu:
      return std::min(std::max(x, 0.0f), p.coef);
    case ActivationMode::kElu:
      return x > 0.0f ? x : p.coef * (std::exp(x) - 1.0f);
    case ActivationMode::kIdentity:
      return x;
  }
  return x;
}

float activation_derivative(const ActivationParams& p, float x, float y) {
  switch (p.mode) {
    case ActivationMode::kSigmoid:
      return y * (1.0f - y);
    case ActivationMode::kRelu:
      return x > 0.0f ? 1.0f : 0.0f;
    case ActivationMode::kTanh:
      return 1.0f - y * y;
    case ActivationMode::kClippedRelu:
      return x > 0.0f && x < p.coef ? 1.0f : 0.0f;
    case ActivationMode::kElu:
      return x > 0.0f ? 1.0f : y + p.coef;
    case ActivationMode::kIdentity:
      return 1.0f;
  }
  return 1.0f;
}

void activation_forward(const ActivationParams& p, const Tensor4d& x, const float* xd, float alpha,
                        float beta, const Tensor4d& y, float* yd) {
  for (int n = 0; n < y.n; ++n)
    for (int c = 0; c < y.c; ++c)
      for (int h = 0; h < y.h; ++h)
        for (int w = 0; w < y.w; ++w) {
          float& out = yd[y.at(n, c, h, w)];
          out = blend(alpha, activation_value(p, xd[x.at(n, c, h, w)]), beta, out);
        }
}

void activation_backward(const ActivationParams& p, const Tensor4d& y, const float* yd,
                         const Tensor4d& dy, const float* dyd, const Tensor4d& x, const float* xd,
                         float alpha, float beta, const Tensor4d& dx, float* dxd) {
  for (int n = 0; n < dx.n; ++n)
    for (int c = 0; c < dx.c; ++c)
      for (int h = 0; h < dx.h; ++h)
        for (int w = 0; w < dx.w; ++w) {
          const float d = activation_derivative(p, xd[x.at(n, c, h, w)], yd[y.at(n, c, h, w)]);
          float& out = dxd[dx.at(n, c, h, w)];
          out = blend(alpha, dyd[dy.at(n, c, h, w)] * d, beta, out);
        }
}

}  // namespace cudasim::dnn
