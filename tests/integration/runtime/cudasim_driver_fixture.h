// The fixture both runtime suites on cudasim start from: cudasim's
// libcuda.so.1 loaded with dlopen and resolved with dlsym, the way the
// interposer resolves the real driver, and its primary context current. The
// emulated device has 64 MiB (CUDASIM_DEVICE_MEMORY, set before the driver
// starts; ctest runs each test in its own process).
#pragma once

#include <cuda.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>

#include "cudasim/kernel.h"
#include "gpuswap/runtime/driver_table.h"

namespace gpuswap::runtime {

inline void* resolve_dlsym(const char* name, void* handle) {
  return dlsym(handle, name);
}

template <typename Fn>
Fn symbol(void* handle, const char* name) {
  return reinterpret_cast<Fn>(dlsym(handle, name));
}

class CudasimDriverFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("CUDASIM_DEVICE_MEMORY", "64MiB", 1);
    lib_ = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib_, nullptr) << dlerror();
    const DriverTableLoad load = load_driver_table(driver_, &resolve_dlsym, lib_);
    ASSERT_TRUE(load.status.is_ok()) << (load.first_missing ? load.first_missing : "");
    ASSERT_EQ(symbol<decltype(&cuInit)>(lib_, "cuInit")(0), CUDA_SUCCESS);
    ASSERT_EQ(symbol<decltype(&cuDeviceGet)>(lib_, "cuDeviceGet")(&device_, 0), CUDA_SUCCESS);
    ASSERT_EQ(symbol<decltype(&cuDevicePrimaryCtxRetain)>(lib_, "cuDevicePrimaryCtxRetain")(
                  &context_, device_),
              CUDA_SUCCESS);
    ASSERT_EQ(driver_.cuCtxSetCurrent(context_), CUDA_SUCCESS);
    // The library stays loaded: cudasim's worker threads live until exit.
  }

  // Registers a host kernel with cudasim and loads it through the driver.
  CUfunction load_kernel(const char* module, const char* name, cudasimKernelFn fn, unsigned nparams,
                         const std::size_t* offsets, const std::size_t* sizes) {
    auto register_kernel = symbol<cudasimRegisterKernel_t>(lib_, "cudasimRegisterKernel");
    auto image = symbol<cudasimModuleImage_t>(lib_, "cudasimModuleImage");
    EXPECT_NE(register_kernel, nullptr);
    EXPECT_NE(image, nullptr);
    if (register_kernel == nullptr || image == nullptr) return nullptr;
    EXPECT_EQ(register_kernel(module, name, fn, nparams, offsets, sizes), CUDA_SUCCESS);
    CUmodule mod = nullptr;
    CUfunction function = nullptr;
    EXPECT_EQ(symbol<decltype(&cuModuleLoadData)>(lib_, "cuModuleLoadData")(&mod, image(module)),
              CUDA_SUCCESS);
    EXPECT_EQ(
        symbol<decltype(&cuModuleGetFunction)>(lib_, "cuModuleGetFunction")(&function, mod, name),
        CUDA_SUCCESS);
    return function;
  }

  // The CUkernel of a kernel that load_kernel registered, as the CUDA
  // runtime gets it (cuLibraryLoadData + cuLibraryGetKernel).
  CUkernel library_kernel(const char* module, const char* name) {
    auto image = symbol<cudasimModuleImage_t>(lib_, "cudasimModuleImage");
    EXPECT_NE(image, nullptr);
    if (image == nullptr) return nullptr;
    CUlibrary library = nullptr;
    CUkernel kernel = nullptr;
    EXPECT_EQ(symbol<decltype(&cuLibraryLoadData)>(lib_, "cuLibraryLoadData")(
                  &library, image(module), nullptr, nullptr, 0, nullptr, nullptr, 0),
              CUDA_SUCCESS);
    EXPECT_EQ(
        symbol<decltype(&cuLibraryGetKernel)>(lib_, "cuLibraryGetKernel")(&kernel, library, name),
        CUDA_SUCCESS);
    return kernel;
  }

  void* lib_ = nullptr;
  DriverTable driver_;
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
};

}  // namespace gpuswap::runtime
