#include "gpuswap/policy/lru_policy.h"

namespace gpuswap::policy {

void LruPolicy::on_allocated(RegionId region, std::uint64_t bytes) {
  // An id the runtime reuses without a free in between starts over.
  on_freed(region);
  regions_.emplace(region, Entry{bytes, false, false, lru_.end()});
}

void LruPolicy::on_freed(RegionId region) {
  const auto it = regions_.find(region);
  if (it == regions_.end()) return;
  if (it->second.resident) lru_.erase(it->second.position);
  regions_.erase(it);
}

void LruPolicy::on_resident(RegionId region) {
  const auto it = regions_.find(region);
  if (it == regions_.end()) return;
  touch(region, it->second);
}

void LruPolicy::on_evicted(RegionId region) {
  const auto it = regions_.find(region);
  if (it == regions_.end() || !it->second.resident) return;
  lru_.erase(it->second.position);
  it->second.resident = false;
  it->second.position = lru_.end();
}

void LruPolicy::on_operation(const Operation& operation) {
  for (const Access& access : operation.accesses) {
    const auto it = regions_.find(access.region);
    if (it == regions_.end()) continue;
    Entry& entry = it->second;
    if (access.mode != AccessMode::read) entry.written = true;
    // The runtime makes every touched region resident first; one that is not
    // (a report out of order) only gets its contents state updated.
    if (entry.resident) touch(access.region, entry);
  }
}

void LruPolicy::on_transfer(const Transfer&) {
  // Demand eviction does not depend on transfer speed.
}

void LruPolicy::touch(RegionId region, Entry& entry) {
  if (entry.resident) {
    lru_.splice(lru_.end(), lru_, entry.position);
    return;
  }
  entry.resident = true;
  entry.position = lru_.insert(lru_.end(), region);
}

VictimChoice LruPolicy::choose_victims(std::uint64_t bytes, const Evictable& evictable) {
  VictimChoice choice;
  for (auto it = lru_.begin(); it != lru_.end() && choice.bytes < bytes; ++it) {
    if (evictable && !evictable(*it)) continue;
    const Entry& entry = regions_.at(*it);
    choice.victims.push_back(Victim{*it, entry.bytes, !entry.written});
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
  const auto it = regions_.find(region);
  return it != regions_.end() && !it->second.written;
}

}  // namespace gpuswap::policy
