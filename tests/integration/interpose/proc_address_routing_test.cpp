// Runs with libgpuswap.so preloaded, reaching the driver the way the CUDA
// runtime does: dlopen, dlsym of cuGetProcAddress_v2, then cuGetProcAddress
// for everything else. Run twice: over cudasim's driver (end to end, calls
// included) and over symbolic_driver.cpp. Both answer with addresses bound
// inside the driver, as NVIDIA's does, so only the shim's own routing can
// produce a hook.
#include <cuda.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>

namespace {

std::string object_of(const void* fn) {
  Dl_info info{};
  if (fn == nullptr || dladdr(fn, &info) == 0 || info.dli_fname == nullptr) return "?";
  const std::string path = info.dli_fname;
  return path.substr(path.rfind('/') + 1);
}

// The shim's exported hook: dlsym on the global scope finds the preloaded
// definition first.
void* hook(const char* name) {
  return dlsym(RTLD_DEFAULT, name);
}

class ProcAddressRouting : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(object_of(hook("cuMemAlloc_v2")), "libgpuswap.so") << "run with the shim preloaded";
    driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(driver, nullptr) << dlerror();
    get_proc =
        reinterpret_cast<decltype(&cuGetProcAddress_v2)>(dlsym(driver, "cuGetProcAddress_v2"));
    ASSERT_NE(get_proc, nullptr);
  }

  void* lookup(const char* symbol, int version, cuuint64_t flags) {
    void* fn = nullptr;
    CUdriverProcAddressQueryResult status{};
    EXPECT_EQ(get_proc(symbol, &fn, version, flags, &status), CUDA_SUCCESS) << symbol;
    EXPECT_EQ(status, CU_GET_PROC_ADDRESS_SUCCESS) << symbol;
    return fn;
  }

  void* driver = nullptr;
  decltype(&cuGetProcAddress_v2) get_proc = nullptr;
};

TEST_F(ProcAddressRouting, DlsymOfGetProcAddressOnTheDriverHandleIsTheHook) {
  EXPECT_EQ(reinterpret_cast<void*>(get_proc), hook("cuGetProcAddress_v2"));
}

TEST_F(ProcAddressRouting, VersionedAnswersBecomeTheirHooks) {
  EXPECT_EQ(lookup("cuMemAlloc", 13000, CU_GET_PROC_ADDRESS_DEFAULT), hook("cuMemAlloc_v2"));
  EXPECT_EQ(lookup("cuMemcpyHtoD", 13000, CU_GET_PROC_ADDRESS_DEFAULT), hook("cuMemcpyHtoD_v2"));
  EXPECT_EQ(lookup("cuMemFree", 3020, CU_GET_PROC_ADDRESS_DEFAULT), hook("cuMemFree_v2"));
}

TEST_F(ProcAddressRouting, PerThreadFlagSelectsThePerThreadHook) {
  const cuuint64_t ptds = CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM;
  void* launch_ptsz = lookup("cuLaunchKernel", 13000, ptds);
  EXPECT_EQ(launch_ptsz, hook("cuLaunchKernel_ptsz"));
  EXPECT_NE(launch_ptsz, hook("cuLaunchKernel"));
  EXPECT_EQ(lookup("cuMemcpyHtoD", 13000, ptds), hook("cuMemcpyHtoD_v2_ptds"));
  EXPECT_EQ(lookup("cuStreamSynchronize", 13000, ptds), hook("cuStreamSynchronize_ptsz"));
  EXPECT_EQ(lookup("cuLaunchKernel", 13000, CU_GET_PROC_ADDRESS_LEGACY_STREAM),
            hook("cuLaunchKernel"));
}

TEST_F(ProcAddressRouting, UnhookedFunctionsKeepTheDriversPointer) {
  void* name = lookup("cuDeviceGetName", 13000, CU_GET_PROC_ADDRESS_DEFAULT);
  EXPECT_EQ(object_of(name), "libcuda.so.1");
  EXPECT_EQ(name, dlsym(driver, "cuDeviceGetName"));
}

TEST_F(ProcAddressRouting, AskingForGetProcAddressItselfReturnsTheHook) {
  EXPECT_EQ(lookup("cuGetProcAddress", 13000, CU_GET_PROC_ADDRESS_DEFAULT),
            hook("cuGetProcAddress_v2"));
  EXPECT_EQ(lookup("cuGetProcAddress", 11030, CU_GET_PROC_ADDRESS_DEFAULT),
            hook("cuGetProcAddress"));
}

TEST_F(ProcAddressRouting, DlsymRoutesOnlyHookedDriverNames) {
  EXPECT_EQ(dlsym(driver, "cuMemAlloc_v2"), hook("cuMemAlloc_v2"));
  EXPECT_EQ(object_of(dlsym(driver, "cuDeviceGetCount")), "libcuda.so.1");
  EXPECT_EQ(object_of(dlsym(driver, "cuDeviceGetName")), "libcuda.so.1");
}

TEST_F(ProcAddressRouting, RoutedPointersReachTheDriver) {
  auto init = reinterpret_cast<decltype(&cuInit)>(lookup("cuInit", 13000, 0));
  auto device_get = reinterpret_cast<decltype(&cuDeviceGet)>(lookup("cuDeviceGet", 13000, 0));
  auto retain = reinterpret_cast<decltype(&cuDevicePrimaryCtxRetain)>(
      lookup("cuDevicePrimaryCtxRetain", 13000, 0));
  auto set_current =
      reinterpret_cast<decltype(&cuCtxSetCurrent)>(lookup("cuCtxSetCurrent", 13000, 0));
  auto alloc = reinterpret_cast<decltype(&cuMemAlloc_v2)>(lookup("cuMemAlloc", 13000, 0));
  auto free_fn = reinterpret_cast<decltype(&cuMemFree_v2)>(lookup("cuMemFree", 13000, 0));
  auto memset = reinterpret_cast<decltype(&cuMemsetD32_v2)>(lookup("cuMemsetD32", 13000, 0));
  auto to_host = reinterpret_cast<decltype(&cuMemcpyDtoH_v2)>(lookup("cuMemcpyDtoH", 13000, 0));
  ASSERT_EQ(init(0), CUDA_SUCCESS);
  CUdevice device = 0;
  CUcontext context = nullptr;
  ASSERT_EQ(device_get(&device, 0), CUDA_SUCCESS);
  ASSERT_EQ(retain(&context, device), CUDA_SUCCESS);
  ASSERT_EQ(set_current(context), CUDA_SUCCESS);
  CUdeviceptr ptr = 0;
  ASSERT_EQ(alloc(&ptr, 4096), CUDA_SUCCESS);
  ASSERT_EQ(memset(ptr, 0x5a5a5a5au, 1024), CUDA_SUCCESS);
  unsigned int word = 0;
  ASSERT_EQ(to_host(&word, ptr + 4092, sizeof(word)), CUDA_SUCCESS);
  EXPECT_EQ(word, 0x5a5a5a5au);
  EXPECT_EQ(free_fn(ptr), CUDA_SUCCESS);
  EXPECT_NE(free_fn(ptr), CUDA_SUCCESS);  // the driver's own double-free error
}

}  // namespace
