// Chunks left mapped where a freed region was. Mapping pages costs far more
// on a real GPU than the allocation it serves (on an H200, cuMemSetAccess
// over 16 MiB takes about 200 us and cuMemUnmap 16 us a chunk, against 41 us
// for a cuMemAlloc of the same size), and programs that free and allocate
// every step would pay it each time. So a freed region's chunks stay mapped
// in place, and a region placed later over those addresses adopts them as
// they are. Parked chunks hold no data anyone owns: they are the first
// memory taken back when the pool runs short.
//
// Only addresses and handles live here; the caller maps and unmaps.
// Not thread-safe: the runtime guards it with its own mutex.
#pragma once

#include <cuda.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "gpuswap/runtime/page_pool.h"

namespace gpuswap::runtime {

class ParkedChunks {
 public:
  struct Parked {
    CUdeviceptr address;
    ChunkHandle handle;
  };

  // Records chunks[i] as mapped at base + i * chunk_bytes() and empties
  // `chunks`.
  void park(CUdeviceptr base, std::vector<ChunkHandle>* chunks);
  // For each of the `count` chunk addresses from `base`: the chunk parked
  // there, which is then no longer parked, or nothing. `chunks` and
  // `adopted` get `count` entries (chunks[i] is meaningful where
  // adopted[i]). Returns how many were adopted.
  std::size_t adopt(CUdeviceptr base, std::size_t count, std::vector<ChunkHandle>* chunks,
                    std::vector<bool>* adopted);
  // Removes up to `count` parked chunks that lie outside [avoid_begin,
  // avoid_end), lowest addresses last (they are the likeliest to be reused,
  // since the arena places first-fit from the bottom), and appends them to
  // `out` for the caller to unmap.
  void take_back(std::size_t count, CUdeviceptr avoid_begin, CUdeviceptr avoid_end,
                 std::vector<Parked>* out);

  std::size_t size() const { return by_address_.size(); }

 private:
  std::map<CUdeviceptr, ChunkHandle> by_address_;
};

}  // namespace gpuswap::runtime
