// Turns the status codes of the CUDA runtime, cuDNN and cuBLAS into one
// exception type, so the training code reads straight and main() reports
// every failure in one place with one line.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace train_cnn {

class CudaFailure : public std::runtime_error {
 public:
  // `bytes` is the size asked for when the call allocates, else 0.
  CudaFailure(std::string call, std::string error, bool out_of_memory, std::size_t bytes);

  const std::string& call() const { return call_; }
  const std::string& error() const { return error_; }
  bool out_of_memory() const { return out_of_memory_; }
  std::size_t bytes() const { return bytes_; }

 private:
  std::string call_;
  std::string error_;
  bool out_of_memory_;
  std::size_t bytes_;
};

void check_cuda(cudaError_t status, const char* call, std::size_t bytes = 0);
void check_cudnn(cudnnStatus_t status, const char* call);
void check_cublas(cublasStatus_t status, const char* call);

const char* cudnn_status_name(cudnnStatus_t status);
const char* cublas_status_name(cublasStatus_t status);

}  // namespace train_cnn
