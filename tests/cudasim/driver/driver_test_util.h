// Shared pieces of the driver conformance tests: a context per test (a fault
// leaves a sticky error behind, which must not leak into the next test) and
// a few registered kernels.
#pragma once

#include <cuda.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "cudasim/kernel.h"

#define ASSERT_CU(call) ASSERT_EQ((call), CUDA_SUCCESS)
#define EXPECT_CU(call) EXPECT_EQ((call), CUDA_SUCCESS)

namespace cudasim_test {

inline constexpr char kModule[] = "driver_test";

// add_one(float* data, int n): data[i] += 1.
inline void add_one(const cudasimLaunch*, void** args) {
  float* data = cudasim::arg<float*>(args, 0);
  const int n = cudasim::arg<int>(args, 1);
  for (int i = 0; i < n; ++i) data[i] += 1.0f;
}

// slow_fill(int* data, int n, int value, int sleep_ms): sleeps, then fills.
inline void slow_fill(const cudasimLaunch*, void** args) {
  int* data = cudasim::arg<int*>(args, 0);
  const int n = cudasim::arg<int>(args, 1);
  const int value = cudasim::arg<int>(args, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(cudasim::arg<int>(args, 3)));
  for (int i = 0; i < n; ++i) data[i] = value;
}

// copy_int(int* dst, const int* src, int n).
inline void copy_int(const cudasimLaunch*, void** args) {
  int* dst = cudasim::arg<int*>(args, 0);
  const int* src = cudasim::arg<const int*>(args, 1);
  const int n = cudasim::arg<int>(args, 2);
  for (int i = 0; i < n; ++i) dst[i] = src[i];
}

struct Affine {
  float scale;
  double shift;
  int count;
};

// affine(char tag, Affine a, float* out): out[i] = i * scale + shift + tag.
inline void affine(const cudasimLaunch* launch, void** args) {
  const char tag = cudasim::arg<char>(args, 0);
  const Affine a = cudasim::arg<Affine>(args, 1);
  float* out = cudasim::arg<float*>(args, 2);
  for (int i = 0; i < a.count; ++i) out[i] = static_cast<float>(i * a.scale + a.shift + tag);
  (void)launch;
}

// record_dims(unsigned* out): writes grid, block and shared-memory size.
inline void record_dims(const cudasimLaunch* l, void** args) {
  unsigned* out = cudasim::arg<unsigned*>(args, 0);
  const unsigned v[7] = {l->grid.x,  l->grid.y,  l->grid.z,        l->block.x,
                         l->block.y, l->block.z, l->sharedMemBytes};
  for (int i = 0; i < 7; ++i) out[i] = v[i];
}

template <typename... Args>
void register_kernel(const char* name, cudasimKernelFn fn) {
  using L = cudasim::ParamLayout<Args...>;
  ASSERT_EQ(cudasimRegisterKernel(kModule, name, fn, L::count, L::offsets.data(), L::sizes.data()),
            CUDA_SUCCESS);
}

inline void register_all() {
  register_kernel<float*, int>("add_one", add_one);
  register_kernel<int*, int, int, int>("slow_fill", slow_fill);
  register_kernel<int*, const int*, int>("copy_int", copy_int);
  register_kernel<char, Affine, float*>("affine", affine);
  register_kernel<unsigned*>("record_dims", record_dims);
}

// A fresh context for each test, current on the test's thread.
class DriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_CU(cuInit(0));
    register_all();
    ASSERT_CU(cuCtxCreate(&ctx_, nullptr, 0, 0));
    ASSERT_CU(cuModuleLoadData(&module_, cudasimModuleImage(kModule)));
  }
  void TearDown() override {
    if (ctx_ != nullptr) {
      EXPECT_CU(cuCtxDestroy(ctx_));
    }
    // Tests may leave the thread's context stack naming destroyed contexts
    // (cuCtxSetCurrent replaces the top); the next test starts with it empty.
    CUcontext c = nullptr;
    while (cuCtxPopCurrent(&c) == CUDA_SUCCESS) {
    }
  }
  CUfunction function(const char* name) {
    CUfunction f = nullptr;
    EXPECT_CU(cuModuleGetFunction(&f, module_, name));
    return f;
  }

  CUcontext ctx_ = nullptr;
  CUmodule module_ = nullptr;
};

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace cudasim_test
