// What cuDNN's opaque descriptor handles point to. Each keeps the values the
// program set, in the form the math takes them.
#pragma once

#include <cudnn.h>

#include "activation_math.h"
#include "conv_math.h"
#include "pooling_math.h"
#include "tensor_shape.h"

struct cudnnTensorStruct {
  bool set = false;
  cudnnDataType_t type = CUDNN_DATA_FLOAT;
  cudasim::dnn::Tensor4d shape;
};

struct cudnnFilterStruct {
  bool set = false;
  cudnnDataType_t type = CUDNN_DATA_FLOAT;
  cudnnTensorFormat_t format = CUDNN_TENSOR_NCHW;
  cudasim::dnn::Filter4d shape;  // strides follow from the format
};

struct cudnnConvolutionStruct {
  bool set = false;
  cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;
  cudnnDataType_t compute_type = CUDNN_DATA_FLOAT;
  cudnnMathType_t math_type = CUDNN_DEFAULT_MATH;
  int group_count = 1;
  cudasim::dnn::ConvParams params;
};

struct cudnnActivationStruct {
  bool set = false;
  cudnnActivationMode_t mode = CUDNN_ACTIVATION_RELU;
  cudnnNanPropagation_t nan_opt = CUDNN_NOT_PROPAGATE_NAN;
  double coef = 0.0;
};

struct cudnnPoolingStruct {
  bool set = false;
  cudnnPoolingMode_t mode = CUDNN_POOLING_MAX;
  cudnnNanPropagation_t nan_opt = CUDNN_NOT_PROPAGATE_NAN;
  cudasim::dnn::PoolParams params;
};
