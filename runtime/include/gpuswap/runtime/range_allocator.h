// First-fit allocation of ranges of abstract units ([0, capacity)), with
// coalescing on free. The address arena uses it in 2 MiB granules and the host
// pool in its slab units. Not thread-safe: its owner serialises calls.
#pragma once

#include <cstdint>
#include <map>

#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

class RangeAllocator {
 public:
  explicit RangeAllocator(std::uint64_t capacity);

  // The lowest free range of `count` units. kOutOfMemory when no free range is
  // large enough (even if the free total is), kInvalidValue for count == 0.
  Status allocate(std::uint64_t count, std::uint64_t* start);

  // Frees a range exactly as allocate returned it; interior or unknown starts
  // are kInvalidValue and change nothing.
  Status free(std::uint64_t start);

  // Units of the allocated range that begins at `start`, 0 when none does.
  std::uint64_t allocated_size(std::uint64_t start) const;

  std::uint64_t capacity() const { return capacity_; }
  std::uint64_t free_units() const { return free_units_; }
  std::uint64_t largest_free_range() const;
  std::size_t free_range_count() const { return free_.size(); }
  std::size_t allocated_range_count() const { return allocated_.size(); }

 private:
  std::uint64_t capacity_;
  std::uint64_t free_units_;
  std::map<std::uint64_t, std::uint64_t> free_;       // start -> length, never adjacent
  std::map<std::uint64_t, std::uint64_t> allocated_;  // start -> length
};

}  // namespace gpuswap::runtime
