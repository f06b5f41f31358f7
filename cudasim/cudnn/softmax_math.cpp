#include "softmax_math.h"

#include <cmath>

namespace cudasim::dnn {
namespace {

// Calls group(n, h, w) once per group softmax normalises over; the group's
// members are then visited with for_each_member. Nothing is stored: these run
// inside kernels, which must not own heap memory.
template <typename Fn>
void for_each_group(const SoftmaxParams& p, const Tensor4d& t, Fn&& group) {
  for (int n = 0; n < t.n; ++n) {
    if (p.mode == SoftmaxMode::kInstance) {
      group(n, 0, 0);
    } else {
      for (int h = 0; h < t.h; ++h)
        for (int w = 0; w < t.w; ++w) group(n, h, w);
    }
  }
}

// Calls member(c, h, w) for each member of the group at (h, w), in a fixed
// order: all of C x H x W for kInstance, all of C at (h, w) for kChannel.
template <typename Fn>
void for_each_member(const SoftmaxParams& p, const Tensor4d& t, int h, int w, Fn&& member) {
  if (p.mode == SoftmaxMode::kInstance) {
    for (int c = 0; c < t.c; ++c)
      for (int hh = 0; hh < t.h; ++hh)
        for (int ww = 0; ww < t.w; ++ww) member(c, hh, ww);
  } else {
    for (int c = 0; c < t.c; ++c) member(c, h, w);
  }
}

}  // namespace

void softmax_forward(const SoftmaxParams& p, const Tensor4d& x, const float* xd, float alpha,
                     float beta, const Tensor4d& y, float* yd) {
  for_each_group(p, x, [&](int n, int gh, int gw) {
    float shift = 0.0f;
    if (p.algorithm != SoftmaxAlgorithm::kFast) {
      bool first = true;
      for_each_member(p, x, gh, gw, [&](int c, int h, int w) {
        const float v = xd[x.at(n, c, h, w)];
        shift = first ? v : std::fmax(shift, v);
        first = false;
      });
    }
    float sum = 0.0f;
    for_each_member(p, x, gh, gw,
                    [&](int c, int h, int w) { sum += std::exp(xd[x.at(n, c, h, w)] - shift); });
    const float log_sum = std::log(sum);
    for_each_member(p, x, gh, gw, [&](int c, int h, int w) {
      const float shifted = xd[x.at(n, c, h, w)] - shift;
      const float result =
          p.algorithm == SoftmaxAlgorithm::kLog ? shifted - log_sum : std::exp(shifted) / sum;
      float& out = yd[y.at(n, c, h, w)];
      out = blend(alpha, result, beta, out);
    });
  });
}

void softmax_backward(const SoftmaxParams& p, const Tensor4d& y, const float* yd,
                      const Tensor4d& dy, const float* dyd, float alpha, float beta,
                      const Tensor4d& dx, float* dxd) {
  // softmax: dx = y (dy - sum(dy y)); log-softmax: dx = dy - exp(y) sum(dy).
  const bool log = p.algorithm == SoftmaxAlgorithm::kLog;
  for_each_group(p, y, [&](int n, int gh, int gw) {
    float dot = 0.0f;
    for_each_member(p, y, gh, gw, [&](int c, int h, int w) {
      const float g = dyd[dy.at(n, c, h, w)];
      dot += log ? g : g * yd[y.at(n, c, h, w)];
    });
    for_each_member(p, y, gh, gw, [&](int c, int h, int w) {
      const float yv = yd[y.at(n, c, h, w)];
      const float g = dyd[dy.at(n, c, h, w)];
      const float result = log ? g - std::exp(yv) * dot : yv * (g - dot);
      float& out = dxd[dx.at(n, c, h, w)];
      out = blend(alpha, result, beta, out);
    });
  });
}

}  // namespace cudasim::dnn
