// 2-d convolution in fp32 as cuDNN's legacy API defines it, as pure functions
// over strided tensors: forward, gradient with respect to the data, and
// gradient with respect to the filter. Each comes in two forms: "direct"
// (no scratch memory) and "gemm" (lowers the image to columns in a
// caller-provided workspace first, as cuDNN's GEMM algorithms do).
//
// Every output element is y = alpha * result + beta * y, with y not read when
// beta == 0. Summation orders are fixed, so results are reproducible.
#pragma once

#include <cstddef>

#include "tensor_shape.h"

namespace cudasim::dnn {

struct ConvParams {
  int pad_h = 0, pad_w = 0;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  // CUDNN_CONVOLUTION flips the filter; CUDNN_CROSS_CORRELATION does not.
  bool flip = false;
};

// The output size along one dimension, or a value <= 0 when the filter does
// not fit.
int conv_output_size(int input, int pad, int filter, int stride, int dilation);

// Whether x, w and y agree with the parameters (channels, output sizes).
bool conv_shapes_valid(const Tensor4d& x, const Filter4d& w, const ConvParams& p,
                       const Tensor4d& y);

// Floats of scratch each gemm form needs.
std::size_t conv_forward_gemm_workspace(const Tensor4d& x, const Filter4d& w, const Tensor4d& y);
std::size_t conv_backward_data_gemm_workspace(const Tensor4d& dx, const Filter4d& w,
                                              const Tensor4d& dy);
std::size_t conv_backward_filter_gemm_workspace(const Tensor4d& x, const Filter4d& dw,
                                                const Tensor4d& dy);

void conv_forward_direct(const Tensor4d& x, const float* xd, const Filter4d& w, const float* wd,
                         const ConvParams& p, float alpha, float beta, const Tensor4d& y,
                         float* yd);
void conv_forward_gemm(const Tensor4d& x, const float* xd, const Filter4d& w, const float* wd,
                       const ConvParams& p, float alpha, float beta, const Tensor4d& y, float* yd,
                       float* workspace);

void conv_backward_data_direct(const Filter4d& w, const float* wd, const Tensor4d& dy,
                               const float* dyd, const ConvParams& p, float alpha, float beta,
                               const Tensor4d& dx, float* dxd);
void conv_backward_data_gemm(const Filter4d& w, const float* wd, const Tensor4d& dy,
                             const float* dyd, const ConvParams& p, float alpha, float beta,
                             const Tensor4d& dx, float* dxd, float* workspace);

void conv_backward_filter_direct(const Tensor4d& x, const float* xd, const Tensor4d& dy,
                                 const float* dyd, const ConvParams& p, float alpha, float beta,
                                 const Filter4d& dw, float* dwd);
void conv_backward_filter_gemm(const Tensor4d& x, const float* xd, const Tensor4d& dy,
                               const float* dyd, const ConvParams& p, float alpha, float beta,
                               const Filter4d& dw, float* dwd, float* workspace);

}  // namespace cudasim::dnn
