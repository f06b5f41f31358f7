#include "gpuswap/runtime/range_allocator.h"

#include <algorithm>
#include <iterator>

namespace gpuswap::runtime {

RangeAllocator::RangeAllocator(std::uint64_t capacity)
    : capacity_(capacity), free_units_(capacity) {
  if (capacity > 0) free_.emplace(0, capacity);
}

Status RangeAllocator::allocate(std::uint64_t count, std::uint64_t* start) {
  if (count == 0 || start == nullptr) return Status(StatusCode::kInvalidValue);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < count) continue;
    const std::uint64_t at = it->first;
    const std::uint64_t rest = it->second - count;
    free_.erase(it);
    if (rest > 0) free_.emplace(at + count, rest);
    allocated_.emplace(at, count);
    free_units_ -= count;
    *start = at;
    return Status::ok();
  }
  return Status(StatusCode::kOutOfMemory);
}

Status RangeAllocator::free(std::uint64_t start) {
  const auto found = allocated_.find(start);
  if (found == allocated_.end()) return Status(StatusCode::kInvalidValue);
  std::uint64_t begin = start;
  std::uint64_t length = found->second;
  allocated_.erase(found);
  free_units_ += length;

  // Merge with the free neighbours so that free ranges are never adjacent and
  // a large request fits again once everything around it is freed.
  auto next = free_.lower_bound(begin);
  if (next != free_.end() && next->first == begin + length) {
    length += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == begin) {
      begin = prev->first;
      length += prev->second;
      free_.erase(prev);
    }
  }
  free_.emplace(begin, length);
  return Status::ok();
}

std::uint64_t RangeAllocator::allocated_size(std::uint64_t start) const {
  const auto found = allocated_.find(start);
  return found == allocated_.end() ? 0 : found->second;
}

std::uint64_t RangeAllocator::largest_free_range() const {
  std::uint64_t largest = 0;
  for (const auto& [at, length] : free_) largest = std::max(largest, length);
  return largest;
}

}  // namespace gpuswap::runtime
