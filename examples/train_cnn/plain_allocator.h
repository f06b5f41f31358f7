// One cudaMalloc per tensor and one cudaFree when it dies: how a hand-written
// CUDA program manages memory.
#pragma once

#include <unordered_map>

#include "device_allocator.h"
#include "device_usage.h"

namespace train_cnn {

class PlainAllocator final : public DeviceAllocator {
 public:
  explicit PlainAllocator(DeviceUsage& usage) : usage_(usage) {}
  ~PlainAllocator() override;
  PlainAllocator(const PlainAllocator&) = delete;
  PlainAllocator& operator=(const PlainAllocator&) = delete;

  void* allocate(std::size_t bytes) override;
  void release(void* ptr) noexcept override;
  const AllocatorStats& stats() const override { return stats_; }

 private:
  DeviceUsage& usage_;
  AllocatorStats stats_;
  std::unordered_map<void*, std::size_t> sizes_;
};

}  // namespace train_cnn
