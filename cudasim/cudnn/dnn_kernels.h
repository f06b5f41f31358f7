// cudasim's cuDNN kernels: the host functions the driver runs on a stream
// when a cuDNN call is enqueued, and where to find them in a context.
// Parameters: device pointers as pointers, descriptors and scalars by value.
#pragma once

#include <cuda.h>

#include "driver_api.h"

namespace cudasim::dnn {

// y = alpha * result + beta * y; copied into the launch (cuDNN's alpha and
// beta are host values).
struct Blend {
  float alpha = 1.0f;
  float beta = 0.0f;
};

#define CUDASIM_DNN_KERNELS(X)   \
  X(conv_forward_direct)         \
  X(conv_forward_gemm)           \
  X(conv_backward_data_direct)   \
  X(conv_backward_data_gemm)     \
  X(conv_backward_filter_direct) \
  X(conv_backward_filter_gemm)   \
  X(conv_backward_bias)          \
  X(activation_forward)          \
  X(activation_backward)         \
  X(pool_forward)                \
  X(pool_backward)               \
  X(add_tensor)                  \
  X(softmax_forward)             \
  X(softmax_backward)

struct DnnKernels {
#define CUDASIM_DNN_KERNEL_MEMBER(name) CUfunction name = nullptr;
  CUDASIM_DNN_KERNELS(CUDASIM_DNN_KERNEL_MEMBER)
#undef CUDASIM_DNN_KERNEL_MEMBER
};

// The kernels in `ctx`: registered with the driver once per process and
// loaded as module "cudasim.cudnn" once per context. Null on failure.
const DnnKernels* dnn_kernels(const DriverApi& api, CUcontext ctx);

}  // namespace cudasim::dnn
