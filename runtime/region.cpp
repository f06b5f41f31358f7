#include "gpuswap/runtime/region.h"

#include "gpuswap/runtime/page_map.h"

namespace gpuswap::runtime {

Region::Region(RegionId id, CUdeviceptr base, std::uint64_t requested, RegionState initial)
    : id_(id),
      base_(base),
      requested_(requested),
      size_(round_up_to_granule(requested)),
      state_(initial == RegionState::kResident ? RegionState::kResident : RegionState::kDiscarded) {
}

RegionState Region::state(const RegionLock& held) const {
  (void)held;
  return state_.load(std::memory_order_relaxed);
}

Status Region::transition(RegionState next, const RegionLock& held) {
  if (!owns(held)) return Status(StatusCode::kInvalidValue);
  const RegionState current = state_.load(std::memory_order_relaxed);
  if (!is_legal_transition(current, next)) return Status(StatusCode::kIllegalTransition);
  if (current == RegionState::kResident && pins_.load(std::memory_order_acquire) != 0) {
    return Status(StatusCode::kBusy);
  }
  state_.store(next, std::memory_order_relaxed);
  return Status::ok();
}

Status Region::pin(const RegionLock& held) {
  if (!owns(held)) return Status(StatusCode::kInvalidValue);
  if (!is_usable(state_.load(std::memory_order_relaxed))) return Status(StatusCode::kBusy);
  pins_.fetch_add(1, std::memory_order_acq_rel);
  return Status::ok();
}

Status Region::unpin() {
  std::uint32_t pins = pins_.load(std::memory_order_acquire);
  do {
    if (pins == 0) return Status(StatusCode::kInvalidValue);
  } while (!pins_.compare_exchange_weak(pins, pins - 1, std::memory_order_acq_rel));
  return Status::ok();
}

Status Region::note_stream(CUstream stream, const RegionLock& held) {
  if (!owns(held)) return Status(StatusCode::kInvalidValue);
  streams_.insert(stream);
  return Status::ok();
}

const StreamSet* Region::streams(const RegionLock& held) const {
  return owns(held) ? &streams_ : nullptr;
}

StreamSet* Region::mutable_streams(const RegionLock& held) {
  return owns(held) ? &streams_ : nullptr;
}

void* Region::host_backing(const RegionLock& held) const {
  return owns(held) ? host_ : nullptr;
}

Status Region::set_host_backing(void* host, const RegionLock& held) {
  if (!owns(held)) return Status(StatusCode::kInvalidValue);
  host_ = host;
  return Status::ok();
}

std::vector<CUmemGenericAllocationHandle>* Region::chunks(const RegionLock& held) {
  return owns(held) ? &chunks_ : nullptr;
}

}  // namespace gpuswap::runtime
