// Kernels for the runtime tests: host functions registered with cudasim's
// driver (found, like any program finds it, with dlopen/dlsym) and bound to
// host symbols through the runtime's cudasimRegisterFunction.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

namespace cudasim_test {

// The host symbols a test passes to cudaLaunchKernel.
//   fill(float* out, float value, int n)            out[i] = value
//   axpy(float a, const float* x, float* y, int n)  y[i] += a * x[i]
//   stamp(int* slot, int* counter, int delay_ms)    sleeps, then *slot = ++*counter
//   store(float* at, float value)                   *at = value (a fault on freed memory)
//   hold(const int* release)                        waits until *release != 0
extern const char kFill;
extern const char kAxpy;
extern const char kStamp;
extern const char kStore;
extern const char kHold;
// Bound to a name its module does not have.
extern const char kMissing;

// Registers every kernel above with the driver and binds its symbol in the
// runtime; returns the first failure (as cudaError_t / CUresult value) or 0.
int register_test_kernels();

// How often the stamp kernel ran, across all streams.
int stamp_launches();

}  // namespace cudasim_test
