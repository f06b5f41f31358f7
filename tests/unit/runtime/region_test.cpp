#include "gpuswap/runtime/region.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gpuswap/runtime/page_map.h"

namespace gpuswap::runtime {
namespace {

constexpr CUdeviceptr kBase = CUdeviceptr{0x7d00} << 32;

TEST(Region, SizesAndContainment) {
  Region region(3, kBase, kGranuleBytes + 1, RegionState::kResident);
  EXPECT_EQ(region.id(), 3u);
  EXPECT_EQ(region.base(), kBase);
  EXPECT_EQ(region.requested_size(), kGranuleBytes + 1);
  EXPECT_EQ(region.size(), 2 * kGranuleBytes);
  EXPECT_TRUE(region.contains(kBase));
  EXPECT_TRUE(region.contains(kBase + kGranuleBytes));
  EXPECT_FALSE(region.contains(kBase + kGranuleBytes + 1));
  EXPECT_FALSE(region.contains(kBase - 1));
}

TEST(Region, InitialStateIsResidentOrDiscarded) {
  Region resident(1, kBase, 1, RegionState::kResident);
  Region fresh(2, kBase, 1, RegionState::kDiscarded);
  Region odd(3, kBase, 1, RegionState::kEvicting);  // cannot be born mid-copy
  EXPECT_EQ(resident.state_snapshot(), RegionState::kResident);
  EXPECT_EQ(fresh.state_snapshot(), RegionState::kDiscarded);
  EXPECT_EQ(odd.state_snapshot(), RegionState::kDiscarded);
}

TEST(Region, WalksTheWholeLifeCycle) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  RegionLock held = region.lock();
  for (RegionState next : {RegionState::kEvicting, RegionState::kEvicted, RegionState::kRestoring,
                           RegionState::kResident, RegionState::kEvicting, RegionState::kResident,
                           RegionState::kDiscarded, RegionState::kResident}) {
    ASSERT_TRUE(region.transition(next, held).is_ok()) << region_state_name(next);
    EXPECT_EQ(region.state(held), next);
  }
}

TEST(Region, IllegalTransitionsAreRefusedAndChangeNothing) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  RegionLock held = region.lock();
  EXPECT_EQ(region.transition(RegionState::kEvicted, held).code(), StatusCode::kIllegalTransition);
  EXPECT_EQ(region.transition(RegionState::kRestoring, held).code(),
            StatusCode::kIllegalTransition);
  EXPECT_EQ(region.transition(RegionState::kResident, held).code(), StatusCode::kIllegalTransition);
  EXPECT_EQ(region.state(held), RegionState::kResident);
  ASSERT_TRUE(region.transition(RegionState::kDiscarded, held).is_ok());
  EXPECT_EQ(region.transition(RegionState::kEvicting, held).code(), StatusCode::kIllegalTransition);
  EXPECT_EQ(region.transition(RegionState::kRestoring, held).code(),
            StatusCode::kIllegalTransition);
  EXPECT_EQ(region.state(held), RegionState::kDiscarded);
}

