#include "gpuswap/runtime/region.h"

#include "gpuswap/runtime/page_map.h"

namespace gpuswap::runtime {

Region::Region(RegionId id, CUdeviceptr base, std::uint64_t requested, RegionState initial,
               UnsettledCount* unsettled)
    : id_(id),
      base_(base),
      requested_(requested),
      size_(round_up_to_granule(requested)),
      word_(static_cast<std::uint64_t>(
          initial == RegionState::kResident ? RegionState::kResident : RegionState::kDiscarded)),
      unsettled_(unsettled) {
  // Never settled at birth: no write has been reported yet.
  if (unsettled_ != nullptr) unsettled_->fetch_add(1, std::memory_order_seq_cst);
}

void Region::leave_count() {
  if (unsettled_ != nullptr && !settled()) unsettled_->fetch_sub(1, std::memory_order_seq_cst);
  unsettled_ = nullptr;
}

RegionState Region::state(const RegionLock& held) const {
  (void)held;
  return state_snapshot();
}

Status Region::transition(RegionState next, const RegionLock& held) {
  if (!owns(held)) return Status(StatusCode::kInvalidValue);
  std::uint64_t word = word_.load(std::memory_order_acquire);
  for (;;) {
    const RegionState current = state_of(word);
    if (!is_legal_transition(current, next)) return Status(StatusCode::kIllegalTransition);
    // Only kResident can be pinned, so the pin count is zero whenever the
    // state may change; a lock-free try_pin() racing with this makes the
    // exchange fail and the check run again.
    if ((word >> kPinShift) != 0) return Status(StatusCode::kBusy);
    // Sequentially consistent: a launch epoch's check of the word and the
    // wait for launches after this change are a store-then-load handshake.
    const std::uint64_t changed = (word & ~kStateMask) | static_cast<std::uint64_t>(next);
    if (word_.compare_exchange_weak(word, changed, std::memory_order_seq_cst,
                                    std::memory_order_acquire)) {
      count_change(word, changed);
      return Status::ok();
    }
  }
}

bool Region::try_pin() {
  std::uint64_t word = word_.load(std::memory_order_acquire);
  for (;;) {
    if (!is_usable(state_of(word)) || (word & kRetired) != 0) return false;
    if (word_.compare_exchange_weak(word, word + kOnePin, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return true;
    }
  }
}

Status Region::pin(const RegionLock& held) {
  if (!owns(held)) return Status(StatusCode::kInvalidValue);
  return try_pin() ? Status::ok() : Status(StatusCode::kBusy);
}

Status Region::unpin() {
  std::uint64_t word = word_.load(std::memory_order_acquire);
  do {
    if ((word >> kPinShift) == 0) return Status(StatusCode::kInvalidValue);
  } while (!word_.compare_exchange_weak(word, word - kOnePin, std::memory_order_acq_rel,
                                        std::memory_order_acquire));
  return Status::ok();
}

void Region::retire(const RegionLock& held) {
  if (!owns(held)) return;
  const std::uint64_t before = word_.fetch_or(kRetired, std::memory_order_seq_cst);
  count_change(before, before | kRetired);
}

void Region::set_restore_pending(bool pending) {
  if (pending) {
    const std::uint64_t before = word_.fetch_or(kRestorePending, std::memory_order_seq_cst);
    count_change(before, before | kRestorePending);
  } else {
    const std::uint64_t before = word_.fetch_and(~kRestorePending, std::memory_order_seq_cst);
    count_change(before, before & ~kRestorePending);
  }
}

Status Region::note_stream(CUstream stream, const RegionLock& held) {
  if (!owns(held)) return Status(StatusCode::kInvalidValue);
  streams_.insert(stream);
  recent_stream_.store(stream, std::memory_order_release);
  return Status::ok();
}

const StreamSet* Region::streams(const RegionLock& held) const {
  return owns(held) ? &streams_ : nullptr;
}

StreamSet* Region::mutable_streams(const RegionLock& held) {
  if (!owns(held)) return nullptr;
  // The caller may clear the set: forget the remembered stream first.
  recent_stream_.store(no_stream(), std::memory_order_release);
  return &streams_;
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
