// One slot per thread that launches kernels: which threads are issuing a
// launch right now (the launch epoch), and each one's log of launches not
// yet reported to the policy (operation_log.h).
//
// Why: a launch must not be issued while a region it uses is not resident,
// so an eviction has to exclude the launches in flight. Pinning each region
// (an atomic read-modify-write on its word, and another to unpin) costs 16
// of them for a launch of 8 buffers. With an epoch a launch pays one: it
// marks its slot busy (one store), checks that every
// region it uses is resident, issues the call and marks the slot idle (a
// plain store). Whoever takes a region out of the resident state does so
// first, then waits (wait_for_launches) until every slot that was busy at
// that moment has moved on; a launch that began after the state change sees
// it and goes the slow way. The two orders are the classic store-then-load
// handshake: either both sides use sequentially consistent accesses, or
// (where Linux offers membarrier, process_barrier.h) the launch's store is
// a plain one and the waiter issues a barrier on every thread's behalf.
//
// Slots belong to the table (a Runtime owns one), not to threads: a thread
// claims a free slot on its first launch and gives it back when it exits,
// and a later thread reuses it, log included. A thread that finds every slot
// taken uses the pinning path.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "gpuswap/runtime/operation_log.h"

namespace gpuswap::runtime {

class ThreadSlots : public std::enable_shared_from_this<ThreadSlots> {
 public:
  static constexpr std::size_t kSlots = 256;
  // About one launch in this many is recorded on the unrecorded quiet path
  // (Slot::sample_due). A power of two.
  static constexpr std::uint32_t kSampleEvery = 64;

