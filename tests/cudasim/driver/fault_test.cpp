// Device work that touches memory that is not mapped, not accessible or
// freed is detected: the context gets the sticky CUDA_ERROR_ILLEGAL_ADDRESS.
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

namespace {

constexpr size_t kGran = 2 << 20;

class Fault : public DriverTest {
 protected:
  // Launches add_one over `n` floats at `p` on the legacy stream and syncs.
  CUresult touch(CUdeviceptr p, int n = 16) {
    float* ptr = reinterpret_cast<float*>(p);
    void* params[] = {&ptr, &n};
    CUresult rc =
        cuLaunchKernel(function("add_one"), 1, 1, 1, 1, 1, 1, 0, nullptr, params, nullptr);
    if (rc != CUDA_SUCCESS) return rc;
    return cuCtxSynchronize();
  }
};

}  // namespace

TEST_F(Fault, KernelOnUnmappedRangeIsStickyIllegalAddress) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  EXPECT_EQ(touch(va), CUDA_ERROR_ILLEGAL_ADDRESS);
  // Sticky: every later call on the context reports it.
  CUdeviceptr p = 0;
  EXPECT_EQ(cuMemAlloc(&p, 4096), CUDA_ERROR_ILLEGAL_ADDRESS);
  EXPECT_EQ(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS);
  CUstream s = nullptr;
  EXPECT_EQ(cuStreamCreate(&s, 0), CUDA_ERROR_ILLEGAL_ADDRESS);
  ASSERT_CU(cuMemAddressFree(va, kGran));  // VMM calls do not need the context
}

TEST_F(Fault, KernelOnNotYetAccessibleMapping) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = 0;
  CUmemGenericAllocationHandle h = 0;
  ASSERT_CU(cuMemCreate(&h, kGran, &prop, 0));
  ASSERT_CU(cuMemMap(va, kGran, 0, h, 0));
  EXPECT_EQ(touch(va), CUDA_ERROR_ILLEGAL_ADDRESS);
  ASSERT_CU(cuMemUnmap(va, kGran));
  ASSERT_CU(cuMemRelease(h));
  ASSERT_CU(cuMemAddressFree(va, kGran));
}

TEST_F(Fault, KernelWritingReadOnlyMapping) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  CUmemGenericAllocationHandle h = 0;
  ASSERT_CU(cuMemCreate(&h, kGran, &prop, 0));
  ASSERT_CU(cuMemMap(va, kGran, 0, h, 0));
  CUmemAccessDesc d{};
  d.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  d.flags = CU_MEM_ACCESS_FLAGS_PROT_READ;
  ASSERT_CU(cuMemSetAccess(va, kGran, &d, 1));
  std::vector<float> out(16, 1.0f);
  ASSERT_CU(cuMemcpyDtoH(out.data(), va, 64));  // reading is fine
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(touch(va), CUDA_ERROR_ILLEGAL_ADDRESS);  // writing is not
  ASSERT_CU(cuMemUnmap(va, kGran));
  ASSERT_CU(cuMemRelease(h));
  ASSERT_CU(cuMemAddressFree(va, kGran));
}

TEST_F(Fault, KernelOnFreedAllocation) {
  CUdeviceptr p = 0;
  ASSERT_CU(cuMemAlloc(&p, 4096));
  ASSERT_CU(touch(p));
  ASSERT_CU(cuMemFree(p));
  EXPECT_EQ(touch(p), CUDA_ERROR_ILLEGAL_ADDRESS);
}

TEST_F(Fault, CopyAndMemsetOnUnmappedMemory) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  std::vector<char> buf(4096);
  EXPECT_EQ(cuMemcpyHtoD(va, buf.data(), buf.size()), CUDA_ERROR_ILLEGAL_ADDRESS);
  ASSERT_CU(cuMemAddressFree(va, kGran));
}

