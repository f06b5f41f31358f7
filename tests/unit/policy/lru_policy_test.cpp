#include "gpuswap/policy/lru_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace gpuswap::policy {
namespace {

std::vector<RegionId> ids(const VictimChoice& choice) {
  std::vector<RegionId> out;
  for (const Victim& victim : choice.victims) out.push_back(victim.region);
  return out;
}

const Evictable kAny = [](RegionId) { return true; };

void touch(Policy& policy, std::vector<Access> accesses, std::uint64_t signature = 1) {
  policy.on_operation(Operation{signature, 0, OperationKind::kernel, accesses});
}

// Regions 1..n of `bytes` each, made resident in id order.
LruPolicy resident_regions(int n, std::uint64_t bytes) {
  LruPolicy policy;
  for (int id = 1; id <= n; ++id) {
    policy.on_allocated(id, bytes);
    policy.on_resident(id);
  }
  return policy;
}

TEST(LruPolicy, VictimsAreLeastRecentlyUsedFirstUntilEnough) {
  LruPolicy policy = resident_regions(4, 10);
  const VictimChoice choice = policy.choose_victims(25, kAny);
  EXPECT_EQ(ids(choice), (std::vector<RegionId>{1, 2, 3}));
  EXPECT_EQ(choice.bytes, 30u);
  EXPECT_EQ(choice.shortfall, 0u);
  EXPECT_TRUE(choice.satisfied());
}

TEST(LruPolicy, ExactFitStopsAtTheBoundary) {
  LruPolicy policy = resident_regions(4, 10);
  EXPECT_EQ(ids(policy.choose_victims(20, kAny)), (std::vector<RegionId>{1, 2}));
  const VictimChoice nothing = policy.choose_victims(0, kAny);
  EXPECT_TRUE(nothing.victims.empty());
  EXPECT_TRUE(nothing.satisfied());
}

TEST(LruPolicy, ChoosingIsAQueryThatChangesNothing) {
  LruPolicy policy = resident_regions(3, 10);
  EXPECT_EQ(ids(policy.choose_victims(10, kAny)), (std::vector<RegionId>{1}));
  EXPECT_EQ(ids(policy.choose_victims(10, kAny)), (std::vector<RegionId>{1}));
}

TEST(LruPolicy, TouchingRefreshesRecency) {
  LruPolicy policy = resident_regions(4, 10);
  touch(policy, {{1, AccessMode::read}, {3, AccessMode::write}});
  EXPECT_EQ(ids(policy.choose_victims(40, kAny)), (std::vector<RegionId>{2, 4, 1, 3}));
  touch(policy, {{2, AccessMode::overwrite}});
  EXPECT_EQ(ids(policy.choose_victims(40, kAny)), (std::vector<RegionId>{4, 1, 3, 2}));
}

TEST(LruPolicy, BecomingResidentAgainCountsAsUse) {
  LruPolicy policy = resident_regions(3, 10);
  policy.on_evicted(1);
  EXPECT_EQ(ids(policy.choose_victims(30, kAny)), (std::vector<RegionId>{2, 3}));
  policy.on_resident(1);
  EXPECT_EQ(ids(policy.choose_victims(30, kAny)), (std::vector<RegionId>{2, 3, 1}));
  policy.on_resident(2);  // already resident: refreshed
  EXPECT_EQ(ids(policy.choose_victims(30, kAny)), (std::vector<RegionId>{3, 1, 2}));
}

TEST(LruPolicy, FreedEvictedAndNeverResidentRegionsAreNeverChosen) {
  LruPolicy policy = resident_regions(4, 10);
  policy.on_freed(2);
  policy.on_evicted(3);
  policy.on_allocated(5, 10);  // not resident yet
  const VictimChoice choice = policy.choose_victims(100, kAny);
  EXPECT_EQ(ids(choice), (std::vector<RegionId>{1, 4}));
  touch(policy, {{2, AccessMode::write}, {3, AccessMode::read}});  // stale reports: ignored
  EXPECT_EQ(ids(policy.choose_victims(100, kAny)), (std::vector<RegionId>{1, 4}));
}

TEST(LruPolicy, PinnedAndInUseRegionsAreExcluded) {
  LruPolicy policy = resident_regions(5, 10);
  const std::set<RegionId> busy{1, 3};
  const VictimChoice choice =
      policy.choose_victims(20, [&](RegionId id) { return busy.count(id) == 0; });
  EXPECT_EQ(ids(choice), (std::vector<RegionId>{2, 4}));
}

TEST(LruPolicy, NotEnoughEvictableReportsTheShortfall) {
  LruPolicy policy;
  policy.on_allocated(1, 30);
  policy.on_allocated(2, 50);
  policy.on_allocated(3, 70);
  for (RegionId id : {1, 2, 3}) policy.on_resident(id);
  const VictimChoice choice = policy.choose_victims(200, [](RegionId id) { return id != 3; });
  EXPECT_FALSE(choice.satisfied());
  EXPECT_EQ(choice.bytes, 80u);
  EXPECT_EQ(choice.shortfall, 120u);
  EXPECT_EQ(ids(choice), (std::vector<RegionId>{1, 2}));
  const VictimChoice none = LruPolicy().choose_victims(1, kAny);
  EXPECT_EQ(none.shortfall, 1u);
  EXPECT_TRUE(none.victims.empty());
}

TEST(LruPolicy, VictimsCarryTheirBytes) {
  LruPolicy policy;
  policy.on_allocated(7, 2u << 20);
  policy.on_allocated(8, 6u << 20);
  policy.on_resident(7);
  policy.on_resident(8);
  const VictimChoice choice = policy.choose_victims(3u << 20, kAny);
  ASSERT_EQ(choice.victims.size(), 2u);
  EXPECT_EQ(choice.victims[0].bytes, 2u << 20);
  EXPECT_EQ(choice.victims[1].bytes, 6u << 20);
  EXPECT_EQ(choice.bytes, 8u << 20);
}

TEST(LruPolicy, NeverWrittenContentsAreDeadAndDiscarded) {
  LruPolicy policy = resident_regions(3, 10);
  EXPECT_TRUE(policy.contents_dead(1));
  touch(policy, {{1, AccessMode::read}});  // reading garbage keeps it garbage
  EXPECT_TRUE(policy.contents_dead(1));
  touch(policy, {{2, AccessMode::write}, {3, AccessMode::overwrite}});
  EXPECT_FALSE(policy.contents_dead(2));
  EXPECT_FALSE(policy.contents_dead(3));
  EXPECT_FALSE(policy.contents_dead(99));  // unknown: moving it is the safe answer
  const VictimChoice choice = policy.choose_victims(30, kAny);
  ASSERT_EQ(ids(choice), (std::vector<RegionId>{1, 2, 3}));
  EXPECT_TRUE(choice.victims[0].discard);
  EXPECT_FALSE(choice.victims[1].discard);
  EXPECT_FALSE(choice.victims[2].discard);
  // Written contents stay live through eviction and restore.
  policy.on_evicted(2);
  policy.on_resident(2);
  EXPECT_FALSE(policy.contents_dead(2));
}

TEST(LruPolicy, ReusedIdStartsOver) {
  LruPolicy policy = resident_regions(2, 10);
  touch(policy, {{1, AccessMode::write}});
  policy.on_freed(1);
  policy.on_allocated(1, 40);
  EXPECT_TRUE(policy.contents_dead(1));
  EXPECT_EQ(ids(policy.choose_victims(100, kAny)), (std::vector<RegionId>{2}));
  policy.on_allocated(2, 5);  // reused without a free: the old region is gone
  EXPECT_TRUE(policy.choose_victims(100, kAny).victims.empty());
}

TEST(LruPolicy, OnDemandOnly) {
  LruPolicy policy = resident_regions(3, 10);
  policy.on_evicted(2);
  policy.on_transfer(Transfer{2, Direction::to_host, 10, std::chrono::microseconds(5)});
  EXPECT_TRUE(policy.prefetch_now().empty());
  EXPECT_TRUE(policy.evict_early(kAny).empty());
  EXPECT_EQ(policy.name(), "lru");
}

// A deliberately simple model of LRU: every use gets a stamp from a global
// clock; victims are the resident regions sorted by stamp.
class ReferenceLru {
 public:
  void allocated(RegionId id, std::uint64_t bytes) { regions_[id] = Region{bytes}; }
  void freed(RegionId id) { regions_.erase(id); }
  void resident(RegionId id) {
    if (auto it = regions_.find(id); it != regions_.end()) {
      it->second.resident = true;
      it->second.stamp = ++clock_;
    }
  }
  void evicted(RegionId id) {
    if (auto it = regions_.find(id); it != regions_.end()) it->second.resident = false;
  }
  void operation(const std::vector<Access>& accesses) {
    for (const Access& access : accesses) {
      auto it = regions_.find(access.region);
      if (it == regions_.end()) continue;
      if (access.mode != AccessMode::read) it->second.written = true;
      if (it->second.resident) it->second.stamp = ++clock_;
    }
  }
  VictimChoice victims(std::uint64_t bytes, const Evictable& evictable) const {
    std::vector<std::pair<std::uint64_t, RegionId>> order;
    for (const auto& [id, region] : regions_) {
      if (region.resident && evictable(id)) order.emplace_back(region.stamp, id);
    }
    std::sort(order.begin(), order.end());
    VictimChoice choice;
    for (const auto& [stamp, id] : order) {
      if (choice.bytes >= bytes) break;
      const Region& region = regions_.at(id);
      choice.victims.push_back(Victim{id, region.bytes, !region.written});
      choice.bytes += region.bytes;
    }
    choice.shortfall = choice.bytes >= bytes ? 0 : bytes - choice.bytes;
    return choice;
  }
  bool dead(RegionId id) const {
    auto it = regions_.find(id);
    return it != regions_.end() && !it->second.written;
  }

