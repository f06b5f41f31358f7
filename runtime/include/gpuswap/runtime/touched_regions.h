// The distinct regions one operation touches. Most launches touch a handful,
// which live inline; beyond that they spill to a vector whose capacity is kept
// across clear(), so a reused instance stops allocating once warm.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace gpuswap::runtime {

class Region;

class TouchedRegions {
 public:
  static constexpr std::size_t kInline = 16;

  void add(Region* region) {
    if (region == nullptr || region == last_) return;
    last_ = region;
    for (std::size_t i = 0; i < inline_count_; ++i) {
      if (inline_[i] == region) return;
    }
    if (inline_count_ < kInline) {
      inline_[inline_count_++] = region;
      return;
    }
    // Past the inline part duplicates are removed once, in finish(), so a
    // kilobyte-sized parameter block does not cost a quadratic scan.
    overflow_.push_back(region);
    sorted_ = false;
  }

  // Removes duplicates among the spilled entries; call once after the last add.
  void finish() {
    if (sorted_) return;
    std::sort(overflow_.begin(), overflow_.end());
    overflow_.erase(std::unique(overflow_.begin(), overflow_.end()), overflow_.end());
    sorted_ = true;
  }

  void clear() {
    inline_count_ = 0;
    overflow_.clear();
    last_ = nullptr;
    sorted_ = true;
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
  std::array<Region*, kInline> inline_{};
  std::size_t inline_count_ = 0;
  std::vector<Region*> overflow_;
  Region* last_ = nullptr;
  bool sorted_ = true;
};

}  // namespace gpuswap::runtime
