#include "gpuswap/policy/lru_policy.h"

#include <algorithm>
#include <functional>

namespace gpuswap::policy {

LruPolicy::Entry* LruPolicy::find(RegionId region) {
  const auto it = index_.find(region);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const LruPolicy::Entry* LruPolicy::find(RegionId region) const {
  const auto it = index_.find(region);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

void LruPolicy::on_allocated(RegionId region, std::uint64_t bytes) {
  // An id the runtime reuses without a free in between starts over.
  on_freed(region);
  index_.emplace(region, entries_.size());
  entries_.push_back(Entry{region, bytes, 0, false, false});
}

void LruPolicy::on_freed(RegionId region) {
  const auto it = index_.find(region);
  if (it == index_.end()) return;
  const std::size_t slot = it->second;
  index_.erase(it);
  if (slot + 1 != entries_.size()) {
    entries_[slot] = entries_.back();
    index_[entries_[slot].id] = slot;
  }
  entries_.pop_back();
}

void LruPolicy::on_resident(RegionId region) {
  if (Entry* entry = find(region)) {
    entry->resident = true;
    entry->stamp = ++clock_;
  }
}

void LruPolicy::on_evicted(RegionId region) {
  if (Entry* entry = find(region)) entry->resident = false;
}

void LruPolicy::on_operation(const Operation& operation) {
  for (const Access& access : operation.accesses) {
    Entry* entry = find(access.region);
    if (entry == nullptr) continue;
    if (access.mode != AccessMode::read) entry->written = true;
    // The runtime makes every touched region resident first; one that is not
    // (a report out of order) only gets its contents state updated.
    if (entry->resident) entry->stamp = ++clock_;
  }
}

void LruPolicy::on_transfer(const Transfer&) {
  // Demand eviction does not depend on transfer speed.
}

VictimChoice LruPolicy::choose_victims(std::uint64_t bytes, const Evictable& evictable) {
  VictimChoice choice;
  order_.clear();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].resident) order_.emplace_back(entries_[i].stamp, i);
  }
  // A min-heap by stamp: only as many regions as are needed get ordered.
  const auto later = std::greater<>();
  std::make_heap(order_.begin(), order_.end(), later);
  while (choice.bytes < bytes && !order_.empty()) {
    std::pop_heap(order_.begin(), order_.end(), later);
    const Entry& entry = entries_[order_.back().second];
    order_.pop_back();
    if (evictable && !evictable(entry.id)) continue;
    choice.victims.push_back(Victim{entry.id, entry.bytes, !entry.written});
    choice.bytes += entry.bytes;
  }
  if (choice.bytes < bytes) choice.shortfall = bytes - choice.bytes;
  return choice;
}

std::vector<RegionId> LruPolicy::prefetch_now() {
  // On demand only: a region comes back when an operation needs it.
  return {};
}

std::vector<Victim> LruPolicy::evict_early(const Evictable&) {
  // LRU knows nothing of the future, so it never evicts before it must.
  return {};
}

bool LruPolicy::contents_dead(RegionId region) const {
  const Entry* entry = find(region);
  return entry != nullptr && !entry->written;
}

}  // namespace gpuswap::policy
