// Activation descriptors and cudnnActivationForward / Backward.
#include <cudnn.h>

#include <new>

#include "api_support.h"
#include "export.h"

namespace {

using cudasim::dnn::ActivationMode;
using cudasim::dnn::ActivationParams;

bool to_params(const cudnnActivationStruct& d, ActivationParams* out) {
  switch (d.mode) {
    case CUDNN_ACTIVATION_SIGMOID:
      out->mode = ActivationMode::kSigmoid;
      break;
    case CUDNN_ACTIVATION_RELU:
      out->mode = ActivationMode::kRelu;
      break;
    case CUDNN_ACTIVATION_TANH:
      out->mode = ActivationMode::kTanh;
      break;
    case CUDNN_ACTIVATION_CLIPPED_RELU:
      out->mode = ActivationMode::kClippedRelu;
      break;
    case CUDNN_ACTIVATION_ELU:
      out->mode = ActivationMode::kElu;
      break;
    case CUDNN_ACTIVATION_IDENTITY:
      out->mode = ActivationMode::kIdentity;
      break;
    default:
      return false;
  }
  out->coef = static_cast<float>(d.coef);
  return true;
}

}  // namespace

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t* desc) {
  if (desc == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *desc = new (std::nothrow) cudnnActivationStruct;
  return *desc != nullptr ? CUDNN_STATUS_SUCCESS
                          : CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetActivationDescriptor(cudnnActivationDescriptor_t desc,
                                                                cudnnActivationMode_t mode,
                                                                cudnnNanPropagation_t reluNanOpt,
                                                                double coef) {
  if (desc == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (mode < CUDNN_ACTIVATION_SIGMOID || mode > CUDNN_ACTIVATION_SWISH) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  desc->set = true;
  desc->mode = mode;
  desc->nan_opt = reluNanOpt;
  desc->coef = coef;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnGetActivationDescriptor(const cudnnActivationDescriptor_t desc, cudnnActivationMode_t* mode,
                             cudnnNanPropagation_t* reluNanOpt, double* coef) {
  if (desc == nullptr || mode == nullptr || reluNanOpt == nullptr || coef == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  *mode = desc->mode;
  *reluNanOpt = desc->nan_opt;
  *coef = desc->coef;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnActivationForward(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc,
                       const void* alpha, const cudnnTensorDescriptor_t xDesc, const void* x,
                       const void* beta, const cudnnTensorDescriptor_t yDesc, void* y) {
  if (handle == nullptr || activationDesc == nullptr || !activationDesc->set || alpha == nullptr ||
      beta == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  if (const cudnnStatus_t st = cudasim::dnn::check_all_fp32(xDesc, yDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  ActivationParams p;
  if (!to_params(*activationDesc, &p)) return CUDNN_STATUS_NOT_SUPPORTED;
  if (!cudasim::dnn::same_dims(xDesc->shape, yDesc->shape)) return CUDNN_STATUS_BAD_PARAM;
  return cudasim::dnn::launch_status(
      cudasim::launch_kernel(*handle->api, handle->kernels->activation_forward, handle->stream, p,
                             cudasim::dnn::blend_of(alpha, beta), xDesc->shape,
                             static_cast<const float*>(x), yDesc->shape, static_cast<float*>(y)));
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnActivationBackward(
    cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc, const void* alpha,
    const cudnnTensorDescriptor_t yDesc, const void* y, const cudnnTensorDescriptor_t dyDesc,
    const void* dy, const cudnnTensorDescriptor_t xDesc, const void* x, const void* beta,
    const cudnnTensorDescriptor_t dxDesc, void* dx) {
  if (handle == nullptr || activationDesc == nullptr || !activationDesc->set || alpha == nullptr ||
      beta == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  if (const cudnnStatus_t st = cudasim::dnn::check_all_fp32(yDesc, dyDesc, xDesc, dxDesc);
      st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  ActivationParams p;
  if (!to_params(*activationDesc, &p)) return CUDNN_STATUS_NOT_SUPPORTED;
  if (!cudasim::dnn::same_dims(yDesc->shape, dyDesc->shape) ||
      !cudasim::dnn::same_dims(yDesc->shape, xDesc->shape) ||
      !cudasim::dnn::same_dims(yDesc->shape, dxDesc->shape)) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  return cudasim::dnn::launch_status(cudasim::launch_kernel(
      *handle->api, handle->kernels->activation_backward, handle->stream, p,
      cudasim::dnn::blend_of(alpha, beta), yDesc->shape, static_cast<const float*>(y),
      dyDesc->shape, static_cast<const float*>(dy), xDesc->shape, static_cast<const float*>(x),
      dxDesc->shape, static_cast<float*>(dx)));
}
