// The residency states of a region and the transitions between them
// (DESIGN.md, "Regions and residency").
//
//   resident  --evict starts-->     evicting   (device->host copy enqueued)
//   evicting  --copy completed-->   evicted    (pages unmapped, back in the pool)
//   evicting  --eviction aborted--> resident   (pages were never unmapped)
//   evicted   --restore starts-->   restoring  (pages mapped, host->device copy enqueued)
//   restoring --copy enqueued-->    resident   (users wait on the restore event)
//   restoring --restore aborted-->  evicted    (pages given back, host copy intact)
//   resident  --contents dead-->    discarded  (pages given back, nothing copied)
//   evicted   --contents dead-->    discarded  (host copy given back)
//   discarded --pages mapped-->     resident   (no copy: the contents were dead)
//
// A fresh allocation starts resident (pages available) or discarded (none
// yet: CUDA leaves new memory undefined, so there is nothing to restore).
#pragma once

#include <cstdint>

#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

enum class RegionState : std::uint8_t {
  kResident,
  kEvicting,
  kEvicted,
  kRestoring,
  kDiscarded,
};

inline constexpr int kRegionStateCount = 5;

// Whether the table above has the edge `from -> to`; a state never moves to
// itself.
bool is_legal_transition(RegionState from, RegionState to);

// Whether device pages back the region in this state (mapped, or still mapped
// while a copy out is in flight).
constexpr bool holds_device_pages(RegionState state) {
  return state == RegionState::kResident || state == RegionState::kEvicting ||
         state == RegionState::kRestoring;
}

// Whether GPU work may be enqueued against the region right now: the
// invariant of DESIGN.md allows it only when resident.
constexpr bool is_usable(RegionState state) {
  return state == RegionState::kResident;
}

const char* region_state_name(RegionState state);

}  // namespace gpuswap::runtime
