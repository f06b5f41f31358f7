// Devices, primary and user contexts, error names.
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "driver_test_util.h"

using namespace cudasim_test;

TEST(Device, IdentityAndAttributes) {
  ASSERT_CU(cuInit(0));
  EXPECT_EQ(cuInit(1), CUDA_ERROR_INVALID_VALUE);
  int version = 0;
  ASSERT_CU(cuDriverGetVersion(&version));
  EXPECT_EQ(version, 13000);
  int count = 0;
  ASSERT_CU(cuDeviceGetCount(&count));
  ASSERT_EQ(count, 2);  // CUDASIM_DEVICES=2 for this executable
  CUdevice dev = -1;
  EXPECT_EQ(cuDeviceGet(&dev, 2), CUDA_ERROR_INVALID_DEVICE);
  ASSERT_CU(cuDeviceGet(&dev, 1));
  EXPECT_EQ(dev, 1);
  char name[64];
  ASSERT_CU(cuDeviceGetName(name, sizeof name, 1));
  EXPECT_STREQ(name, "cudasim Device 1");
  size_t total = 0;
  ASSERT_CU(cuDeviceTotalMem(&total, 0));
  EXPECT_EQ(total, 256u << 20);
  int v = 0;
  ASSERT_CU(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED, 0));
  EXPECT_EQ(v, 1);
  ASSERT_CU(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 0));
  EXPECT_EQ(v, 9);
  ASSERT_CU(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, 0));
  EXPECT_EQ(v, 0);
  ASSERT_CU(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 0));
  EXPECT_EQ(v, 1024);
  ASSERT_CU(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID, 1));
  EXPECT_EQ(v, 0x18);
  EXPECT_EQ(cuDeviceGetAttribute(&v, static_cast<CUdevice_attribute>(100000), 0),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 7), CUDA_ERROR_INVALID_DEVICE);
}

TEST(Device, PciBusIdsAndUuids) {
  ASSERT_CU(cuInit(0));
  char bus[32];
  ASSERT_CU(cuDeviceGetPCIBusId(bus, sizeof bus, 0));
  EXPECT_STREQ(bus, "0000:17:00.0");
  ASSERT_CU(cuDeviceGetPCIBusId(bus, sizeof bus, 1));
  EXPECT_STREQ(bus, "0000:18:00.0");
  CUdevice dev = -1;
  ASSERT_CU(cuDeviceGetByPCIBusId(&dev, "0000:18:00.0"));
  EXPECT_EQ(dev, 1);
  EXPECT_EQ(cuDeviceGetByPCIBusId(&dev, "0000:99:00.0"), CUDA_ERROR_INVALID_DEVICE);
  CUuuid a, b, a2;
  ASSERT_CU(cuDeviceGetUuid(&a, 0));
  ASSERT_CU(cuDeviceGetUuid(&b, 1));
  ASSERT_CU(cuDeviceGetUuid(&a2, 0));
  EXPECT_NE(std::memcmp(a.bytes, b.bytes, 16), 0);
  EXPECT_EQ(std::memcmp(a.bytes, a2.bytes, 16), 0);
}

TEST(Context, CreateCurrentPushPopDestroy) {
  ASSERT_CU(cuInit(0));
  CUcontext leftover = nullptr;
  while (cuCtxPopCurrent(&leftover) == CUDA_SUCCESS) {
  }
  CUcontext none = reinterpret_cast<CUcontext>(0x1);
  std::thread([&] { ASSERT_CU(cuCtxGetCurrent(&none)); }).join();
  EXPECT_EQ(none, nullptr);
  // A thread with no current context cannot allocate.
  std::thread([] {
    CUdeviceptr p = 0;
    EXPECT_EQ(cuMemAlloc(&p, 1024), CUDA_ERROR_INVALID_CONTEXT);
    EXPECT_EQ(cuCtxSynchronize(), CUDA_ERROR_INVALID_CONTEXT);
  }).join();

  CUcontext c0 = nullptr, c1 = nullptr, cur = nullptr;
  ASSERT_CU(cuCtxCreate(&c0, nullptr, 0, 0));
  ASSERT_CU(cuCtxCreate(&c1, nullptr, 0, 1));
  ASSERT_CU(cuCtxGetCurrent(&cur));
  EXPECT_EQ(cur, c1);
  CUdevice dev = -1;
  ASSERT_CU(cuCtxGetDevice(&dev));
  EXPECT_EQ(dev, 1);
  CUcontext popped = nullptr;
  ASSERT_CU(cuCtxPopCurrent(&popped));
  EXPECT_EQ(popped, c1);
  ASSERT_CU(cuCtxGetCurrent(&cur));
  EXPECT_EQ(cur, c0);
  ASSERT_CU(cuCtxPushCurrent(c1));
  ASSERT_CU(cuCtxSetCurrent(c0));
  ASSERT_CU(cuCtxGetDevice(&dev));
  EXPECT_EQ(dev, 0);
  ASSERT_CU(cuCtxDestroy(c1));
  EXPECT_EQ(cuCtxDestroy(c1), CUDA_ERROR_INVALID_CONTEXT);
  EXPECT_EQ(cuCtxSetCurrent(c1), CUDA_ERROR_INVALID_CONTEXT);
  // c0 was on the stack twice (pushed, then made current over c1): destroying
  // it pops one, and the one below names a destroyed context.
  ASSERT_CU(cuCtxDestroy(c0));
  EXPECT_EQ(cuCtxGetDevice(&dev), CUDA_ERROR_CONTEXT_IS_DESTROYED);
  ASSERT_CU(cuCtxPopCurrent(&popped));
  EXPECT_EQ(cuCtxGetDevice(&dev), CUDA_ERROR_INVALID_CONTEXT);
  EXPECT_EQ(cuCtxPopCurrent(&popped), CUDA_ERROR_INVALID_CONTEXT);
  EXPECT_EQ(cuCtxDestroy(nullptr), CUDA_ERROR_INVALID_VALUE);
}

