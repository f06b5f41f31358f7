// Before cuInit every call but the few that need no driver state fails with
// CUDA_ERROR_NOT_INITIALIZED. A process of its own: cuInit cannot be undone.
#include "driver_test_util.h"

TEST(Uninitialized, CallsBeforeCuInitFail) {
  int n = 0;
  EXPECT_EQ(cuDeviceGetCount(&n), CUDA_ERROR_NOT_INITIALIZED);
  CUdevice d = 0;
  EXPECT_EQ(cuDeviceGet(&d, 0), CUDA_ERROR_NOT_INITIALIZED);
  CUdeviceptr p = 0;
  EXPECT_EQ(cuMemAlloc(&p, 64), CUDA_ERROR_NOT_INITIALIZED);
  CUcontext c = nullptr;
  EXPECT_EQ(cuCtxCreate(&c, nullptr, 0, 0), CUDA_ERROR_NOT_INITIALIZED);
  EXPECT_EQ(cuCtxGetCurrent(&c), CUDA_ERROR_NOT_INITIALIZED);
  EXPECT_EQ(cuMemAddressReserve(&p, 2 << 20, 0, 0, 0), CUDA_ERROR_NOT_INITIALIZED);
  // cuGetProcAddress and cuDriverGetVersion work before cuInit (the runtime
  // finds cuInit through them).
  void* fn = nullptr;
  EXPECT_EQ(cuGetProcAddress("cuInit", &fn, 13000, 0, nullptr), CUDA_SUCCESS);
  EXPECT_NE(fn, nullptr);
  int v = 0;
  EXPECT_EQ(cuDriverGetVersion(&v), CUDA_SUCCESS);
  ASSERT_CU(cuInit(0));
  EXPECT_EQ(cuDeviceGetCount(&n), CUDA_SUCCESS);
}
