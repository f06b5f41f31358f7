#include <cstring>
#include <thread>
#include <vector>

#include "runtime_test_support.h"

namespace cudasim_test {
namespace {

class MemoryTest : public RuntimeTest {};

constexpr size_t kDeviceMemory = size_t{64} << 20;  // CUDASIM_DEVICE_MEMORY of these tests

TEST_F(MemoryTest, MallocGivesDistinctDeviceMemory) {
  void* a = nullptr;
  void* b = nullptr;
  ASSERT_EQ(cudaMalloc(&a, 1000), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&b, 1000), cudaSuccess);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 256, 0u) << "CUDA aligns allocations to 256 bytes";
  cudaPointerAttributes attributes;
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, a), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeDevice);
  EXPECT_EQ(attributes.device, 0);
  EXPECT_EQ(attributes.devicePointer, a);
  EXPECT_EQ(attributes.hostPointer, nullptr);
  EXPECT_EQ(cudaFree(a), cudaSuccess);
  EXPECT_EQ(cudaFree(b), cudaSuccess);
}

TEST_F(MemoryTest, MallocOfZeroBytesIsNullAndSucceeds) {
  void* p = reinterpret_cast<void*>(0x1);
  EXPECT_EQ(cudaMalloc(&p, 0), cudaSuccess);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(cudaMalloc(nullptr, 16), cudaErrorInvalidValue);
}

TEST_F(MemoryTest, FreeOfNullInitialisesTheContextOnItsThread) {
  CUcontext before = reinterpret_cast<CUcontext>(0x1);
  CUcontext after = nullptr;
  cudaError_t result = cudaErrorUnknown;
  std::thread fresh([&] {
    DRIVER_FN(cuCtxGetCurrent)(&before);
    result = cudaFree(nullptr);
    DRIVER_FN(cuCtxGetCurrent)(&after);
  });
  fresh.join();
  EXPECT_EQ(before, nullptr);
  EXPECT_EQ(result, cudaSuccess);
  EXPECT_NE(after, nullptr);
}

TEST_F(MemoryTest, DoubleAndInvalidFreesAreErrorsNotCrashes) {
  void* p = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 4096), cudaSuccess);
  ASSERT_EQ(cudaFree(p), cudaSuccess);
  EXPECT_EQ(cudaFree(p), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  int on_stack = 0;
  EXPECT_EQ(cudaFree(&on_stack), cudaErrorInvalidValue);
  cudaGetLastError();
  // The device keeps working.
  ASSERT_EQ(cudaMalloc(&p, 4096), cudaSuccess);
  EXPECT_EQ(cudaFree(p), cudaSuccess);
}

TEST_F(MemoryTest, OutOfMemoryIsMemoryAllocationAndNotSticky) {
  void* p = reinterpret_cast<void*>(0x1234);
  EXPECT_EQ(cudaMalloc(&p, 2 * kDeviceMemory), cudaErrorMemoryAllocation);
  EXPECT_EQ(p, reinterpret_cast<void*>(0x1234)) << "a failed allocation writes no pointer";
  EXPECT_EQ(cudaPeekAtLastError(), cudaErrorMemoryAllocation);
  EXPECT_EQ(cudaGetLastError(), cudaErrorMemoryAllocation);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  // Filling the device and asking for one more block fails the same way.
  std::vector<void*> blocks;
  for (;;) {
    void* block = nullptr;
    const cudaError_t e = cudaMalloc(&block, 8 << 20);
    if (e != cudaSuccess) {
      EXPECT_EQ(e, cudaErrorMemoryAllocation);
      break;
    }
    blocks.push_back(block);
    ASSERT_LE(blocks.size(), 8u) << "more than 64 MiB handed out";
  }
  EXPECT_GE(blocks.size(), 6u);
  for (void* block : blocks) EXPECT_EQ(cudaFree(block), cudaSuccess);
  EXPECT_EQ(cudaGetLastError(), cudaErrorMemoryAllocation);
  ASSERT_EQ(cudaMalloc(&p, 8 << 20), cudaSuccess) << "memory is usable again after frees";
  EXPECT_EQ(cudaFree(p), cudaSuccess);
}

