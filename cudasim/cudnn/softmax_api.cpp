// cudnnSoftmaxForward / Backward.
#include <cudnn.h>

#include "api_support.h"
#include "export.h"
#include "softmax_math.h"

namespace {

namespace dnn = cudasim::dnn;

bool to_params(cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode, dnn::SoftmaxParams* out) {
  switch (algo) {
    case CUDNN_SOFTMAX_FAST:
      out->algorithm = dnn::SoftmaxAlgorithm::kFast;
      break;
    case CUDNN_SOFTMAX_ACCURATE:
      out->algorithm = dnn::SoftmaxAlgorithm::kAccurate;
      break;
    case CUDNN_SOFTMAX_LOG:
      out->algorithm = dnn::SoftmaxAlgorithm::kLog;
      break;
    default:
      return false;
  }
  switch (mode) {
    case CUDNN_SOFTMAX_MODE_INSTANCE:
      out->mode = dnn::SoftmaxMode::kInstance;
      return true;
    case CUDNN_SOFTMAX_MODE_CHANNEL:
      out->mode = dnn::SoftmaxMode::kChannel;
      return true;
  }
  return false;
}

}  // namespace

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnSoftmaxForward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode,
                    const void* alpha, const cudnnTensorDescriptor_t xDesc, const void* x,
                    const void* beta, const cudnnTensorDescriptor_t yDesc, void* y) {
  if (handle == nullptr || alpha == nullptr || beta == nullptr) return CUDNN_STATUS_BAD_PARAM;
  dnn::SoftmaxParams p;
  if (!to_params(algo, mode, &p)) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = dnn::check_all_fp32(xDesc, yDesc); st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  if (!dnn::same_dims(xDesc->shape, yDesc->shape)) return CUDNN_STATUS_BAD_PARAM;
  return dnn::launch_status(cudasim::launch_kernel(
      *handle->api, handle->kernels->softmax_forward, handle->stream, p, dnn::blend_of(alpha, beta),
      xDesc->shape, static_cast<const float*>(x), yDesc->shape, static_cast<float*>(y)));
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSoftmaxBackward(
    cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode, const void* alpha,
    const cudnnTensorDescriptor_t yDesc, const void* y, const cudnnTensorDescriptor_t dyDesc,
    const void* dy, const void* beta, const cudnnTensorDescriptor_t dxDesc, void* dx) {
  if (handle == nullptr || alpha == nullptr || beta == nullptr) return CUDNN_STATUS_BAD_PARAM;
  dnn::SoftmaxParams p;
  if (!to_params(algo, mode, &p)) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = dnn::check_all_fp32(yDesc, dyDesc, dxDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  if (!dnn::same_dims(yDesc->shape, dyDesc->shape) ||
      !dnn::same_dims(yDesc->shape, dxDesc->shape)) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  return dnn::launch_status(cudasim::launch_kernel(
      *handle->api, handle->kernels->softmax_backward, handle->stream, p,
      dnn::blend_of(alpha, beta), yDesc->shape, static_cast<const float*>(y), dyDesc->shape,
      static_cast<const float*>(dy), dxDesc->shape, static_cast<float*>(dx)));
}
