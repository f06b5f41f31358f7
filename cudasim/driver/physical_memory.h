// Physical device memory: a memory file (memfd) of a multiple of the
// granularity, charged to its device's capacity for as long as a handle or a
// mapping refers to it (cuMemRelease keeps it while it is mapped, as CUDA).
#pragma once

#include <cstdint>
#include <memory>

#include "cuda_api.h"

namespace cudasim {

class Device;

class PhysicalMemory {
 public:
  // CUDA_ERROR_OUT_OF_MEMORY when the device is full.
  static CUresult create(Device* dev, std::uint64_t size, std::shared_ptr<PhysicalMemory>* out);
  ~PhysicalMemory();
  PhysicalMemory(const PhysicalMemory&) = delete;
  PhysicalMemory& operator=(const PhysicalMemory&) = delete;

  int fd() const { return fd_; }
  std::uint64_t size() const { return size_; }
  Device* device() const { return dev_; }
  std::uint64_t id() const { return id_; }

 private:
  PhysicalMemory(Device* dev, int fd, std::uint64_t size, std::uint64_t id)
      : dev_(dev), fd_(fd), size_(size), id_(id) {}
  Device* dev_;
  int fd_;
  std::uint64_t size_;
  std::uint64_t id_;
};

}  // namespace cudasim
