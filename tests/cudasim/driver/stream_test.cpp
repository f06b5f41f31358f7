// Stream order, events, legacy default stream semantics, callbacks, timing.
#include <atomic>
#include <chrono>
#include <vector>

#include "driver_test_util.h"

using namespace cudasim_test;

using Streams = DriverTest;

namespace {

CUresult slow_fill(CUfunction f, CUdeviceptr p, int n, int value, int ms, CUstream s) {
  int* ptr = reinterpret_cast<int*>(p);
  void* params[] = {&ptr, &n, &value, &ms};
  return cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, s, params, nullptr);
}

CUresult copy_int(CUfunction f, CUdeviceptr dst, CUdeviceptr src, int n, CUstream s) {
  int* d = reinterpret_cast<int*>(dst);
  const int* sp = reinterpret_cast<const int*>(src);
  void* params[] = {&d, &sp, &n};
  return cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, s, params, nullptr);
}

std::vector<int> read(CUdeviceptr p, int n) {
  std::vector<int> v(static_cast<size_t>(n));
  EXPECT_CU(cuMemcpyDtoH(v.data(), p, sizeof(int) * static_cast<size_t>(n)));
  return v;
}

}  // namespace

TEST_F(Streams, InOrderWithinAStream) {
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAlloc(&a, 64));
  ASSERT_CU(cuMemAlloc(&b, 64));
  ASSERT_CU(slow_fill(function("slow_fill"), a, 16, 5, 60, s));
  ASSERT_CU(copy_int(function("copy_int"), b, a, 16, s));
  EXPECT_EQ(cuStreamQuery(s), CUDA_ERROR_NOT_READY);
  ASSERT_CU(cuStreamSynchronize(s));
  EXPECT_CU(cuStreamQuery(s));
  EXPECT_EQ(read(b, 16), std::vector<int>(16, 5));
  unsigned flags = 0;
  ASSERT_CU(cuStreamGetFlags(s, &flags));
  EXPECT_EQ(flags, static_cast<unsigned>(CU_STREAM_NON_BLOCKING));
  CUcontext c = nullptr;
  ASSERT_CU(cuStreamGetCtx(s, &c));
  EXPECT_EQ(c, ctx_);
  ASSERT_CU(cuStreamDestroy(s));
  EXPECT_EQ(cuStreamSynchronize(s), CUDA_ERROR_INVALID_HANDLE);
}

TEST_F(Streams, CrossStreamEventWait) {
  CUstream a = nullptr, b = nullptr;
  ASSERT_CU(cuStreamCreate(&a, CU_STREAM_NON_BLOCKING));
  ASSERT_CU(cuStreamCreate(&b, CU_STREAM_NON_BLOCKING));
  CUevent e = nullptr;
  ASSERT_CU(cuEventCreate(&e, CU_EVENT_DISABLE_TIMING));
  CUdeviceptr x = 0, y = 0;
  ASSERT_CU(cuMemAlloc(&x, 64));
  ASSERT_CU(cuMemAlloc(&y, 64));
  ASSERT_CU(cuMemsetD32(x, 0, 16));
  ASSERT_CU(slow_fill(function("slow_fill"), x, 16, 42, 80, a));
  ASSERT_CU(cuEventRecord(e, a));
  EXPECT_EQ(cuEventQuery(e), CUDA_ERROR_NOT_READY);
  ASSERT_CU(cuStreamWaitEvent(b, e, 0));
  // Recording again later does not move what b already waits for: b is done
  // while a is still busy with the work before the second record.
  CUdeviceptr w = 0;
  ASSERT_CU(cuMemAlloc(&w, 64));
  ASSERT_CU(slow_fill(function("slow_fill"), w, 16, 7, 300, a));
  ASSERT_CU(cuEventRecord(e, a));
  ASSERT_CU(copy_int(function("copy_int"), y, x, 16, b));
  ASSERT_CU(cuStreamSynchronize(b));
  EXPECT_EQ(cuStreamQuery(a), CUDA_ERROR_NOT_READY);
  EXPECT_EQ(read(y, 16), std::vector<int>(16, 42));
  ASSERT_CU(cuEventSynchronize(e));
  EXPECT_CU(cuEventQuery(e));
  float ms = 0;
  EXPECT_EQ(cuEventElapsedTime(&ms, e, e), CUDA_ERROR_INVALID_HANDLE);  // timing disabled
  ASSERT_CU(cuEventDestroy(e));
  EXPECT_EQ(cuEventQuery(e), CUDA_ERROR_INVALID_HANDLE);
  ASSERT_CU(cuStreamDestroy(a));
  ASSERT_CU(cuStreamDestroy(b));
}

