// The operand description of a hooked cuDNN/cuBLAS call, dispatched by hook
// id to the pure describers, with descriptors and pointer modes read through
// the real libraries.
#pragma once

#include "cublas_operands.h"
#include "cudnn_operands.h"
#include "cudnn_variant_packs.h"
#include "hook_id.h"

namespace gpuswap::interpose {

const CudnnDescriptors& real_cudnn_descriptors() noexcept;
const CudnnBackend& real_cudnn_backend() noexcept;
const CublasPointerModes& real_cublas_pointer_modes() noexcept;

// The process's record of the variant packs being built (created on first
// use and never freed: descriptors are destroyed until the very end of the
// process); null when there was no memory for it.
CudnnVariantPacks* recorded_variant_packs() noexcept;

template <HookId id, typename... Args>
Operands describe_operands(Args... args) {
  const CudnnDescriptors& dnn = real_cudnn_descriptors();
  const CublasPointerModes& blas = real_cublas_pointer_modes();
  using enum HookId;
  if constexpr (id == cudnnConvolutionForward) {
    return cudnn_operands::convolution_forward(dnn, args...);
  } else if constexpr (id == cudnnConvolutionBackwardData) {
    return cudnn_operands::convolution_backward_data(dnn, args...);
  } else if constexpr (id == cudnnConvolutionBackwardFilter) {
    return cudnn_operands::convolution_backward_filter(dnn, args...);
  } else if constexpr (id == cudnnConvolutionBackwardBias) {
    return cudnn_operands::convolution_backward_bias(dnn, args...);
  } else if constexpr (id == cudnnActivationForward) {
    return cudnn_operands::activation_forward(dnn, args...);
  } else if constexpr (id == cudnnActivationBackward) {
    return cudnn_operands::activation_backward(dnn, args...);
  } else if constexpr (id == cudnnPoolingForward) {
    return cudnn_operands::pooling_forward(dnn, args...);
  } else if constexpr (id == cudnnPoolingBackward) {
    return cudnn_operands::pooling_backward(dnn, args...);
  } else if constexpr (id == cudnnAddTensor) {
    return cudnn_operands::add_tensor(dnn, args...);
  } else if constexpr (id == cudnnSoftmaxForward) {
    return cudnn_operands::softmax_forward(dnn, args...);
  } else if constexpr (id == cudnnSoftmaxBackward) {
    return cudnn_operands::softmax_backward(dnn, args...);
  } else if constexpr (id == cudnnBackendExecute) {
    return cudnn_operands::backend_execute(real_cudnn_backend(), args...);
  } else if constexpr (id == cublasSgemm_v2) {
    return cublas_operands::sgemm(blas, args...);
  } else if constexpr (id == cublasGemmEx) {
    return cublas_operands::gemm_ex(blas, args...);
  } else if constexpr (id == cublasSgemmStridedBatched) {
    return cublas_operands::sgemm_strided_batched(blas, args...);
  } else {
    static_assert(id == cublasGemmBatchedEx, "every library hook needs a describer");
    return cublas_operands::gemm_batched_ex(blas, args...);
  }
}

}  // namespace gpuswap::interpose
