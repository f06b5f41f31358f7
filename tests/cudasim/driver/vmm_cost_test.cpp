// CUDASIM_VMM_COST=h200 (set for this executable in CMakeLists.txt): the
// memory-management calls hold their caller at least as long as the card
// they model did. Only lower bounds are checked; the spin guarantees them.
#include <chrono>

#include "driver_test_util.h"

using namespace cudasim_test;

namespace {

constexpr size_t kMiB = 1 << 20;

double elapsed_us(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - since)
      .count();
}

}  // namespace

using VmmCost = DriverTest;

TEST_F(VmmCost, MappingCallsTakeWhatTheCardTook) {
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = 0;
  CUmemAccessDesc access{};
  access.location = prop.location;
  access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  CUdeviceptr va = 0;
  ASSERT_CU(cuMemAddressReserve(&va, 16 * kMiB, 0, 0, 0));
  CUmemGenericAllocationHandle chunks[8] = {};

  auto started = std::chrono::steady_clock::now();
  for (auto& chunk : chunks) ASSERT_CU(cuMemCreate(&chunk, 2 * kMiB, &prop, 0));
  EXPECT_GE(elapsed_us(started), 8 * 9.2 * 0.99);
  for (int i = 0; i < 8; ++i) ASSERT_CU(cuMemMap(va + i * 2 * kMiB, 2 * kMiB, 0, chunks[i], 0));
  started = std::chrono::steady_clock::now();
  ASSERT_CU(cuMemSetAccess(va, 16 * kMiB, &access, 1));
  EXPECT_GE(elapsed_us(started), 194.5 * 0.99);
  started = std::chrono::steady_clock::now();
  for (int i = 0; i < 8; ++i) ASSERT_CU(cuMemUnmap(va + i * 2 * kMiB, 2 * kMiB));
  EXPECT_GE(elapsed_us(started), 8 * 16.1 * 0.99);
  started = std::chrono::steady_clock::now();
  for (auto& chunk : chunks) ASSERT_CU(cuMemRelease(chunk));
  EXPECT_GE(elapsed_us(started), 8 * 10.8 * 0.99);
  ASSERT_CU(cuMemAddressFree(va, 16 * kMiB));
}

TEST_F(VmmCost, PlainAllocationsCostToo) {
  CUdeviceptr p = 0;
  auto started = std::chrono::steady_clock::now();
  ASSERT_CU(cuMemAlloc(&p, 16 * kMiB));
  EXPECT_GE(elapsed_us(started), 41.3 * 0.99);
  started = std::chrono::steady_clock::now();
  ASSERT_CU(cuMemFree(p));
  EXPECT_GE(elapsed_us(started), 44.2 * 0.99);
  EXPECT_EQ(cuMemFree(p), CUDA_ERROR_INVALID_VALUE);  // a refused call is still refused
}
