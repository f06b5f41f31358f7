// Helpers for tests over cudasim's cuDNN math: strided tensors in host vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tensor_shape.h"
#include "test_data.h"

namespace cudasim::testing {

// Elements a vector needs to hold every element of t.
inline std::size_t span_of(const dnn::Tensor4d& t) {
  return static_cast<std::size_t>(t.at(t.n - 1, t.c - 1, t.h - 1, t.w - 1)) + 1;
}

inline dnn::Tensor4d layout(bool nhwc, int n, int c, int h, int w) {
  return nhwc ? dnn::packed_nhwc(n, c, h, w) : dnn::packed_nchw(n, c, h, w);
}

inline std::vector<float> random_tensor(const dnn::Tensor4d& t, std::uint32_t seed) {
  return random_floats(span_of(t), seed);
}

// Sum over all elements of a * b, both described by (possibly different) layouts.
inline double dot(const dnn::Tensor4d& ta, const std::vector<float>& a, const dnn::Tensor4d& tb,
                  const std::vector<float>& b) {
  double sum = 0.0;
  for (int n = 0; n < ta.n; ++n)
    for (int c = 0; c < ta.c; ++c)
      for (int h = 0; h < ta.h; ++h)
        for (int w = 0; w < ta.w; ++w)
          sum += static_cast<double>(a[ta.at(n, c, h, w)]) * b[tb.at(n, c, h, w)];
  return sum;
}

}  // namespace cudasim::testing
