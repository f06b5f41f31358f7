// The fully connected classifier: y = x W^T + b with cublasSgemm_v2. The bias
// add and its gradient are also GEMMs against a vector of ones, so every
// operation of this layer goes through cuBLAS.
#pragma once

#include <vector>

#include "cuda_handles.h"
#include "device_allocator.h"
#include "lcg.h"
#include "parameter.h"

namespace train_cnn {

class LinearLayer {
 public:
  LinearLayer(const CudaContext& ctx, DeviceAllocator& allocator, int batch, int in_features,
              int out_features, Lcg& rng);

  // x: batch x in (row-major); returns batch x out, valid until end_step().
  const float* forward(const float* x);
  // dy: batch x out. Fills the parameter gradients; returns dL/dx (batch x in).
  const float* backward(const float* dy);
  void end_step();

  std::vector<Parameter> parameters();

 private:
  void gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const float* a,
            int lda, const float* b, int ldb, float beta, float* c, int ldc);

  const CudaContext& ctx_;
  DeviceAllocator& allocator_;
  int batch_;
  int in_;
  int out_;
  DeviceBuffer weight_, bias_, weight_grad_, bias_grad_, ones_;
  const float* x_ = nullptr;
  DeviceBuffer y_, dx_;
};

}  // namespace train_cnn
