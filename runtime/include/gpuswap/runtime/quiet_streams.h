// The streams on which a kernel launch may go unrecorded (the unrecorded
// quiet path, docs/runtime.md): a small table that launching threads read
// without a lock and the runtime changes under its mutex.
//
// Why: a launch that is not recorded cannot put its stream into the stream
// sets of the regions it used, so an eviction or a free waits (GPU-side)
// for every stream of this table as well as for its region's own. That is a
// superset of the region's users, which keeps the ordering rule of
// DESIGN.md ("the evict stream waits for the last work that used the
// region"); at the price of one event on a stream that may not have used
// the region, where training jobs have one or two streams.
//
// Readers may miss a stream that is in the table (it was being moved):
// their launch is then recorded, which is always allowed. They never see a
// stream that was never added, so a stream they find is one every later
// waiter waits for. The table only shrinks when a stream is destroyed.
#pragma once

#include <cuda.h>

#include <array>
#include <atomic>
#include <cstddef>

namespace gpuswap::runtime {

class QuietStreams {
 public:
  static constexpr std::size_t kCapacity = 8;

  // Any thread, no lock: whether `stream` is in the table.
  bool contains(CUstream stream) const noexcept {
    const std::size_t count = count_.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < count; ++i) {
      if (entries_[i].load(std::memory_order_relaxed) == stream) return true;
    }
    return false;
  }

  // The owner (under its lock) from here on.
  // Adds `stream`; false when the table is full or the stream cannot be
  // waited for from another thread (the per-thread default stream names a
  // different stream in each thread).
  bool add(CUstream stream) noexcept;
  // `dead` is being destroyed: `successor` (which waits for its work) takes
  // its place. Returns whether `dead` was in the table.
  bool replace(CUstream dead, CUstream successor) noexcept;
  // Removes `stream` (its work has been waited for another way); returns
  // whether it was present.
  bool erase(CUstream stream) noexcept;
  std::size_t size() const noexcept { return count_.load(std::memory_order_relaxed); }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    const std::size_t count = count_.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < count; ++i) fn(entries_[i].load(std::memory_order_relaxed));
  }

 private:
  std::size_t index_of(CUstream stream) const noexcept;

  std::array<std::atomic<CUstream>, kCapacity> entries_{};
  std::atomic<std::size_t> count_{0};
};

}  // namespace gpuswap::runtime
