#include "cudnn_operands.h"

namespace gpuswap::interpose {
namespace {

// 0 for sub-byte and vectorised types, whose extent needs more than dims.
std::size_t element_bytes(cudnnDataType_t type) {
  switch (type) {
    case CUDNN_DATA_DOUBLE:
    case CUDNN_DATA_INT64:
      return 8;
    case CUDNN_DATA_FLOAT:
    case CUDNN_DATA_INT32:
    case CUDNN_DATA_UINT32:
      return 4;
    case CUDNN_DATA_HALF:
    case CUDNN_DATA_BFLOAT16:
      return 2;
    case CUDNN_DATA_INT8:
    case CUDNN_DATA_UINT8:
    case CUDNN_DATA_FP8_E4M3:
    case CUDNN_DATA_FP8_E5M2:
    case CUDNN_DATA_FP8_E8M0:
      return 1;
    default:
      return 0;
  }
}

void add_input(Operands& ops, const void* ptr, const TensorExtent& e) {
  ops.add(ptr, e.bytes, Access::read);
}

void add_output(Operands& ops, void* ptr, const TensorExtent& e, const void* beta) {
  ops.add(ptr, e.bytes, output_access(beta, cudnn_scaling_type(e)));
}

// cuDNN's workspace is scratch: nothing of it survives between calls.
void add_workspace(Operands& ops, void* ptr, std::size_t bytes) {
  if (bytes > 0) ops.add(ptr, bytes, Access::overwrite);
}

}  // namespace

TensorExtent tensor_extent(cudnnDataType_t type, int nbDims, const int* dims, const int* strides) {
  const std::size_t element = element_bytes(type);
  if (element == 0 || nbDims <= 0) return {};
  std::size_t last = 0;
  for (int i = 0; i < nbDims; ++i) {
    if (dims[i] <= 0 || strides[i] < 0) return {};
    last += static_cast<std::size_t>(dims[i] - 1) * static_cast<std::size_t>(strides[i]);
  }
  return {true, type, (last + 1) * element};
}

TensorExtent filter_extent(cudnnDataType_t type, int nbDims, const int* dims) {
  const std::size_t element = element_bytes(type);
  if (element == 0 || nbDims <= 0) return {};
  std::size_t count = 1;
  for (int i = 0; i < nbDims; ++i) {
    if (dims[i] <= 0) return {};
    count *= static_cast<std::size_t>(dims[i]);
  }
  return {true, type, count * element};
}

Scalar cudnn_scaling_type(const TensorExtent& output) noexcept {
  if (!output.known) return Scalar::unknown;
  return output.type == CUDNN_DATA_DOUBLE ? Scalar::f64 : Scalar::f32;
}

namespace cudnn_operands {

Operands convolution_forward(const CudnnDescriptors& d, cudnnHandle_t, const void*,
                             cudnnTensorDescriptor_t xDesc, const void* x,
                             cudnnFilterDescriptor_t wDesc, const void* w,
                             cudnnConvolutionDescriptor_t, cudnnConvolutionFwdAlgo_t,
                             void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
                             cudnnTensorDescriptor_t yDesc, void* y) {
  Operands ops;
  add_input(ops, x, d.tensor(xDesc));
  add_input(ops, w, d.filter(wDesc));
  add_workspace(ops, workSpace, workSpaceSizeInBytes);
  add_output(ops, y, d.tensor(yDesc), beta);
  return ops;
}

Operands convolution_backward_data(const CudnnDescriptors& d, cudnnHandle_t, const void*,
                                   cudnnFilterDescriptor_t wDesc, const void* w,
                                   cudnnTensorDescriptor_t dyDesc, const void* dy,
                                   cudnnConvolutionDescriptor_t, cudnnConvolutionBwdDataAlgo_t,
                                   void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
                                   cudnnTensorDescriptor_t dxDesc, void* dx) {
  Operands ops;
  add_input(ops, w, d.filter(wDesc));
  add_input(ops, dy, d.tensor(dyDesc));
  add_workspace(ops, workSpace, workSpaceSizeInBytes);
  add_output(ops, dx, d.tensor(dxDesc), beta);
  return ops;
}

Operands convolution_backward_filter(const CudnnDescriptors& d, cudnnHandle_t, const void*,
                                     cudnnTensorDescriptor_t xDesc, const void* x,
                                     cudnnTensorDescriptor_t dyDesc, const void* dy,
                                     cudnnConvolutionDescriptor_t, cudnnConvolutionBwdFilterAlgo_t,
                                     void* workSpace, size_t workSpaceSizeInBytes, const void* beta,
                                     cudnnFilterDescriptor_t dwDesc, void* dw) {
  Operands ops;
  add_input(ops, x, d.tensor(xDesc));
  add_input(ops, dy, d.tensor(dyDesc));
  add_workspace(ops, workSpace, workSpaceSizeInBytes);
  add_output(ops, dw, d.filter(dwDesc), beta);
  return ops;
}

Operands convolution_backward_bias(const CudnnDescriptors& d, cudnnHandle_t, const void*,
                                   cudnnTensorDescriptor_t dyDesc, const void* dy, const void* beta,
                                   cudnnTensorDescriptor_t dbDesc, void* db) {
  Operands ops;
  add_input(ops, dy, d.tensor(dyDesc));
  add_output(ops, db, d.tensor(dbDesc), beta);
  return ops;
}

Operands activation_forward(const CudnnDescriptors& d, cudnnHandle_t, cudnnActivationDescriptor_t,
                            const void*, cudnnTensorDescriptor_t xDesc, const void* x,
                            const void* beta, cudnnTensorDescriptor_t yDesc, void* y) {
  Operands ops;
  add_input(ops, x, d.tensor(xDesc));
  add_output(ops, y, d.tensor(yDesc), beta);
  return ops;
}

Operands activation_backward(const CudnnDescriptors& d, cudnnHandle_t, cudnnActivationDescriptor_t,
                             const void*, cudnnTensorDescriptor_t yDesc, const void* y,
                             cudnnTensorDescriptor_t dyDesc, const void* dy,
                             cudnnTensorDescriptor_t xDesc, const void* x, const void* beta,
                             cudnnTensorDescriptor_t dxDesc, void* dx) {
  Operands ops;
  add_input(ops, y, d.tensor(yDesc));
  add_input(ops, dy, d.tensor(dyDesc));
  add_input(ops, x, d.tensor(xDesc));
  add_output(ops, dx, d.tensor(dxDesc), beta);
  return ops;
}

Operands pooling_forward(const CudnnDescriptors& d, cudnnHandle_t, cudnnPoolingDescriptor_t,
                         const void*, cudnnTensorDescriptor_t xDesc, const void* x,
                         const void* beta, cudnnTensorDescriptor_t yDesc, void* y) {
  Operands ops;
  add_input(ops, x, d.tensor(xDesc));
  add_output(ops, y, d.tensor(yDesc), beta);
  return ops;
}

Operands pooling_backward(const CudnnDescriptors& d, cudnnHandle_t, cudnnPoolingDescriptor_t,
                          const void*, cudnnTensorDescriptor_t yDesc, const void* y,
                          cudnnTensorDescriptor_t dyDesc, const void* dy,
                          cudnnTensorDescriptor_t xDesc, const void* x, const void* beta,
                          cudnnTensorDescriptor_t dxDesc, void* dx) {
  Operands ops;
  add_input(ops, y, d.tensor(yDesc));
  add_input(ops, dy, d.tensor(dyDesc));
  add_input(ops, x, d.tensor(xDesc));
  add_output(ops, dx, d.tensor(dxDesc), beta);
  return ops;
}

Operands add_tensor(const CudnnDescriptors& d, cudnnHandle_t, const void*,
                    cudnnTensorDescriptor_t aDesc, const void* A, const void* beta,
                    cudnnTensorDescriptor_t cDesc, void* C) {
  Operands ops;
  add_input(ops, A, d.tensor(aDesc));
  add_output(ops, C, d.tensor(cDesc), beta);
  return ops;
}

Operands softmax_forward(const CudnnDescriptors& d, cudnnHandle_t, cudnnSoftmaxAlgorithm_t,
                         cudnnSoftmaxMode_t, const void*, cudnnTensorDescriptor_t xDesc,
                         const void* x, const void* beta, cudnnTensorDescriptor_t yDesc, void* y) {
  Operands ops;
  add_input(ops, x, d.tensor(xDesc));
  add_output(ops, y, d.tensor(yDesc), beta);
  return ops;
}

Operands softmax_backward(const CudnnDescriptors& d, cudnnHandle_t, cudnnSoftmaxAlgorithm_t,
                          cudnnSoftmaxMode_t, const void*, cudnnTensorDescriptor_t yDesc,
                          const void* y, cudnnTensorDescriptor_t dyDesc, const void* dy,
                          const void* beta, cudnnTensorDescriptor_t dxDesc, void* dx) {
  Operands ops;
  add_input(ops, y, d.tensor(yDesc));
  add_input(ops, dy, d.tensor(dyDesc));
  add_output(ops, dx, d.tensor(dxDesc), beta);
  return ops;
}

// A graph's tensors are known to the plan by unique id only, and which of
// them a fused engine reads, writes or reads back after writing is its own
// business (outputs can feed later ops, inputs can be updated in place): every
// data pointer is a `write`, so its contents are kept and it is written back
// if evicted. The workspace too: a plan may keep state there between its
// kernels, and it may share an allocation with other data.
Operands backend_execute(const CudnnBackend& b, cudnnHandle_t,
                         cudnnBackendDescriptor_t executionPlan,
                         cudnnBackendDescriptor_t variantPack) {
  Operands ops;
  VariantPackView pack;
  if (!b.variant_pack(executionPlan, variantPack, &pack)) return ops;
  for (std::size_t i = 0; i < pack.count; ++i) ops.add(pack.pointers[i], 0, Access::write);
  ops.add(pack.workspace, pack.workspace_bytes, Access::write);
  return ops;
}

}  // namespace cudnn_operands
}  // namespace gpuswap::interpose
