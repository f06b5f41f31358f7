// Pooling descriptors (2-d) and cudnnPoolingForward / Backward.
#include <cudnn.h>

#include <new>

#include "api_support.h"
#include "export.h"

namespace {

namespace dnn = cudasim::dnn;

bool to_mode(cudnnPoolingMode_t mode, dnn::PoolMode* out) {
  switch (mode) {
    case CUDNN_POOLING_MAX:
    case CUDNN_POOLING_MAX_DETERMINISTIC:  // every pooling here is deterministic
      *out = dnn::PoolMode::kMax;
      return true;
    case CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING:
      *out = dnn::PoolMode::kAverageIncludePadding;
      return true;
    case CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING:
      *out = dnn::PoolMode::kAverageExcludePadding;
      return true;
  }
  return false;
}

}  // namespace

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor_t* desc) {
  if (desc == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *desc = new (std::nothrow) cudnnPoolingStruct;
  return *desc != nullptr ? CUDNN_STATUS_SUCCESS
                          : CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetPooling2dDescriptor(
    cudnnPoolingDescriptor_t desc, cudnnPoolingMode_t mode, cudnnNanPropagation_t maxpoolingNanOpt,
    int windowHeight, int windowWidth, int verticalPadding, int horizontalPadding,
    int verticalStride, int horizontalStride) {
  if (desc == nullptr) return CUDNN_STATUS_BAD_PARAM;
  dnn::PoolParams p;
  if (!to_mode(mode, &p.mode)) return CUDNN_STATUS_BAD_PARAM;
  if (windowHeight <= 0 || windowWidth <= 0 || verticalPadding < 0 || horizontalPadding < 0 ||
      verticalStride <= 0 || horizontalStride <= 0) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  p.window_h = windowHeight;
  p.window_w = windowWidth;
  p.pad_h = verticalPadding;
  p.pad_w = horizontalPadding;
  p.stride_h = verticalStride;
  p.stride_w = horizontalStride;
  desc->set = true;
  desc->mode = mode;
  desc->nan_opt = maxpoolingNanOpt;
  desc->params = p;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetPooling2dDescriptor(
    const cudnnPoolingDescriptor_t desc, cudnnPoolingMode_t* mode,
    cudnnNanPropagation_t* maxpoolingNanOpt, int* windowHeight, int* windowWidth,
    int* verticalPadding, int* horizontalPadding, int* verticalStride, int* horizontalStride) {
  if (desc == nullptr || !desc->set || mode == nullptr || maxpoolingNanOpt == nullptr ||
      windowHeight == nullptr || windowWidth == nullptr || verticalPadding == nullptr ||
      horizontalPadding == nullptr || verticalStride == nullptr || horizontalStride == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  *mode = desc->mode;
  *maxpoolingNanOpt = desc->nan_opt;
  *windowHeight = desc->params.window_h;
  *windowWidth = desc->params.window_w;
  *verticalPadding = desc->params.pad_h;
  *horizontalPadding = desc->params.pad_w;
  *verticalStride = desc->params.stride_h;
  *horizontalStride = desc->params.stride_w;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetPooling2dForwardOutputDim(
    const cudnnPoolingDescriptor_t desc, const cudnnTensorDescriptor_t inputTensorDesc, int* n,
    int* c, int* h, int* w) {
  if (desc == nullptr || !desc->set || inputTensorDesc == nullptr || !inputTensorDesc->set ||
      n == nullptr || c == nullptr || h == nullptr || w == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  const dnn::Tensor4d& x = inputTensorDesc->shape;
  const dnn::PoolParams& p = desc->params;
  const int oh = dnn::pool_output_size(x.h, p.pad_h, p.window_h, p.stride_h);
  const int ow = dnn::pool_output_size(x.w, p.pad_w, p.window_w, p.stride_w);
  if (oh <= 0 || ow <= 0) return CUDNN_STATUS_BAD_PARAM;
  *n = x.n;
  *c = x.c;
  *h = oh;
  *w = ow;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnPoolingForward(cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc,
                    const void* alpha, const cudnnTensorDescriptor_t xDesc, const void* x,
                    const void* beta, const cudnnTensorDescriptor_t yDesc, void* y) {
  if (handle == nullptr || poolingDesc == nullptr || !poolingDesc->set || alpha == nullptr ||
      beta == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  if (const cudnnStatus_t st = dnn::check_all_fp32(xDesc, yDesc); st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  if (!dnn::pool_shapes_valid(xDesc->shape, poolingDesc->params, yDesc->shape)) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  return dnn::launch_status(
      cudasim::launch_kernel(*handle->api, handle->kernels->pool_forward, handle->stream,
                             poolingDesc->params, dnn::blend_of(alpha, beta), xDesc->shape,
                             static_cast<const float*>(x), yDesc->shape, static_cast<float*>(y)));
}

// y is part of cuDNN's signature; the gradient here is found from x alone
// (the argmax is recomputed), so y is not read.
CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnPoolingBackward(
    cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc, const void* alpha,
    const cudnnTensorDescriptor_t yDesc, const void* /*y*/, const cudnnTensorDescriptor_t dyDesc,
    const void* dy, const cudnnTensorDescriptor_t xDesc, const void* x, const void* beta,
    const cudnnTensorDescriptor_t dxDesc, void* dx) {
  if (handle == nullptr || poolingDesc == nullptr || !poolingDesc->set || alpha == nullptr ||
      beta == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  if (const cudnnStatus_t st = dnn::check_all_fp32(yDesc, dyDesc, xDesc, dxDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  if (!dnn::pool_shapes_valid(xDesc->shape, poolingDesc->params, yDesc->shape) ||
      !dnn::same_dims(yDesc->shape, dyDesc->shape) ||
      !dnn::same_dims(xDesc->shape, dxDesc->shape)) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  return dnn::launch_status(cudasim::launch_kernel(
      *handle->api, handle->kernels->pool_backward, handle->stream, poolingDesc->params,
      dnn::blend_of(alpha, beta), xDesc->shape, static_cast<const float*>(x), dyDesc->shape,
      static_cast<const float*>(dy), dxDesc->shape, static_cast<float*>(dx)));
}
