// Which region a 64-bit word points into, answered in O(1) without a lock.
//
// Every region lives inside one reserved virtual arena, placed at granule
// (2 MiB) boundaries, so a word is a region pointer only if it falls inside
// the arena, and the region is slot (word - base) >> 21 of a flat array. The
// kernel-parameter decoder calls region_at() for every aligned word of every
// launch, so the read path is two loads and two compares.
//
// Writers (publish/clear) are serialised by the arena; readers never block.
// A reader racing with publish/clear of the *same* range sees either the old
// or the new region, never a torn pointer; such a race is an application bug
// (using a buffer while freeing it) and stays memory-safe because Region
// objects outlive their arena slots (see docs/runtime.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

class Region;

inline constexpr unsigned kGranuleShift = 21;
inline constexpr std::uint64_t kGranuleBytes = std::uint64_t{1} << kGranuleShift;

constexpr std::uint64_t round_up_to_granule(std::uint64_t bytes) {
  return (bytes + kGranuleBytes - 1) & ~(kGranuleBytes - 1);
}

class PageMap {
 public:
  // Slots are granules counted from `base` (the arena reserves it
  // granule-aligned); `bytes` is rounded down to whole granules.
  PageMap(std::uintptr_t base, std::uint64_t bytes);

  // The region whose application-requested bytes contain `word`, else null:
  // outside the arena, in a free slot, or in the rounding tail past the
  // requested size (so a one-past-the-end pointer is not a hit).
  Region* region_at(std::uintptr_t word) const noexcept {
    const std::uintptr_t offset = word - base_;  // wraps for words below the arena
    if (offset >= bytes_) return nullptr;
    const Slot& slot = slots_[offset >> kGranuleShift];
    Region* region = slot.region.load(std::memory_order_acquire);
    if (region == nullptr) return nullptr;
    if ((offset & (kGranuleBytes - 1)) >= slot.limit.load(std::memory_order_relaxed)) {
      return nullptr;
    }
    return region;
  }

  bool contains(std::uintptr_t word) const noexcept { return word - base_ < bytes_; }

  // Points the granules of [start, start + requested) at `region`. The range
  // must start on a granule, lie inside the map and be unoccupied.
  Status publish(std::uintptr_t start, std::uint64_t requested, Region* region);
  // Empties the granules publish() filled for the same range.
  Status clear(std::uintptr_t start, std::uint64_t requested);

  std::uintptr_t base() const { return base_; }
  std::uint64_t bytes() const { return bytes_; }
  std::size_t slot_count() const { return static_cast<std::size_t>(bytes_ >> kGranuleShift); }

 private:
  Status check_range(std::uintptr_t start, std::uint64_t requested) const;

  std::uintptr_t base_;
  std::uint64_t bytes_;
  // A granule's region and how many of its bytes belong to the
  // application's request (the full granule except in a region's last one),
  // side by side so that a lookup reads one cache line.
  struct Slot {
    std::atomic<Region*> region{nullptr};
    std::atomic<std::uint32_t> limit{0};
  };
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace gpuswap::runtime
