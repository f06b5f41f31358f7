// Built with CUDA_API_PER_THREAD_DEFAULT_STREAM, as with nvcc
// --default-stream per-thread: cuda_runtime_api.h turns this file's
// cudaMemcpy, cudaMemcpyAsync, cudaLaunchKernel, ... into their _ptds/_ptsz
// forms, whose stream 0 is the calling thread's own default stream.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <future>
#include <thread>
#include <vector>

#include "test_kernels.h"

static_assert(CUDA_API_PER_THREAD_DEFAULT_STREAM, "this file tests the per-thread forms");

namespace cudasim_test {
namespace {

constexpr auto kPatience = std::chrono::seconds(20);  // only a hang takes this long

class PerThreadStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(register_test_kernels(), 0); }
  void SetUp() override {
    ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
    ASSERT_EQ(cudaMallocHost(reinterpret_cast<void**>(&release_), sizeof(int)), cudaSuccess);
    *release_ = 0;
  }
  void TearDown() override {
    release();
    EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    EXPECT_EQ(cudaFreeHost(release_), cudaSuccess);
  }
  void release() { __atomic_store_n(release_, 1, __ATOMIC_RELEASE); }

  // Holds the calling thread's default stream until release().
  cudaError_t hold_default_stream() {
    const int* release = release_;
    void* params[] = {&release};
    return cudaLaunchKernel(&kHold, dim3(1), dim3(1), params, 0, nullptr);
  }

  int* release_ = nullptr;
};

TEST_F(PerThreadStreamTest, ThreadsDefaultStreamsDoNotWaitForEachOther) {
  // Allocated and freed outside the held window: cudaFree waits for the device.
  float* device = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&device), 256 * sizeof(float)), cudaSuccess);
  ASSERT_EQ(hold_default_stream(), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(nullptr), cudaErrorNotReady);

  // Another thread's synchronous calls complete while this thread's default
  // stream is held; on the legacy default stream they would wait for it.
  auto other = std::async(std::launch::async, [device] {
    std::vector<float> in(256, 1.5f);
    std::vector<float> out(256, 0.0f);
    const bool ok = cudaMemcpy(device, in.data(), 1024, cudaMemcpyHostToDevice) == cudaSuccess &&
                    cudaMemset(device, 0, 16) == cudaSuccess &&
                    cudaMemcpy(out.data(), device, 1024, cudaMemcpyDeviceToHost) == cudaSuccess &&
                    cudaStreamSynchronize(nullptr) == cudaSuccess;
    return ok && out[0] == 0.0f && out[3] == 0.0f && out[4] == 1.5f && out[255] == 1.5f;
  });
  const bool finished = other.wait_for(kPatience) == std::future_status::ready;
  EXPECT_TRUE(finished) << "another thread's default stream waited for this one's";
  EXPECT_EQ(cudaStreamQuery(nullptr), cudaErrorNotReady) << "released too early";
  release();
  EXPECT_TRUE(other.get());
  EXPECT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

TEST_F(PerThreadStreamTest, WorkOnOneThreadsDefaultStreamStaysInOrder) {
  float* device = nullptr;
  ASSERT_EQ(cudaMalloc(reinterpret_cast<void**>(&device), 64 * sizeof(float)), cudaSuccess);
  // Pinned: a copy into pageable memory would wait for the held stream at once.
  float* out = nullptr;
  ASSERT_EQ(cudaMallocHost(reinterpret_cast<void**>(&out), 64 * sizeof(float)), cudaSuccess);
  std::memset(out, 0, 64 * sizeof(float));
  ASSERT_EQ(hold_default_stream(), cudaSuccess);
  float value = 2.5f;
  int n = 64;
  void* params[] = {&device, &value, &n};
  ASSERT_EQ(cudaLaunchKernel(&kFill, dim3(1), dim3(1), params, 0, nullptr), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(out, device, 64 * sizeof(float), cudaMemcpyDeviceToHost, nullptr),
            cudaSuccess);
  int after = 0;
  ASSERT_EQ(cudaLaunchHostFunc(
                nullptr, [](void* seen) { *static_cast<int*>(seen) = 1; }, &after),
            cudaSuccess);
  EXPECT_EQ(out[0], 0.0f);
  release();
  // cudaMemcpy here is the _ptds form: it waits for everything before it.
  float first = 0.0f;
  ASSERT_EQ(cudaMemcpy(&first, device, sizeof(float), cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(first, 2.5f);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(out[i], 2.5f) << i;
  EXPECT_EQ(after, 1);
  EXPECT_EQ(cudaFreeHost(out), cudaSuccess);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

}  // namespace
}  // namespace cudasim_test