TEST_F(Streams, LegacyDefaultStreamSynchronizesBlockingStreams) {
  CUstream blocking = nullptr, nonblocking = nullptr;
  ASSERT_CU(cuStreamCreate(&blocking, CU_STREAM_DEFAULT));
  ASSERT_CU(cuStreamCreate(&nonblocking, CU_STREAM_NON_BLOCKING));
  CUdeviceptr x = 0, y = 0, z = 0;
  ASSERT_CU(cuMemAlloc(&x, 64));
  ASSERT_CU(cuMemAlloc(&y, 64));
  ASSERT_CU(cuMemAlloc(&z, 64));
  ASSERT_CU(cuMemsetD32(x, 0, 16));
  ASSERT_CU(cuMemsetD32(z, 0, 16));
  // Null-stream work waits for earlier work of a blocking stream ...
  ASSERT_CU(slow_fill(function("slow_fill"), x, 16, 3, 80, blocking));
  ASSERT_CU(copy_int(function("copy_int"), y, x, 16, nullptr));
  ASSERT_CU(cuStreamSynchronize(nullptr));
  EXPECT_EQ(read(y, 16), std::vector<int>(16, 3));
  // ... and work on a blocking stream waits for earlier null-stream work.
  ASSERT_CU(slow_fill(function("slow_fill"), x, 16, 4, 80, nullptr));
  ASSERT_CU(copy_int(function("copy_int"), y, x, 16, blocking));
  ASSERT_CU(cuStreamSynchronize(blocking));
  EXPECT_EQ(read(y, 16), std::vector<int>(16, 4));
  // A non-blocking stream is exempt: it runs while the null stream is busy.
  ASSERT_CU(slow_fill(function("slow_fill"), x, 16, 5, 300, nullptr));
  ASSERT_CU(slow_fill(function("slow_fill"), z, 16, 9, 0, nonblocking));
  ASSERT_CU(cuStreamSynchronize(nonblocking));
  EXPECT_EQ(cuStreamQuery(nullptr), CUDA_ERROR_NOT_READY);
  ASSERT_CU(cuCtxSynchronize());
  EXPECT_EQ(read(z, 16), std::vector<int>(16, 9));
  EXPECT_EQ(read(x, 16), std::vector<int>(16, 5));
  ASSERT_CU(cuStreamDestroy(blocking));
  ASSERT_CU(cuStreamDestroy(nonblocking));
}

TEST_F(Streams, PerThreadStreamThroughProcAddress) {
  void* launch_ptsz = nullptr;
  void* sync_ptsz = nullptr;
  ASSERT_CU(cuGetProcAddress("cuLaunchKernel", &launch_ptsz, 13000,
                             CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, nullptr));
  ASSERT_CU(cuGetProcAddress("cuStreamSynchronize", &sync_ptsz, 13000,
                             CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, nullptr));
  CUdeviceptr x = 0, y = 0;
  ASSERT_CU(cuMemAlloc(&x, 64));
  ASSERT_CU(cuMemAlloc(&y, 64));
  ASSERT_CU(cuMemsetD32(x, 0, 16));
  int* p = reinterpret_cast<int*>(x);
  int n = 16, v = 6, ms = 80;
  void* params[] = {&p, &n, &v, &ms};
  // Stream 0 in the _ptsz form is this thread's stream, not the legacy one ...
  ASSERT_CU(reinterpret_cast<decltype(&cuLaunchKernel)>(launch_ptsz)(
      function("slow_fill"), 1, 1, 1, 1, 1, 1, 0, nullptr, params, nullptr));
  EXPECT_CU(cuStreamQuery(CU_STREAM_LEGACY) == CUDA_SUCCESS ? CUDA_SUCCESS : CUDA_ERROR_UNKNOWN);
  EXPECT_EQ(cuStreamQuery(CU_STREAM_PER_THREAD), CUDA_ERROR_NOT_READY);
  // ... but it still synchronises with the legacy stream.
  ASSERT_CU(copy_int(function("copy_int"), y, x, 16, CU_STREAM_LEGACY));
  ASSERT_CU(reinterpret_cast<decltype(&cuStreamSynchronize)>(sync_ptsz)(nullptr));
  ASSERT_CU(cuStreamSynchronize(CU_STREAM_LEGACY));
  EXPECT_EQ(read(y, 16), std::vector<int>(16, 6));
}

TEST_F(Streams, HostFunctionsAndCallbacksInOrder) {
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, 64));
  struct State {
    CUdeviceptr x;
    int seen = -1;
    std::vector<int> order;
    CUresult status = CUDA_ERROR_UNKNOWN;
  } st{x};
  ASSERT_CU(slow_fill(function("slow_fill"), x, 16, 8, 50, s));
  ASSERT_CU(cuLaunchHostFunc(
      s,
      [](void* u) {
        auto* st = static_cast<State*>(u);
        st->seen = reinterpret_cast<int*>(st->x)[0];
        st->order.push_back(1);
      },
      &st));
  ASSERT_CU(cuStreamAddCallback(
      s,
      [](CUstream, CUresult status, void* u) {
        auto* st = static_cast<State*>(u);
        st->status = status;
        st->order.push_back(2);
      },
      &st, 0));
  EXPECT_EQ(cuStreamAddCallback(s, nullptr, &st, 0), CUDA_ERROR_INVALID_VALUE);
  ASSERT_CU(cuStreamSynchronize(s));
  EXPECT_EQ(st.seen, 8);
  EXPECT_EQ(st.order, (std::vector<int>{1, 2}));
  EXPECT_EQ(st.status, CUDA_SUCCESS);
  ASSERT_CU(cuStreamDestroy(s));
}

