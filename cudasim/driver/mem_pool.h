// Memory pools for stream-ordered allocation (cuMemAllocAsync,
// cuMemAllocFromPoolAsync). A pool here caches nothing: its allocations are
// made and given back as they come, so what it reserves is what is in use,
// and its attributes report exactly that.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "cuda_api.h"

namespace cudasim {

class Device;

class MemPool {
 public:
  MemPool(Device* dev, bool is_default) : dev_(dev), default_(is_default) {}

  Device* device() const { return dev_; }
  bool is_default() const { return default_; }

  // CU_MEMPOOL_ATTR_*: the reuse flags (int), the release threshold and the
  // high-water marks (cuuint64_t; a high mark can only be reset to 0).
  CUresult set_attribute(int attr, const void* value);
  CUresult get_attribute(int attr, void* value) const;

  void allocated(std::uint64_t bytes);
  void freed(std::uint64_t bytes);

 private:
  Device* dev_;
  bool default_;
  mutable std::mutex mu_;
  int reuse_[3] = {1, 1, 1};
  std::uint64_t release_threshold_ = 0;
  std::uint64_t used_ = 0;
  std::uint64_t used_high_ = 0;
};

// Which pool each stream-ordered allocation came from.
class PoolAllocations {
 public:
  void add(CUdeviceptr p, std::shared_ptr<MemPool> pool, std::uint64_t bytes);
  // The allocation is freed (by either free): its pool stops counting it.
  void remove(CUdeviceptr p);

 private:
  std::mutex mu_;
  std::unordered_map<CUdeviceptr, std::pair<std::shared_ptr<MemPool>, std::uint64_t>> live_;
};

}  // namespace cudasim
