#include "plain_allocator.h"

#include <algorithm>

#include <cuda_runtime_api.h>

#include "cuda_check.h"

namespace train_cnn {

PlainAllocator::~PlainAllocator() {
  for (const auto& [ptr, bytes] : sizes_) cudaFree(ptr);
}

void* PlainAllocator::allocate(std::size_t bytes) {
  void* ptr = nullptr;
  check_cuda(cudaMalloc(&ptr, bytes), "cudaMalloc", bytes);
  ++stats_.malloc_calls;
  sizes_.emplace(ptr, bytes);
  stats_.live_bytes += bytes;
  stats_.reserved_bytes += bytes;
  stats_.peak_live_bytes = std::max(stats_.peak_live_bytes, stats_.live_bytes);
  stats_.peak_reserved_bytes = std::max(stats_.peak_reserved_bytes, stats_.reserved_bytes);
  usage_.sample();
  return ptr;
}

void PlainAllocator::release(void* ptr) noexcept {
  const auto it = sizes_.find(ptr);
  if (it == sizes_.end()) return;
  // A failing cudaFree here would be a bug elsewhere; the next checked call reports it.
  cudaFree(ptr);
  ++stats_.free_calls;
  stats_.live_bytes -= it->second;
  stats_.reserved_bytes -= it->second;
  sizes_.erase(it);
}

}  // namespace train_cnn
