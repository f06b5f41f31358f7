// One swappable allocation: a fixed virtual range inside the arena whose
// contents live in device pages, in pinned host memory, or nowhere (dead).
//
// Locking rule: each region has its own mutex. State changes, the stream
// set, the host backing and the chunk handles are written only while it is
// held; methods that touch them take the held lock as proof, and refuse
// (kInvalidValue) a lock of another mutex or one not owned. id, base and
// sizes never change.
//
// The state, three flags and the pin count share one atomic word, so that
// pinning a resident region needs no lock: try_pin() succeeds only while the
// region is resident, and leaving kResident succeeds only while no pin is
// held. The two can never both succeed, which is what keeps a region mapped
// under every enqueue that pins. Kernel launches on the fast path do not
// pin: they check settled() inside a launch epoch, and whoever takes a
// region out of kResident (or retires it) waits for the launches in flight
// (thread_slots.h). When several regions are locked at once, lock them in
// ascending id order.
//
// A region is *settled* when a launch may use it with no bookkeeping first:
// resident, not freed, its writes known to the policy, no restore pending.
// A region given an UnsettledCount keeps it equal to the number of such
// regions that are not settled: every change of the word that settles or
// unsettles the region adjusts it, so that while it reads zero a launch
// need not look at its regions at all (Runtime::try_quiet_launch).
#pragma once

#include <cuda.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "gpuswap/runtime/region_state.h"
#include "gpuswap/runtime/status.h"
#include "gpuswap/runtime/stream_set.h"

namespace gpuswap::runtime {

using RegionId = std::uint64_t;
using RegionLock = std::unique_lock<std::mutex>;
// How many regions sharing it are not settled (see above).
using UnsettledCount = std::atomic<std::int64_t>;

class Region {
 public:
  // `requested` is the application's size; size() rounds it to granules.
  // `initial` is kResident or kDiscarded (anything else is treated as
  // discarded: a region cannot be born mid-copy).
  // With `unsettled`, the region counts itself there while it is not
  // settled, until leave_count().
  Region(RegionId id, CUdeviceptr base, std::uint64_t requested, RegionState initial,
         UnsettledCount* unsettled = nullptr);
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;

