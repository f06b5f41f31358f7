// The shape of a 4-d tensor as cuDNN's legacy API describes it: dimensions in
// N, C, H, W order with an element stride per dimension, so NCHW, NHWC and
// any strided view are the same type. A plain struct: it is copied into kernel
// parameters by value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cudasim::dnn {

struct Tensor4d {
  int n = 0, c = 0, h = 0, w = 0;
  std::int64_t ns = 0, cs = 0, hs = 0, ws = 0;

  std::int64_t at(int in, int ic, int ih, int iw) const {
    return in * ns + ic * cs + ih * hs + iw * ws;
  }
  std::size_t count() const {
    return static_cast<std::size_t>(n) * static_cast<std::size_t>(c) * static_cast<std::size_t>(h) *
           static_cast<std::size_t>(w);
  }
};

// A densely packed NCHW tensor (strides follow from the dimensions).
inline Tensor4d packed_nchw(int n, int c, int h, int w) {
  return Tensor4d{n, c, h, w, std::int64_t{c} * h * w, std::int64_t{h} * w, w, 1};
}

// A densely packed NHWC tensor.
inline Tensor4d packed_nhwc(int n, int c, int h, int w) {
  return Tensor4d{n, c, h, w, std::int64_t{h} * w * c, 1, std::int64_t{w} * c, c};
}

// Filters are K x C x R x S; the same struct with n = K, c = C, h = R, w = S.
using Filter4d = Tensor4d;

// y = alpha * result + beta * y, where beta == 0 means y is not read (cuDNN's
// blending rule for every output).
inline float blend(float alpha, float result, float beta, const float& y) {
  return beta == 0.0f ? alpha * result : alpha * result + beta * y;
}

}  // namespace cudasim::dnn
