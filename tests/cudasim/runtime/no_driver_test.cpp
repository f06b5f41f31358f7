// The runtime without a usable driver: every call answers as NVIDIA's does
// (cudaErrorInsufficientDriver), and nothing crashes. The runtime is loaded
// by path, so the only libcuda.so.1 it could find is what LD_LIBRARY_PATH
// offers: nothing, or a library that is not a CUDA driver.
#include <cuda_runtime_api.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

namespace {

template <typename Fn>
Fn runtime_fn(const char* name) {
  static void* const runtime = dlopen(CUDASIM_RUNTIME_PATH, RTLD_NOW | RTLD_LOCAL);
  if (runtime == nullptr) {
    ADD_FAILURE() << dlerror();
    return nullptr;
  }
  auto fn = reinterpret_cast<Fn>(dlsym(runtime, name));
  if (fn == nullptr) ADD_FAILURE() << name << " not exported";
  return fn;
}

#define RUNTIME_FN(name) runtime_fn<decltype(&::name)>(#name)

TEST(NoDriverTest, CallsFailWithInsufficientDriver) {
  ASSERT_EQ(dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD), nullptr);
  int count = 7;
  EXPECT_EQ(RUNTIME_FN(cudaGetDeviceCount)(&count), cudaErrorInsufficientDriver);
  EXPECT_EQ(count, 0);
  void* p = nullptr;
  EXPECT_EQ(RUNTIME_FN(cudaMalloc)(&p, 16), cudaErrorInsufficientDriver);
  EXPECT_EQ(RUNTIME_FN(cudaFree)(nullptr), cudaErrorInsufficientDriver);
  EXPECT_EQ(RUNTIME_FN(cudaSetDevice)(0), cudaErrorInsufficientDriver);
  cudaStream_t stream = nullptr;
  EXPECT_EQ(RUNTIME_FN(cudaStreamCreate)(&stream), cudaErrorInsufficientDriver);
  const char symbol = 0;
  EXPECT_EQ(RUNTIME_FN(cudaLaunchKernel)(&symbol, dim3(1), dim3(1), nullptr, 0, nullptr),
            cudaErrorInsufficientDriver);
  EXPECT_EQ(RUNTIME_FN(cudaGetLastError)(), cudaErrorInsufficientDriver);
  EXPECT_EQ(RUNTIME_FN(cudaGetLastError)(), cudaSuccess);
}

TEST(NoDriverTest, VersionsStillAnswer) {
  int driver = -1;
  int runtime = 0;
  EXPECT_EQ(RUNTIME_FN(cudaDriverGetVersion)(&driver), cudaSuccess);
  EXPECT_EQ(driver, 0) << "no driver is version 0";
  EXPECT_EQ(RUNTIME_FN(cudaRuntimeGetVersion)(&runtime), cudaSuccess);
  EXPECT_EQ(runtime, 13000);
  EXPECT_STREQ(RUNTIME_FN(cudaGetErrorName)(cudaErrorInsufficientDriver),
               "cudaErrorInsufficientDriver");
}

}  // namespace
