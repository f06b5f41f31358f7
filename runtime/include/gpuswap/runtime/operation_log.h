// Kernel launches that took the fast or quiet path (thread_slots.h) and are
// not yet reported to the policy: a ring written by one thread without a
// lock and read by whoever holds the runtime mutex. A record holds device
// addresses: the bases of the regions a fast launch checked, or a quiet
// launch's parameter words; the reader looks them up in the page map.
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
  // The addresses to look up. Valid during the visit only.
  std::span<const std::uint64_t> addresses;
};

class OperationLog {
 public:
  // A power of two: 256 KiB, about 2,980 launches of 8 pointer parameters,
  // so that a launching thread nudges the background reporter
  // (launch_reporter.h), a futex wake-up, only once every ~1,500 launches.
  static constexpr std::size_t kWords = 32768;
  // A record: a header word (its address count), the signature, the
  // stream, then the addresses.
  static constexpr std::size_t kHeaderWords = 3;
  // Launches naming more addresses are reported directly (slow path).
  static constexpr std::size_t kMaxAddresses = 64;

  // Producer. Whether a record of `count` addresses fits now.
  bool has_room(std::size_t count) {
    if (count > kMaxAddresses) return false;
    // The consumer's line is read only when the copy of tail says "full":
    // tail only grows, so the copy can only understate the room.
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_seen_ + kHeaderWords + count <= kWords) return true;
    tail_seen_ = tail_.load(std::memory_order_acquire);
    return head - tail_seen_ + kHeaderWords + count <= kWords;
  }
  // Producer. Appends a record; the caller checked has_room(count).
  // `address(i, &value)` gives address i, or false to drop the record
  // (nothing is published then). Returns whether the record was appended.
  template <typename AddressOf>
  bool append(std::uint64_t signature, std::uint64_t stream, std::size_t count,
              const AddressOf& address) {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    const std::size_t first = head & (kWords - 1);
    const std::size_t words = kHeaderWords + count;
    const auto put = [&](const auto& slot) {
      slot(0) = count;
      slot(1) = signature;
      slot(2) = stream;
      for (std::size_t i = 0; i < count; ++i) {
        if (!address(i, &slot(kHeaderWords + i))) return false;
      }
      return true;
    };
    // Nearly every record lies within the ring's end: then its words are
    // indexed without wrapping each one (every launch appends a record).
    const bool written =
        first + words <= kWords
            ? put([&](std::size_t k) -> std::uint64_t& { return words_[first + k]; })
            : put([&](std::size_t k) -> std::uint64_t& { return word(head + k); });
    if (!written) return false;
    head_.store(head + words, std::memory_order_release);
    return true;
  }

  // Consumer. Visits every record appended so far (at most `most` of
  // them), oldest first, and frees their room; returns how many it visited.
  template <typename Visit>
  std::size_t drain(const Visit& visit, std::size_t most = SIZE_MAX) {
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    std::uint64_t at = tail_.load(std::memory_order_relaxed);
    std::size_t records = 0;
    while (at != head && records < most) {
      const auto count = static_cast<std::size_t>(word(at));
      LoggedOperation operation;
      operation.signature = word(at + 1);
      operation.stream = word(at + 2);
      at += kHeaderWords;
      // A record may wrap around the end of the ring: copy its addresses
      // out so that the visitor sees them contiguous.
      for (std::size_t i = 0; i < count; ++i) scratch_[i] = word(at + i);
      at += count;
      operation.addresses = std::span<const std::uint64_t>(scratch_.data(), count);
      visit(operation);
      ++records;
    }
    tail_.store(at, std::memory_order_release);
    return records;
  }
  // Producer. True once each time the ring passes half full, after an
  // append: the moment to ask for a replay (launch_reporter.h).
  bool passed_half() {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_seen_ >= kWords / 2) tail_seen_ = tail_.load(std::memory_order_acquire);
    if (head - tail_seen_ < kWords / 2) {
      asked_ = false;
      return false;
    }
    if (asked_) return false;
    asked_ = true;
    return true;
  }
  // Whether records wait (either side; a hint).
  bool empty() const {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }

 private:
  std::uint64_t& word(std::uint64_t index) { return words_[index & (kWords - 1)]; }

  // The producer's line, the consumer's, the consumer's scratch: apart, so
  // that neither side's writes take a line the other keeps reading.
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::uint64_t tail_seen_ = 0;  // the producer's copy of tail_
  bool asked_ = false;           // passed_half() said so since the last drop below half
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::array<std::uint64_t, kMaxAddresses> scratch_{};
  alignas(64) std::array<std::uint64_t, kWords> words_{};
};

}  // namespace gpuswap::runtime