TEST(Region, ChangesNeedItsOwnHeldLock) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  Region other(2, kBase, kGranuleBytes, RegionState::kResident);
  RegionLock foreign = other.lock();
  EXPECT_EQ(region.transition(RegionState::kEvicting, foreign).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(region.pin(foreign).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(region.note_stream(nullptr, foreign).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(region.streams(foreign), nullptr);
  EXPECT_EQ(region.chunks(foreign), nullptr);
  RegionLock released = region.lock();
  released.unlock();
  EXPECT_EQ(region.transition(RegionState::kEvicting, released).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(region.state_snapshot(), RegionState::kResident);
}

TEST(Region, PinnedRegionCannotStartEvictingOrBeDiscarded) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  {
    RegionLock held = region.lock();
    ASSERT_TRUE(region.pin(held).is_ok());
    ASSERT_TRUE(region.pin(held).is_ok());
    EXPECT_EQ(region.transition(RegionState::kEvicting, held).code(), StatusCode::kBusy);
    EXPECT_EQ(region.transition(RegionState::kDiscarded, held).code(), StatusCode::kBusy);
  }
  EXPECT_EQ(region.pin_count(), 2u);
  ASSERT_TRUE(region.unpin().is_ok());
  {
    RegionLock held = region.lock();
    EXPECT_EQ(region.transition(RegionState::kEvicting, held).code(), StatusCode::kBusy);
  }
  ASSERT_TRUE(region.unpin().is_ok());
  EXPECT_EQ(region.unpin().code(), StatusCode::kInvalidValue);
  RegionLock held = region.lock();
  ASSERT_TRUE(region.transition(RegionState::kEvicting, held).is_ok());
  // Not resident any more: an enqueue must restore it before pinning.
  EXPECT_EQ(region.pin(held).code(), StatusCode::kBusy);
  EXPECT_EQ(region.pin_count(), 0u);
}

TEST(Region, KeepsStreamsHostBackingAndChunksUnderItsLock) {
  Region region(1, kBase, 2 * kGranuleBytes, RegionState::kResident);
  RegionLock held = region.lock();
  auto s1 = reinterpret_cast<CUstream>(0x10);
  ASSERT_TRUE(region.note_stream(s1, held).is_ok());
  ASSERT_TRUE(region.note_stream(s1, held).is_ok());
  ASSERT_TRUE(region.note_stream(nullptr, held).is_ok());
  EXPECT_EQ(region.streams(held)->size(), 2u);
  region.mutable_streams(held)->clear();
  EXPECT_TRUE(region.streams(held)->empty());

  int host_buffer = 0;
  EXPECT_EQ(region.host_backing(held), nullptr);
  ASSERT_TRUE(region.set_host_backing(&host_buffer, held).is_ok());
  EXPECT_EQ(region.host_backing(held), &host_buffer);

  region.chunks(held)->assign({11, 12});
  EXPECT_EQ(region.chunks(held)->size(), 2u);
}

// Pins from many threads against an evictor: eviction only ever starts when
// no pin is outstanding, and pin counts never go astray.
TEST(Region, PinAndEvictRaceKeepsTheInvariant) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  std::atomic<bool> stop{false};
  std::atomic<long> violations{0};
  std::atomic<long> pins{0};
  std::vector<std::thread> users;
  for (int t = 0; t < 3; ++t) {
    users.emplace_back([&] {
      while (!stop.load()) {
        RegionLock held = region.lock();
        if (!region.pin(held)) continue;
        ++pins;
        held.unlock();
        // "Enqueue" while pinned: the region must still be resident.
        if (region.state_snapshot() != RegionState::kResident) ++violations;
        (void)region.unpin();
      }
    });
  }
  int evictions = 0;
  for (int round = 0; round < 3000; ++round) {
    RegionLock held = region.lock();
    if (region.transition(RegionState::kEvicting, held)) {
      ++evictions;
      if (region.pin_count() != 0) ++violations;
      ASSERT_TRUE(region.transition(RegionState::kEvicted, held).is_ok());
      ASSERT_TRUE(region.transition(RegionState::kRestoring, held).is_ok());
      ASSERT_TRUE(region.transition(RegionState::kResident, held).is_ok());
    }
  }
  stop = true;
  for (auto& user : users) user.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(region.pin_count(), 0u);
}

// The hot path pins without the region's lock (try_pin): the state word
// makes a pin and the start of an eviction exclude each other all the same.
TEST(Region, LockFreePinAndEvictRaceKeepsTheInvariant) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  std::atomic<bool> stop{false};
  std::atomic<long> violations{0};
  std::atomic<long> pins{0};
  std::vector<std::thread> users;
  for (int t = 0; t < 3; ++t) {
    users.emplace_back([&] {
      while (!stop.load()) {
        if (!region.try_pin()) continue;
        ++pins;
        if (region.state_snapshot() != RegionState::kResident) ++violations;
        (void)region.unpin();
        std::this_thread::yield();  // leave the evictor moments with no pin
      }
    });
  }
  int evictions = 0;
  for (long round = 0; round < 5000000 && (evictions < 300 || pins.load() < 300); ++round) {
    RegionLock held = region.lock();
    if (region.transition(RegionState::kEvicting, held)) {
      ++evictions;
      if (region.pin_count() != 0) ++violations;
      // Not resident: no pin may succeed now.
      if (region.try_pin()) ++violations;
      ASSERT_TRUE(region.transition(RegionState::kResident, held).is_ok());
    }
  }
  stop = true;
  for (auto& user : users) user.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(region.pin_count(), 0u);
  EXPECT_GT(pins.load(), 0);
  EXPECT_GT(evictions, 0);
}

