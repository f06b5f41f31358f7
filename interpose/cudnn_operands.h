// The operands of each hooked cuDNN call, from its arguments alone. Sizes
// and the scaling type come from the tensor and filter descriptors, read
// through CudnnDescriptors so that the description stays a pure function
// (the hook reads them with the real cuDNN; tests supply fixed answers).
#pragma once

#include <array>
#include <cstddef>

#include "cuda_api.h"
#include "operands.h"

namespace gpuswap::interpose {

struct TensorExtent {
  bool known = false;
  cudnnDataType_t type = CUDNN_DATA_FLOAT;
  std::size_t bytes = 0;  // from the first to one past the last element
};

class CudnnDescriptors {
 public:
  virtual TensorExtent tensor(cudnnTensorDescriptor_t desc) const noexcept = 0;
  virtual TensorExtent filter(cudnnFilterDescriptor_t desc) const noexcept = 0;

 protected:
  ~CudnnDescriptors() = default;
};

// What a cudnnBackendExecute touches, read from its variant pack and plan
// (the hook reads them with the real cuDNN; tests supply fixed answers).
struct VariantPackView {
  // One operand slot stays free for the workspace.
  static constexpr std::size_t kMaxPointers = Operands::kCapacity - 1;
  std::array<void*, kMaxPointers> pointers{};
  std::size_t count = 0;
  void* workspace = nullptr;
  std::size_t workspace_bytes = 0;  // 0 when the plan does not tell
};

class CudnnBackend {
 public:
  // False when the variant pack cannot be read, or holds more data pointers
  // than kMaxPointers.
  virtual bool variant_pack(cudnnBackendDescriptor_t executionPlan,
                            cudnnBackendDescriptor_t variantPack,
                            VariantPackView* out) const noexcept = 0;

 protected:
  ~CudnnBackend() = default;
};

// Extent of a strided tensor / a packed filter; known == false for data
// types whose element size is not a whole number of bytes.
TensorExtent tensor_extent(cudnnDataType_t type, int nbDims, const int* dims, const int* strides);
TensorExtent filter_extent(cudnnDataType_t type, int nbDims, const int* dims);

// cuDNN takes alpha and beta as double for double tensors, float otherwise.
Scalar cudnn_scaling_type(const TensorExtent& output) noexcept;

namespace cudnn_operands {

Operands convolution_forward(const CudnnDescriptors& d, cudnnHandle_t, const void* alpha,
                             cudnnTensorDescriptor_t xDesc, const void* x,
                             cudnnFilterDescriptor_t wDesc, const void* w,
                             cudnnConvolutionDescriptor_t, cudnnConvolutionFwdAlgo_t,
                             void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
                             cudnnTensorDescriptor_t yDesc, void* y);
Operands convolution_backward_data(const CudnnDescriptors& d, cudnnHandle_t, const void* alpha,
                                   cudnnFilterDescriptor_t wDesc, const void* w,
                                   cudnnTensorDescriptor_t dyDesc, const void* dy,
                                   cudnnConvolutionDescriptor_t, cudnnConvolutionBwdDataAlgo_t,
                                   void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
                                   cudnnTensorDescriptor_t dxDesc, void* dx);
Operands convolution_backward_filter(const CudnnDescriptors& d, cudnnHandle_t, const void* alpha,
                                     cudnnTensorDescriptor_t xDesc, const void* x,
                                     cudnnTensorDescriptor_t dyDesc, const void* dy,
                                     cudnnConvolutionDescriptor_t, cudnnConvolutionBwdFilterAlgo_t,
                                     void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
                                     cudnnFilterDescriptor_t dwDesc, void* dw);
Operands convolution_backward_bias(const CudnnDescriptors& d, cudnnHandle_t, const void* alpha,
                                   cudnnTensorDescriptor_t dyDesc, const void* dy, const void* beta,
                                   cudnnTensorDescriptor_t dbDesc, void* db);
Operands activation_forward(const CudnnDescriptors& d, cudnnHandle_t, cudnnActivationDescriptor_t,
                            const void* alpha, cudnnTensorDescriptor_t xDesc, const void* x,
                            const void* beta, cudnnTensorDescriptor_t yDesc, void* y);
Operands activation_backward(const CudnnDescriptors& d, cudnnHandle_t, cudnnActivationDescriptor_t,
                             const void* alpha, cudnnTensorDescriptor_t yDesc, const void* y,
                             cudnnTensorDescriptor_t dyDesc, const void* dy,
                             cudnnTensorDescriptor_t xDesc, const void* x, const void* beta,
                             cudnnTensorDescriptor_t dxDesc, void* dx);
Operands pooling_forward(const CudnnDescriptors& d, cudnnHandle_t, cudnnPoolingDescriptor_t,
                         const void* alpha, cudnnTensorDescriptor_t xDesc, const void* x,
                         const void* beta, cudnnTensorDescriptor_t yDesc, void* y);
Operands pooling_backward(const CudnnDescriptors& d, cudnnHandle_t, cudnnPoolingDescriptor_t,
                          const void* alpha, cudnnTensorDescriptor_t yDesc, const void* y,
                          cudnnTensorDescriptor_t dyDesc, const void* dy,
                          cudnnTensorDescriptor_t xDesc, const void* x, const void* beta,
                          cudnnTensorDescriptor_t dxDesc, void* dx);
Operands add_tensor(const CudnnDescriptors& d, cudnnHandle_t, const void* alpha,
                    cudnnTensorDescriptor_t aDesc, const void* A, const void* beta,
                    cudnnTensorDescriptor_t cDesc, void* C);
Operands softmax_forward(const CudnnDescriptors& d, cudnnHandle_t, cudnnSoftmaxAlgorithm_t,
                         cudnnSoftmaxMode_t, const void* alpha, cudnnTensorDescriptor_t xDesc,
                         const void* x, const void* beta, cudnnTensorDescriptor_t yDesc, void* y);
Operands softmax_backward(const CudnnDescriptors& d, cudnnHandle_t, cudnnSoftmaxAlgorithm_t,
                          cudnnSoftmaxMode_t, const void* alpha, cudnnTensorDescriptor_t yDesc,
                          const void* y, cudnnTensorDescriptor_t dyDesc, const void* dy,
                          const void* beta, cudnnTensorDescriptor_t dxDesc, void* dx);
// Every data pointer of the variant pack, and its workspace, in `write` mode.
// No operand at all when the pack cannot be read: the call then passes
// through as it is.
Operands backend_execute(const CudnnBackend& b, cudnnHandle_t,
                         cudnnBackendDescriptor_t executionPlan,
                         cudnnBackendDescriptor_t variantPack);

}  // namespace cudnn_operands
}  // namespace gpuswap::interpose
