// The streams that touched a region since it was last known idle. Almost
// always one or two, so they live inline; more spill to the heap. At
// eviction the swap engine records one event on each (streams run in order,
// so that event completes after the region's last use) and then clears the set.
#pragma once

#include <cuda.h>

#include <array>
#include <cstddef>
#include <vector>

namespace gpuswap::runtime {

class StreamSet {
 public:
  static constexpr std::size_t kInline = 4;

  // Adds `stream` unless present; returns whether it was added.
  bool insert(CUstream stream);
  bool contains(CUstream stream) const;
  // Removes `stream`; returns whether it was present.
  bool erase(CUstream stream);
  void clear();
  std::size_t size() const { return inline_count_ + overflow_.size(); }
  bool empty() const { return size() == 0; }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t i = 0; i < inline_count_; ++i) fn(inline_[i]);
    for (CUstream stream : overflow_) fn(stream);
  }

 private:
  std::array<CUstream, kInline> inline_{};
  std::size_t inline_count_ = 0;
  std::vector<CUstream> overflow_;
};

}  // namespace gpuswap::runtime