  RegionId id() const { return id_; }
  CUdeviceptr base() const { return base_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t requested_size() const { return requested_; }
  bool contains(CUdeviceptr address) const { return address - base_ < requested_; }

  RegionLock lock() const { return RegionLock(mu_); }
  bool locked_by(const RegionLock& held) const { return owns(held); }

  RegionState state(const RegionLock& held) const;
  RegionState state_snapshot() const { return state_of(word_.load(std::memory_order_relaxed)); }

  // Moves along one edge of region_state.h's table. kIllegalTransition for any
  // other edge, kBusy when leaving kResident while pinned; nothing changes on
  // error.
  Status transition(RegionState next, const RegionLock& held);

  // Pins a resident region for the duration of an enqueue so that it cannot
  // start evicting under it. kBusy when the region is not resident (the
  // caller restores it first).
  Status pin(const RegionLock& held);
  // The same without the lock; false when the region is not resident.
  bool try_pin();
  // Undoes one pin(); kInvalidValue when the region is not pinned.
  Status unpin();
  // The region has been freed: no pin or launch may use it from now on.
  void retire(const RegionLock& held);
  // The policy has been told of a write to the region (under the runtime
  // mutex). Until then a launch goes the slow way, which tells it.
  void note_write_reported() {
    if ((word_.load(std::memory_order_relaxed) & kWriteReported) == 0) {
      const std::uint64_t before = word_.fetch_or(kWriteReported, std::memory_order_seq_cst);
      count_change(before, before | kWriteReported);
    }
  }
  // Whether a launch may use the region without pinning it or taking a
  // lock (the caller is inside a launch epoch; see above): resident, not
  // freed, its writes already reported to the policy (so that it is never
  // judged dead on a report still in a log), and no restore whose
  // completion users must wait for.
  bool settled() const { return is_settled(word_.load(std::memory_order_seq_cst)); }
  // The region is gone from the runtime's maps (freed): it no longer counts
  // in its UnsettledCount. Under the runtime mutex.
  void leave_count();
  // Users must wait (GPU-side) for the region's restore: set (under the
  // runtime mutex) before the region becomes resident again, cleared once
  // the copy is known complete.
  void set_restore_pending(bool pending);
  std::uint32_t pin_count() const {
    return static_cast<std::uint32_t>(word_.load(std::memory_order_acquire) >> kPinShift);
  }

  // Streams that touched the region since it was last known idle.
  Status note_stream(CUstream stream, const RegionLock& held);
  // Whether `stream` is known to be in the stream set, read without the
  // lock: the most recently noted stream is remembered. A false answer only
  // means the caller notes it under the lock; while the caller holds a pin,
  // the set cannot be cleared (that happens only once the region has left
  // kResident).
  bool noted_recently(CUstream stream) const {
    return recent_stream_.load(std::memory_order_acquire) == stream;
  }
  const StreamSet* streams(const RegionLock& held) const;
  StreamSet* mutable_streams(const RegionLock& held);

  // Where the contents wait while evicted (pinned host memory), or null.
  void* host_backing(const RegionLock& held) const;
  Status set_host_backing(void* host, const RegionLock& held);

  // The physical chunks mapped at base, one per granule, in order.
  std::vector<CUmemGenericAllocationHandle>* chunks(const RegionLock& held);

 private:
  bool owns(const RegionLock& held) const { return held.owns_lock() && held.mutex() == &mu_; }

  // word_: the state in the low byte, flags in the next, the pin count above.
  static constexpr unsigned kPinShift = 16;
  static constexpr std::uint64_t kStateMask = 0xff;
  static constexpr std::uint64_t kRetired = std::uint64_t{1} << 8;
  static constexpr std::uint64_t kWriteReported = std::uint64_t{1} << 9;
  static constexpr std::uint64_t kRestorePending = std::uint64_t{1} << 10;
  static constexpr std::uint64_t kLaunchMask =
      kStateMask | kRetired | kWriteReported | kRestorePending;
  static constexpr std::uint64_t kLaunchable =
      static_cast<std::uint64_t>(RegionState::kResident) | kWriteReported;
  static constexpr std::uint64_t kOnePin = std::uint64_t{1} << kPinShift;
  static RegionState state_of(std::uint64_t word) {
    return static_cast<RegionState>(word & kStateMask);
  }
  static bool is_settled(std::uint64_t word) { return (word & kLaunchMask) == kLaunchable; }
  // Keeps the UnsettledCount after the word went from `before` to `after`.
  // An unsettling change is counted before the caller goes on to wait for
  // launches: the count and the launch epochs are a store-then-load
  // handshake, like the word itself.
  void count_change(std::uint64_t before, std::uint64_t after) {
    if (unsettled_ == nullptr || is_settled(before) == is_settled(after)) return;
    unsettled_->fetch_add(is_settled(before) ? 1 : -1, std::memory_order_seq_cst);
  }

  const RegionId id_;
  const CUdeviceptr base_;
  const std::uint64_t requested_;
  const std::uint64_t size_;

  mutable std::mutex mu_;
  std::atomic<std::uint64_t> word_;
  // Written at construction and by leave_count() (runtime mutex); word
  // changes happen under that mutex too.
  UnsettledCount* unsettled_;
  // No stream remembered. Not null: null is the legacy default stream, which
  // a region must note like any other before its work is waited for.
  static CUstream no_stream() { return reinterpret_cast<CUstream>(~std::uintptr_t{0}); }
  std::atomic<CUstream> recent_stream_{no_stream()};
  StreamSet streams_;
  void* host_ = nullptr;
  std::vector<CUmemGenericAllocationHandle> chunks_;
};

}  // namespace gpuswap::runtime
