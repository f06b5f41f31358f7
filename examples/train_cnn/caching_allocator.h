// Allocates the way PyTorch's CUDA caching allocator presents memory to CUDA:
// few, large cudaMalloc segments (2 MiB for small tensors, 20 MiB for medium
// ones, larger ones rounded up to 2 MiB), carved into tensors, and kept across
// steps. Released tensors return to the cache; segments go back to CUDA only
// when a cudaMalloc fails (then every wholly unused segment is freed and the
// call retried) and at exit.
//
// All work runs on one stream, so a block released and handed out again is
// ordered after its previous use without any event.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <vector>

#include "device_allocator.h"
#include "device_usage.h"

namespace train_cnn {

class CachingAllocator final : public DeviceAllocator {
 public:
  explicit CachingAllocator(DeviceUsage& usage) : usage_(usage) {}
  ~CachingAllocator() override;
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  void* allocate(std::size_t bytes) override;
  void release(void* ptr) noexcept override;
  const AllocatorStats& stats() const override { return stats_; }

  // Sizing rules, exposed for the reader of a trace: what a request becomes.
  static std::size_t round_request(std::size_t bytes);
  static std::size_t segment_size(std::size_t rounded);

 private:
  struct Segment {
    char* base = nullptr;
    std::size_t size = 0;
    bool small_pool = false;
    // Blocks tile the segment: offset -> (size, in use).
    std::map<std::size_t, std::pair<std::size_t, bool>> blocks;
  };

  void* carve(Segment& segment, std::size_t offset, std::size_t rounded);
  Segment* new_segment(std::size_t bytes, bool small_pool, std::size_t request);
  void free_unused_segments() noexcept;

  DeviceUsage& usage_;
  AllocatorStats stats_;
  std::vector<std::unique_ptr<Segment>> segments_;  // in creation order: deterministic search
  std::map<char*, Segment*> by_base_;
};

}  // namespace train_cnn
