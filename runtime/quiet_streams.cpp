#include "gpuswap/runtime/quiet_streams.h"

namespace gpuswap::runtime {

std::size_t QuietStreams::index_of(CUstream stream) const noexcept {
  const std::size_t count = count_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < count; ++i) {
    if (entries_[i].load(std::memory_order_relaxed) == stream) return i;
  }
  return kCapacity;
}

bool QuietStreams::add(CUstream stream) noexcept {
  if (stream == CU_STREAM_PER_THREAD) return false;
  if (index_of(stream) != kCapacity) return true;
  const std::size_t count = count_.load(std::memory_order_relaxed);
  if (count == kCapacity) return false;
  entries_[count].store(stream, std::memory_order_relaxed);
  // Published after the entry: a reader that sees the count sees the stream.
  count_.store(count + 1, std::memory_order_release);
  return true;
}

bool QuietStreams::erase(CUstream stream) noexcept {
  const std::size_t at = index_of(stream);
  if (at == kCapacity) return false;
  // The last entry moves into the hole, then the count drops. A reader in
  // between sees the moved stream twice or misses it: both only ever name
  // streams of the table.
  const std::size_t last = count_.load(std::memory_order_relaxed) - 1;
  entries_[at].store(entries_[last].load(std::memory_order_relaxed), std::memory_order_relaxed);
  count_.store(last, std::memory_order_release);
  return true;
}

bool QuietStreams::replace(CUstream dead, CUstream successor) noexcept {
  const std::size_t at = index_of(dead);
  if (at == kCapacity) return false;
  if (index_of(successor) != kCapacity) {
    (void)erase(dead);
  } else {
    entries_[at].store(successor, std::memory_order_relaxed);
  }
  return true;
}

}  // namespace gpuswap::runtime