TEST_F(Streams, DestroyWithPendingWorkCompletesIt) {
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, 64));
  ASSERT_CU(cuMemsetD32(x, 0, 16));
  ASSERT_CU(slow_fill(function("slow_fill"), x, 16, 12, 60, s));
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_CU(cuStreamDestroy(s));
  EXPECT_LT(seconds_since(t0), 0.05);  // returns at once
  ASSERT_CU(cuCtxSynchronize());       // and the work still completes
  EXPECT_EQ(read(x, 16), std::vector<int>(16, 12));
}

TEST_F(Streams, EventTiming) {
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  CUevent start = nullptr, stop = nullptr, never = nullptr;
  ASSERT_CU(cuEventCreate(&start, 0));
  ASSERT_CU(cuEventCreate(&stop, 0));
  ASSERT_CU(cuEventCreate(&never, 0));
  EXPECT_CU(cuEventQuery(never));  // never recorded: complete
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, 64));
  ASSERT_CU(cuEventRecord(start, s));
  ASSERT_CU(slow_fill(function("slow_fill"), x, 16, 1, 100, s));
  ASSERT_CU(cuEventRecord(stop, s));
  float ms = 0;
  EXPECT_EQ(cuEventElapsedTime(&ms, start, stop), CUDA_ERROR_NOT_READY);
  ASSERT_CU(cuEventSynchronize(stop));
  ASSERT_CU(cuEventElapsedTime(&ms, start, stop));
  EXPECT_GE(ms, 95.0f);
  EXPECT_EQ(cuEventElapsedTime(&ms, start, never), CUDA_ERROR_INVALID_HANDLE);
  ASSERT_CU(cuEventDestroy(start));
  ASSERT_CU(cuEventDestroy(stop));
  ASSERT_CU(cuEventDestroy(never));
  ASSERT_CU(cuStreamDestroy(s));
}

TEST_F(Streams, PerThreadStreamWorkOutlivesItsThread) {
  void* memset_ptsz = nullptr;
  ASSERT_CU(cuGetProcAddress("cuMemsetD32Async", &memset_ptsz, 13000,
                             CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, nullptr));
  CUdeviceptr x = 0;
  ASSERT_CU(cuMemAlloc(&x, 64));
  ASSERT_CU(cuMemsetD32(x, 0, 16));
  CUfunction slow = function("slow_fill");
  std::thread([&] {
    ASSERT_CU(cuCtxSetCurrent(ctx_));
    ASSERT_CU(slow_fill(slow, x, 16, 2, 60, CU_STREAM_PER_THREAD));
    ASSERT_CU(reinterpret_cast<decltype(&cuMemsetD32Async)>(memset_ptsz)(x, 3, 8, nullptr));
  }).join();
  // The thread is gone; its stream's work still completes, in order, and the
  // context still waits for it.
  ASSERT_CU(cuCtxSynchronize());
  const std::vector<int> v = read(x, 16);
  EXPECT_EQ(v[0], 3);
  EXPECT_EQ(v[7], 3);
  EXPECT_EQ(v[8], 2);
}

TEST_F(Streams, NothingIsBeingCaptured) {
  CUstream s = nullptr;
  ASSERT_CU(cuStreamCreate(&s, 0));
  CUstreamCaptureStatus status = CU_STREAM_CAPTURE_STATUS_ACTIVE;
  ASSERT_CU(cuStreamIsCapturing(s, &status));
  EXPECT_EQ(status, CU_STREAM_CAPTURE_STATUS_NONE);
  status = CU_STREAM_CAPTURE_STATUS_ACTIVE;
  cuuint64_t id = 7;
  ASSERT_CU(cuStreamGetCaptureInfo(nullptr, &status, &id, nullptr, nullptr, nullptr, nullptr));
  EXPECT_EQ(status, CU_STREAM_CAPTURE_STATUS_NONE);
  ASSERT_CU(cuStreamDestroy(s));
  EXPECT_EQ(cuStreamIsCapturing(s, &status), CUDA_ERROR_INVALID_HANDLE);
  CUstreamCaptureMode mode = CU_STREAM_CAPTURE_MODE_RELAXED;
  ASSERT_CU(cuThreadExchangeStreamCaptureMode(&mode));
  EXPECT_EQ(mode, CU_STREAM_CAPTURE_MODE_GLOBAL);
  ASSERT_CU(cuThreadExchangeStreamCaptureMode(&mode));
  EXPECT_EQ(mode, CU_STREAM_CAPTURE_MODE_RELAXED);
}