  class Slot {
   public:
    // The calling thread (the owner) begins a launch: every state change
    // made before this call is seen by its loads after it, and every one
    // made after waits for end_launch(). With the process barrier the
    // store needs no fence here: wait_for_launches() issues one for every
    // thread (process_barrier.h).
    void begin_launch() noexcept {
      const std::uint64_t next = epoch_.load(std::memory_order_relaxed) + 1;
      if (asymmetric_) {
        epoch_.store(next, std::memory_order_relaxed);
        std::atomic_signal_fence(std::memory_order_seq_cst);
      } else {
        epoch_.store(next, std::memory_order_seq_cst);
      }
    }
    void end_launch() noexcept {
      epoch_.store(epoch_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    bool in_launch() const noexcept { return (epoch_.load(std::memory_order_seq_cst) & 1) != 0; }
    OperationLog& log() noexcept { return log_; }
    // Owner only, once a launch is known to take the fast path (`quiet`:
    // the quiet path, which is a fast path too).
    // One counter moves per launch: the quiet ones are counted apart and
    // added in when read.
    void count_fast_launch(bool quiet = false) noexcept {
      bump(quiet ? quiet_launches_ : other_fast_launches_);
    }
    // Owner only: a quiet launch that went unrecorded (the next one below).
    void count_unrecorded_launch() noexcept { bump(unrecorded_launches_); }
    // Owner only: whether this unrecorded-eligible launch is the one in
    // about kSampleEvery that is recorded all the same, so that the policy
    // keeps seeing which regions are in use. The gaps are drawn at random
    // (uniform in [1, 2 kSampleEvery]), so that a job whose step has
    // a multiple of kSampleEvery launches is not sampled at the same
    // launches every step.
    bool sample_due() noexcept {
      if (--sample_countdown_ != 0) return false;
      sample_seed_ ^= sample_seed_ << 13;
      sample_seed_ ^= sample_seed_ >> 17;
      sample_seed_ ^= sample_seed_ << 5;
      sample_countdown_ = 1 + (sample_seed_ & (2 * kSampleEvery - 1));
      return true;
    }
    std::uint64_t quiet_launches() const noexcept {
      return quiet_launches_.load(std::memory_order_relaxed) + unrecorded_launches();
    }
    std::uint64_t unrecorded_launches() const noexcept {
      return unrecorded_launches_.load(std::memory_order_relaxed);
    }
    // Launches this slot has issued by the fast path (all its owners),
    // the quiet ones included.
    std::uint64_t fast_launches() const noexcept {
      return other_fast_launches_.load(std::memory_order_relaxed) + quiet_launches();
    }

    explicit Slot(bool asymmetric, std::uint32_t seed = 1)
        : asymmetric_(asymmetric), sample_seed_(seed == 0 ? 1 : seed) {}

   private:
    friend class ThreadSlots;
    static void bump(std::atomic<std::uint64_t>& counter) noexcept {
      counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }

    // Odd while a launch is being issued.
    alignas(64) std::atomic<std::uint64_t> epoch_{0};
    const bool asymmetric_;                              // the table's mode (see begin_launch)
    std::atomic<std::uint64_t> other_fast_launches_{0};  // fast, not quiet
    std::atomic<std::uint64_t> quiet_launches_{0};       // quiet and recorded
    std::atomic<std::uint64_t> unrecorded_launches_{0};  // quiet, not recorded
    std::uint32_t sample_countdown_ = kSampleEvery;      // owner only
    std::uint32_t sample_seed_;                          // owner only (xorshift32)
    std::atomic<bool> owned_{false};
    OperationLog log_;
  };

  // Tables are shared: a thread that exits after its Runtime gives its slot
  // back to a table that still exists.
  // `asymmetric`: use the process barrier when the kernel offers it (see
  // begin_launch); false keeps both sides sequentially consistent.
  static std::shared_ptr<ThreadSlots> create(bool asymmetric = true);
  ThreadSlots(const ThreadSlots&) = delete;
  ThreadSlots& operator=(const ThreadSlots&) = delete;

  // The calling thread's slot, claimed on first call; null when all are
  // taken. After the first call it is two thread-local loads and a compare,
  // inline (below).
  Slot* mine() noexcept;
  // Returns once every slot that was in a launch when it was called has
  // ended that launch. The caller's own slot is skipped: a thread never
  // waits for itself (a hook called from inside a launch).
  void wait_for_launches() const noexcept;
  // Visits every slot that has ever been claimed (draining logs, stats).
  template <typename Visit>
  void for_each(const Visit& visit) const {
    const std::size_t count = claimed_.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < count; ++i) visit(*slots_[i]);
  }
  // Launches all slots have issued by the fast path.
  std::uint64_t fast_launches() const {
    std::uint64_t total = 0;
    for_each([&](const Slot& slot) { total += slot.fast_launches(); });
    return total;
  }
  std::uint64_t quiet_launches() const {
    std::uint64_t total = 0;
    for_each([&](const Slot& slot) { total += slot.quiet_launches(); });
    return total;
  }
  std::uint64_t unrecorded_launches() const {
    std::uint64_t total = 0;
    for_each([&](const Slot& slot) { total += slot.unrecorded_launches(); });
    return total;
  }
  std::uint64_t id() const { return id_; }
  // Whether launches skip the fence and waits issue the process barrier.
  bool asymmetric() const { return asymmetric_; }

 private:
  explicit ThreadSlots(bool asymmetric);
  Slot* claim() noexcept;

  const std::uint64_t id_;  // unique per table, so a thread never mistakes a new one for an old
  const bool asymmetric_;
  std::mutex claim_mu_;  // guards growth of slots_
  std::array<std::unique_ptr<Slot>, kSlots> slots_;
  std::atomic<std::size_t> claimed_{0};  // slots_[0, claimed_) exist
};

namespace detail {
// The calling thread's cached slot and the table it belongs to (0: none).
// Initial-exec TLS (runtime/CMakeLists.txt): a plain load, even in the
// preloaded library.
extern constinit thread_local std::uint64_t t_table;
extern constinit thread_local ThreadSlots::Slot* t_slot;
}  // namespace detail

inline ThreadSlots::Slot* ThreadSlots::mine() noexcept {
  if (detail::t_table == id_) return detail::t_slot;
  return claim();
}

}  // namespace gpuswap::runtime
