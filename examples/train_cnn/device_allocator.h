// Where the trainer's device tensors come from. Two strategies sit behind this
// interface: one cudaMalloc per tensor, or a framework-style caching allocator.
// They hand out the same sizes in the same order, so the math is identical and
// only the pattern of calls the CUDA runtime sees differs.
#pragma once

#include <cstddef>
#include <utility>

namespace train_cnn {

struct AllocatorStats {
  std::size_t live_bytes = 0;  // handed out to tensors and not yet released
  std::size_t peak_live_bytes = 0;
  std::size_t reserved_bytes = 0;  // obtained with cudaMalloc and not yet freed
  std::size_t peak_reserved_bytes = 0;
  std::size_t malloc_calls = 0;
  std::size_t free_calls = 0;
};

class DeviceAllocator {
 public:
  virtual ~DeviceAllocator() = default;
  // Never returns nullptr for bytes > 0; throws CudaFailure instead.
  virtual void* allocate(std::size_t bytes) = 0;
  virtual void release(void* ptr) noexcept = 0;
  virtual const AllocatorStats& stats() const = 0;
};

// Owns one allocation; releases it when destroyed (also while unwinding
// from a failure, so an error path leaks nothing).
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(DeviceAllocator& allocator, std::size_t bytes)
      : allocator_(&allocator),
        ptr_(bytes > 0 ? allocator.allocate(bytes) : nullptr),
        bytes_(bytes) {}
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept { swap(other); }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    DeviceBuffer(std::move(other)).swap(*this);
    return *this;
  }
  ~DeviceBuffer() {
    if (ptr_ != nullptr) allocator_->release(ptr_);
  }

  float* f32() const { return static_cast<float*>(ptr_); }
  void* get() const { return ptr_; }
  std::size_t bytes() const { return bytes_; }

 private:
  void swap(DeviceBuffer& other) noexcept {
    std::swap(allocator_, other.allocator_);
    std::swap(ptr_, other.ptr_);
    std::swap(bytes_, other.bytes_);
  }

  DeviceAllocator* allocator_ = nullptr;
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace train_cnn
