#include "cuda_handles.h"

namespace train_cnn {

TensorDesc make_tensor_desc(int n, int c, int h, int w) {
  cudnnTensorDescriptor_t raw = nullptr;
  check_cudnn(cudnnCreateTensorDescriptor(&raw), "cudnnCreateTensorDescriptor");
  TensorDesc desc(raw);
  check_cudnn(cudnnSetTensor4dDescriptor(raw, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, c, h, w),
              "cudnnSetTensor4dDescriptor");
  return desc;
}

CudaContext CudaContext::create() {
  CudaContext ctx;
  cudaStream_t stream = nullptr;
  check_cuda(cudaStreamCreate(&stream), "cudaStreamCreate");
  ctx.stream.reset(stream);

  cudnnHandle_t cudnn = nullptr;
  check_cudnn(cudnnCreate(&cudnn), "cudnnCreate");
  ctx.cudnn.reset(cudnn);
  check_cudnn(cudnnSetStream(cudnn, stream), "cudnnSetStream");

  cublasHandle_t cublas = nullptr;
  check_cublas(cublasCreate_v2(&cublas), "cublasCreate");
  ctx.cublas.reset(cublas);
  check_cublas(cublasSetStream_v2(cublas, stream), "cublasSetStream");
  return ctx;
}

}  // namespace train_cnn
