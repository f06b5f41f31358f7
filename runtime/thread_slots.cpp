#include "gpuswap/runtime/thread_slots.h"

#include <thread>

#include "gpuswap/runtime/process_barrier.h"

namespace gpuswap::runtime {

constinit thread_local std::uint64_t detail::t_table = 0;
constinit thread_local ThreadSlots::Slot* detail::t_slot = nullptr;

namespace {

using detail::t_slot;
using detail::t_table;

std::atomic<std::uint64_t> next_table_id{1};

// Set once the thread's slot has been given back at exit: a launch from a
// later thread-local destructor takes the pinning path.
thread_local bool t_exited = false;

// Gives the thread's slot back when the thread exits. It keeps the table
// alive, so a thread may outlive the Runtime that owned it.
struct SlotRelease {
  std::shared_ptr<ThreadSlots> table;
  std::atomic<bool>* owned = nullptr;
  void give_back() noexcept {
    if (owned != nullptr) owned->store(false, std::memory_order_release);
    owned = nullptr;
    table.reset();
    t_table = 0;
    t_slot = nullptr;
  }
  ~SlotRelease() {
    t_exited = true;
    give_back();
  }
};
thread_local SlotRelease t_release;

}  // namespace

std::shared_ptr<ThreadSlots> ThreadSlots::create(bool asymmetric) {
  return std::shared_ptr<ThreadSlots>(new ThreadSlots(asymmetric && enable_process_barrier()));
}

ThreadSlots::ThreadSlots(bool asymmetric)
    : id_(next_table_id.fetch_add(1, std::memory_order_relaxed)), asymmetric_(asymmetric) {}

ThreadSlots::Slot* ThreadSlots::claim() noexcept {
  if (t_exited) return nullptr;
  Slot* found = nullptr;
  {
    std::lock_guard lock(claim_mu_);
    const std::size_t count = claimed_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < count && found == nullptr; ++i) {
      bool expected = false;
      if (slots_[i]->owned_.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
        found = slots_[i].get();
      }
    }
    if (found == nullptr && count < kSlots) {
      slots_[count] =
          std::make_unique<Slot>(asymmetric_, static_cast<std::uint32_t>(count + 1) * 0x9e3779b9u);
      slots_[count]->owned_.store(true, std::memory_order_relaxed);
      found = slots_[count].get();
      claimed_.store(count + 1, std::memory_order_release);
    }
  }
  if (found == nullptr) return nullptr;  // asked again next launch: a slot may free up
  // One slot per thread at a time: a thread that moves to another table
  // (tests make several Runtimes) gives the old one back.
  t_release.give_back();
  t_release.table = shared_from_this();
  t_release.owned = &found->owned_;
  t_table = id_;
  t_slot = found;
  return found;
}

void ThreadSlots::wait_for_launches() const noexcept {
  // The launches' epoch stores were made without a fence: this one, on
  // every thread, makes each store that preceded a launch's loads visible
  // before the epochs are read. It cannot fail in a registered process; a
  // forked child, where it would, issues no launches through the runtime.
  if (asymmetric_) (void)process_barrier();
  const Slot* self = t_table == id_ ? t_slot : nullptr;
  const std::size_t count = claimed_.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < count; ++i) {
    const Slot* slot = slots_[i].get();
    if (slot == self) continue;
    const std::uint64_t epoch = slot->epoch_.load(std::memory_order_seq_cst);
    if ((epoch & 1) == 0) continue;
    // A launch is being issued: wait until its epoch moves on. Launches take
    // microseconds, so spin a little before giving up the core.
    for (int spins = 0; slot->epoch_.load(std::memory_order_acquire) == epoch; ++spins) {
      if (spins >= 64) std::this_thread::yield();
    }
  }
}

}  // namespace gpuswap::runtime
