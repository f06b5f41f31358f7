#include "tensor_math.h"

namespace cudasim::dnn {

bool add_tensor_shapes_valid(const Tensor4d& a, const Tensor4d& c) {
  const auto fits = [](int ad, int cd) { return ad == cd || ad == 1; };
  return c.n > 0 && c.c > 0 && c.h > 0 && c.w > 0 && fits(a.n, c.n) && fits(a.c, c.c) &&
         fits(a.h, c.h) && fits(a.w, c.w);
}

void add_tensor(float alpha, const Tensor4d& a, const float* ad, float beta, const Tensor4d& c,
                float* cd) {
  for (int n = 0; n < c.n; ++n)
    for (int ch = 0; ch < c.c; ++ch)
      for (int h = 0; h < c.h; ++h)
        for (int w = 0; w < c.w; ++w) {
          const float v =
              ad[a.at(a.n == 1 ? 0 : n, a.c == 1 ? 0 : ch, a.h == 1 ? 0 : h, a.w == 1 ? 0 : w)];
          float& out = cd[c.at(n, ch, h, w)];
          out = blend(alpha, v, beta, out);
        }
}

bool bias_gradient_shapes_valid(const Tensor4d& dy, const Tensor4d& db) {
  return dy.n > 0 && dy.c > 0 && dy.h > 0 && dy.w > 0 && db.n == 1 && db.c == dy.c && db.h == 1 &&
         db.w == 1;
}

void bias_gradient(float alpha, const Tensor4d& dy, const float* dyd, float beta,
                   const Tensor4d& db, float* dbd) {
  for (int c = 0; c < dy.c; ++c) {
    float sum = 0.0f;
    for (int n = 0; n < dy.n; ++n)
      for (int h = 0; h < dy.h; ++h)
        for (int w = 0; w < dy.w; ++w) sum += dyd[dy.at(n, c, h, w)];
    float& out = dbd[db.at(0, c, 0, 0)];
    out = blend(alpha, sum, beta, out);
  }
}

}  // namespace cudasim::dnn
