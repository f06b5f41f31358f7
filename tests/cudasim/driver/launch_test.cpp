// Modules, functions, parameter layouts and launches.
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

using Launch = DriverTest;

TEST_F(Launch, ModuleAndFunctionLookup) {
  CUmodule m = nullptr;
  const char garbage[64] = {1, 2, 3};
  EXPECT_EQ(cuModuleLoadData(&m, garbage), CUDA_ERROR_INVALID_IMAGE);
  CUfunction f = nullptr;
  EXPECT_EQ(cuModuleGetFunction(&f, module_, "no_such_kernel"), CUDA_ERROR_NOT_FOUND);
  f = function("affine");
  size_t offset = 0, size = 0;
  ASSERT_CU(cuFuncGetParamInfo(f, 0, &offset, &size));
  EXPECT_EQ(offset, 0u);
  EXPECT_EQ(size, 1u);
  ASSERT_CU(cuFuncGetParamInfo(f, 1, &offset, &size));
  EXPECT_EQ(offset, alignof(Affine));
  EXPECT_EQ(size, sizeof(Affine));
  ASSERT_CU(cuFuncGetParamInfo(f, 2, &offset, &size));
  EXPECT_EQ(offset, 8 + sizeof(Affine));
  EXPECT_EQ(cuFuncGetParamInfo(f, 3, &offset, &size), CUDA_ERROR_INVALID_VALUE);
  const char* name = nullptr;
  ASSERT_CU(cuFuncGetName(&name, f));
  EXPECT_STREQ(name, "affine");
  // Registering the same kernel again is a no-op; a different function is an error.
  EXPECT_EQ(cudasimRegisterKernel(kModule, "affine", add_one, 0, nullptr, nullptr),
            CUDA_ERROR_INVALID_VALUE);
}

TEST_F(Launch, LibraryKernels) {
  CUlibrary lib = nullptr;
  ASSERT_CU(cuLibraryLoadData(&lib, cudasimModuleImage(kModule), nullptr, nullptr, 0, nullptr,
                              nullptr, 0));
  CUkernel k = nullptr;
  ASSERT_CU(cuLibraryGetKernel(&k, lib, "copy_int"));
  size_t offset = 0, size = 0;
  ASSERT_CU(cuKernelGetParamInfo(k, 2, &offset, &size));
  EXPECT_EQ(offset, 16u);
  EXPECT_EQ(size, 4u);
  CUfunction f = nullptr;
  ASSERT_CU(cuKernelGetFunction(&f, k));
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAlloc(&a, 64));
  ASSERT_CU(cuMemAlloc(&b, 64));
  ASSERT_CU(cuMemsetD32(b, 9, 16));
  int* dst = reinterpret_cast<int*>(a);
  const int* src = reinterpret_cast<const int*>(b);
  int n = 16;
  void* params[] = {&dst, &src, &n};
  ASSERT_CU(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, nullptr, params, nullptr));
  std::vector<int> out(16);
  ASSERT_CU(cuMemcpyDtoH(out.data(), a, 64));
  EXPECT_EQ(out, std::vector<int>(16, 9));
  ASSERT_CU(cuLibraryUnload(lib));
  EXPECT_EQ(cuKernelGetParamInfo(k, 0, &offset, &size), CUDA_ERROR_INVALID_HANDLE);
}

TEST_F(Launch, KernelParamsCopiedAtEnqueue) {
  CUdeviceptr out = 0;
  ASSERT_CU(cuMemAlloc(&out, 4 * sizeof(int)));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  int* ptr = reinterpret_cast<int*>(out);
  int n = 4, value = 11, sleep_ms = 50;
  void* params[] = {&ptr, &n, &value, &sleep_ms};
  ASSERT_CU(cuLaunchKernel(function("slow_fill"), 1, 1, 1, 1, 1, 1, 0, s, params, nullptr));
  value = 22;  // after the launch returns: must not be seen
  ASSERT_CU(cuStreamSynchronize(s));
  std::vector<int> host(4);
  ASSERT_CU(cuMemcpyDtoH(host.data(), out, sizeof(int) * 4));
  EXPECT_EQ(host, std::vector<int>(4, 11));
  ASSERT_CU(cuStreamDestroy(s));
}

