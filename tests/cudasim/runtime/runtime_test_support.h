// Shared by the runtime's tests: the kernels registered once per process, and
// direct access to the driver so that tests can check what the runtime did
// against the driver's own answers.
#pragma once

#include <cuda.h>
// cuda_runtime.h: the typed overloads (cudaMalloc(float**, ...)) programs use.
#include <cuda_runtime.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include "cudasim/kernel.h"
#include "test_kernels.h"

namespace cudasim_test {

// The versioned name that cuda.h maps a driver function to (cuDeviceTotalMem
// -> "cuDeviceTotalMem_v2"), as a string.
#define CUDASIM_TEST_NAME_OF_(name) #name
#define CUDASIM_TEST_NAME_OF(name) CUDASIM_TEST_NAME_OF_(name)
// A driver function looked up directly in libcuda.so.1.
#define DRIVER_FN(name) ::cudasim_test::driver_symbol<decltype(&::name)>(CUDASIM_TEST_NAME_OF(name))

template <typename Fn>
Fn driver_symbol(const char* name) {
  static void* const driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
  void* fn = driver != nullptr ? dlsym(driver, name) : nullptr;
  if (fn == nullptr) ADD_FAILURE() << "libcuda.so.1 does not export " << name;
  return reinterpret_cast<Fn>(fn);
}

class RuntimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(register_test_kernels(), 0); }
  void SetUp() override {
    ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
    cudaGetLastError();  // start clean when earlier tests ran in this process
  }
  void TearDown() override { EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess); }
};

// Launches a registered kernel with its arguments, as nvcc's <<<>>> does.
template <typename... Args>
cudaError_t launch(const void* symbol, dim3 grid, dim3 block, cudaStream_t stream, Args... args) {
  void* params[] = {static_cast<void*>(&args)..., nullptr};
  return cudaLaunchKernel(symbol, grid, block, params, 0, stream);
}

}  // namespace cudasim_test
