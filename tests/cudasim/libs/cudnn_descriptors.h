// RAII wrappers for cuDNN descriptors in tests.
#pragma once

#include <cudnn.h>
#include <gtest/gtest.h>

#include "conv_math.h"
#include "tensor_shape.h"

namespace cudasim::testing {

class TensorDesc {
 public:
  explicit TensorDesc(const dnn::Tensor4d& t) : shape_(t) {
    EXPECT_EQ(cudnnCreateTensorDescriptor(&d_), CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(cudnnSetTensor4dDescriptorEx(d_, CUDNN_DATA_FLOAT, t.n, t.c, t.h, t.w,
                                           static_cast<int>(t.ns), static_cast<int>(t.cs),
                                           static_cast<int>(t.hs), static_cast<int>(t.ws)),
              CUDNN_STATUS_SUCCESS);
  }
  ~TensorDesc() { cudnnDestroyTensorDescriptor(d_); }
  TensorDesc(const TensorDesc&) = delete;
  TensorDesc& operator=(const TensorDesc&) = delete;
  operator cudnnTensorDescriptor_t() const { return d_; }
  const dnn::Tensor4d& shape() const { return shape_; }

 private:
  cudnnTensorDescriptor_t d_ = nullptr;
  dnn::Tensor4d shape_;
};

class FilterDesc {
 public:
  FilterDesc(cudnnTensorFormat_t format, int k, int c, int r, int s)
      : shape_(format == CUDNN_TENSOR_NHWC ? dnn::packed_nhwc(k, c, r, s)
                                           : dnn::packed_nchw(k, c, r, s)) {
    EXPECT_EQ(cudnnCreateFilterDescriptor(&d_), CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(cudnnSetFilter4dDescriptor(d_, CUDNN_DATA_FLOAT, format, k, c, r, s),
              CUDNN_STATUS_SUCCESS);
  }
  ~FilterDesc() { cudnnDestroyFilterDescriptor(d_); }
  FilterDesc(const FilterDesc&) = delete;
  FilterDesc& operator=(const FilterDesc&) = delete;
  operator cudnnFilterDescriptor_t() const { return d_; }
  const dnn::Filter4d& shape() const { return shape_; }

 private:
  cudnnFilterDescriptor_t d_ = nullptr;
  dnn::Filter4d shape_;
};

class ConvDesc {
 public:
  explicit ConvDesc(const dnn::ConvParams& p) : params_(p) {
    EXPECT_EQ(cudnnCreateConvolutionDescriptor(&d_), CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(cudnnSetConvolution2dDescriptor(
                  d_, p.pad_h, p.pad_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w,
                  p.flip ? CUDNN_CONVOLUTION : CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
              CUDNN_STATUS_SUCCESS);
  }
  ~ConvDesc() { cudnnDestroyConvolutionDescriptor(d_); }
  ConvDesc(const ConvDesc&) = delete;
  ConvDesc& operator=(const ConvDesc&) = delete;
  operator cudnnConvolutionDescriptor_t() const { return d_; }
  const dnn::ConvParams& params() const { return params_; }

 private:
  cudnnConvolutionDescriptor_t d_ = nullptr;
  dnn::ConvParams params_;
};

}  // namespace cudasim::testing