 private:
  struct Region {
    std::uint64_t bytes = 0;
    bool resident = false;
    bool written = false;
    std::uint64_t stamp = 0;
  };
  std::map<RegionId, Region> regions_;
  std::uint64_t clock_ = 0;
};

TEST(LruPolicy, MatchesAReferenceModelOnRandomEvents) {
  std::mt19937_64 random(20261125);
  LruPolicy policy;
  ReferenceLru reference;
  constexpr RegionId kIds = 64;
  std::uniform_int_distribution<RegionId> pick(0, kIds - 1);
  std::uniform_int_distribution<int> action(0, 99);
  int checks = 0;
  for (int step = 0; step < 40000; ++step) {
    const int a = action(random);
    const RegionId id = pick(random);
    if (a < 8) {
      const std::uint64_t bytes = (1 + random() % 16) << 20;
      policy.on_allocated(id, bytes);
      reference.allocated(id, bytes);
    } else if (a < 14) {
      policy.on_freed(id);
      reference.freed(id);
    } else if (a < 30) {
      policy.on_resident(id);
      reference.resident(id);
    } else if (a < 42) {
      policy.on_evicted(id);
      reference.evicted(id);
    } else if (a < 85) {
      std::vector<Access> accesses(1 + random() % 6);
      for (Access& access : accesses) {
        access.region = pick(random);
        access.mode = static_cast<AccessMode>(random() % 3);
      }
      policy.on_operation(Operation{random(), random() % 4, OperationKind::kernel, accesses});
      reference.operation(accesses);
    } else {
      // Excludes a pseudo-random third of the regions, as in-flight work would.
      const std::uint64_t salt = random();
      const Evictable evictable = [salt](RegionId r) { return (r * 2654435761u ^ salt) % 3 != 0; };
      const std::uint64_t want = random() % (200ull << 20);
      const VictimChoice got = policy.choose_victims(want, evictable);
      const VictimChoice expected = reference.victims(want, evictable);
      ASSERT_EQ(got.victims.size(), expected.victims.size()) << "step " << step;
      for (std::size_t i = 0; i < got.victims.size(); ++i) {
        EXPECT_EQ(got.victims[i].region, expected.victims[i].region) << "step " << step;
        EXPECT_EQ(got.victims[i].bytes, expected.victims[i].bytes) << "step " << step;
        EXPECT_EQ(got.victims[i].discard, expected.victims[i].discard) << "step " << step;
      }
      ASSERT_EQ(got.bytes, expected.bytes) << "step " << step;
      ASSERT_EQ(got.shortfall, expected.shortfall) << "step " << step;
      ASSERT_EQ(policy.contents_dead(id), reference.dead(id)) << "step " << step;
      ++checks;
    }
  }
  EXPECT_GT(checks, 5000);
}

}  // namespace
}  // namespace gpuswap::policy
