// The one virtual range every region lives in: reserved once with
// cuMemAddressReserve, handed out in granule-aligned pieces, and indexed by a
// PageMap so that "which region is this word in" costs an array load.
//
// Thread-safety: place/publish/remove take the arena's mutex; page_map()
// lookups take no lock (PageMap explains why that is safe).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/page_map.h"
#include "gpuswap/runtime/range_allocator.h"
#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

// An arena large enough for every byte the budgets can hold, twice over
// (discarded regions hold no memory yet still occupy addresses), rounded to
// granules and capped so the page map stays a few MiB.
std::uint64_t suggested_arena_bytes(std::uint64_t device_budget, std::uint64_t host_budget);

inline constexpr std::uint64_t kMaxArenaBytes = std::uint64_t{1} << 40;  // 1 TiB

class AddressArena {
 public:
  // Reserves `bytes` (rounded up to granules) of device address space. The
  // arena frees the reservation when destroyed.
  static Status reserve(const DriverTable& driver, std::uint64_t bytes,
                        std::unique_ptr<AddressArena>* out);

  // An arena over an address range its caller owns (tests, or a reservation
  // made elsewhere): nothing is reserved or freed.
  AddressArena(std::uintptr_t base, std::uint64_t bytes);
  ~AddressArena();
  AddressArena(const AddressArena&) = delete;
  AddressArena& operator=(const AddressArena&) = delete;

  // Finds room for `requested` bytes (rounded up to granules), first fit.
  // kOutOfMemory when no free range of that size is left.
  Status place(std::uint64_t requested, std::uintptr_t* start);
  // Makes page-map lookups inside [start, start + requested) answer `region`.
  Status publish(std::uintptr_t start, std::uint64_t requested, Region* region);
  // Unpublishes (if published) and frees the range that place() returned.
  Status remove(std::uintptr_t start);

  const PageMap& page_map() const { return map_; }
  Region* region_at(std::uintptr_t word) const noexcept { return map_.region_at(word); }
  std::uintptr_t base() const { return map_.base(); }
  std::uint64_t bytes() const { return map_.bytes(); }
  std::uint64_t free_bytes() const;

 private:
  AddressArena(std::uintptr_t base, std::uint64_t bytes, const DriverTable* owner);

  const DriverTable* owner_ = nullptr;  // set when the arena frees its reservation
  mutable std::mutex mu_;
  RangeAllocator ranges_;  // in granules, guarded by mu_
  PageMap map_;
};

}  // namespace gpuswap::runtime
