#include "address_space.h"

#include <sys/mman.h>

namespace cudasim {

CUresult AddressSpace::init(std::uint64_t size) {
  // Over-reserve by one granule so the range can start on a 2 MiB boundary.
  void* p = mmap(nullptr, size + kGranularity, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
  const auto raw = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t aligned = round_up(raw, kGranularity);
  // Start above zero-ish values so that small integers never look like device
  // pointers, and keep the first granule unused as a guard.
  base_ = aligned;
  size_ = size;
  free_.clear();
  free_[base_ + kGranularity] = size_ - kGranularity;
  return CUDA_SUCCESS;
}

CUresult AddressSpace::allocate(std::uint64_t size, std::uint64_t alignment, std::uintptr_t hint,
                                std::uintptr_t* out) {
  if (size == 0 || size % kGranularity != 0) return CUDA_ERROR_INVALID_VALUE;
  if (alignment == 0) alignment = kGranularity;
  if ((alignment & (alignment - 1)) != 0) return CUDA_ERROR_INVALID_VALUE;
  alignment = alignment < kGranularity ? kGranularity : alignment;
  std::lock_guard lock(mu_);
  auto take = [&](std::map<std::uintptr_t, std::uint64_t>::iterator it, std::uintptr_t at) {
    const std::uintptr_t start = it->first;
    const std::uint64_t len = it->second;
    free_.erase(it);
    if (at > start) free_[start] = at - start;
    if (at + size < start + len) free_[at + size] = start + len - (at + size);
    *out = at;
    return CUDA_SUCCESS;
  };
  if (hint != 0 && hint % alignment == 0) {
    auto it = free_.upper_bound(hint);
    if (it != free_.begin()) {
      --it;
      if (hint >= it->first && hint + size <= it->first + it->second) return take(it, hint);
    }
  }
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const std::uintptr_t at = round_up(it->first, alignment);
    if (at + size <= it->first + it->second) return take(it, at);
  }
  return CUDA_ERROR_OUT_OF_MEMORY;
}

void AddressSpace::release(std::uintptr_t addr, std::uint64_t size) {
  std::lock_guard lock(mu_);
  auto next = free_.lower_bound(addr);
  if (next != free_.end() && next->first == addr + size) {
    size += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == addr) {
      prev->second += size;
      return;
    }
  }
  free_[addr] = size;
}

void AddressSpace::populate_writable(std::uintptr_t addr, std::uint64_t size) {
#ifdef MADV_POPULATE_WRITE
  // EINVAL (an older kernel), ENOMEM or EFAULT all leave the mapping as it
  // was; touching the pages by hand instead could change what they hold.
  (void)madvise(reinterpret_cast<void*>(addr), size, MADV_POPULATE_WRITE);
#else
  (void)addr;
  (void)size;
#endif
}

bool AddressSpace::make_inaccessible(std::uintptr_t addr, std::uint64_t size) {
  void* p = mmap(reinterpret_cast<void*>(addr), size, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
  return p != MAP_FAILED;
}

}  // namespace cudasim
