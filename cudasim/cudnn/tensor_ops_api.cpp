// cudnnAddTensor and cudnnConvolutionBackwardBias: a bias added to, and its
// gradient taken from, a tensor.
#include <cudnn.h>

#include "api_support.h"
#include "export.h"
#include "tensor_math.h"

namespace dnn = cudasim::dnn;

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnAddTensor(cudnnHandle_t handle, const void* alpha,
                                                  const cudnnTensorDescriptor_t aDesc,
                                                  const void* A, const void* beta,
                                                  const cudnnTensorDescriptor_t cDesc, void* C) {
  if (handle == nullptr || alpha == nullptr || beta == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = dnn::check_all_fp32(aDesc, cDesc); st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  if (!dnn::add_tensor_shapes_valid(aDesc->shape, cDesc->shape)) return CUDNN_STATUS_BAD_PARAM;
  return dnn::launch_status(cudasim::launch_kernel(
      *handle->api, handle->kernels->add_tensor, handle->stream, dnn::blend_of(alpha, beta),
      aDesc->shape, static_cast<const float*>(A), cDesc->shape, static_cast<float*>(C)));
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnConvolutionBackwardBias(
    cudnnHandle_t handle, const void* alpha, const cudnnTensorDescriptor_t dyDesc, const void* dy,
    const void* beta, const cudnnTensorDescriptor_t dbDesc, void* db) {
  if (handle == nullptr || alpha == nullptr || beta == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (const cudnnStatus_t st = dnn::check_all_fp32(dyDesc, dbDesc); st != CUDNN_STATUS_SUCCESS) {
    return st;
  }
  if (!dnn::bias_gradient_shapes_valid(dyDesc->shape, dbDesc->shape)) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  return dnn::launch_status(cudasim::launch_kernel(
      *handle->api, handle->kernels->conv_backward_bias, handle->stream, dnn::blend_of(alpha, beta),
      dyDesc->shape, static_cast<const float*>(dy), dbDesc->shape, static_cast<float*>(db)));
}
