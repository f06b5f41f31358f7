// What a cublasHandle_t points to.
#pragma once

#include <cublas_v2.h>
#include <cuda.h>

#include <cstddef>

#include "driver_api.h"
#include "gemm_kernels.h"

struct cublasContext {
  const cudasim::DriverApi* api = nullptr;
  CUcontext context = nullptr;                          // current at create
  const cudasim::blas::GemmKernels* kernels = nullptr;  // of the context current at create
  CUstream stream = nullptr;                            // the legacy default stream
  void* workspace = nullptr;
  std::size_t workspace_size = 0;
  cublasPointerMode_t pointer_mode = CUBLAS_POINTER_MODE_HOST;
  cublasMath_t math_mode = CUBLAS_DEFAULT_MATH;
};
