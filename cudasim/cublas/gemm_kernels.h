// cudasim's cuBLAS kernels: the host functions the driver runs on a stream
// when a GEMM call is enqueued, and where to find them in a context.
#pragma once

#include <cuda.h>

#include "driver_api.h"
#include "gemm_math.h"

namespace cudasim::blas {

// alpha and beta by value for CUBLAS_POINTER_MODE_HOST; with
// CUBLAS_POINTER_MODE_DEVICE the kernel reads them through alpha_dev/beta_dev
// instead (non-null only in that mode).
struct GemmScalars {
  float alpha = 1.0f;
  float beta = 0.0f;
};

struct GemmKernels {
  CUfunction gemm = nullptr;     // (shape, scalars, alpha_dev, beta_dev, A, B, C)
  CUfunction strided = nullptr;  // (... A, strideA, B, strideB, C, strideC, batch)
  CUfunction pointer_array =
      nullptr;  // (... Aarray, Barray, Carray, batch), arrays in device memory
};

// The kernels in `ctx`: registered with the driver once per process and
// loaded as module "cudasim.cublas" once per context. Null on failure.
const GemmKernels* gemm_kernels(const DriverApi& api, CUcontext ctx);

}  // namespace cudasim::blas
