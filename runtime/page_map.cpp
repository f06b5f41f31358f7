#include "gpuswap/runtime/page_map.h"

namespace gpuswap::runtime {

PageMap::PageMap(std::uintptr_t base, std::uint64_t bytes)
    : base_(base),
      // Whole granules only, so that every offset below bytes_ has a slot.
      bytes_(bytes & ~(kGranuleBytes - 1)),
      slots_(std::make_unique<Slot[]>(bytes >> kGranuleShift)) {}

Status PageMap::check_range(std::uintptr_t start, std::uint64_t requested) const {
  if (requested == 0 || !contains(start) || ((start - base_) & (kGranuleBytes - 1)) != 0) {
    return Status(StatusCode::kInvalidValue);
  }
  const std::uint64_t offset = start - base_;
  if (round_up_to_granule(requested) > bytes_ - offset) return Status(StatusCode::kInvalidValue);
  return Status::ok();
}

Status PageMap::publish(std::uintptr_t start, std::uint64_t requested, Region* region) {
  if (region == nullptr) return Status(StatusCode::kInvalidValue);
  if (Status status = check_range(start, requested); !status) return status;
  const std::size_t first = (start - base_) >> kGranuleShift;
  const std::size_t count = round_up_to_granule(requested) >> kGranuleShift;
  for (std::size_t i = 0; i < count; ++i) {
    if (slots_[first + i].region.load(std::memory_order_relaxed) != nullptr) {
      return Status(StatusCode::kInvalidValue);
    }
  }
  const std::uint64_t tail = requested - ((count - 1) << kGranuleShift);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t limit = i + 1 == count ? tail : kGranuleBytes;
    // The limit goes first: a reader that sees the region also sees its limit.
    slots_[first + i].limit.store(static_cast<std::uint32_t>(limit), std::memory_order_relaxed);
    slots_[first + i].region.store(region, std::memory_order_release);
  }
  return Status::ok();
}

Status PageMap::clear(std::uintptr_t start, std::uint64_t requested) {
  if (Status status = check_range(start, requested); !status) return status;
  const std::size_t first = (start - base_) >> kGranuleShift;
  const std::size_t count = round_up_to_granule(requested) >> kGranuleShift;
  Region* owner = slots_[first].region.load(std::memory_order_relaxed);
  if (owner == nullptr) return Status(StatusCode::kNotFound);
  for (std::size_t i = 0; i < count; ++i) {
    if (slots_[first + i].region.load(std::memory_order_relaxed) != owner) {
      return Status(StatusCode::kInvalidValue);
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    slots_[first + i].region.store(nullptr, std::memory_order_release);
    slots_[first + i].limit.store(0, std::memory_order_relaxed);
  }
  return Status::ok();
}

}  // namespace gpuswap::runtime