TEST_F(Launch, ExtraPackedBufferWithStruct) {
  CUdeviceptr out = 0;
  ASSERT_CU(cuMemAlloc(&out, 8 * sizeof(float)));
  struct Packed {
    char tag;
    Affine a;
    float* out;
  } packed{3, {2.0f, 0.5, 8}, reinterpret_cast<float*>(out)};
  static_assert(offsetof(Packed, a) == alignof(Affine));
  size_t size = sizeof packed;
  void* extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, &packed, CU_LAUNCH_PARAM_BUFFER_SIZE, &size,
                   CU_LAUNCH_PARAM_END};
  ASSERT_CU(cuLaunchKernel(function("affine"), 1, 1, 1, 8, 1, 1, 0, nullptr, nullptr, extra));
  std::vector<float> host(8);
  ASSERT_CU(cuMemcpyDtoH(host.data(), out, sizeof(float) * 8));
  for (int i = 0; i < 8; ++i) EXPECT_FLOAT_EQ(host[i], i * 2.0f + 0.5f + 3) << i;

  // The same through kernelParams.
  char tag = 1;
  Affine a{1.0f, 0.0, 8};
  float* o = reinterpret_cast<float*>(out);
  void* params[] = {&tag, &a, &o};
  ASSERT_CU(cuLaunchKernel(function("affine"), 1, 1, 1, 1, 1, 1, 0, nullptr, params, nullptr));
  ASSERT_CU(cuMemcpyDtoH(host.data(), out, sizeof(float) * 8));
  EXPECT_FLOAT_EQ(host[5], 6.0f);

  size_t small = 4;
  void* short_extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, &packed, CU_LAUNCH_PARAM_BUFFER_SIZE,
                         &small, CU_LAUNCH_PARAM_END};
  EXPECT_EQ(cuLaunchKernel(function("affine"), 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, short_extra),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuLaunchKernel(function("affine"), 1, 1, 1, 1, 1, 1, 0, nullptr, params, extra),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuLaunchKernel(function("affine"), 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr),
            CUDA_ERROR_INVALID_VALUE);
}

TEST_F(Launch, DimensionsValidatedAndPassed) {
  CUdeviceptr out = 0;
  ASSERT_CU(cuMemAlloc(&out, 7 * sizeof(unsigned)));
  unsigned* o = reinterpret_cast<unsigned*>(out);
  void* params[] = {&o};
  CUfunction f = function("record_dims");
  EXPECT_EQ(cuLaunchKernel(f, 0, 1, 1, 1, 1, 1, 0, nullptr, params, nullptr),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuLaunchKernel(f, 1, 1, 1, 1025, 1, 1, 0, nullptr, params, nullptr),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuLaunchKernel(f, 1, 1, 1, 64, 32, 1, 0, nullptr, params, nullptr),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuLaunchKernel(reinterpret_cast<CUfunction>(&o), 1, 1, 1, 1, 1, 1, 0, nullptr, params,
                           nullptr),
            CUDA_ERROR_INVALID_HANDLE);
  CUlaunchConfig cfg{};
  cfg.gridDimX = 3;
  cfg.gridDimY = 2;
  cfg.gridDimZ = 1;
  cfg.blockDimX = 128;
  cfg.blockDimY = 2;
  cfg.blockDimZ = 1;
  cfg.sharedMemBytes = 1024;
  ASSERT_CU(cuLaunchKernelEx(&cfg, f, params, nullptr));
  std::vector<unsigned> host(7);
  ASSERT_CU(cuMemcpyDtoH(host.data(), out, 7 * sizeof(unsigned)));
  EXPECT_EQ(host, (std::vector<unsigned>{3, 2, 1, 128, 2, 1, 1024}));
  ASSERT_CU(cuLaunchCooperativeKernel(f, 5, 1, 1, 1, 1, 1, 0, nullptr, params));
  ASSERT_CU(cuMemcpyDtoH(host.data(), out, 7 * sizeof(unsigned)));
  EXPECT_EQ(host[0], 5u);
}

TEST_F(Launch, Occupancy) {
  CUfunction f = function("add_one");
  int blocks = 0;
  ASSERT_CU(cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, f, 256, 0));
  EXPECT_EQ(blocks, 8);
  ASSERT_CU(cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, f, 32, 0));
  EXPECT_EQ(blocks, 32);
  EXPECT_EQ(cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, f, 2048, 0),
            CUDA_ERROR_INVALID_VALUE);
  int grid = 0, block = 0;
  ASSERT_CU(cuOccupancyMaxPotentialBlockSize(&grid, &block, f, nullptr, 0, 256));
  EXPECT_EQ(block, 256);
  EXPECT_EQ(grid, 132 * 8);
}