TEST(Region, TryPinRefusesEveryStateButResident) {
  Region region(1, kBase, kGranuleBytes, RegionState::kDiscarded);
  EXPECT_FALSE(region.try_pin());
  RegionLock held = region.lock();
  ASSERT_TRUE(region.transition(RegionState::kResident, held).is_ok());
  EXPECT_TRUE(region.try_pin());
  EXPECT_TRUE(region.try_pin());
  EXPECT_EQ(region.pin_count(), 2u);
  EXPECT_EQ(region.transition(RegionState::kEvicting, held).code(), StatusCode::kBusy);
  EXPECT_EQ(region.state(held), RegionState::kResident);
  ASSERT_TRUE(region.unpin().is_ok());
  ASSERT_TRUE(region.unpin().is_ok());
  EXPECT_EQ(region.unpin().code(), StatusCode::kInvalidValue);
  ASSERT_TRUE(region.transition(RegionState::kEvicting, held).is_ok());
  EXPECT_FALSE(region.try_pin());
  EXPECT_EQ(region.pin_count(), 0u);
}

// The remembered stream lets the hot path skip the lock; it must be
// forgotten whenever the set may be cleared, or a later eviction would not
// wait for that stream's work.
TEST(Region, RemembersTheLastNotedStreamUntilTheSetMayChange) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  auto s1 = reinterpret_cast<CUstream>(0x10);
  auto s2 = reinterpret_cast<CUstream>(0x20);
  EXPECT_FALSE(region.noted_recently(s1));
  RegionLock held = region.lock();
  ASSERT_TRUE(region.note_stream(s1, held).is_ok());
  EXPECT_TRUE(region.noted_recently(s1));
  ASSERT_TRUE(region.note_stream(s2, held).is_ok());
  EXPECT_TRUE(region.noted_recently(s2));
  EXPECT_FALSE(region.noted_recently(s1));  // still in the set, but not remembered
  EXPECT_TRUE(region.streams(held)->contains(s1));
  region.mutable_streams(held)->clear();
  EXPECT_FALSE(region.noted_recently(s2));
  // Remembering nothing is not remembering the legacy default stream (null).
  EXPECT_FALSE(region.noted_recently(nullptr));
  Region fresh(2, kBase, kGranuleBytes, RegionState::kResident);
  EXPECT_FALSE(fresh.noted_recently(nullptr));
}

TEST(Region, SettledOnlyWhenResidentReportedAndNothingPending) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  RegionLock held = region.lock();
  EXPECT_FALSE(region.settled());  // the policy has not heard of a write yet
  region.note_write_reported();
  EXPECT_TRUE(region.settled());

  region.set_restore_pending(true);
  EXPECT_FALSE(region.settled());
  region.set_restore_pending(false);
  EXPECT_TRUE(region.settled());

  // Flags survive state changes; leaving kResident unsettles it.
  ASSERT_TRUE(region.transition(RegionState::kEvicting, held).is_ok());
  EXPECT_FALSE(region.settled());
  ASSERT_TRUE(region.transition(RegionState::kResident, held).is_ok());
  EXPECT_TRUE(region.settled());
  EXPECT_EQ(region.state_snapshot(), RegionState::kResident);
}

