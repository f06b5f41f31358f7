// Parameter layouts from the real driver: cuFuncGetParamInfo for a
// CUfunction, cuKernelGetParamInfo for a CUkernel. Both answer
// CUDA_ERROR_INVALID_VALUE one past the last parameter.
#pragma once

#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/param_layout.h"

namespace gpuswap::runtime {

class DriverParamSource final : public ParamLayoutSource {
 public:
  explicit DriverParamSource(const DriverTable& driver) : driver_(driver) {}

  Status param_info(const void* function, FunctionKind kind, std::size_t index, std::size_t* offset,
                    std::size_t* size) override;

 private:
  const DriverTable& driver_;
};

}  // namespace gpuswap::runtime
