// How driver results become runtime errors, and what each runtime error is
// called and means.
#pragma once

#include <cuda.h>
#include <driver_types.h>

namespace cudasim::rt {

// The cudaError_t that NVIDIA's runtime reports for a driver result.
cudaError_t to_cuda_error(CUresult result) noexcept;

// True for the errors that leave the context unusable (a fault in device
// code): they are reported by every later call until the device is reset.
bool is_sticky(cudaError_t error) noexcept;

// nullptr when `error` is not a cudaError_t value.
const char* error_name(cudaError_t error) noexcept;
const char* error_description(cudaError_t error) noexcept;

}  // namespace cudasim::rt
