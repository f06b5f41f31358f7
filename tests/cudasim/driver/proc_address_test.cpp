// cuGetProcAddress answers with the versioned function the real driver
// would, and every entry of the list is exported under its own name.
#include <dlfcn.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "driver_test_util.h"
#include "entry_points.h"

namespace {

void* lookup(const char* name, int version, cuuint64_t flags = 0,
             CUdriverProcAddressQueryResult* st = nullptr) {
  void* fn = nullptr;
  CUdriverProcAddressQueryResult local;
  if (cuGetProcAddress(name, &fn, version, flags, st != nullptr ? st : &local) != CUDA_SUCCESS)
    return nullptr;
  return fn;
}

void* sym(const char* name) {
  return dlsym(RTLD_DEFAULT, name);
}

}  // namespace

TEST(ProcAddress, VersionedNames) {
  EXPECT_EQ(lookup("cuMemAlloc", 13000), sym("cuMemAlloc_v2"));
  EXPECT_EQ(lookup("cuMemAlloc", 3020), sym("cuMemAlloc_v2"));
  // Before 3.2: the legacy 32-bit ABI under the plain name.
  EXPECT_EQ(lookup("cuMemAlloc", 2000), sym("cuMemAlloc"));
  EXPECT_NE(sym("cuMemAlloc"), sym("cuMemAlloc_v2"));
  EXPECT_EQ(lookup("cuMemcpyHtoD", 2000), sym("cuMemcpyHtoD"));
  EXPECT_EQ(lookup("cuCtxCreate", 13000), sym("cuCtxCreate_v4"));
  EXPECT_EQ(lookup("cuCtxCreate", 11040), sym("cuCtxCreate_v3"));
  EXPECT_EQ(lookup("cuCtxCreate", 3020), sym("cuCtxCreate_v2"));
  EXPECT_EQ(lookup("cuEventDestroy", 4000), sym("cuEventDestroy_v2"));
  EXPECT_EQ(lookup("cuDevicePrimaryCtxRelease", 11000), sym("cuDevicePrimaryCtxRelease_v2"));
  EXPECT_EQ(lookup("cuDevicePrimaryCtxRelease", 7000), sym("cuDevicePrimaryCtxRelease"));
  EXPECT_EQ(lookup("cuGetProcAddress", 12000), reinterpret_cast<void*>(&cuGetProcAddress_v2));
  EXPECT_EQ(lookup("cuGetProcAddress", 11030), sym("cuGetProcAddress"));
  EXPECT_EQ(lookup("cuCtxSynchronize", 13000), sym("cuCtxSynchronize_v2"));
  EXPECT_EQ(lookup("cuGraphInstantiate", 13000), sym("cuGraphInstantiateWithFlags"));
  EXPECT_EQ(lookup("cuGraphInstantiate", 11000), sym("cuGraphInstantiate_v2"));
  EXPECT_EQ(lookup("cuGraphAddKernelNode", 12000), sym("cuGraphAddKernelNode_v2"));
  EXPECT_EQ(lookup("cuGraphLaunch", 13000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM),
            sym("cuGraphLaunch_ptsz"));
  EXPECT_NE(lookup("cuCtxSynchronize", 13000), lookup("cuCtxSynchronize", 12000));
}

TEST(ProcAddress, PerThreadVariants) {
  const auto pt = CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM;
  EXPECT_EQ(lookup("cuMemcpyHtoD", 13000, pt), sym("cuMemcpyHtoD_v2_ptds"));
  EXPECT_EQ(lookup("cuMemcpyHtoDAsync", 13000, pt), sym("cuMemcpyHtoDAsync_v2_ptsz"));
  EXPECT_EQ(lookup("cuLaunchKernel", 13000, pt), sym("cuLaunchKernel_ptsz"));
  EXPECT_EQ(lookup("cuLaunchKernel", 13000, CU_GET_PROC_ADDRESS_LEGACY_STREAM),
            sym("cuLaunchKernel"));
  EXPECT_EQ(lookup("cuStreamSynchronize", 13000, pt), sym("cuStreamSynchronize_ptsz"));
  EXPECT_EQ(lookup("cuMemsetD8", 13000, pt), sym("cuMemsetD8_v2_ptds"));
  EXPECT_EQ(lookup("cuMemcpy", 13000, pt), sym("cuMemcpy_ptds"));
  EXPECT_EQ(lookup("cuEventRecord", 13000, pt), sym("cuEventRecord_ptsz"));
  EXPECT_EQ(lookup("cuMemAlloc", 13000, pt), sym("cuMemAlloc_v2"));  // no per-thread form
  void* fn = nullptr;
  EXPECT_EQ(cuGetProcAddress("cuInit", &fn, 13000, 4, nullptr), CUDA_ERROR_INVALID_VALUE);
}

