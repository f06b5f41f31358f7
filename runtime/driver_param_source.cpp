#include "gpuswap/runtime/driver_param_source.h"

namespace gpuswap::runtime {

Status DriverParamSource::param_info(const void* function, FunctionKind kind, std::size_t index,
                                     std::size_t* offset, std::size_t* size) {
  CUresult result = CUDA_ERROR_NOT_SUPPORTED;
  if (kind == FunctionKind::kKernel) {
    if (driver_.cuKernelGetParamInfo == nullptr) return Status(StatusCode::kNotSupported);
    result = driver_.cuKernelGetParamInfo(static_cast<CUkernel>(const_cast<void*>(function)), index,
                                          offset, size);
  } else {
    if (driver_.cuFuncGetParamInfo == nullptr) return Status(StatusCode::kNotSupported);
    result = driver_.cuFuncGetParamInfo(static_cast<CUfunction>(const_cast<void*>(function)), index,
                                        offset, size);
  }
  if (result == CUDA_ERROR_INVALID_VALUE) return Status(StatusCode::kNotFound);
  return Status::driver(result);
}

}  // namespace gpuswap::runtime