TEST(Region, ARetiredRegionCanNeitherBePinnedNorLaunched) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  RegionLock held = region.lock();
  region.note_write_reported();
  ASSERT_TRUE(region.try_pin());
  ASSERT_TRUE(region.unpin().is_ok());
  region.retire(held);
  EXPECT_FALSE(region.try_pin());
  EXPECT_FALSE(region.settled());
  EXPECT_EQ(region.state_snapshot(), RegionState::kResident);  // its pages are still there
}

TEST(Region, PinsAndFlagsDoNotDisturbEachOther) {
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  RegionLock held = region.lock();
  ASSERT_TRUE(region.try_pin());
  region.note_write_reported();
  region.set_restore_pending(true);
  region.set_restore_pending(false);
  EXPECT_EQ(region.pin_count(), 1u);
  EXPECT_TRUE(region.settled());  // pins do not matter to a launch
  EXPECT_EQ(region.transition(RegionState::kEvicting, held).code(), StatusCode::kBusy);
  ASSERT_TRUE(region.unpin().is_ok());
  EXPECT_EQ(region.pin_count(), 0u);
  EXPECT_TRUE(region.settled());
}

// The count a quiet launch reads: a region counts while it is not settled
// (resident, written as far as the policy knows, nothing pending, not
// freed), and every change of its word keeps the count exact.
TEST(Region, CountsItselfWhileNotSettled) {
  UnsettledCount unsettled{0};
  Region region(1, kBase, kGranuleBytes, RegionState::kDiscarded, &unsettled);
  RegionLock held = region.lock();
  EXPECT_EQ(unsettled.load(), 1);  // no pages, no write reported
  ASSERT_TRUE(region.transition(RegionState::kResident, held).is_ok());
  EXPECT_EQ(unsettled.load(), 1);
  region.note_write_reported();
  EXPECT_TRUE(region.settled());
  EXPECT_EQ(unsettled.load(), 0);
  region.note_write_reported();   // again: no change
  ASSERT_TRUE(region.try_pin());  // pins do not matter
  EXPECT_EQ(unsettled.load(), 0);
  ASSERT_TRUE(region.unpin().is_ok());

  ASSERT_TRUE(region.transition(RegionState::kEvicting, held).is_ok());
  EXPECT_EQ(unsettled.load(), 1);
  ASSERT_TRUE(region.transition(RegionState::kEvicted, held).is_ok());
  EXPECT_EQ(unsettled.load(), 1);
  ASSERT_TRUE(region.transition(RegionState::kRestoring, held).is_ok());
  region.set_restore_pending(true);
  ASSERT_TRUE(region.transition(RegionState::kResident, held).is_ok());
  EXPECT_EQ(unsettled.load(), 1);  // its restore is still pending
  region.set_restore_pending(false);
  EXPECT_EQ(unsettled.load(), 0);

  region.retire(held);
  EXPECT_EQ(unsettled.load(), 1);
  region.leave_count();
  EXPECT_EQ(unsettled.load(), 0);
  region.leave_count();              // idempotent
  region.set_restore_pending(true);  // no longer counted
  EXPECT_EQ(unsettled.load(), 0);
}

TEST(Region, ManyRegionsKeepTheCountExactUnderConcurrentChanges) {
  UnsettledCount unsettled{0};
  constexpr int kRegions = 8;
  std::vector<std::unique_ptr<Region>> regions;
  for (int i = 0; i < kRegions; ++i) {
    regions.push_back(std::make_unique<Region>(i + 1, kBase + i * kGranuleBytes, kGranuleBytes,
                                               RegionState::kResident, &unsettled));
  }
  EXPECT_EQ(unsettled.load(), kRegions);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRegions; ++i) {
    threads.emplace_back([&, i] {
      Region& region = *regions[i];
      region.note_write_reported();
      for (int round = 0; round < 2000; ++round) {
        RegionLock held = region.lock();
        region.set_restore_pending(round % 3 == 0);
        (void)region.transition(round % 2 == 0 ? RegionState::kEvicting : RegionState::kResident,
                                held);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::int64_t expected = 0;
  for (const auto& region : regions) expected += region->settled() ? 0 : 1;
  EXPECT_EQ(unsettled.load(), expected);
}

}  // namespace
}  // namespace gpuswap::runtime