TEST(ProcAddress, NotFoundAndTooOld) {
  CUdriverProcAddressQueryResult st = CU_GET_PROC_ADDRESS_SUCCESS;
  void* fn = reinterpret_cast<void*>(0x1);
  EXPECT_EQ(cuGetProcAddress("", &fn, 13000, 0, &st), CUDA_ERROR_NOT_FOUND);
  EXPECT_EQ(st, CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
  EXPECT_EQ(fn, nullptr);
  EXPECT_EQ(cuGetProcAddress("cuNoSuchThing", &fn, 13000, 0, &st), CUDA_ERROR_NOT_FOUND);
  EXPECT_EQ(st, CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
  EXPECT_EQ(cuGetProcAddress("cuMemAddressReserve", &fn, 10010, 0, &st), CUDA_ERROR_NOT_FOUND);
  EXPECT_EQ(st, CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT);
  EXPECT_EQ(cuGetProcAddress("cuMemAddressReserve", &fn, 10020, 0, &st), CUDA_SUCCESS);
  EXPECT_EQ(st, CU_GET_PROC_ADDRESS_SUCCESS);
  EXPECT_EQ(cuGetProcAddress("cuInit", nullptr, 13000, 0, &st), CUDA_ERROR_INVALID_VALUE);
}

// Every function of the list is exported under its name, and the table
// answers with exactly that export.
TEST(ProcAddress, TableMatchesExports) {
  struct Row {
    const char* name;
    int version;
    const char* fn;
    const char* pt;
  };
#define CUDASIM_ROW(name, version, fn, pt) {name, version, #fn, #pt},
  const Row rows[] = {CUDASIM_ENTRY_POINTS(CUDASIM_ROW)};
#undef CUDASIM_ROW
  for (const Row& r : rows) {
    ASSERT_NE(sym(r.fn), nullptr) << r.fn;
    ASSERT_NE(sym(r.pt), nullptr) << r.pt;
    void* got = nullptr;
    CUdriverProcAddressQueryResult st;
    ASSERT_CU(cuGetProcAddress(r.name, &got, r.version, 0, &st)) << r.name << " " << r.version;
    EXPECT_EQ(got, sym(r.fn)) << r.name << " " << r.version;
    ASSERT_CU(cuGetProcAddress(r.name, &got, r.version,
                               CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, &st));
    EXPECT_EQ(got, sym(r.pt)) << r.name;
  }
  // cudasim's own entry points are exported too.
  EXPECT_NE(sym("cudasimRegisterKernel"), nullptr);
  EXPECT_NE(sym("cudasimModuleImage"), nullptr);
}

// A sample of what the CUDA 13 runtime asks for at start-up, as recorded in
// the reference table: each is answered.
TEST(ProcAddress, RuntimeStartupRequests) {
  const struct {
    const char* name;
    int version;
    cuuint64_t flags;
  } asked[] = {
      {"cuInit", 2000, 0},
      {"cuGetProcAddress", 12000, 0},
      {"cuDeviceGet", 2000, 0},
      {"cuDeviceTotalMem", 3020, 0},
      {"cuDeviceGetUuid", 9020, 0},
      {"cuDevicePrimaryCtxRelease", 7000, 0},
      {"cuCtxCreate", 3020, 0},
      {"cuCtxGetDevice", 13000, 0},
      {"cuCtxSynchronize", 13000, 0},
      {"cuModuleLoadData", 2000, 0},
      {"cuLibraryGetKernel", 12000, 0},
      {"cuKernelGetParamInfo", 12040, 0},
      {"cuMemGetInfo", 3020, 0},
      {"cuMemAllocAsync", 11020, 2},
      {"cuMemcpyHtoDAsync", 7000, 2},
      {"cuMemcpy3DPeerAsync", 7000, 2},
      {"cuMemsetD2D8Async", 7000, 2},
      {"cuFuncGetParamInfo", 12040, 0},
      {"cuLaunchKernelEx", 11060, 2},
      {"cuEventRecordWithFlags", 11010, 2},
      {"cuEventElapsedTime", 12080, 0},
      {"cuStreamGetCtx", 9020, 0},
      {"cuStreamGetId", 12000, 2},
      {"cuGetErrorName", 6000, 0},
  };
  for (const auto& a : asked) {
    void* fn = nullptr;
    CUdriverProcAddressQueryResult st;
    EXPECT_EQ(cuGetProcAddress(a.name, &fn, a.version, a.flags, &st), CUDA_SUCCESS) << a.name;
    EXPECT_NE(fn, nullptr) << a.name;
  }
}
