#include "pooling_math.h"

#include "kernel_scratch.h"

#include <algorithm>
#include <cstddef>

namespace cudasim::dnn {
namespace {

struct Window {
  int h0, h1, w0, w1;  // clipped to the input, half-open
  int count;           // divisor for averaging
};

Window window_at(const Tensor4d& x, const PoolParams& p, int oh, int ow) {
  const int h_start = oh * p.stride_h - p.pad_h;
  const int w_start = ow * p.stride_w - p.pad_w;
  Window win{std::max(h_start, 0), std::min(h_start + p.window_h, x.h), std::max(w_start, 0),
             std::min(w_start + p.window_w, x.w), 0};
  win.count = p.mode == PoolMode::kAverageIncludePadding
                  ? p.window_h * p.window_w
                  : std::max(0, win.h1 - win.h0) * std::max(0, win.w1 - win.w0);
  return win;
}

}  // namespace

int pool_output_size(int input, int pad, int window, int stride) {
  if (stride <= 0 || window <= 0) return 0;
  const int span = input + 2 * pad - window;
  if (span < 0) return 0;
  return span / stride + 1;
}

bool pool_shapes_valid(const Tensor4d& x, const PoolParams& p, const Tensor4d& y) {
  if (x.n <= 0 || x.c <= 0 || x.h <= 0 || x.w <= 0) return false;
  if (p.pad_h < 0 || p.pad_w < 0 || p.pad_h >= p.window_h || p.pad_w >= p.window_w) return false;
  const int oh = pool_output_size(x.h, p.pad_h, p.window_h, p.stride_h);
  const int ow = pool_output_size(x.w, p.pad_w, p.window_w, p.stride_w);
  return oh > 0 && ow > 0 && y.n == x.n && y.c == x.c && y.h == oh && y.w == ow;
}

void pool_forward(const Tensor4d& x, const float* xd, const PoolParams& p, float alpha, float beta,
                  const Tensor4d& y, float* yd) {
  for (int n = 0; n < y.n; ++n) {
    for (int c = 0; c < y.c; ++c) {
      for (int oh = 0; oh < y.h; ++oh) {
        for (int ow = 0; ow < y.w; ++ow) {
          const Window win = window_at(x, p, oh, ow);
          float result = 0.0f;
          if (p.mode == PoolMode::kMax) {
            bool first = true;
            for (int ih = win.h0; ih < win.h1; ++ih) {
              for (int iw = win.w0; iw < win.w1; ++iw) {
                const float v = xd[x.at(n, c, ih, iw)];
                if (first || v > result) result = v;
                first = false;
              }
            }
          } else {
            float sum = 0.0f;
            for (int ih = win.h0; ih < win.h1; ++ih) {
              for (int iw = win.w0; iw < win.w1; ++iw) sum += xd[x.at(n, c, ih, iw)];
            }
            result = win.count > 0 ? sum / static_cast<float>(win.count) : 0.0f;
          }
          float& out = yd[y.at(n, c, oh, ow)];
          out = blend(alpha, result, beta, out);
        }
      }
    }
  }
}

void pool_backward(const Tensor4d& x, const float* xd, const Tensor4d& dy, const float* dyd,
                   const PoolParams& p, float alpha, float beta, const Tensor4d& dx, float* dxd) {
  const std::size_t plane_size = static_cast<std::size_t>(dx.h) * static_cast<std::size_t>(dx.w);
  float* plane = kernel_scratch(plane_size);
  for (int n = 0; n < dx.n; ++n) {
    for (int c = 0; c < dx.c; ++c) {
      std::fill(plane, plane + plane_size, 0.0f);
      for (int oh = 0; oh < dy.h; ++oh) {
        for (int ow = 0; ow < dy.w; ++ow) {
          const Window win = window_at(x, p, oh, ow);
          const float g = dyd[dy.at(n, c, oh, ow)];
          if (p.mode == PoolMode::kMax) {
            int best_h = -1, best_w = -1;
            float best = 0.0f;
            for (int ih = win.h0; ih < win.h1; ++ih) {
              for (int iw = win.w0; iw < win.w1; ++iw) {
                const float v = xd[x.at(n, c, ih, iw)];
                if (best_h < 0 || v > best) {
                  best = v;
                  best_h = ih;
                  best_w = iw;
                }
              }
            }
            if (best_h >= 0) plane[static_cast<std::size_t>(best_h) * dx.w + best_w] += g;
          } else if (win.count > 0) {
            const float share = g / static_cast<float>(win.count);
            for (int ih = win.h0; ih < win.h1; ++ih) {
              for (int iw = win.w0; iw < win.w1; ++iw) {
                plane[static_cast<std::size_t>(ih) * dx.w + iw] += share;
              }
            }
          }
        }
      }
      for (int ih = 0; ih < dx.h; ++ih) {
        for (int iw = 0; iw < dx.w; ++iw) {
          float& out = dxd[dx.at(n, c, ih, iw)];
          out = blend(alpha, plane[static_cast<std::size_t>(ih) * dx.w + iw], beta, out);
        }
      }
    }
  }
}

}  // namespace cudasim::dnn
