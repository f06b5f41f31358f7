#include "gpuswap/runtime/stream_set.h"

#include <algorithm>

namespace gpuswap::runtime {

bool StreamSet::contains(CUstream stream) const {
  for (std::size_t i = 0; i < inline_count_; ++i) {
    if (inline_[i] == stream) return true;
  }
  return std::find(overflow_.begin(), overflow_.end(), stream) != overflow_.end();
}

bool StreamSet::insert(CUstream stream) {
  if (contains(stream)) return false;
  if (inline_count_ < kInline) {
    inline_[inline_count_++] = stream;
  } else {
    overflow_.push_back(stream);
  }
  return true;
}

bool StreamSet::erase(CUstream stream) {
  for (std::size_t i = 0; i < inline_count_; ++i) {
    if (inline_[i] != stream) continue;
    // Keep the inline part dense: the last inline entry, or the first spilled
    // one, takes the hole.
    if (!overflow_.empty()) {
      inline_[i] = overflow_.front();
      overflow_.erase(overflow_.begin());
    } else {
      inline_[i] = inline_[--inline_count_];
    }
    return true;
  }
  auto it = std::find(overflow_.begin(), overflow_.end(), stream);
  if (it == overflow_.end()) return false;
  overflow_.erase(it);
  return true;
}

void StreamSet::clear() {
  inline_count_ = 0;
  // Keep the capacity: a region that once ran on many streams will again.
  overflow_.clear();
}

}  // namespace gpuswap::runtime
