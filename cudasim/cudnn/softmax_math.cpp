#include "softmax_math.h"

#include <cmath>
#include <vector>

namespace cudasim::dnn {
namespace {

// Visits each group softmax normalises over: fn(n, h, w, c_count, positions)
// where positions lists (c, h, w) triples of the group in a fixed order.
struct Position {
  int c, h, w;
};

template <typename Fn>
void for_each_group(const SoftmaxParams& p, const Tensor4d& t, Fn&& fn) {
  std::vector<Position> group;
  if (p.mode == SoftmaxMode::kInstance) {
    for (int n = 0; n < t.n; ++n) {
      group.clear();
      for (int c = 0; c < t.c; ++c)
        for (int h = 0; h < t.h; ++h)
          for (int w = 0; w < t.w; ++w) group.push_back({c, h, w});
      fn(n, group);
    }
  } else {
    for (int n = 0; n < t.n; ++n)
      for (int h = 0; h < t.h; ++h)
        for (int w = 0; w < t.w; ++w) {
          group.clear();
          for (int c = 0; c < t.c; ++c) group.push_back({c, h, w});
          fn(n, group);
        }
  }
}

}  // namespace

void softmax_forward(const SoftmaxParams& p, const Tensor4d& x, const float* xd, float alpha,
                     float beta, const Tensor4d& y, float* yd) {
  for_each_group(p, x, [&](int n, const std::vector<Position>& group) {
    float shift = 0.0f;
    if (p.algorithm != SoftmaxAlgorithm::kFast) {
      shift = xd[x.at(n, group[0].c, group[0].h, group[0].w)];
      for (const Position& q : group) shift = std::fmax(shift, xd[x.at(n, q.c, q.h, q.w)]);
    }
    float sum = 0.0f;
    for (const Position& q : group) sum += std::exp(xd[x.at(n, q.c, q.h, q.w)] - shift);
    const float log_sum = std::log(sum);
    for (const Position& q : group) {
      const float shifted = xd[x.at(n, q.c, q.h, q.w)] - shift;
      const float result =
          p.algorithm == SoftmaxAlgorithm::kLog ? shifted - log_sum : std::exp(shifted) / sum;
      float& out = yd[y.at(n, q.c, q.h, q.w)];
      out = blend(alpha, result, beta, out);
    }
  });
}

void softmax_backward(const SoftmaxParams& p, const Tensor4d& y, const float* yd,
                      const Tensor4d& dy, const float* dyd, float alpha, float beta,
                      const Tensor4d& dx, float* dxd) {
  for_each_group(p, y, [&](int n, const std::vector<Position>& group) {
    // softmax: dx = y (dy - sum(dy y)); log-softmax: dx = dy - exp(y) sum(dy).
    const bool log = p.algorithm == SoftmaxAlgorithm::kLog;
    float dot = 0.0f;
    for (const Position& q : group) {
      const float g = dyd[dy.at(n, q.c, q.h, q.w)];
      dot += log ? g : g * yd[y.at(n, q.c, q.h, q.w)];
    }
    for (const Position& q : group) {
      const float yv = yd[y.at(n, q.c, q.h, q.w)];
      const float g = dyd[dy.at(n, q.c, q.h, q.w)];
      const float result = log ? g - std::exp(yv) * dot : yv * (g - dot);
      float& out = dxd[dx.at(n, q.c, q.h, q.w)];
      out = blend(alpha, result, beta, out);
    }
  });
}

}  // namespace cudasim::dnn