TEST_F(Fault, MemsetOnUnmappedMemoryAndLaterWorkSkipped) {
  CUdeviceptr va = 0, good = 0;
  ASSERT_CU(cuMemAlloc(&good, 4096));
  ASSERT_CU(cuMemsetD32(good, 1, 1024));
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  ASSERT_CU(cuMemsetD8Async(va, 1, 100, s));
  // Enqueued behind the fault: skipped, as the GPU skips it.
  const CUresult rc = cuMemsetD32Async(good, 2, 1024, s);
  EXPECT_TRUE(rc == CUDA_SUCCESS || rc == CUDA_ERROR_ILLEGAL_ADDRESS);
  EXPECT_EQ(cuStreamSynchronize(s), CUDA_ERROR_ILLEGAL_ADDRESS);
  EXPECT_EQ(reinterpret_cast<unsigned*>(good)[7], 1u);
  ASSERT_CU(cuMemAddressFree(va, kGran));
}

TEST_F(Fault, OtherContextsAreUnaffected) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  EXPECT_EQ(touch(va), CUDA_ERROR_ILLEGAL_ADDRESS);
  CUcontext other = nullptr;
  ASSERT_CU(cuCtxCreate(&other, nullptr, 0, 0));
  CUdeviceptr p = 0;
  ASSERT_CU(cuMemAlloc(&p, 4096));
  ASSERT_CU(cuMemFree(p));
  ASSERT_CU(cuCtxDestroy(other));
  ASSERT_CU(cuCtxSetCurrent(ctx_));
  ASSERT_CU(cuMemAddressFree(va, kGran));
}

TEST_F(Fault, UnmapDoesNotWaitForWorkInFlight) {
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  CUmemGenericAllocationHandle h = 0;
  ASSERT_CU(cuMemCreate(&h, kGran, &prop, 0));
  ASSERT_CU(cuMemMap(va, kGran, 0, h, 0));
  CUmemAccessDesc d{};
  d.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  d.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  ASSERT_CU(cuMemSetAccess(va, kGran, &d, 1));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  int* ptr = reinterpret_cast<int*>(va);
  int n = 16, value = 1, sleep_ms = 100;
  void* params[] = {&ptr, &n, &value, &sleep_ms};
  ASSERT_CU(cuLaunchKernel(function("slow_fill"), 1, 1, 1, 1, 1, 1, 0, s, params, nullptr));
  // The kernel is still sleeping: unmapping returns at once and the kernel,
  // when it writes, touches memory that is gone.
  ASSERT_CU(cuMemUnmap(va, kGran));
  ASSERT_CU(cuMemRelease(h));
  EXPECT_EQ(cuStreamSynchronize(s), CUDA_ERROR_ILLEGAL_ADDRESS);
  ASSERT_CU(cuMemAddressFree(va, kGran));
}

TEST_F(Fault, CallbacksAfterAFaultSeeTheError) {
  CUdeviceptr va = 0, good = 0;
  ASSERT_CU(cuMemAddressReserve(&va, kGran, 0, 0, 0));
  ASSERT_CU(cuMemAlloc(&good, 64));
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  struct Seen {
    CUresult status = CUDA_SUCCESS;
    bool host_fn_ran = false;
  } seen;
  // A slow kernel first, so that everything below is enqueued before the fault.
  int* ptr = reinterpret_cast<int*>(good);
  int n = 16, value = 1, sleep_ms = 150;
  void* params[] = {&ptr, &n, &value, &sleep_ms};
  ASSERT_CU(cuLaunchKernel(function("slow_fill"), 1, 1, 1, 1, 1, 1, 0, s, params, nullptr));
  ASSERT_CU(cuMemsetD32Async(va, 1, 16, s));
  ASSERT_CU(cuLaunchHostFunc(
      s, [](void* u) { static_cast<Seen*>(u)->host_fn_ran = true; }, &seen));
  ASSERT_CU(cuStreamAddCallback(
      s, [](CUstream, CUresult status, void* u) { static_cast<Seen*>(u)->status = status; }, &seen,
      0));
  EXPECT_EQ(cuStreamSynchronize(s), CUDA_ERROR_ILLEGAL_ADDRESS);
  EXPECT_FALSE(seen.host_fn_ran);  // host functions are skipped like device work
  EXPECT_EQ(seen.status, CUDA_ERROR_ILLEGAL_ADDRESS);  // callbacks run with the error
  ASSERT_CU(cuMemAddressFree(va, kGran));
}
