// Many host threads using one context at once: allocations, copies, kernels,
// events and VMM mappings interleave without deadlock or lost work.
#include <random>
#include <thread>
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

using Concurrency = DriverTest;

TEST_F(Concurrency, ThreadsShareAContext) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 60;
  CUfunction add = function("add_one");
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads + 1, 0);  // the last: the VMM thread
  CUevent shared_event = nullptr;
  ASSERT_CU(cuEventCreate(&shared_event, CU_EVENT_DISABLE_TIMING));
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      if (cuCtxSetCurrent(ctx_) != CUDA_SUCCESS) {
        ++failures[t];
        return;
      }
      CUstream s = nullptr;
      if (cuStreamCreate(&s, t % 2 == 0 ? CU_STREAM_NON_BLOCKING : CU_STREAM_DEFAULT) !=
          CUDA_SUCCESS) {
        ++failures[t];
        return;
      }
      for (int r = 0; r < kRounds; ++r) {
        int n = 1 + static_cast<int>(rng() % 20000);
        CUdeviceptr d = 0;
        if (cuMemAlloc(&d, sizeof(float) * static_cast<size_t>(n)) != CUDA_SUCCESS) {
          ++failures[t];
          break;
        }
        std::vector<float> host(static_cast<size_t>(n), static_cast<float>(r));
        float* p = reinterpret_cast<float*>(d);
        void* params[] = {&p, &n};
        bool ok =
            cuMemcpyHtoDAsync(d, host.data(), host.size() * sizeof(float), s) == CUDA_SUCCESS &&
            cuLaunchKernel(add, 1, 1, 1, 1, 1, 1, 0, s, params, nullptr) == CUDA_SUCCESS &&
            cuLaunchKernel(add, 1, 1, 1, 1, 1, 1, 0, s, params, nullptr) == CUDA_SUCCESS &&
            cuEventRecord(shared_event, s) == CUDA_SUCCESS &&
            cuStreamWaitEvent(nullptr, shared_event, 0) == CUDA_SUCCESS &&
            cuMemcpyDtoHAsync(host.data(), d, host.size() * sizeof(float), s) == CUDA_SUCCESS;
        ok = ok && host.front() == static_cast<float>(r + 2) &&
             host.back() == static_cast<float>(r + 2);
        ok = ok && cuMemFree(d) == CUDA_SUCCESS;
        if (!ok) ++failures[t];
      }
      if (cuStreamDestroy(s) != CUDA_SUCCESS) ++failures[t];
    });
  }
  // Meanwhile, map and unmap physical memory over and over.
  threads.emplace_back([&] {
    if (cuCtxSetCurrent(ctx_) != CUDA_SUCCESS) return;
    CUmemAllocationProp prop{};
    prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    CUdeviceptr va = 0;
    if (cuMemAddressReserve(&va, 4u << 20, 0, 0, 0) != CUDA_SUCCESS) return;
    CUmemAccessDesc desc{};
    desc.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    desc.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
    for (int r = 0; r < 100; ++r) {
      CUmemGenericAllocationHandle h = 0;
      bool ok = cuMemCreate(&h, 2u << 20, &prop, 0) == CUDA_SUCCESS &&
                cuMemMap(va, 2u << 20, 0, h, 0) == CUDA_SUCCESS &&
                cuMemSetAccess(va, 2u << 20, &desc, 1) == CUDA_SUCCESS &&
                cuMemsetD32(va, static_cast<unsigned>(r), 16) == CUDA_SUCCESS &&
                cuMemUnmap(va, 2u << 20) == CUDA_SUCCESS && cuMemRelease(h) == CUDA_SUCCESS;
      if (!ok) ++failures[kThreads];
    }
    if (cuMemAddressFree(va, 4u << 20) != CUDA_SUCCESS) ++failures[kThreads];
  });
  for (auto& th : threads) th.join();
  for (int t = 0; t <= kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  EXPECT_CU(cuCtxSynchronize());
  ASSERT_CU(cuEventDestroy(shared_event));
  size_t free = 0, total = 0;
  ASSERT_CU(cuMemGetInfo(&free, &total));
  EXPECT_EQ(free, total);
}
