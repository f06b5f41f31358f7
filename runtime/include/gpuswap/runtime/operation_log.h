// Kernel launches that took the fast path (thread_slots.h) and are not yet
// reported to the policy: a ring written by one thread without a lock and
// read by whoever holds the runtime mutex.
//
// The policy is not thread-safe and is called under the runtime mutex; a
// launch that took that mutex only to tell the policy which regions it used
// would pay for the lock on every launch. Instead the launching thread
// appends the report here, and the runtime replays the reports (in each
// thread's order) before it next asks the policy anything.
//
// One producer (the slot's owner) and one consumer at a time (a holder of the
// runtime mutex): head is written only by the producer, tail only by the
// consumer, each published with release and read with acquire.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace gpuswap::runtime {

// One logged launch, as the consumer sees it.
struct LoggedOperation {
  std::uint64_t signature = 0;
  std::uint64_t stream = 0;
  std::span<const std::uint64_t> regions;  // valid during the visit only
};

class OperationLog {
 public:
  static constexpr std::size_t kWords = 1024;  // a power of two
  // A record: a header word (its region count), the signature, the stream,
  // then one word per region.
  static constexpr std::size_t kHeaderWords = 3;
  // Launches touching more regions are reported directly (slow path).
  static constexpr std::size_t kMaxRegions = 64;

  // Producer. Whether a record of `regions` regions fits now.
  bool has_room(std::size_t regions) const {
    const std::uint64_t used =
        head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_acquire);
    return regions <= kMaxRegions && used + kHeaderWords + regions <= kWords;
  }
  // Producer. Appends a record; the caller checked has_room(count).
  // `region_id(i)` gives the id of region i.
  template <typename IdOf>
  void append(std::uint64_t signature, std::uint64_t stream, std::size_t count,
              const IdOf& region_id) {
    std::uint64_t at = head_.load(std::memory_order_relaxed);
    word(at++) = count;
    word(at++) = signature;
    word(at++) = stream;
    for (std::size_t i = 0; i < count; ++i) word(at++) = region_id(i);
    head_.store(at, std::memory_order_release);
  }

  // Consumer. Visits every record appended so far, oldest first, and frees
  // their room; returns how many there were.
  template <typename Visit>
  std::size_t drain(const Visit& visit) {
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    std::uint64_t at = tail_.load(std::memory_order_relaxed);
    std::size_t records = 0;
    while (at != head) {
      const std::size_t count = static_cast<std::size_t>(word(at));
      LoggedOperation operation;
      operation.signature = word(at + 1);
      operation.stream = word(at + 2);
      at += kHeaderWords;
      // A record may wrap around the end of the ring: copy its ids out so
      // that the visitor sees them contiguous.
      for (std::size_t i = 0; i < count; ++i) scratch_[i] = word(at + i);
      at += count;
      operation.regions = std::span<const std::uint64_t>(scratch_.data(), count);
      visit(operation);
      ++records;
    }
    tail_.store(at, std::memory_order_release);
    return records;
  }
  // Whether records wait (either side; a hint).
  bool empty() const {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }

 private:
  std::uint64_t& word(std::uint64_t index) { return words_[index & (kWords - 1)]; }

  alignas(64) std::atomic<std::uint64_t> head_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  std::array<std::uint64_t, kMaxRegions> scratch_{};  // consumer's
  std::array<std::uint64_t, kWords> words_{};
};

}  // namespace gpuswap::runtime
