// What a cudnnHandle_t points to.
#pragma once

#include <cuda.h>
#include <cudnn.h>

#include "dnn_kernels.h"
#include "driver_api.h"

struct cudnnContext {
  const cudasim::DriverApi* api = nullptr;
  CUcontext context = nullptr;                        // current at create
  const cudasim::dnn::DnnKernels* kernels = nullptr;  // of the context current at create
  CUstream stream = nullptr;                          // the legacy default stream
};
