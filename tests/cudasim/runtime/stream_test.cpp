#include <atomic>
#include <cstring>
#include <thread>

#include "runtime_test_support.h"

namespace cudasim_test {
namespace {

// Slots live in pinned host memory, which kernels may access (zero-copy), so
// a test can see the order in which work ran.
class StreamTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_EQ(cudaMallocHost(&slots_, 8 * sizeof(int)), cudaSuccess);
    std::memset(slots_, 0, 8 * sizeof(int));
    counter_ = slots_ + 7;
  }
  void TearDown() override {
    EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    EXPECT_EQ(cudaFreeHost(slots_), cudaSuccess);
    RuntimeTest::TearDown();
  }
  int* slots_ = nullptr;
  int* counter_ = nullptr;
};

TEST_F(StreamTest, WorkInOneStreamRunsInIssueOrder) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  // The first kernel sleeps longest: only stream order makes it finish first.
  ASSERT_EQ(launch(&kStamp, 1, 1, stream, slots_ + 0, counter_, 60), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, stream, slots_ + 1, counter_, 20), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, stream, slots_ + 2, counter_, 0), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(slots_[0], 1);
  EXPECT_EQ(slots_[1], 2);
  EXPECT_EQ(slots_[2], 3);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(StreamTest, WaitEventOrdersWorkAcrossStreams) {
  cudaStream_t first = nullptr;
  cudaStream_t second = nullptr;
  cudaEvent_t done = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&first, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaStreamCreateWithFlags(&second, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaEventCreateWithFlags(&done, cudaEventDisableTiming), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, first, slots_ + 0, counter_, 100), cudaSuccess);
  ASSERT_EQ(cudaEventRecord(done, first), cudaSuccess);
  ASSERT_EQ(cudaStreamWaitEvent(second, done, 0), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, second, slots_ + 1, counter_, 0), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(second), cudaSuccess);
  EXPECT_EQ(slots_[0], 1) << "the waiting stream ran before the event it waited for";
  EXPECT_EQ(slots_[1], 2);
  EXPECT_EQ(cudaEventDestroy(done), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(first), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(second), cudaSuccess);
}

TEST_F(StreamTest, IndependentStreamsDoNotWaitForEachOther) {
  cudaStream_t slow = nullptr;
  cudaStream_t fast = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&slow, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(cudaStreamCreateWithFlags(&fast, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, slow, slots_ + 0, slots_ + 6, 300), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, fast, slots_ + 1, counter_, 0), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(fast), cudaSuccess);
  EXPECT_EQ(slots_[1], 1);
  EXPECT_EQ(cudaStreamQuery(slow), cudaErrorNotReady);
  ASSERT_EQ(cudaStreamSynchronize(slow), cudaSuccess);
  EXPECT_EQ(slots_[0], 1);
  EXPECT_EQ(cudaStreamDestroy(slow), cudaSuccess);
  EXPECT_EQ(cudaStreamDestroy(fast), cudaSuccess);
}

TEST_F(StreamTest, QueryReportsNotReadyWithoutRecordingAnError) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(stream), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, stream, slots_, counter_, 200), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(stream), cudaErrorNotReady);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(stream), cudaSuccess);
  EXPECT_EQ(slots_[0], 1);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

struct CallbackRecord {
  int* slot = nullptr;
  int seen = -1;
  cudaError_t status = cudaErrorUnknown;
  cudaStream_t stream = nullptr;
};

void record_callback(cudaStream_t stream, cudaError_t status, void* data) {
  auto* record = static_cast<CallbackRecord*>(data);
  record->seen = *record->slot;
  record->status = status;
  record->stream = stream;
}

TEST_F(StreamTest, CallbacksAndHostFunctionsRunAfterEarlierWork) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  CallbackRecord record;
  record.slot = slots_;
  ASSERT_EQ(launch(&kStamp, 1, 1, stream, slots_, counter_, 50), cudaSuccess);
  ASSERT_EQ(cudaStreamAddCallback(stream, record_callback, &record, 0), cudaSuccess);
  std::atomic<int> host_seen{-1};
  struct HostWork {
    int* slot;
    std::atomic<int>* seen;
  } work{slots_ + 1, &host_seen};
  ASSERT_EQ(launch(&kStamp, 1, 1, stream, slots_ + 1, counter_, 20), cudaSuccess);
  ASSERT_EQ(cudaLaunchHostFunc(
                stream,
                [](void* data) {
                  auto* w = static_cast<HostWork*>(data);
                  w->seen->store(*w->slot);
                },
                &work),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(record.seen, 1);
  EXPECT_EQ(record.status, cudaSuccess);
  EXPECT_EQ(record.stream, stream);
  EXPECT_EQ(host_seen.load(), 2);
  EXPECT_EQ(cudaStreamAddCallback(stream, record_callback, &record, 1), cudaErrorInvalidValue);
  EXPECT_EQ(cudaLaunchHostFunc(stream, nullptr, nullptr), cudaErrorInvalidValue);
  cudaGetLastError();
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(StreamTest, CreationChecksFlagsAndAcceptsPriorities) {
  cudaStream_t stream = nullptr;
  EXPECT_EQ(cudaStreamCreateWithFlags(&stream, 0x10), cudaErrorInvalidValue);
  EXPECT_EQ(cudaStreamCreate(nullptr), cudaErrorInvalidValue);
  int least = 1;
  int greatest = 1;
  ASSERT_EQ(cudaDeviceGetStreamPriorityRange(&least, &greatest), cudaSuccess);
  EXPECT_LE(greatest, least);
  ASSERT_EQ(cudaStreamCreateWithPriority(&stream, cudaStreamNonBlocking, greatest), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, stream, slots_, counter_, 0), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(slots_[0], 1);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  cudaGetLastError();
}

TEST_F(StreamTest, LegacyAndPerThreadDefaultStreamsAreUsable) {
  float* device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 64 * sizeof(float)), cudaSuccess);
  float out[64] = {};
  ASSERT_EQ(launch(&kFill, 1, 1, cudaStreamPerThread, device, 4.0f, 64), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(out, device, sizeof(out), cudaMemcpyDeviceToHost, cudaStreamPerThread),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamPerThread), cudaSuccess);
  for (float v : out) ASSERT_EQ(v, 4.0f);
  ASSERT_EQ(launch(&kFill, 1, 1, cudaStreamLegacy, device, 5.0f, 64), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(out, device, sizeof(out), cudaMemcpyDeviceToHost, cudaStreamLegacy),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(cudaStreamLegacy), cudaSuccess);
  for (float v : out) ASSERT_EQ(v, 5.0f);
  EXPECT_EQ(cudaFree(device), cudaSuccess);
}

}  // namespace
}  // namespace cudasim_test
