#include "caching_allocator.h"

#include <algorithm>
#include <limits>

#include <cuda_runtime_api.h>

#include "cuda_check.h"

namespace train_cnn {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kMinBlock = 512;
constexpr std::size_t kSmallRequest = 1 * kMiB;  // up to here: the small pool
constexpr std::size_t kSmallSegment = 2 * kMiB;
constexpr std::size_t kMediumRequest = 10 * kMiB;  // up to here: 20 MiB segments
constexpr std::size_t kLargeSegment = 20 * kMiB;
constexpr std::size_t kLargeRounding = 2 * kMiB;

std::size_t round_up(std::size_t value, std::size_t to) {
  return (value + to - 1) / to * to;
}

}  // namespace

std::size_t CachingAllocator::round_request(std::size_t bytes) {
  return round_up(std::max(bytes, kMinBlock), kMinBlock);
}

std::size_t CachingAllocator::segment_size(std::size_t rounded) {
  if (rounded <= kSmallRequest) return kSmallSegment;
  if (rounded <= kMediumRequest) return kLargeSegment;
  return round_up(rounded, kLargeRounding);
}

CachingAllocator::~CachingAllocator() {
  for (const auto& segment : segments_) cudaFree(segment->base);
}

void* CachingAllocator::allocate(std::size_t bytes) {
  const std::size_t rounded = round_request(bytes);
  const bool small_pool = rounded <= kSmallRequest;

  // Best fit over the free blocks of the matching pool; ties go to the
  // earliest segment and lowest offset, which keeps the layout reproducible.
  Segment* best_segment = nullptr;
  std::size_t best_offset = 0;
  std::size_t best_size = std::numeric_limits<std::size_t>::max();
  for (const auto& segment : segments_) {
    if (segment->small_pool != small_pool) continue;
    for (const auto& [offset, block] : segment->blocks) {
      if (!block.second && block.first >= rounded && block.first < best_size) {
        best_segment = segment.get();
        best_offset = offset;
        best_size = block.first;
      }
    }
  }
  if (best_segment == nullptr) {
    best_segment = new_segment(segment_size(rounded), small_pool, bytes);
    best_offset = 0;
  }
  void* ptr = carve(*best_segment, best_offset, rounded);
  stats_.live_bytes += rounded;
  stats_.peak_live_bytes = std::max(stats_.peak_live_bytes, stats_.live_bytes);
  return ptr;
}

void* CachingAllocator::carve(Segment& segment, std::size_t offset, std::size_t rounded) {
  auto& block = segment.blocks.at(offset);
  const std::size_t remainder = block.first - rounded;
  block = {rounded, true};
  if (remainder > 0) segment.blocks.emplace(offset + rounded, std::make_pair(remainder, false));
  return segment.base + offset;
}

CachingAllocator::Segment* CachingAllocator::new_segment(std::size_t bytes, bool small_pool,
                                                         std::size_t request) {
  void* base = nullptr;
  cudaError_t status = cudaMalloc(&base, bytes);
  if (status == cudaErrorMemoryAllocation) {
    // What a framework does before giving up: hand the unused cache back, retry.
    cudaGetLastError();
    free_unused_segments();
    status = cudaMalloc(&base, bytes);
  }
  check_cuda(status, "cudaMalloc", std::max(bytes, request));
  ++stats_.malloc_calls;
  stats_.reserved_bytes += bytes;
  stats_.peak_reserved_bytes = std::max(stats_.peak_reserved_bytes, stats_.reserved_bytes);
  usage_.sample();

  auto segment = std::make_unique<Segment>();
  segment->base = static_cast<char*>(base);
  segment->size = bytes;
  segment->small_pool = small_pool;
  segment->blocks.emplace(0, std::make_pair(bytes, false));
  Segment* raw = segment.get();
  segments_.push_back(std::move(segment));
  by_base_.emplace(raw->base, raw);
  return raw;
}

void CachingAllocator::release(void* ptr) noexcept {
  char* const p = static_cast<char*>(ptr);
  auto owner = by_base_.upper_bound(p);
  if (owner == by_base_.begin()) return;
  Segment& segment = *std::prev(owner)->second;
  const auto it = segment.blocks.find(static_cast<std::size_t>(p - segment.base));
  if (it == segment.blocks.end() || !it->second.second) return;
  stats_.live_bytes -= it->second.first;
  it->second.second = false;

  // Merge with free neighbours so large requests can reuse the space.
  auto next = std::next(it);
  if (next != segment.blocks.end() && !next->second.second) {
    it->second.first += next->second.first;
    segment.blocks.erase(next);
  }
  if (it != segment.blocks.begin()) {
    auto prev = std::prev(it);
    if (!prev->second.second) {
      prev->second.first += it->second.first;
      segment.blocks.erase(it);
    }
  }
}

void CachingAllocator::free_unused_segments() noexcept {
  auto unused = [](const std::unique_ptr<Segment>& s) {
    return s->blocks.size() == 1 && !s->blocks.begin()->second.second;
  };
  for (const auto& segment : segments_) {
    if (!unused(segment)) continue;
    cudaFree(segment->base);
    ++stats_.free_calls;
    stats_.reserved_bytes -= segment->size;
    by_base_.erase(segment->base);
  }
  std::erase_if(segments_, unused);
}

}  // namespace train_cnn