TEST(Context, PrimaryRetainReleaseState) {
  ASSERT_CU(cuInit(0));
  unsigned flags = 0;
  int active = 1;
  ASSERT_CU(cuDevicePrimaryCtxGetState(1, &flags, &active));
  EXPECT_EQ(active, 0);
  CUcontext p = nullptr, q = nullptr;
  ASSERT_CU(cuDevicePrimaryCtxRetain(&p, 1));
  ASSERT_CU(cuDevicePrimaryCtxRetain(&q, 1));
  EXPECT_EQ(p, q);
  ASSERT_CU(cuDevicePrimaryCtxGetState(1, &flags, &active));
  EXPECT_EQ(active, 1);
  ASSERT_CU(cuCtxSetCurrent(p));
  CUdeviceptr mem = 0;
  ASSERT_CU(cuMemAlloc(&mem, 4096));
  ASSERT_CU(cuDevicePrimaryCtxRelease(1));
  ASSERT_CU(cuCtxSynchronize());  // still retained once
  ASSERT_CU(cuDevicePrimaryCtxRelease(1));
  ASSERT_CU(cuDevicePrimaryCtxGetState(1, &flags, &active));
  EXPECT_EQ(active, 0);
  EXPECT_EQ(cuCtxSynchronize(), CUDA_ERROR_INVALID_CONTEXT);
  EXPECT_EQ(cuDevicePrimaryCtxRelease(1), CUDA_ERROR_INVALID_CONTEXT);
  ASSERT_CU(cuCtxSetCurrent(nullptr));
  ASSERT_CU(cuDevicePrimaryCtxSetFlags(1, CU_CTX_SCHED_BLOCKING_SYNC));
  ASSERT_CU(cuDevicePrimaryCtxGetState(1, &flags, &active));
  EXPECT_EQ(flags, static_cast<unsigned>(CU_CTX_SCHED_BLOCKING_SYNC));
}

TEST(Errors, NamesAndStrings) {
  const char* s = nullptr;
  ASSERT_CU(cuGetErrorName(CUDA_ERROR_ILLEGAL_ADDRESS, &s));
  EXPECT_STREQ(s, "CUDA_ERROR_ILLEGAL_ADDRESS");
  ASSERT_CU(cuGetErrorString(CUDA_ERROR_OUT_OF_MEMORY, &s));
  EXPECT_STREQ(s, "out of memory");
  EXPECT_EQ(cuGetErrorName(static_cast<CUresult>(123456), &s), CUDA_ERROR_INVALID_VALUE);
}

TEST(Fork, ChildOfAnInitializedProcessCannotUseCuda) {
  ASSERT_CU(cuInit(0));
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int n = 0;
    const bool ok = cuInit(0) == CUDA_ERROR_NOT_INITIALIZED &&
                    cuDeviceGetCount(&n) == CUDA_ERROR_NOT_INITIALIZED;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  int n = 0;
  EXPECT_CU(cuDeviceGetCount(&n));  // the parent is unaffected
}

TEST(Device, PeerAttributes) {
  ASSERT_CU(cuInit(0));
  int v = -1;
  ASSERT_CU(cuDeviceCanAccessPeer(&v, 0, 1));
  EXPECT_EQ(v, 1);
  ASSERT_CU(cuDeviceCanAccessPeer(&v, 0, 0));
  EXPECT_EQ(v, 0);
  ASSERT_CU(cuDeviceGetP2PAttribute(&v, CU_DEVICE_P2P_ATTRIBUTE_ACCESS_SUPPORTED, 0, 1));
  EXPECT_EQ(v, 1);
  EXPECT_EQ(cuDeviceGetP2PAttribute(&v, CU_DEVICE_P2P_ATTRIBUTE_ACCESS_SUPPORTED, 1, 1),
            CUDA_ERROR_INVALID_DEVICE);
}
