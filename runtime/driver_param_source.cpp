#include "gpuswap/runtime/driver_param_source.h"

namespace gpuswap::runtime {

namespace {

// Past the last parameter the driver answers CUDA_ERROR_INVALID_VALUE.
bool answered(CUresult result) {
  return result == CUDA_SUCCESS || result == CUDA_ERROR_INVALID_VALUE;
}

}  // namespace

Status DriverParamSource::param_info(const void* function, FunctionKind kind, std::size_t index,
                                     std::size_t* offset, std::size_t* size) {
  auto* handle = const_cast<void*>(function);
  CUresult result = CUDA_ERROR_NOT_SUPPORTED;
  if (kind == FunctionKind::kFunction && driver_.cuFuncGetParamInfo != nullptr) {
    result = driver_.cuFuncGetParamInfo(static_cast<CUfunction>(handle), index, offset, size);
  }
  // cuLaunchKernel takes a CUkernel where a CUfunction goes (the CUDA runtime
  // launches library kernels that way), and cuFuncGetParamInfo does not know
  // such a handle; cuKernelGetParamInfo does.
  if (!answered(result) && driver_.cuKernelGetParamInfo != nullptr) {
    result = driver_.cuKernelGetParamInfo(static_cast<CUkernel>(handle), index, offset, size);
  }
  if (result == CUDA_ERROR_INVALID_VALUE) return Status(StatusCode::kNotFound);
  return Status::driver(result);
}

}  // namespace gpuswap::runtime
