// A test's view of cudasim's device: the driver reached as the libraries
// reach it (cudasim::driver_api), a current context, and device buffers
// filled from and read back to host vectors.
#pragma once

#include <cuda.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

#include "driver_api.h"

namespace cudasim::testing {

class DeviceSession : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* why = nullptr;
    api_ = driver_api(&why);
    ASSERT_NE(api_, nullptr) << why;
    ASSERT_EQ(api_->cuInit(0), CUDA_SUCCESS);
    CUdevice device = 0;
    ASSERT_EQ(api_->cuDeviceGet(&device, 0), CUDA_SUCCESS);
    ASSERT_EQ(api_->cuDevicePrimaryCtxRetain(&ctx_, device), CUDA_SUCCESS);
    ASSERT_EQ(api_->cuCtxSetCurrent(ctx_), CUDA_SUCCESS);
  }

  void TearDown() override {
    if (api_ == nullptr) return;
    for (CUdeviceptr p : buffers_) api_->cuMemFree(p);
  }

  const DriverApi& api() const { return *api_; }

  template <typename T>
  CUdeviceptr upload(const std::vector<T>& host) {
    CUdeviceptr p = alloc(host.size() * sizeof(T));
    EXPECT_EQ(api_->cuMemcpyHtoD(p, host.data(), host.size() * sizeof(T)), CUDA_SUCCESS);
    return p;
  }

  CUdeviceptr alloc(std::size_t bytes) {
    CUdeviceptr p = 0;
    EXPECT_EQ(api_->cuMemAlloc(&p, bytes == 0 ? 1 : bytes), CUDA_SUCCESS);
    buffers_.push_back(p);
    return p;
  }

  std::vector<float> download(CUdeviceptr p, std::size_t count) {
    std::vector<float> host(count);
    EXPECT_EQ(api_->cuMemcpyDtoH(host.data(), p, count * sizeof(float)), CUDA_SUCCESS);
    return host;
  }

  static float* f(CUdeviceptr p) { return reinterpret_cast<float*>(static_cast<uintptr_t>(p)); }

 private:
  const DriverApi* api_ = nullptr;
  CUcontext ctx_ = nullptr;
  std::vector<CUdeviceptr> buffers_;
};

// Holds a stream's work back until released: a host function enqueued on the
// stream waits for the flag, so whatever is enqueued after it cannot run.
// Destruction releases the stream and waits until the host function is done
// with the gate.
class StreamGate {
 public:
  StreamGate(const DriverApi& api, CUstream stream) {
    const CUresult rc = api.cuLaunchHostFunc(stream, &StreamGate::wait, this);
    EXPECT_EQ(rc, CUDA_SUCCESS);
    if (rc != CUDA_SUCCESS) finished_.store(true);
  }
  ~StreamGate() {
    release();
    while (!finished_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  StreamGate(const StreamGate&) = delete;
  StreamGate& operator=(const StreamGate&) = delete;
  void release() { open_.store(true); }

 private:
  static void wait(void* self) {
    auto* gate = static_cast<StreamGate*>(self);
    while (!gate->open_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    gate->finished_.store(true);
  }
  std::atomic<bool> open_{false};
  std::atomic<bool> finished_{false};
};

}  // namespace cudasim::testing
