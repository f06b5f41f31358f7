// Pinned host memory for evicted contents: slabs from cuMemHostAlloc, up to
// the host budget, carved first-fit in 64 KiB units and reused after free.
// Pinning is expensive, so slabs are kept until the pool is destroyed.
// Beyond the budget an allocation fails with kOutOfMemory at once, never a
// silent stall.
//
// Thread-safety: every member takes the pool's mutex.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/range_allocator.h"
#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

class HostPool {
 public:
  static constexpr std::uint64_t kUnitBytes = std::uint64_t{64} << 10;
  static constexpr std::uint64_t kDefaultSlabBytes = std::uint64_t{64} << 20;

  // `slab_bytes` is how much is pinned at a time (an allocation larger than a
  // slab gets a slab of its own size). `host_alloc_flags` are passed to
  // cuMemHostAlloc.
  HostPool(const DriverTable& driver, std::uint64_t budget_bytes,
           std::uint64_t slab_bytes = kDefaultSlabBytes,
           unsigned host_alloc_flags = CU_MEMHOSTALLOC_PORTABLE);
  ~HostPool();
  HostPool(const HostPool&) = delete;
  HostPool& operator=(const HostPool&) = delete;

  // `bytes` rounded up to units. kOutOfMemory when neither a free range of a
  // slab nor a new slab within the budget can hold it.
  Status allocate(std::uint64_t bytes, void** out);
  // Only a pointer allocate() returned; anything else is kInvalidValue.
  Status free(void* pointer);

  std::uint64_t budget_bytes() const { return budget_; }
  std::uint64_t pinned_bytes() const;  // all slabs
  std::uint64_t used_bytes() const;    // handed out, in units
  std::size_t slab_count() const;

 private:
  struct Slab {
    std::uint64_t bytes;
    RangeAllocator units;
  };

  const DriverTable& driver_;
  const std::uint64_t budget_;
  const std::uint64_t slab_bytes_;
  const unsigned flags_;
  mutable std::mutex mu_;
  std::map<std::uintptr_t, Slab> slabs_;  // by base address; guarded by mu_
  std::uint64_t pinned_ = 0;              // guarded by mu_
  std::uint64_t used_ = 0;                // guarded by mu_
};

}  // namespace gpuswap::runtime
