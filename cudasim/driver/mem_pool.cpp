#include "mem_pool.h"

#include <algorithm>
#include <cstring>

namespace cudasim {

CUresult MemPool::set_attribute(int attr, const void* value) {
  if (value == nullptr) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard lock(mu_);
  switch (attr) {
    case CU_MEMPOOL_ATTR_REUSE_FOLLOW_EVENT_DEPENDENCIES:
    case CU_MEMPOOL_ATTR_REUSE_ALLOW_OPPORTUNISTIC:
    case CU_MEMPOOL_ATTR_REUSE_ALLOW_INTERNAL_DEPENDENCIES:
      std::memcpy(&reuse_[attr - CU_MEMPOOL_ATTR_REUSE_FOLLOW_EVENT_DEPENDENCIES], value,
                  sizeof(int));
      return CUDA_SUCCESS;
    case CU_MEMPOOL_ATTR_RELEASE_THRESHOLD:
      std::memcpy(&release_threshold_, value, sizeof(std::uint64_t));
      return CUDA_SUCCESS;
    case CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH:
    case CU_MEMPOOL_ATTR_USED_MEM_HIGH: {
      std::uint64_t v = 0;
      std::memcpy(&v, value, sizeof v);
      if (v != 0) return CUDA_ERROR_INVALID_VALUE;
      used_high_ = used_;
      return CUDA_SUCCESS;
    }
    default:
      return CUDA_ERROR_INVALID_VALUE;  // the current sizes are read-only
  }
}

CUresult MemPool::get_attribute(int attr, void* value) const {
  if (value == nullptr) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard lock(mu_);
  switch (attr) {
    case CU_MEMPOOL_ATTR_REUSE_FOLLOW_EVENT_DEPENDENCIES:
    case CU_MEMPOOL_ATTR_REUSE_ALLOW_OPPORTUNISTIC:
    case CU_MEMPOOL_ATTR_REUSE_ALLOW_INTERNAL_DEPENDENCIES:
      std::memcpy(value, &reuse_[attr - CU_MEMPOOL_ATTR_REUSE_FOLLOW_EVENT_DEPENDENCIES],
                  sizeof(int));
      return CUDA_SUCCESS;
    case CU_MEMPOOL_ATTR_RELEASE_THRESHOLD:
      std::memcpy(value, &release_threshold_, sizeof(std::uint64_t));
      return CUDA_SUCCESS;
    case CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT:
    case CU_MEMPOOL_ATTR_USED_MEM_CURRENT:
      std::memcpy(value, &used_, sizeof(std::uint64_t));
      return CUDA_SUCCESS;
    case CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH:
    case CU_MEMPOOL_ATTR_USED_MEM_HIGH:
      std::memcpy(value, &used_high_, sizeof(std::uint64_t));
      return CUDA_SUCCESS;
    default:
      return CUDA_ERROR_INVALID_VALUE;
  }
}

void MemPool::allocated(std::uint64_t bytes) {
  std::lock_guard lock(mu_);
  used_ += bytes;
  used_high_ = std::max(used_high_, used_);
}

void MemPool::freed(std::uint64_t bytes) {
  std::lock_guard lock(mu_);
  used_ -= std::min(used_, bytes);
}

void PoolAllocations::add(CUdeviceptr p, std::shared_ptr<MemPool> pool, std::uint64_t bytes) {
  pool->allocated(bytes);
  std::lock_guard lock(mu_);
  live_[p] = {std::move(pool), bytes};
}

void PoolAllocations::remove(CUdeviceptr p) {
  std::pair<std::shared_ptr<MemPool>, std::uint64_t> entry;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(p);
    if (it == live_.end()) return;
    entry = std::move(it->second);
    live_.erase(it);
  }
  entry.first->freed(entry.second);
}

}  // namespace cudasim