TEST_F(MemoryTest, MemGetInfoFollowsAllocations) {
  size_t free_before = 0;
  size_t total = 0;
  ASSERT_EQ(cudaMemGetInfo(&free_before, &total), cudaSuccess);
  EXPECT_EQ(total, kDeviceMemory);
  EXPECT_LE(free_before, total);
  void* p = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 16 << 20), cudaSuccess);
  size_t free_during = 0;
  ASSERT_EQ(cudaMemGetInfo(&free_during, &total), cudaSuccess);
  EXPECT_LE(free_during + (16 << 20), free_before);
  ASSERT_EQ(cudaFree(p), cudaSuccess);
  size_t free_after = 0;
  ASSERT_EQ(cudaMemGetInfo(&free_after, &total), cudaSuccess);
  EXPECT_EQ(free_after, free_before);
  EXPECT_EQ(cudaMemGetInfo(nullptr, &total), cudaErrorInvalidValue);
}

TEST_F(MemoryTest, PinnedHostMemoryIsHostTypeAndUsable) {
  char* pinned = nullptr;
  ASSERT_EQ(cudaMallocHost(&pinned, 8192), cudaSuccess);
  ASSERT_NE(pinned, nullptr);
  std::memset(pinned, 0x5a, 8192);  // plain host memory to the CPU
  cudaPointerAttributes attributes;
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, pinned + 100), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeHost);
  EXPECT_EQ(attributes.hostPointer, pinned + 100);
  EXPECT_EQ(cudaFreeHost(pinned), cudaSuccess);

  void* mapped = nullptr;
  ASSERT_EQ(cudaHostAlloc(&mapped, 4096, cudaHostAllocMapped | cudaHostAllocPortable), cudaSuccess);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, mapped), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeHost);
  EXPECT_NE(attributes.devicePointer, nullptr);
  EXPECT_EQ(cudaFreeHost(mapped), cudaSuccess);

  EXPECT_EQ(cudaHostAlloc(&mapped, 4096, 0x100), cudaErrorInvalidValue);
  EXPECT_EQ(cudaFreeHost(nullptr), cudaSuccess);
  int on_stack = 0;
  EXPECT_NE(cudaFreeHost(&on_stack), cudaSuccess);
  cudaGetLastError();
}

TEST_F(MemoryTest, PlainHostMemoryIsUnregistered) {
  std::vector<int> host(16);
  cudaPointerAttributes attributes;
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, host.data()), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeUnregistered);
  EXPECT_EQ(attributes.devicePointer, nullptr);
  EXPECT_EQ(attributes.hostPointer, host.data());
  EXPECT_EQ(cudaPointerGetAttributes(nullptr, host.data()), cudaErrorInvalidValue);
}

TEST_F(MemoryTest, PitchedAllocationHoldsRowsApart) {
  constexpr size_t kWidth = 100;  // bytes per row
  constexpr size_t kHeight = 5;
  char* device = nullptr;
  size_t pitch = 0;
  ASSERT_EQ(cudaMallocPitch(reinterpret_cast<void**>(&device), &pitch, kWidth, kHeight),
            cudaSuccess);
  EXPECT_GE(pitch, kWidth);
  std::vector<char> rows(kWidth * kHeight);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<char>(i * 7 + 1);
  ASSERT_EQ(
      cudaMemcpy2D(device, pitch, rows.data(), kWidth, kWidth, kHeight, cudaMemcpyHostToDevice),
      cudaSuccess);
  // Row r starts at device + r * pitch.
  std::vector<char> row(kWidth);
  for (size_t r = 0; r < kHeight; ++r) {
    ASSERT_EQ(cudaMemcpy(row.data(), device + r * pitch, kWidth, cudaMemcpyDeviceToHost),
              cudaSuccess);
    EXPECT_EQ(std::memcmp(row.data(), rows.data() + r * kWidth, kWidth), 0) << "row " << r;
  }
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

}  // namespace
}  // namespace cudasim_test
