#include "gpuswap/runtime/address_arena.h"

#include <algorithm>

namespace gpuswap::runtime {

std::uint64_t suggested_arena_bytes(std::uint64_t device_budget, std::uint64_t host_budget) {
  const std::uint64_t cap = kMaxArenaBytes;
  // Saturate instead of overflowing for absurd budgets.
  const std::uint64_t sum =
      device_budget > cap || host_budget > cap ? cap : device_budget + host_budget;
  const std::uint64_t doubled = std::min(cap, sum * 2);
  return std::clamp(round_up_to_granule(doubled), 32 * kGranuleBytes, cap);
}

Status AddressArena::reserve(const DriverTable& driver, std::uint64_t bytes,
                             std::unique_ptr<AddressArena>* out) {
  if (out == nullptr || bytes == 0 || bytes > kMaxArenaBytes) {
    return Status(StatusCode::kInvalidValue);
  }
  if (driver.cuMemAddressReserve == nullptr || driver.cuMemAddressFree == nullptr) {
    return Status(StatusCode::kNotSupported);
  }
  const std::uint64_t rounded = round_up_to_granule(bytes);
  CUdeviceptr base = 0;
  if (Status status =
          Status::driver(driver.cuMemAddressReserve(&base, rounded, kGranuleBytes, 0, 0));
      !status) {
    return status;
  }
  if ((base & (kGranuleBytes - 1)) != 0) {
    // The page map indexes by granule; a driver that ignores the alignment
    // cannot be used.
    (void)driver.cuMemAddressFree(base, rounded);
    return Status(StatusCode::kNotSupported);
  }
  out->reset(new AddressArena(static_cast<std::uintptr_t>(base), rounded, &driver));
  return Status::ok();
}

AddressArena::AddressArena(std::uintptr_t base, std::uint64_t bytes)
    : AddressArena(base, bytes, nullptr) {}

AddressArena::AddressArena(std::uintptr_t base, std::uint64_t bytes, const DriverTable* owner)
    : owner_(owner), ranges_(bytes >> kGranuleShift), map_(base, bytes) {}

AddressArena::~AddressArena() {
  if (owner_ != nullptr) {
    (void)owner_->cuMemAddressFree(static_cast<CUdeviceptr>(map_.base()), map_.bytes());
  }
}

Status AddressArena::place(std::uint64_t requested, std::uintptr_t* start) {
  if (requested == 0 || start == nullptr || requested > map_.bytes()) {
    return requested > map_.bytes() ? Status(StatusCode::kOutOfMemory)
                                    : Status(StatusCode::kInvalidValue);
  }
  std::uint64_t granule = 0;
  std::lock_guard lock(mu_);
  if (Status status = ranges_.allocate(round_up_to_granule(requested) >> kGranuleShift, &granule);
      !status) {
    return status;
  }
  *start = map_.base() + (granule << kGranuleShift);
  return Status::ok();
}

Status AddressArena::publish(std::uintptr_t start, std::uint64_t requested, Region* region) {
  std::lock_guard lock(mu_);
  if (!map_.contains(start)) return Status(StatusCode::kInvalidValue);
  const std::uint64_t placed = ranges_.allocated_size((start - map_.base()) >> kGranuleShift);
  // Only a placed range, and all of it, so that remove() clears every slot.
  if (((start - map_.base()) & (kGranuleBytes - 1)) != 0 || placed == 0 ||
      round_up_to_granule(requested) != (placed << kGranuleShift)) {
    return Status(StatusCode::kInvalidValue);
  }
  return map_.publish(start, requested, region);
}

Status AddressArena::remove(std::uintptr_t start) {
  std::lock_guard lock(mu_);
  if (!map_.contains(start) || ((start - map_.base()) & (kGranuleBytes - 1)) != 0) {
    return Status(StatusCode::kInvalidValue);
  }
  const std::uint64_t granule = (start - map_.base()) >> kGranuleShift;
  const std::uint64_t placed = ranges_.allocated_size(granule);
  if (placed == 0) return Status(StatusCode::kInvalidValue);
  // A range may have been placed but never published; clearing it is then a
  // no-op (kNotFound), not an error.
  (void)map_.clear(start, placed << kGranuleShift);
  return ranges_.free(granule);
}

std::uint64_t AddressArena::free_bytes() const {
  std::lock_guard lock(mu_);
  return ranges_.free_units() << kGranuleShift;
}

}  // namespace gpuswap::runtime
