// LRU on demand, the baseline: when memory is needed, evict the least
// recently used resident regions; never prefetch, never evict early.
// "Used" means touched by an operation or made resident (a restore happens
// because a use follows). Every call is O(1) except choose_victims, which is
// O(regions it has to look at).
#pragma once

#include <list>
#include <unordered_map>

#include "gpuswap/policy/policy.h"

namespace gpuswap::policy {

class LruPolicy final : public Policy {
 public:
  std::string_view name() const override { return "lru"; }

  void on_allocated(RegionId region, std::uint64_t bytes) override;
  void on_freed(RegionId region) override;
  void on_resident(RegionId region) override;
  void on_evicted(RegionId region) override;
  void on_operation(const Operation& operation) override;
  void on_transfer(const Transfer& transfer) override;

  VictimChoice choose_victims(std::uint64_t bytes, const Evictable& evictable) override;
  std::vector<RegionId> prefetch_now() override;
  std::vector<Victim> evict_early(const Evictable& evictable) override;
  // True while no operation has written the region since it was allocated:
  // its contents are undefined, as fresh device memory's are. This relies on
  // the runtime reporting every operation that writes a region.
  bool contents_dead(RegionId region) const override;

 private:
  struct Entry {
    std::uint64_t bytes = 0;
    bool resident = false;
    bool written = false;
    std::list<RegionId>::iterator position;  // in lru_, only while resident
  };

  // Makes the region resident if needed and most recently used.
  void touch(RegionId region, Entry& entry);

  std::unordered_map<RegionId, Entry> regions_;
  std::list<RegionId> lru_;  // resident regions, least recently used first
};

}  // namespace gpuswap::policy
