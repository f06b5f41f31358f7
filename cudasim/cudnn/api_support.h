// Checks and conversions shared by the cuDNN entry points.
#pragma once

#include <cuda.h>
#include <cudnn.h>

#include "descriptors.h"
#include "dnn_kernels.h"
#include "handle.h"
#include "kernel_binding.h"

namespace cudasim::dnn {

inline bool same_dims(const Tensor4d& a, const Tensor4d& b) {
  return a.n == b.n && a.c == b.c && a.h == b.h && a.w == b.w;
}

// BAD_PARAM for a missing or never-set descriptor, NOT_SUPPORTED for a data
// type other than fp32 (the only one cudasim computes in).
template <typename Descriptor>
cudnnStatus_t check_fp32(const Descriptor* d) {
  if (d == nullptr || !d->set) return CUDNN_STATUS_BAD_PARAM;
  return d->type == CUDNN_DATA_FLOAT ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_NOT_SUPPORTED;
}

template <typename... Descriptors>
cudnnStatus_t check_all_fp32(const Descriptors*... ds) {
  cudnnStatus_t st = CUDNN_STATUS_SUCCESS;
  ((st = st == CUDNN_STATUS_SUCCESS ? check_fp32(ds) : st), ...);
  return st;
}

// alpha and beta are host pointers to floats for fp32 tensors.
inline Blend blend_of(const void* alpha, const void* beta) {
  return Blend{*static_cast<const float*>(alpha), *static_cast<const float*>(beta)};
}

inline cudnnStatus_t launch_status(CUresult rc) {
  return rc == CUDA_SUCCESS ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_EXECUTION_FAILED;
}

}  // namespace cudasim::dnn
