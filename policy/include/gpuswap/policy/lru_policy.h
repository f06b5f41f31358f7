// LRU on demand, the baseline: when memory is needed, evict the least
// recently used resident regions; never prefetch, never evict early.
// "Used" means touched by an operation or made resident (a restore happens
// because a use follows).
//
// Recency is a stamp from a counter, not a position in a list: every kernel
// launch reports its regions here, so a use must cost one lookup and two
// stores, whereas a list splice touches two neighbours' cache lines as well.
// The price is paid by choose_victims, which orders the resident regions by
// stamp (O(resident) to build a heap, O(log) per victim), and runs only when
// memory is short, next to copies of megabytes.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

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
    RegionId id = 0;
    std::uint64_t bytes = 0;
    std::uint64_t stamp = 0;  // the clock at its last use, while resident
    bool resident = false;
    bool written = false;
  };

  Entry* find(RegionId region);
  const Entry* find(RegionId region) const;

  // Entries live densely so that choose_victims scans an array; index_
  // finds them by id, and a freed entry's slot is filled by the last one.
  std::vector<Entry> entries_;
  std::unordered_map<RegionId, std::size_t> index_;
  std::uint64_t clock_ = 0;
  std::vector<std::pair<std::uint64_t, std::size_t>> order_;  // scratch: (stamp, entry)
};

}  // namespace gpuswap::policy
