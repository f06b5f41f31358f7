#include "gpuswap/runtime/thread_slots.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "gpuswap/runtime/process_barrier.h"

namespace gpuswap::runtime {
namespace {

using namespace std::chrono_literals;

TEST(ThreadSlots, AThreadKeepsItsSlotAndThreadsGetTheirOwn) {
  auto table = ThreadSlots::create();
  ThreadSlots::Slot* mine = table->mine();
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(table->mine(), mine);
  ThreadSlots::Slot* other = nullptr;
  std::thread([&] { other = table->mine(); }).join();
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other, mine);
}

TEST(ThreadSlots, AnExitedThreadsSlotIsReused) {
  auto table = ThreadSlots::create();
  ThreadSlots::Slot* first = nullptr;
  std::thread([&] { first = table->mine(); }).join();
  ThreadSlots::Slot* second = nullptr;
  std::thread([&] { second = table->mine(); }).join();
  EXPECT_EQ(first, second);
  int claimed = 0;
  table->for_each([&](const ThreadSlots::Slot&) { ++claimed; });
  EXPECT_EQ(claimed, 1);
}

TEST(ThreadSlots, ATableMayGoBeforeTheThreadsThatUsedIt) {
  auto table = ThreadSlots::create();
  std::atomic<bool> release{false};
  std::atomic<bool> claimed{false};
  std::thread user([&] {
    claimed.store(table->mine() != nullptr);
    while (!release.load()) std::this_thread::yield();
  });
  while (!claimed.load()) std::this_thread::yield();
  std::weak_ptr<ThreadSlots> watch = table;
  table.reset();
  EXPECT_FALSE(watch.expired());  // the thread's slot keeps it
  release.store(true);
  user.join();
  EXPECT_TRUE(watch.expired());
}

TEST(ThreadSlots, AThreadMovesToANewTable) {
  auto old_table = ThreadSlots::create();
  ThreadSlots::Slot* old_slot = old_table->mine();
  auto new_table = ThreadSlots::create();
  ThreadSlots::Slot* new_slot = new_table->mine();
  ASSERT_NE(new_slot, nullptr);
  EXPECT_NE(new_slot, old_slot);
  // The old slot was given back: another thread gets it.
  ThreadSlots::Slot* reused = nullptr;
  std::thread([&] { reused = old_table->mine(); }).join();
  EXPECT_EQ(reused, old_slot);
}

TEST(ThreadSlots, EveryThreadGetsASlotUntilTheyRunOut) {
  auto table = ThreadSlots::create();
  std::atomic<int> waiting{0};
  std::atomic<bool> release{false};
  std::vector<ThreadSlots::Slot*> got(ThreadSlots::kSlots + 1, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ThreadSlots::kSlots; ++i) {
    threads.emplace_back([&, i] {
      got[i] = table->mine();
      ++waiting;
      while (!release.load()) std::this_thread::sleep_for(1ms);
    });
  }
  while (waiting.load() < static_cast<int>(ThreadSlots::kSlots)) std::this_thread::sleep_for(1ms);
  std::thread([&] { got[ThreadSlots::kSlots] = table->mine(); }).join();
  release.store(true);
  for (std::thread& t : threads) t.join();
  std::set<ThreadSlots::Slot*> distinct(got.begin(), got.begin() + ThreadSlots::kSlots);
  EXPECT_EQ(distinct.size(), ThreadSlots::kSlots);
  EXPECT_EQ(distinct.count(nullptr), 0u);
  EXPECT_EQ(got[ThreadSlots::kSlots], nullptr);  // the pinning path then
  // Once they have exited, a new thread gets one again.
  ThreadSlots::Slot* later = nullptr;
  std::thread([&] { later = table->mine(); }).join();
  EXPECT_NE(later, nullptr);
}

TEST(ThreadSlots, WaitingReturnsAtOnceWhenNoLaunchIsBeingIssued) {
  auto table = ThreadSlots::create();
  ThreadSlots::Slot* slot = nullptr;
  std::thread([&] {
    slot = table->mine();
    slot->begin_launch();
    slot->end_launch();
  }).join();
  EXPECT_FALSE(slot->in_launch());
  table->wait_for_launches();  // would hang otherwise
}

TEST(ThreadSlots, WaitingWaitsForALaunchBeingIssued) {
  auto table = ThreadSlots::create();
  std::atomic<bool> in_launch{false};
  std::atomic<bool> end{false};
  std::thread launcher([&] {
    ThreadSlots::Slot* slot = table->mine();
    slot->begin_launch();
    in_launch.store(true);
    while (!end.load()) std::this_thread::yield();
    slot->end_launch();
  });
  while (!in_launch.load()) std::this_thread::yield();
  std::atomic<bool> waited{false};
  std::thread waiter([&] {
    table->wait_for_launches();
    waited.store(true);
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(waited.load());
  end.store(true);
  launcher.join();
  waiter.join();
  EXPECT_TRUE(waited.load());
}

TEST(ThreadSlots, AThreadNeverWaitsForItself) {
  auto table = ThreadSlots::create();
  ThreadSlots::Slot* slot = table->mine();
  slot->begin_launch();
  EXPECT_TRUE(slot->in_launch());
  table->wait_for_launches();  // a hook called from inside a launch
  slot->end_launch();
  EXPECT_FALSE(slot->in_launch());
}

// The store-then-load handshake itself, as the classic store-buffering
// litmus test: each round a launcher begins a launch and reads a flag while
// a waiter sets the flag and waits for launches, both starting together.
// Forbidden: the launcher read the flag clear (so it goes on to use what the
// flag protects) and yet the waiter's wait returned while that launch was
// still open. On x86 a plain store may pass a later load, so without the
// fence (or the process barrier) this happens within a few thousand rounds.
long store_buffering_violations(bool asymmetric, int rounds) {
  auto table = ThreadSlots::create(asymmetric);
  std::atomic<int> round_started{-1};
  std::atomic<int> launcher_ready{-1};
  std::atomic<int> waiter_done{-1};
  std::atomic<std::uint64_t> flag{0};
  long violations = 0;
  std::thread launcher([&] {
    ThreadSlots::Slot* slot = table->mine();
    for (int round = 0; round < rounds; ++round) {
      launcher_ready.store(round);
      while (round_started.load() != round) {
      }
      slot->begin_launch();
      const bool saw_clear = flag.load(std::memory_order_seq_cst) == 0;
      // Keep the launch open a moment: a waiter that saw it waits it out.
      bool waiter_finished = false;
      for (int spin = 0; spin < 2000 && !waiter_finished; ++spin) {
        waiter_finished = waiter_done.load(std::memory_order_relaxed) == round;
      }
      if (saw_clear && waiter_finished) ++violations;
      slot->end_launch();
    }
  });
  for (int round = 0; round < rounds; ++round) {
    while (launcher_ready.load() != round) {
    }
    flag.store(0);
    round_started.store(round);
    flag.fetch_add(1, std::memory_order_seq_cst);
    table->wait_for_launches();
    waiter_done.store(round, std::memory_order_relaxed);
  }
  launcher.join();
  return violations;
}

TEST(ThreadSlots, TheHandshakeHoldsWithFences) {
  EXPECT_EQ(store_buffering_violations(false, 20000), 0);
}

TEST(ThreadSlots, TheHandshakeHoldsWithTheProcessBarrier) {
  // Where the kernel offers no membarrier the table falls back to fences
  // (the test above); the handshake must hold either way.
  EXPECT_EQ(ThreadSlots::create(true)->asymmetric(), enable_process_barrier());
  EXPECT_EQ(store_buffering_violations(true, 20000), 0);
}

TEST(ThreadSlots, CountsFastLaunchesPerSlot) {
  auto table = ThreadSlots::create();
  ThreadSlots::Slot* slot = table->mine();
  slot->count_fast_launch();
  slot->count_fast_launch();
  EXPECT_EQ(slot->fast_launches(), 2u);
  slot->count_fast_launch(true);
  slot->count_unrecorded_launch();
  EXPECT_EQ(slot->fast_launches(), 4u);
  EXPECT_EQ(slot->quiet_launches(), 2u);  // the unrecorded one is quiet too
  EXPECT_EQ(slot->unrecorded_launches(), 1u);
  EXPECT_EQ(table->unrecorded_launches(), 1u);
}

// About one launch in kSampleEvery is sampled, the first after exactly
// kSampleEvery, then after gaps of 1 to 2 kSampleEvery that vary (a job whose
// step is a multiple of some period is not sampled at the same launches
// every step), and differently from slot to slot.
TEST(ThreadSlots, SamplesAboutOneLaunchInKSampleEveryAtVaryingGaps) {
  constexpr std::uint32_t kEvery = ThreadSlots::kSampleEvery;
  const auto gaps_of = [](ThreadSlots::Slot& slot, int samples) {
    std::vector<std::uint32_t> gaps;
    std::uint32_t since = 0;
    while (static_cast<int>(gaps.size()) < samples) {
      ++since;
      if (slot.sample_due()) {
        gaps.push_back(since);
        since = 0;
      }
    }
    return gaps;
  };
  ThreadSlots::Slot first(true, 1);
  ThreadSlots::Slot second(true, 2);
  const std::vector<std::uint32_t> gaps = gaps_of(first, 4000);
  EXPECT_EQ(gaps[0], kEvery);
  std::uint64_t total = 0;
  std::set<std::uint32_t> distinct;
  for (std::size_t i = 1; i < gaps.size(); ++i) {
    EXPECT_GE(gaps[i], 1u);
    EXPECT_LE(gaps[i], 2 * kEvery);
    total += gaps[i];
    distinct.insert(gaps[i]);
  }
  const double mean = static_cast<double>(total) / static_cast<double>(gaps.size() - 1);
  EXPECT_GT(mean, 0.9 * kEvery);
  EXPECT_LT(mean, 1.1 * (kEvery + 1));
  EXPECT_GT(distinct.size(), kEvery);  // the gaps vary
  EXPECT_NE(gaps_of(second, 40), std::vector<std::uint32_t>(gaps.begin(), gaps.begin() + 40));
}

}  // namespace
}  // namespace gpuswap::runtime
