#include "host_memory.h"

#include <sys/mman.h>

namespace cudasim {

namespace {
constexpr std::uint64_t kPage = 4096;
}

CUresult HostMemory::allocate(std::uint64_t bytes, unsigned flags, Context* ctx, void** out) {
  if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  const std::uint64_t len = (bytes + kPage - 1) / kPage * kPage;
  // Page-locked memory is resident from the start, as the driver's is: a
  // copy into it never waits for the kernel to supply a page.
  void* p =
      mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
  std::lock_guard lock(mu_);
  const auto base = reinterpret_cast<std::uintptr_t>(p);
  ranges_[base] = HostRange{base, bytes, flags, true, ctx, next_buffer_id_++};
  *out = p;
  return CUDA_SUCCESS;
}

CUresult HostMemory::free(void* p) {
  std::uint64_t len = 0;
  {
    std::lock_guard lock(mu_);
    auto it = ranges_.find(reinterpret_cast<std::uintptr_t>(p));
    if (it == ranges_.end() || !it->second.allocated) return CUDA_ERROR_INVALID_VALUE;
    len = (it->second.size + kPage - 1) / kPage * kPage;
    ranges_.erase(it);
  }
  munmap(p, len);
  return CUDA_SUCCESS;
}

CUresult HostMemory::register_range(void* p, std::uint64_t bytes, unsigned flags, Context* ctx) {
  if (p == nullptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  const auto base = reinterpret_cast<std::uintptr_t>(p);
  std::lock_guard lock(mu_);
  auto next = ranges_.lower_bound(base);
  if (next != ranges_.end() && next->first < base + bytes)
    return CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED;
  if (next != ranges_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second.size > base) return CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED;
  }
  ranges_[base] = HostRange{base, bytes, flags, false, ctx, next_buffer_id_++};
  return CUDA_SUCCESS;
}

CUresult HostMemory::unregister(void* p) {
  std::lock_guard lock(mu_);
  auto it = ranges_.find(reinterpret_cast<std::uintptr_t>(p));
  if (it == ranges_.end() || it->second.allocated) return CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED;
  ranges_.erase(it);
  return CUDA_SUCCESS;
}

bool HostMemory::find(std::uintptr_t p, std::uint64_t bytes, HostRange* out) {
  std::lock_guard lock(mu_);
  auto it = ranges_.upper_bound(p);
  if (it == ranges_.begin()) return false;
  --it;
  const HostRange& r = it->second;
  if (p - r.base >= r.size || bytes > r.size - (p - r.base)) return false;
  if (out != nullptr) *out = r;
  return true;
}

}  // namespace cudasim
