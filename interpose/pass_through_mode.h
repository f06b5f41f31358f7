// Whether the shim can do its work in this process. It cannot without a
// driver, without a device, on a driver without virtual memory management
// (regions need cuMemAddressReserve/cuMemMap) or without cuFuncGetParamInfo
// (CUDA < 12.4: kernel parameters cannot be decoded). Then it logs one line
// and every hook hands its call to the real function untouched.
#pragma once

#include <cstdint>

namespace gpuswap::interpose {

enum class Mode : std::uint8_t {
  undetermined,  // the program has not initialised the driver yet
  active,
  pass_through,
};

// Decides as soon as it can, logs once, and never changes its answer after.
// Until the program's cuInit the answer is `undetermined` (the check needs
// devices, and the shim never calls cuInit on the program's behalf).
Mode current_mode() noexcept;

}  // namespace gpuswap::interpose
