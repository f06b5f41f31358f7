#include "conv_math.h"

#include <algorithm>

namespace cudasim::dnn {
namespace {

// The filter element a tap (r, s) multiplies: mirrored for true convolution.
struct Taps {
  int r_count, s_count;
  bool flip;
  int r(int tap) const { return flip ? r_count - 1 - tap : tap; }
  int s(int tap) const { return flip ? s_count - 1 - tap : tap; }
};

Taps taps_of(const Filter4d& w, const ConvParams& p) {
  return Taps{w.h, w.w, p.flip};
}

std::size_t column_rows(const Filter4d& w) {
  return static_cast<std::size_t>(w.c) * static_cast<std::size_t>(w.h) *
         static_cast<std::size_t>(w.w);
}

std::size_t column_width(const Tensor4d& y) {
  return static_cast<std::size_t>(y.h) * static_cast<std::size_t>(y.w);
}

// Lowers image `in` of x into columns: row (c, r, s), column (oh, ow) holds
// the input the tap (r, s) sees at that output position, zero in the padding.
void im2col(const Tensor4d& x, const float* xd, int in, const Filter4d& w, const ConvParams& p,
            const Tensor4d& y, float* col) {
  const std::size_t width = column_width(y);
  std::size_t row = 0;
  for (int c = 0; c < w.c; ++c) {
    for (int r = 0; r < w.h; ++r) {
      for (int s = 0; s < w.w; ++s, ++row) {
        float* out = col + row * width;
        for (int oh = 0; oh < y.h; ++oh) {
          const int ih = oh * p.stride_h - p.pad_h + r * p.dilation_h;
          for (int ow = 0; ow < y.w; ++ow) {
            const int iw = ow * p.stride_w - p.pad_w + s * p.dilation_w;
            const bool inside = ih >= 0 && ih < x.h && iw >= 0 && iw < x.w;
            out[oh * y.w + ow] = inside ? xd[x.at(in, c, ih, iw)] : 0.0f;
          }
        }
      }
    }
  }
}

}  // namespace

int conv_output_size(int input, int pad, int filter, int stride, int dilation) {
  if (stride <= 0 || dilation <= 0) return 0;
  const int extent = (filter - 1) * dilation + 1;
  const int span = input + 2 * pad - extent;
  if (span < 0) return 0;
  return span / stride + 1;
}

bool conv_shapes_valid(const Tensor4d& x, const Filter4d& w, const ConvParams& p,
                       const Tensor4d& y) {
  if (x.n <= 0 || x.c <= 0 || x.h <= 0 || x.w <= 0) return false;
  if (w.n <= 0 || w.c <= 0 || w.h <= 0 || w.w <= 0) return false;
  if (p.pad_h < 0 || p.pad_w < 0) return false;
  const int oh = conv_output_size(x.h, p.pad_h, w.h, p.stride_h, p.dilation_h);
  const int ow = conv_output_size(x.w, p.pad_w, w.w, p.stride_w, p.dilation_w);
  return oh > 0 && ow > 0 && x.c == w.c && y.n == x.n && y.c == w.n && y.h == oh && y.w == ow;
}

std::size_t conv_forward_gemm_workspace(const Tensor4d&, const Filter4d& w, const Tensor4d& y) {
  return column_rows(w) * column_width(y) + column_width(y);
}

std::size_t conv_backward_data_gemm_workspace(const Tensor4d& dx, const Filter4d& w,
                                              const Tensor4d& dy) {
  return column_rows(w) * column_width(dy) + dx.count() / std::max(1, dx.n);
}

std::size_t conv_backward_filter_gemm_workspace(const Tensor4d&, const Filter4d& dw,
                                                const Tensor4d& dy) {
  return column_rows(dw) * column_width(dy) + dw.count();
}

void conv_forward_direct(const Tensor4d& x, const float* xd, const Filter4d& w, const float* wd,
                         const ConvParams& p, float alpha, float beta, const Tensor4d& y,
                         float* yd) {
  const Taps t = taps_of(w, p);
  for (int n = 0; n < y.n; ++n) {
    for (int k = 0; k < y.c; ++k) {
      for (int oh = 0; oh < y.h; ++oh) {
        for (int ow = 0; ow < y.w; ++ow) {
          float acc = 0.0f;
          for (int c = 0; c < w.c; ++c) {
            for (int r = 0; r < w.h; ++r) {
              const int ih = oh * p.stride_h - p.pad_h + r * p.dilation_h;
              if (ih < 0 || ih >= x.h) continue;
              for (int s = 0; s < w.w; ++s) {
                const int iw = ow * p.stride_w - p.pad_w + s * p.dilation_w;
                if (iw < 0 || iw >= x.w) continue;
                acc += xd[x.at(n, c, ih, iw)] * wd[w.at(k, c, t.r(r), t.s(s))];
              }
            }
          }
          float& out = yd[y.at(n, k, oh, ow)];
          out = blend(alpha, acc, beta, out);
        }
      }
    }
  }
}

void conv_forward_gemm(const Tensor4d& x, const float* xd, const Filter4d& w, const float* wd,
                       const ConvParams& p, float alpha, float beta, const Tensor4d& y, float* yd,
                       float* workspace) {
  const Taps t = taps_of(w, p);
  const std::size_t width = column_width(y);
  float* acc = workspace + column_rows(w) * width;  // one output plane's sums
  for (int n = 0; n < y.n; ++n) {
    im2col(x, xd, n, w, p, y, workspace);
    for (int k = 0; k < y.c; ++k) {
      std::fill(acc, acc + width, 0.0f);
      std::size_t row = 0;
      for (int c = 0; c < w.c; ++c) {
        for (int r = 0; r < w.h; ++r) {
          for (int s = 0; s < w.w; ++s, ++row) {
            const float wv = wd[w.at(k, c, t.r(r), t.s(s))];
            const float* col = workspace + row * width;
            for (std::size_t q = 0; q < width; ++q) acc[q] += col[q] * wv;
          }
        }
      }
      for (int oh = 0; oh < y.h; ++oh) {
        for (int ow = 0; ow < y.w; ++ow) {
          float& out = yd[y.at(n, k, oh, ow)];
          out = blend(alpha, acc[oh * y.w + ow], beta, out);
        }
      }
    }
  }
}

void conv_backward_data_direct(const Filter4d& w, const float* wd, const Tensor4d& dy,
                               const float* dyd, const ConvParams& p, float alpha, float beta,
                               const Tensor4d& dx, float* dxd) {
  const Taps t = taps_of(w, p);
  for (int n = 0; n < dx.n; ++n) {
    for (int c = 0; c < dx.c; ++c) {
      for (int ih = 0; ih < dx.h; ++ih) {
        for (int iw = 0; iw < dx.w; ++iw) {
          float acc = 0.0f;
          for (int k = 0; k < w.n; ++k) {
            for (int r = 0; r < w.h; ++r) {
              const int num_h = ih + p.pad_h - r * p.dilation_h;
              if (num_h < 0 || num_h % p.stride_h != 0) continue;
              const int oh = num_h / p.stride_h;
              if (oh >= dy.h) continue;
              for (int s = 0; s < w.w; ++s) {
                const int num_w = iw + p.pad_w - s * p.dilation_w;
                if (num_w < 0 || num_w % p.stride_w != 0) continue;
                const int ow = num_w / p.stride_w;
                if (ow >= dy.w) continue;
                acc += dyd[dy.at(n, k, oh, ow)] * wd[w.at(k, c, t.r(r), t.s(s))];
              }
            }
          }
          float& out = dxd[dx.at(n, c, ih, iw)];
          out = blend(alpha, acc, beta, out);
        }
      }
    }
  }
}

void conv_backward_data_gemm(const Filter4d& w, const float* wd, const Tensor4d& dy,
                             const float* dyd, const ConvParams& p, float alpha, float beta,
                             const Tensor4d& dx, float* dxd, float* workspace) {
  const Taps t = taps_of(w, p);
  const std::size_t width = column_width(dy);
  const std::size_t rows = column_rows(w);
  float* col = workspace;
  float* image = workspace + rows * width;  // one image of dx, packed C x H x W
  for (int n = 0; n < dx.n; ++n) {
    // col = W^T * dy(n): the gradient each tap sends back, per output position.
    std::fill(col, col + rows * width, 0.0f);
    for (int k = 0; k < w.n; ++k) {
      std::size_t row = 0;
      for (int c = 0; c < w.c; ++c) {
        for (int r = 0; r < w.h; ++r) {
          for (int s = 0; s < w.w; ++s, ++row) {
            const float wv = wd[w.at(k, c, t.r(r), t.s(s))];
            float* out = col + row * width;
            for (int oh = 0; oh < dy.h; ++oh) {
              for (int ow = 0; ow < dy.w; ++ow)
                out[oh * dy.w + ow] += dyd[dy.at(n, k, oh, ow)] * wv;
            }
          }
        }
      }
    }
    // col2im: every column entry lands on the input position its tap read.
    std::fill(image, image + static_cast<std::size_t>(dx.c) * dx.h * dx.w, 0.0f);
    std::size_t row = 0;
    for (int c = 0; c < w.c; ++c) {
      for (int r = 0; r < w.h; ++r) {
        for (int s = 0; s < w.w; ++s, ++row) {
          const float* in = col + row * width;
          for (int oh = 0; oh < dy.h; ++oh) {
            const int ih = oh * p.stride_h - p.pad_h + r * p.dilation_h;
            if (ih < 0 || ih >= dx.h) continue;
            for (int ow = 0; ow < dy.w; ++ow) {
              const int iw = ow * p.stride_w - p.pad_w + s * p.dilation_w;
              if (iw < 0 || iw >= dx.w) continue;
              image[(static_cast<std::size_t>(c) * dx.h + ih) * dx.w + iw] += in[oh * dy.w + ow];
            }
          }
        }
      }
    }
    for (int c = 0; c < dx.c; ++c) {
      for (int ih = 0; ih < dx.h; ++ih) {
        for (int iw = 0; iw < dx.w; ++iw) {
          float& out = dxd[dx.at(n, c, ih, iw)];
          out =
              blend(alpha, image[(static_cast<std::size_t>(c) * dx.h + ih) * dx.w + iw], beta, out);
        }
      }
    }
  }
}

void conv_backward_filter_direct(const Tensor4d& x, const float* xd, const Tensor4d& dy,
                                 const float* dyd, const ConvParams& p, float alpha, float beta,
                                 const Filter4d& dw, float* dwd) {
  const Taps t = taps_of(dw, p);
  for (int k = 0; k < dw.n; ++k) {
    for (int c = 0; c < dw.c; ++c) {
      for (int r = 0; r < dw.h; ++r) {
        for (int s = 0; s < dw.w; ++s) {
          float acc = 0.0f;
          for (int n = 0; n < x.n; ++n) {
            for (int oh = 0; oh < dy.h; ++oh) {
              const int ih = oh * p.stride_h - p.pad_h + r * p.dilation_h;
              if (ih < 0 || ih >= x.h) continue;
              for (int ow = 0; ow < dy.w; ++ow) {
                const int iw = ow * p.stride_w - p.pad_w + s * p.dilation_w;
                if (iw < 0 || iw >= x.w) continue;
                acc += xd[x.at(n, c, ih, iw)] * dyd[dy.at(n, k, oh, ow)];
              }
            }
          }
          float& out = dwd[dw.at(k, c, t.r(r), t.s(s))];
          out = blend(alpha, acc, beta, out);
        }
      }
    }
  }
}

void conv_backward_filter_gemm(const Tensor4d& x, const float* xd, const Tensor4d& dy,
                               const float* dyd, const ConvParams& p, float alpha, float beta,
                               const Filter4d& dw, float* dwd, float* workspace) {
  const Taps t = taps_of(dw, p);
  const std::size_t width = column_width(dy);
  const std::size_t rows = column_rows(dw);
  float* col = workspace;
  float* acc = workspace + rows * width;  // K x (C R S), running sums over n, oh, ow
  std::fill(acc, acc + static_cast<std::size_t>(dw.n) * rows, 0.0f);
  for (int n = 0; n < x.n; ++n) {
    im2col(x, xd, n, dw, p, dy, col);
    for (int k = 0; k < dw.n; ++k) {
      for (std::size_t row = 0; row < rows; ++row) {
        const float* in = col + row * width;
        float sum = acc[k * rows + row];
        for (int oh = 0; oh < dy.h; ++oh) {
          for (int ow = 0; ow < dy.w; ++ow) sum += in[oh * dy.w + ow] * dyd[dy.at(n, k, oh, ow)];
        }
        acc[k * rows + row] = sum;
      }
    }
  }
  for (int k = 0; k < dw.n; ++k) {
    std::size_t row = 0;
    for (int c = 0; c < dw.c; ++c) {
      for (int r = 0; r < dw.h; ++r) {
        for (int s = 0; s < dw.w; ++s, ++row) {
          float& out = dwd[dw.at(k, c, t.r(r), t.s(s))];
          out = blend(alpha, acc[k * rows + row], beta, out);
        }
      }
    }
  }
}

}  // namespace cudasim::dnn
