// Physical device memory in fixed chunks of one granule (2 MiB), created with
// cuMemCreate on demand up to the device budget and reused through a free
// list. A region of N granules is backed by N chunks, so any free chunks can
// back any region: eviction and restore never fragment device memory.
//
// Thread-safety: take/give_back/counters are guarded by the pool's mutex;
// map/unmap only call the driver on ranges their caller owns.
#pragma once

#include <cuda.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

using ChunkHandle = CUmemGenericAllocationHandle;

class PagePool {
 public:
  // A pool for `device` holding at most `budget_bytes` (rounded down to
  // chunks). kNotSupported when the driver's allocation granularity does not
  // divide the 2 MiB chunk.
  static Status create(const DriverTable& driver, CUdevice device, std::uint64_t budget_bytes,
                       std::unique_ptr<PagePool>* out);
  ~PagePool();  // releases every chunk; mapped ones must have been unmapped
  PagePool(const PagePool&) = delete;
  PagePool& operator=(const PagePool&) = delete;

  // Appends `count` chunks to `out`, all or none. kOutOfMemory when the budget
  // (or the device) cannot supply them: the caller then frees chunks by
  // evicting and asks again.
  Status take(std::size_t count, std::vector<ChunkHandle>* out);
  // Returns chunks for reuse and empties `chunks`.
  void give_back(std::vector<ChunkHandle>* chunks);
  // Releases up to `count` unused chunks to the device (cuMemRelease), so that
  // memory the budget lends to pass-through allocations really is free on
  // the device. Returns how many were released.
  std::size_t release_free(std::size_t count);

  // Maps chunk i at base + i * chunk_bytes() and grants the device read-write
  // access to the whole range. On failure nothing stays mapped.
  Status map(CUdeviceptr base, const std::vector<ChunkHandle>& chunks) const;
  // Unmaps `count` chunks mapped at base by map().
  Status unmap(CUdeviceptr base, std::size_t count) const;

  static constexpr std::uint64_t chunk_bytes() { return std::uint64_t{1} << 21; }
  std::size_t capacity_chunks() const { return capacity_; }
  std::size_t created_chunks() const;
  std::size_t free_chunks() const;
  std::size_t chunks_in_use() const;

 private:
  PagePool(const DriverTable& driver, CUdevice device, std::size_t capacity);

  const DriverTable& driver_;
  const CUdevice device_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::vector<ChunkHandle> free_;  // guarded by mu_
  std::size_t created_ = 0;        // guarded by mu_
};

}  // namespace gpuswap::runtime
