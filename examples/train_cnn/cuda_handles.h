// Owning wrappers for the stream, the library handles and the cuDNN
// descriptors, so that every exit path (a CUDA error included) destroys them.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <memory>
#include <type_traits>

#include "cuda_check.h"

namespace train_cnn {

template <typename Handle, auto Destroy>
struct HandleDeleter {
  void operator()(Handle handle) const noexcept { Destroy(handle); }
};

template <typename Handle, auto Destroy>
using UniqueHandle = std::unique_ptr<std::remove_pointer_t<Handle>, HandleDeleter<Handle, Destroy>>;

using Stream = UniqueHandle<cudaStream_t, cudaStreamDestroy>;
using CudnnHandle = UniqueHandle<cudnnHandle_t, cudnnDestroy>;
using CublasHandle = UniqueHandle<cublasHandle_t, cublasDestroy_v2>;
using TensorDesc = UniqueHandle<cudnnTensorDescriptor_t, cudnnDestroyTensorDescriptor>;
using FilterDesc = UniqueHandle<cudnnFilterDescriptor_t, cudnnDestroyFilterDescriptor>;
using ConvDesc = UniqueHandle<cudnnConvolutionDescriptor_t, cudnnDestroyConvolutionDescriptor>;
using PoolingDesc = UniqueHandle<cudnnPoolingDescriptor_t, cudnnDestroyPoolingDescriptor>;
using ActivationDesc = UniqueHandle<cudnnActivationDescriptor_t, cudnnDestroyActivationDescriptor>;

// A dense NCHW float tensor descriptor.
TensorDesc make_tensor_desc(int n, int c, int h, int w);

// Everything a layer needs to issue work: the one stream and both libraries
// bound to it.
struct CudaContext {
  Stream stream;
  CudnnHandle cudnn;
  CublasHandle cublas;

  static CudaContext create();
};

}  // namespace train_cnn
