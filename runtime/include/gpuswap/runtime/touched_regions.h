// The distinct regions one operation touches. Most launches touch a handful,
// which live inline and are deduplicated by a linear search; beyond that they
// spill to a vector deduplicated through a small open-addressing set. Both
// keep their capacity across clear(), so a reused instance (one per hooking
// thread) stops allocating once warm.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gpuswap::runtime {

class Region;

class TouchedRegions {
 public:
  static constexpr std::size_t kInline = 16;

  void add(Region* region) {
    if (region == nullptr || region == last_) return;
    last_ = region;
    if (!overflow_.empty()) {
      spill(region);  // the set holds the inline entries too by now
      return;
    }
    for (std::size_t i = 0; i < inline_count_; ++i) {
      if (inline_[i] == region) return;
    }
    if (inline_count_ < kInline) {
      inline_[inline_count_++] = region;
      return;
    }
    spill(region);
  }

  // Adds a region the caller knows is not present yet (no search).
  void add_distinct(Region* region) {
    last_ = region;
    if (overflow_.empty() && inline_count_ < kInline) {
      inline_[inline_count_++] = region;
      return;
    }
    spill(region);
  }

  void clear() {
    inline_count_ = 0;
    last_ = nullptr;
    overflow_.clear();
  }

  std::size_t size() const { return inline_count_ + overflow_.size(); }
  bool empty() const { return size() == 0; }
  Region* operator[](std::size_t i) const {
    return i < inline_count_ ? inline_[i] : overflow_[i - inline_count_];
  }
  bool contains(const Region* region) const {
    for (std::size_t i = 0; i < size(); ++i) {
      if ((*this)[i] == region) return true;
    }
    return false;
  }
  // Whether the spill vector is in use (tests check the common case stays inline).
  bool spilled() const { return !overflow_.empty(); }

 private:
  static std::size_t hash(const Region* region) {
    return static_cast<std::size_t>(
        (reinterpret_cast<std::uintptr_t>(region) * 0x9E3779B97F4A7C15ull) >> 20);
  }

  void spill(Region* region) {
    // Keep the set at most half full so that probes stay short.
    // The first spill (after a clear, too) builds the set afresh.
    if (overflow_.empty() || set_.size() < 2 * (size() + 1)) rebuild();
    const std::size_t mask = set_.size() - 1;
    for (std::size_t i = hash(region);; ++i) {
      Region*& slot = set_[i & mask];
      if (slot == region) return;
      if (slot == nullptr) {
        slot = region;
        overflow_.push_back(region);
        return;
      }
    }
  }

  void rebuild() {
    std::size_t capacity = set_.size() < 64 ? 64 : set_.size();
    while (capacity < 4 * (size() + 1)) capacity *= 2;
    set_.assign(capacity, nullptr);
    for (std::size_t i = 0; i < inline_count_; ++i) place(inline_[i]);
    for (Region* region : overflow_) place(region);
  }

  void place(Region* region) {
    const std::size_t mask = set_.size() - 1;
    std::size_t i = hash(region);
    while (set_[i & mask] != nullptr) ++i;
    set_[i & mask] = region;
  }

  // Left uninitialised: only [0, inline_count_) is ever read, and a PinGuard
  // (one per launch) would otherwise clear 128 bytes on every launch.
  std::array<Region*, kInline> inline_;
  std::size_t inline_count_ = 0;
  std::vector<Region*> overflow_;
  // Once spilled: every entry, inline ones included, by hash; capacity a power of two.
  std::vector<Region*> set_;
  Region* last_ = nullptr;
};

}  // namespace gpuswap::runtime
